"""Benchmark for the value-added engine (issue 19): a province in one call, and side by side with statsmodels.

Run: .venv/bin/python bench/bench_quality_value_added.py              (both parts)
     .venv/bin/python bench/bench_quality_value_added.py province     (part a only)
Prints its figures; docs/benchmarks.md records the latest ones.

(a) 1,000,000 pupils in 20,000 schools (sizes lognormal, 1 to ~400), REML with prior attainment, every school's
    effect and interval: target under 3 s for the fit (grouping of the string school codes included; the data
    generation is timed separately).
(b) 30,000 pupils in 2,500 schools: ours against statsmodels' MixedLM (REML) in the same run. statsmodels is
    timed with its default settings (what a user runs); the equality check uses a second, tightly converged
    statsmodels fit (BFGS, gtol 1e-12; Powell if BFGS gives up), since the default stops ~1e-5 short of the
    optimum. Asserted: fixed effects and variance components to 1e-6 relative, school effects to 1e-6 absolute.
    Target: at least 20× faster than the default statsmodels fit.
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dudao.quality import value_added  # noqa: E402


def province(pupils: int, schools: int, seed: int = 19) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores 0–100-ish: score = 12 + 0.8·prior + school effect (SD 4) + noise (SD 8); school codes as strings."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0, 0.9, schools)
    school = np.concatenate([np.arange(schools), rng.choice(schools, pupils - schools, p=weights / weights.sum())])
    rng.shuffle(school)  # every school has a pupil; pupils of a school are not contiguous
    prior = np.clip(rng.normal(65, 14, pupils), 0, 100).round(1)
    effect = rng.normal(0, 4, schools)
    score = np.clip(12 + 0.8 * prior + effect[school] + rng.normal(0, 8, pupils), 0, 100).round(1)
    codes = np.char.add("3301", np.char.zfill(school.astype(str), 6))
    return score, prior, codes


def part_province() -> None:
    started = time.perf_counter()
    score, prior, codes = province(1_000_000, 20_000)
    generated = time.perf_counter() - started
    times = []
    for _ in range(3):
        started = time.perf_counter()
        fit = value_added.fit(score, prior, codes)
        times.append(time.perf_counter() - started)
    assert fit.converged and fit.n_schools == 20_000 and len(fit.schools) == 20_000
    flags = {flag: sum(s.flag == flag for s in fit.schools) for flag in value_added.FLAG_LABELS}
    print(f"(a) 1,000,000 pupils in 20,000 schools: generated in {generated:.2f} s; REML fit with every school's "
          f"effect and interval: best {min(times):.2f} s, runs {', '.join(f'{t:.2f}' for t in times)} s "
          f"(target < 3 s: {'met' if min(times) < 3 else 'NOT met'})")
    print(f"    β = {fit.fixed['intercept']:.3f} + {fit.fixed['prior']:.4f}·prior, σu² = {fit.school_var:.3f}, "
          f"σe² = {fit.residual_var:.3f}, ICC = {fit.icc:.4f}; flags {flags}")


def statsmodels_fit(score, prior, codes, *, tight: bool):
    from statsmodels.regression.mixed_linear_model import MixedLM

    model = MixedLM(score, np.column_stack([np.ones(len(score)), prior]), groups=codes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not tight:
            return model.fit(reml=True)
        result = model.fit(reml=True, method=["bfgs"], gtol=1e-12, maxiter=2000)
        if not result.converged:
            result = model.fit(reml=True, method=["powell"], xtol=1e-12, ftol=1e-14, maxiter=5000)
        return result


def part_side_by_side() -> None:
    score, prior, codes = province(30_000, 2_500, seed=7)
    ours_times = []
    for _ in range(5):
        started = time.perf_counter()
        ours = value_added.fit(score, prior, codes)
        ours_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    default = statsmodels_fit(score, prior, codes, tight=False)
    default_effects = default.random_effects
    default_time = time.perf_counter() - started
    started = time.perf_counter()
    tight = statsmodels_fit(score, prior, codes, tight=True)
    effects = tight.random_effects
    tight_time = time.perf_counter() - started
    assert tight.converged, "statsmodels did not converge tightly"
    np.testing.assert_allclose(list(ours.fixed.values()), tight.fe_params, rtol=1e-6)
    np.testing.assert_allclose(ours.school_var, tight.cov_re[0, 0], rtol=1e-6)
    np.testing.assert_allclose(ours.residual_var, tight.scale, rtol=1e-6)
    gap = max(abs(s.effect - float(effects[s.group].iloc[0])) for s in ours.schools)
    assert gap < 1e-6, gap
    default_gap = max(abs(s.effect - float(default_effects[s.group].iloc[0])) for s in ours.schools)
    best = min(ours_times)
    print(f"(b) 30,000 pupils in 2,500 schools, REML: ours best {best * 1000:.0f} ms "
          f"(runs {', '.join(f'{t * 1000:.0f}' for t in ours_times)} ms); statsmodels MixedLM default fit "
          f"{default_time:.2f} s, tightly converged fit {tight_time:.2f} s")
    print(f"    speed-up {default_time / best:.0f}× against the default fit (target ≥ 20×: "
          f"{'met' if default_time / best >= 20 else 'NOT met'}), {tight_time / best:.0f}× against the tight one")
    print(f"    equal to the tight fit: school effects within {gap:.1e} (the default fit is {default_gap:.1e} "
          f"away); σu² {ours.school_var:.6f} vs {tight.cov_re[0, 0]:.6f}, σe² {ours.residual_var:.6f} vs "
          f"{tight.scale:.6f}; log-likelihood {ours.loglik:.6f} vs {tight.llf:.6f}")


if __name__ == "__main__":
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}")
    part_province()
    if sys.argv[1:] != ["province"]:
        part_side_by_side()
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}")
