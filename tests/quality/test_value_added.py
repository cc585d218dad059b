"""The value-added engine (issue 19 item 4) against statsmodels' MixedLM, its properties, and every bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.regression.mixed_linear_model import MixedLM

from dudao.quality import value_added as va
from dudao.quality.value_added import FLAG_LABELS, ValueAddedError


def generate(seed: int, sizes, *, covariates: bool = False, school_sd: float = 4.0):
    """Pupils of schools with the given sizes: prior ~ N(60, 12), score = 10 + 0.8·prior + school + noise."""
    rng = np.random.default_rng(seed)
    sizes = np.asarray(sizes)
    school = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(school)  # pupils of a school are not contiguous
    n = len(school)
    prior = rng.normal(60, 12, n)
    effects = rng.normal(0, school_sd, len(sizes))
    y = 10 + 0.8 * prior + effects[school] + rng.normal(0, 8, n)
    extra = None
    if covariates:
        extra = {"gender": rng.integers(0, 2, n).astype(float), "ses": rng.normal(0, 1, n)}
        y += 2.0 * extra["gender"] + 1.5 * extra["ses"]
    return y, prior, np.array([f"S{k:04d}" for k in school]), extra


def statsmodels_fit(y, prior, groups, covariates, reml: bool):
    """statsmodels at a tight optimum: its default tolerances stop ~1e-5 short of it, so BFGS with a tiny
    gradient tolerance, and Powell where BFGS gives up (it does on the very unbalanced and tiny-school data)."""
    exog = np.column_stack([np.ones(len(y)), prior, *(covariates or {}).values()])
    model = MixedLM(y, exog, groups=groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.fit(reml=reml, method=["bfgs"], gtol=1e-12, maxiter=2000)
        if not result.converged:
            result = model.fit(reml=reml, method=["powell"], xtol=1e-12, ftol=1e-14, maxiter=5000)
        return result, result.random_effects, result.random_effects_cov


rng0 = np.random.default_rng(0)
DATASETS = {
    "balanced": dict(sizes=[20] * 30),
    "very_unbalanced": dict(sizes=np.clip(rng0.lognormal(3, 1.2, 60).astype(int), 1, 400)),
    "tiny_schools": dict(sizes=[1, 2, 1, 2, 2, 1, 30, 25, 3, 1, 40, 2, 15, 1, 8]),
    "covariates": dict(sizes=rng0.integers(5, 60, 40), covariates=True),
    "tiny_with_covariates": dict(sizes=[1, 2, 2, 1, 12, 35, 2, 20, 1, 9, 27], covariates=True),
}


@pytest.mark.parametrize("method", ["reml", "ml"])
@pytest.mark.parametrize("name", list(DATASETS))
def test_equals_statsmodels(name, method):
    spec = DATASETS[name]
    y, prior, groups, covariates = generate(19, spec["sizes"], covariates=spec.get("covariates", False))
    ours = va.fit(y, prior, groups, covariates=covariates, method=method)
    theirs, random_effects, conditional_cov = statsmodels_fit(y, prior, groups, covariates, reml=method == "reml")
    assert theirs.converged and ours.converged
    assert ours.loglik == pytest.approx(theirs.llf, rel=1e-10)  # the same likelihood, constants included
    assert list(ours.fixed) == ["intercept", "prior", *(covariates or {})]
    np.testing.assert_allclose(list(ours.fixed.values()), theirs.fe_params, rtol=1e-6)
    assert ours.school_var == pytest.approx(theirs.cov_re[0, 0], rel=1e-6)
    assert ours.residual_var == pytest.approx(theirs.scale, rel=1e-6)
    assert ours.icc == pytest.approx(ours.school_var / (ours.school_var + ours.residual_var))
    assert {s.group for s in ours.schools} == set(random_effects)
    for school in ours.schools:
        assert school.effect == pytest.approx(float(random_effects[school.group].iloc[0]), abs=1e-6)
        # The conditional SE (DOMAIN.md §4b) is statsmodels' random_effects_cov.
        assert school.se**2 == pytest.approx(float(np.asarray(conditional_cov[school.group])[0, 0]), rel=1e-6)
    # Ours are the GLS standard errors σe²·(XᵀV⁻¹X)⁻¹ (as lme4's vcov, checked exactly in
    # test_against_dense_formulas); statsmodels' bse_fe invert the observed information of (β, σu²) jointly,
    # whose β–σu² cross term is zero only in expectation: within 2% here (0.003% on the balanced data), and
    # the observed-information version recomputed from our estimates gives statsmodels' figures.
    np.testing.assert_allclose(list(ours.fixed_se.values()), theirs.bse_fe, rtol=2e-2)
    if len(y) <= 200:  # dense n×n algebra: the tiny-school data sets
        exog = np.column_stack([np.ones(len(y)), prior, *(covariates or {}).values()])
        np.testing.assert_allclose(observed_information_se(y, exog, groups, ours), theirs.bse_fe, rtol=5e-4)


def observed_information_se(y, x, groups, fit):
    """SEs of β from the numerical Hessian of the (RE)ML likelihood in (β, γ), σe² profiled out, dense."""
    z = (groups[:, None] == np.array([s.group for s in fit.schools])[None, :]).astype(float)
    zz, (n, p) = z @ z.T, x.shape
    dof = n - p if fit.method == "reml" else n

    def loglik(params):
        h = np.eye(n) + params[p] * zz
        h_inv, e = np.linalg.inv(h), y - x @ params[:p]
        value = -dof / 2 * np.log(e @ h_inv @ e) - 0.5 * np.linalg.slogdet(h)[1]
        return value - (0.5 * np.linalg.slogdet(x.T @ h_inv @ x)[1] if fit.method == "reml" else 0)

    theta = np.array([*fit.fixed.values(), fit.school_var / fit.residual_var])
    steps = np.diag(1e-4 * np.maximum(np.abs(theta), 1e-2))
    hess = np.array([[(loglik(theta + a + b) - loglik(theta + a - b) - loglik(theta - a + b)
                       + loglik(theta - a - b)) / (4 * a.sum() * b.sum()) for b in steps] for a in steps])
    return np.sqrt(np.diag(np.linalg.inv(-hess))[:p])


@pytest.mark.parametrize("method", ["reml", "ml"])
def test_against_dense_formulas(method):
    """Per-pupil matrices, the textbook way: GLS β and SEs, BLUP = σu²·Zᵀ V⁻¹ (y − Xβ), conditional SE."""
    y, prior, groups, covariates = generate(5, [1, 3, 7, 12, 2, 9], covariates=True)
    fit = va.fit(y, prior, groups, covariates=covariates, method=method)
    x = np.column_stack([np.ones(len(y)), prior, *covariates.values()])
    labels = [s.group for s in fit.schools]
    z = (groups[:, None] == np.array(labels)[None, :]).astype(float)
    v = fit.school_var * z @ z.T + fit.residual_var * np.eye(len(y))
    v_inv = np.linalg.inv(v)
    cov = np.linalg.inv(x.T @ v_inv @ x)
    beta = cov @ x.T @ v_inv @ y
    np.testing.assert_allclose(list(fit.fixed.values()), beta, rtol=1e-9)
    np.testing.assert_allclose(list(fit.fixed_se.values()), np.sqrt(np.diag(cov)), rtol=1e-9)
    blup = fit.school_var * z.T @ v_inv @ (y - x @ beta)
    np.testing.assert_allclose([s.effect for s in fit.schools], blup, atol=1e-9)
    n = z.sum(axis=0)
    se = np.sqrt(fit.school_var * fit.residual_var / (n * fit.school_var + fit.residual_var))
    np.testing.assert_allclose([s.se for s in fit.schools], se, rtol=1e-9)
    np.testing.assert_allclose([s.shrinkage for s in fit.schools],
                               n * fit.school_var / (n * fit.school_var + fit.residual_var), rtol=1e-9)
    ols = np.linalg.lstsq(x, y, rcond=None)[0]
    np.testing.assert_allclose([s.residual_mean for s in fit.schools], z.T @ (y - x @ ols) / n, atol=1e-9)
    assert va.residual_method(y, prior, groups, covariates=covariates) == pytest.approx(
        {s.group: s.residual_mean for s in fit.schools}, abs=1e-9)


def test_intervals_flags_order_and_small_schools():
    y, prior, groups, _ = generate(3, [1, 60, 45, 2, 80, 70, 5, 90], school_sd=8)
    fit = va.fit(y, prior, groups, small_n=10)
    seen = list(dict.fromkeys(groups.tolist()))
    assert [s.group for s in fit.schools] == seen  # order of first appearance
    assert fit.n_students == len(y) and fit.n_schools == 8 and fit.method == "reml"
    for s in fit.schools:
        assert s.ci_low == pytest.approx(s.effect - 1.959963984540054 * s.se)
        assert s.ci_high == pytest.approx(s.effect + 1.959963984540054 * s.se)
        assert s.flag == ("above" if s.ci_low > 0 else "below" if s.ci_high < 0 else "expected")
        assert s.flag in FLAG_LABELS
        assert s.small == (s.n < 10)
    assert {s.flag for s in fit.schools} >= {"above", "below"}  # school SD 8 with big schools: both occur
    one = next(s for s in fit.schools if s.n == 1)  # kept, heavily shrunk, widest interval, marked
    big = max(fit.schools, key=lambda s: s.n)
    assert one.small and not big.small
    assert one.shrinkage < 0.5 < big.shrinkage
    assert abs(one.effect) <= abs(one.residual_mean) and one.se > big.se
    assert any("少于 10 人" in w for w in fit.warnings)
    narrower = va.fit(y, prior, groups, level=0.90)
    assert all(a.ci_high - a.ci_low < b.ci_high - b.ci_low for a, b in zip(narrower.schools, fit.schools,
                                                                         strict=True))


def test_groups_may_be_numbers_or_lists():
    y, prior, groups, _ = generate(4, [10, 20, 30])
    codes = np.array([int(g[1:]) for g in groups])
    a, b = va.fit(y, prior, groups), va.fit(list(y), list(prior), codes.tolist())
    assert [s.group for s in b.schools] == [str(int(s.group[1:])) for s in a.schools]
    assert [s.effect for s in a.schools] == pytest.approx([s.effect for s in b.schools], abs=1e-12)


def test_school_codes_grouped_alike_whatever_their_type():
    """Codes as a numpy string array (vectorised hash path), a list (dict path) or numbers give one result."""
    y, prior, groups, _ = generate(6, [4, 9, 1, 16, 2, 7])
    names = {g: f"{g}号学校·甲" for g in set(groups.tolist())}
    chinese = np.array([names[g] for g in groups])
    a, b = va.fit(y, prior, chinese), va.fit(y, prior, chinese.tolist())
    assert [s.group for s in a.schools] == [s.group for s in b.schools] == list(dict.fromkeys(chinese.tolist()))
    assert [s.effect for s in a.schools] == [s.effect for s in b.schools]
    widths = np.array(["A", "AB", "A", "ABC", "AB", "A"] * 3)  # strings of different widths, padded in numpy
    codes, labels = va._codes(widths)
    assert labels == ["A", "AB", "ABC"] and codes.tolist() == [0, 1, 0, 2, 1, 0] * 3


sizes_strategy = st.lists(st.integers(min_value=1, max_value=25), min_size=3, max_size=12).filter(
    lambda s: max(s) >= 2)


@settings(max_examples=25, deadline=None)
@given(sizes_strategy, st.integers(0, 10**6), st.floats(-500, 500), st.sampled_from(["reml", "ml"]))
def test_adding_a_constant_shifts_only_the_intercept(sizes, seed, shift, method):
    y, prior, groups, _ = generate(seed, sizes, school_sd=5)
    a, b = va.fit(y, prior, groups, method=method), va.fit(y + shift, prior, groups, method=method)
    assume(a.converged and b.converged)
    assert b.fixed["intercept"] == pytest.approx(a.fixed["intercept"] + shift, abs=1e-6)
    assert b.fixed["prior"] == pytest.approx(a.fixed["prior"], rel=1e-7, abs=1e-9)
    assert b.school_var == pytest.approx(a.school_var, rel=1e-6, abs=1e-9)
    assert b.residual_var == pytest.approx(a.residual_var, rel=1e-7)
    assert [s.effect for s in b.schools] == pytest.approx([s.effect for s in a.schools], abs=1e-6)
    assert [s.residual_mean for s in b.schools] == pytest.approx([s.residual_mean for s in a.schools], abs=1e-7)


@settings(max_examples=25, deadline=None)
@given(sizes_strategy, st.integers(0, 10**6), st.floats(0.01, 100), st.sampled_from(["reml", "ml"]))
def test_scaling_scores_scales_effects(sizes, seed, k, method):
    y, prior, groups, _ = generate(seed, sizes, school_sd=5)
    a, b = va.fit(y, prior, groups, method=method), va.fit(k * y, prior, groups, method=method)
    assume(a.converged and b.converged)  # a school of 2 among singletons can leave σe² → 0 (reported)
    for name in a.fixed:
        assert b.fixed[name] == pytest.approx(k * a.fixed[name], rel=1e-6, abs=1e-9 * k)
        assert b.fixed_se[name] == pytest.approx(k * a.fixed_se[name], rel=1e-6)
    # A school variance near 0 is found to the optimiser's precision on σu²/σe², not to 1e-6 of itself: compare
    # it at 1e-6 of the total variance.
    total = k * k * (a.school_var + a.residual_var)
    assert b.school_var == pytest.approx(k * k * a.school_var, rel=1e-6, abs=1e-6 * total)
    assert b.residual_var == pytest.approx(k * k * a.residual_var, rel=1e-7)
    assert b.icc == pytest.approx(a.icc, rel=1e-6, abs=1e-6)
    assert [s.effect for s in b.schools] == pytest.approx([k * s.effect for s in a.schools], abs=1e-6 * k)
    assert [s.se for s in b.schools] == pytest.approx([k * s.se for s in a.schools], abs=1e-6 * k)
    assert [s.flag for s in b.schools] == [s.flag for s in a.schools]


@settings(max_examples=25, deadline=None)
@given(sizes_strategy, st.integers(0, 10**6), st.randoms(use_true_random=False))
def test_permuting_school_labels_permutes_effects(sizes, seed, random):
    y, prior, groups, _ = generate(seed, sizes, school_sd=5)
    labels = sorted(set(groups.tolist()))
    renamed = labels[:]
    random.shuffle(renamed)
    mapping = dict(zip(labels, renamed, strict=True))
    order = np.arange(len(y))
    random.shuffle(order)  # the pupils' order does not matter either
    a = va.fit(y, prior, groups)
    assume(a.converged)
    b = va.fit(y[order], prior[order], np.array([mapping[g] for g in groups])[order])
    assert b.fixed == pytest.approx(a.fixed, rel=1e-7)
    assert b.school_var == pytest.approx(a.school_var, rel=1e-6, abs=1e-9)
    effects = {s.group: s for s in b.schools}
    for s in a.schools:
        moved = effects[mapping[s.group]]
        assert (moved.n, moved.flag) == (s.n, s.flag)
        assert moved.effect == pytest.approx(s.effect, abs=1e-7)
        assert moved.se == pytest.approx(s.se, rel=1e-6, abs=1e-12)


def test_school_variance_at_zero():
    """School means that vary less than chance: σu² = 0, converged, every effect 0, and a warning."""
    rng = np.random.default_rng(8)
    school = np.repeat(np.arange(12), 15)
    noise = rng.normal(0, 5, len(school))
    noise -= (np.bincount(school, noise) / 15)[school]  # no between-school variation at all
    prior = rng.normal(50, 10, len(school))
    fit = va.fit(3 + 0.9 * prior + noise, prior, school)
    assert fit.converged and fit.school_var == 0 and fit.icc == 0
    assert all(s.effect == 0 and s.se == 0 and s.shrinkage == 0 and s.flag == "expected" for s in fit.schools)
    assert any("学校间方差估计为 0" in w for w in fit.warnings)


def test_non_convergence_is_reported():
    y, prior, groups, _ = generate(2, [30, 20, 25, 40])
    fit = va.fit(y, prior, groups, max_iter=1)
    assert not fit.converged and any("未能收敛" in w for w in fit.warnings)
    # Scores exactly linear in prior within every school: σe² → 0, no maximum exists.
    school = np.repeat(np.arange(5), 6)
    prior = np.arange(30.0) % 7
    fit = va.fit(2 * prior + 3 * school, prior, school)
    assert not fit.converged and any("未能收敛" in w for w in fit.warnings)


def _data(n_schools=4, per=6):
    rng = np.random.default_rng(1)
    school = np.repeat(np.arange(n_schools), per)
    return rng.normal(70, 10, len(school)), rng.normal(60, 10, len(school)), school


@pytest.mark.parametrize(("change", "message"), [
    (lambda y, p, g, c: (y, p, np.zeros_like(g), c), "只有 1 所学校"),
    (lambda y, p, g, c: (y, None, g, c), "没有前测成绩"),
    (lambda y, p, g, c: (y[:0], p[:0], g[:0], c), "没有前测成绩"),
    (lambda y, p, g, c: (y[:2], p[:2], [0, 1], c), "不多于待估计的参数个数"),
    (lambda y, p, g, c: (np.full_like(y, 80.0), p, g, c), "方差为零"),
    (lambda y, p, g, c: (y, p, g, {"性别": np.ones_like(y)}), "协变量“性别”在数据中取值恒定"),
    (lambda y, p, g, c: (y, p, g, {"x": 2 * p + 3}), "协变量“x”与前测成绩完全共线"),
    (lambda y, p, g, c: (y, p, g, {"a": p % 2, "b": 1 - p % 2}), "协变量“b”与前测成绩、协变量“a”完全共线"),
    (lambda y, p, g, c: (np.where(np.arange(len(y)) == 4, np.nan, y), p, g, c), "成绩中有 1 个缺失值"),
    (lambda y, p, g, c: (y, np.where(np.arange(len(y)) == 2, np.inf, p), g, c), "前测成绩中有 1 个"),
    (lambda y, p, g, c: (y, p, g, {"ses": np.where(np.arange(len(y)) < 2, np.nan, p)}), "协变量“ses”中有 2 个"),
    (lambda y, p, g, c: (y, p[:-1], g, c), "条数"),
    (lambda y, p, g, c: (y, p, g[:-1], c), "学校的条数"),
    (lambda y, p, g, c: (y, ["a"] * len(y), g, c), "非数值"),
    (lambda y, p, g, c: (y, p, np.arange(len(y)), c), "每所学校都只有 1 名学生"),
])
def test_bad_input(change, message):
    y, prior, groups = _data()
    y, prior, groups, covariates = change(y, prior, groups, None)
    with pytest.raises(ValueAddedError, match=message):
        va.fit(y, prior, groups, covariates=covariates)


def test_bad_method_and_level():
    y, prior, groups = _data()
    with pytest.raises(ValueAddedError, match="未知的估计方法"):
        va.fit(y, prior, groups, method="bayes")
    with pytest.raises(ValueAddedError, match="置信水平"):
        va.fit(y, prior, groups, level=1.5)
    with pytest.raises(ValueAddedError, match="只有 1 所学校"):
        va.residual_method(y, prior, np.zeros_like(groups))
