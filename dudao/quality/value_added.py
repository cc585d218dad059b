"""增值评价: the two-level random-intercept model of school value-added (DOMAIN.md §4b), pure numpy.

Model, for pupil i in school j (N pupils, J schools, p fixed effects):
    y_ij = x_ij·β + u_j + e_ij,   x_ij = (1, prior_ij, covariates_ij…),   u_j ~ N(0, σu²),   e_ij ~ N(0, σe²)
fitted by REML (default, as lme4 and statsmodels) or ML (as MLwiN's IGLS).

Profiled likelihood. Write γ = σu²/σe². School j's covariance is σe²·(I + γ·11ᵀ), whose inverse is
(I − w_j·11ᵀ)/σe² with w_j = γ/(1 + n_j·γ), and whose log-determinant is n_j·log σe² + log(1 + n_j·γ).
So everything the likelihood needs comes from per-school sums n_j, sx_j = Σx, sy_j = Σy and the totals
Sxx = Σxxᵀ, Sxy = Σxy, Syy = Σy² — no per-pupil matrices:
    A(γ) = Sxx − Σ_j w_j·sx_j·sx_jᵀ          (= Xᵀ V⁻¹ X · σe²)
    b(γ) = Sxy − Σ_j w_j·sx_j·sy_j,   c(γ) = Syy − Σ_j w_j·sy_j²
    β(γ) = A⁻¹ b,   RSS(γ) = c − bᵀβ
    ML:    σe² = RSS/N,      −2·ℓ = N·(1 + log(2π·RSS/N)) + Σ_j log(1 + n_j·γ)
    REML:  σe² = RSS/(N−p),  −2·ℓ = (N−p)·(1 + log(2π·RSS/(N−p))) + Σ_j log(1 + n_j·γ) + log det A
and, with r_j = sy_j − sx_j·β (school j's summed residual) and d_j = 1/(1 + n_j·γ)², the exact derivatives
    dRSS/dγ = −Σ_j d_j·r_j²,   d log det A/dγ = −Σ_j d_j·sx_jᵀ A⁻¹ sx_j,   d Σ log(1+n_j·γ)/dγ = Σ_j n_j/(1+n_j·γ).
ℓ is maximised over θ = log γ: a coarse grid from γ = 1e-10 to 1e10 finds the peak, the derivative's root is
then polished inside the bracket (Illinois regula falsi), and γ = 0 is taken when the best point is the
boundary and the slope there is not positive (σu² = 0: all school effects 0, a warning says so).

Results. Fixed effects β with covariance σe²·A⁻¹ (the usual GLS standard errors). School effect (BLUP, the
empirical-Bayes estimate, as statsmodels' random_effects and lme4's ranef):
    u_j = shrink_j · r_j / n_j,   shrink_j = n_j·σu² / (n_j·σu² + σe²)
with the conditional standard error of DOMAIN.md §4b, i.e. the posterior SD of u_j given the data and the
estimated β, σu², σe² (it does not add the uncertainty of β):  se_j = sqrt(σu²·σe² / (n_j·σu² + σe²)).
Interval u_j ± z·se_j (z the normal quantile of the level); flag "above"/"below" when the interval lies wholly
above/below 0, else "expected". ICC = σu²/(σu² + σe²). The simple residual method is the mean OLS residual
(γ = 0) of each school, reported alongside. Data are centred before the sums (exact; only the intercept is
mapped back), which keeps RSS free of cancellation.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

FLAG_LABELS = {"above": "显著高于预期", "expected": "符合预期", "below": "显著低于预期"}
METHODS = ("reml", "ml")
_GRID = np.arange(np.log(1e-10), np.log(1e10) + 0.5, 1.0)  # θ = log γ


class ValueAddedError(ValueError):
    """Why value-added cannot be computed for these data (Chinese message, shown to users)."""


@dataclass(frozen=True)
class SchoolEffect:
    group: str
    n: int
    effect: float
    se: float
    ci_low: float
    ci_high: float
    flag: str  # "above" | "expected" | "below"
    shrinkage: float  # n·σu² / (n·σu² + σe²)
    residual_mean: float  # the simple residual method: mean OLS residual of the school
    small: bool  # n < small_n (kept, heavily shrunk, marked)


@dataclass(frozen=True)
class ValueAdded:
    method: str
    n_students: int
    n_schools: int
    fixed: dict[str, float]  # "intercept", "prior", then covariate names in order
    fixed_se: dict[str, float]
    school_var: float
    residual_var: float
    icc: float
    converged: bool
    warnings: list[str]  # Chinese
    schools: list[SchoolEffect]  # in the order of first appearance of each group
    loglik: float = field(default=float("nan"))  # maximised (RE)ML log-likelihood, for comparisons


def _codes(groups: Iterable) -> tuple[np.ndarray, list[str]]:
    """Integer code per pupil and the group labels, numbered in order of first appearance.

    A numpy array of numbers is factorised by sorting; one of fixed-width strings by sorting a 64-bit hash of
    its characters (vectorised), checked exactly afterwards (a collision falls back); anything else by a dict.
    """
    if isinstance(groups, np.ndarray) and groups.ndim == 1 and groups.dtype.kind in "iuU" and len(groups):
        keys = groups
        if groups.dtype.kind == "U":
            chars = np.ascontiguousarray(groups).view(np.uint32).reshape(len(groups), -1)
            keys = np.zeros(len(groups), dtype=np.uint64)
            for column in chars.T:  # polynomial hash, wrapping modulo 2⁶⁴
                keys = keys * np.uint64(1_000_003) + column
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        order = np.argsort(first)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        labels = groups[first[order]]
        codes = rank[inverse.ravel()]
        if np.array_equal(labels[codes], groups):
            return codes, [str(g) for g in labels.tolist()]
    values = groups.tolist() if isinstance(groups, np.ndarray) else list(groups)
    first_seen = dict.fromkeys(values)  # insertion-ordered: first appearance
    lookup = {g: i for i, g in enumerate(first_seen)}
    return np.array(list(map(lookup.__getitem__, values)), dtype=np.int64), [str(g) for g in first_seen]


def _design(y, prior, groups, covariates) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, list[str]]:
    """Validated y, X (intercept, prior, covariates), column names, group codes and labels."""
    if prior is None:
        raise ValueAddedError("没有前测成绩，无法计算增值（增值评价需要每名学生的前测成绩）。")
    try:
        y = np.asarray(y, dtype=np.float64).ravel()
        columns = {"prior": np.asarray(prior, dtype=np.float64).ravel()}
        for name, values in (covariates or {}).items():
            columns[str(name)] = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueAddedError("成绩、前测成绩或协变量中含有非数值内容，无法计算增值。") from exc
    codes, labels = _codes(groups)
    if len(columns["prior"]) == 0 or len(y) == 0:
        raise ValueAddedError("没有前测成绩，无法计算增值（增值评价需要每名学生的前测成绩）。")
    names = {"prior": "前测成绩"} | {k: f"协变量“{k}”" for k in columns if k != "prior"}
    for key, values in {"score": y, **columns, "groups": codes}.items():
        if len(values) != len(y):
            what = {"score": "成绩", "groups": "学校"}.get(key) or names[key]
            raise ValueAddedError(f"{what}的条数（{len(values)}）与成绩条数（{len(y)}）不一致。")
    for key, values in {"score": y, **columns}.items():
        bad = ~np.isfinite(values)
        if bad.any():
            what = "成绩" if key == "score" else names[key]
            raise ValueAddedError(f"{what}中有 {int(bad.sum())} 个缺失值或非有限数值（第一个在第 "
                                  f"{int(np.argmax(bad)) + 1} 条），请先补齐或剔除这些学生。")
    if len(labels) < 2:
        raise ValueAddedError(f"只有 {len(labels)} 所学校，无法估计学校之间的差异（至少需要 2 所学校）。")
    p = 1 + len(columns)
    if len(y) <= p:
        raise ValueAddedError(f"学生人数（{len(y)}）不多于待估计的参数个数（{p}），无法计算增值。")
    if np.ptp(y) == 0:
        raise ValueAddedError("所有学生的成绩都相同（方差为零），无法计算增值。")
    if np.bincount(codes).max() < 2:
        raise ValueAddedError("每所学校都只有 1 名学生，无法区分学校之间与学校内部的差异。")
    kept: list[np.ndarray] = []
    for key, values in columns.items():
        if np.ptp(values) == 0:
            raise ValueAddedError(f"{names[key]}在数据中取值恒定，无法估计其作用；请去掉该项后再计算。")
        centred = [v - v.mean() for v in (*kept, values)]
        matrix = np.column_stack(centred) / np.sqrt([np.square(v).sum() for v in centred])
        if np.linalg.svd(matrix, compute_uv=False)[-1] < 1e-7:
            earlier = "、".join(names[k] for k in list(columns)[: len(kept)])
            raise ValueAddedError(f"{names[key]}与{earlier}完全共线（设计矩阵奇异），无法分别估计；"
                                  f"请去掉该项后再计算。")
        kept.append(values)
    return y, np.column_stack([np.ones(len(y)), *kept]), ["intercept", *columns], codes, labels


class _Profile:
    """The profiled (RE)ML likelihood as a function of γ = σu²/σe², from per-school sums."""

    def __init__(self, y: np.ndarray, x: np.ndarray, codes: np.ndarray, reml: bool) -> None:
        # Long 1-D products are written as (a * b).sum(): BLAS dot/gemv threads stall on a busy machine.
        self.n = np.bincount(codes).astype(np.float64)
        self.sx = np.column_stack([np.bincount(codes, weights=col, minlength=len(self.n)) for col in x.T])
        self.sy = np.bincount(codes, weights=y, minlength=len(self.n))
        self.outer = (self.sx[:, :, None] * self.sx[:, None, :]).reshape(len(self.n), -1)  # sx_j·sx_jᵀ
        self.sxx = np.array([[(c * d).sum() for d in x.T] for c in x.T])
        self.sxy, self.syy = np.array([(c * y).sum() for c in x.T]), np.square(y).sum()
        self.size, self.p, self.reml = len(y), x.shape[1], reml
        self.dof = self.size - self.p if reml else self.size

    def at(self, gamma: float) -> dict:
        p, n = self.p, self.n
        w = gamma / (1.0 + n * gamma)
        a = self.sxx - (w[:, None] * self.outer).sum(axis=0).reshape(p, p)
        beta = np.linalg.solve(a, self.sxy - (self.sx * (w * self.sy)[:, None]).sum(axis=0))
        resid = self.sy - (self.sx * beta).sum(axis=1)  # r_j, summed residual of school j
        r2 = np.square(resid)
        rss = self.syy - 2 * beta @ self.sxy + beta @ self.sxx @ beta - (w * r2).sum()
        loglik = -0.5 * (self.dof * (1 + np.log(2 * np.pi * rss / self.dof)) + np.log1p(n * gamma).sum())
        d = 1.0 / np.square(1.0 + n * gamma)
        slope = 0.5 * self.dof * (d * r2).sum() / rss - 0.5 * (n / (1.0 + n * gamma)).sum()
        if self.reml:
            loglik -= 0.5 * np.linalg.slogdet(a)[1]
            quad = (self.outer * np.linalg.inv(a).ravel()).sum(axis=1)  # sx_jᵀ A⁻¹ sx_j
            slope += 0.5 * (d * quad).sum()
        return {"gamma": gamma, "a": a, "beta": beta, "resid": resid, "rss": rss, "loglik": loglik,
                "slope": slope}  # slope = dℓ/dγ


def _maximise(profile: _Profile, max_iter: int) -> tuple[dict, bool, list[str]]:
    """γ̂ ≥ 0 maximising the profiled likelihood; whether that converged; Chinese warnings."""
    grid = [profile.at(float(np.exp(t))) for t in _GRID]
    best = int(np.argmax(np.nan_to_num([g["loglik"] for g in grid], nan=-np.inf)))  # RSS ≤ 0 by rounding: NaN
    zero = profile.at(0.0)
    if best == 0 and (zero["slope"] <= 0 or zero["loglik"] >= grid[0]["loglik"]):
        return zero, True, ["学校间方差估计为 0：考虑前测成绩后，学校之间没有可检测的差异，所有学校的增值均为 0。"]
    if best == len(grid) - 1:
        return grid[best], False, ["模型未能收敛：学校间方差相对校内方差无限增大（校内几乎没有差异），结果不可用。"]
    lo, hi = grid[max(best - 1, 0)], grid[best + 1]
    if best == 0:  # peak below γ = 1e-10: bracket down to γ → 0 on the θ scale
        lo = profile.at(float(np.exp(_GRID[0] - 30)))
    t_lo, t_hi = np.log(lo["gamma"]), np.log(hi["gamma"])
    g_lo, g_hi = lo["slope"] * lo["gamma"], hi["slope"] * hi["gamma"]  # dℓ/dθ
    current, side, previous = grid[best], 0, np.inf
    if not (g_lo > 0 > g_hi):
        return current, False, ["模型未能收敛：似然函数在最优点附近不是单峰，结果仅供参考。"]
    for _ in range(max_iter):
        t = (t_lo * g_hi - t_hi * g_lo) / (g_hi - g_lo)
        if not t_lo < t < t_hi:
            t = 0.5 * (t_lo + t_hi)
        current = profile.at(float(np.exp(t)))
        g = current["slope"] * current["gamma"]
        if abs(g) < 1e-12 * (1.0 + abs(current["loglik"])) or abs(t - previous) < 1e-13 or t_hi - t_lo < 1e-12:
            return current, True, []
        previous = t
        if g > 0:  # Illinois: halve the stale end's slope when the same end is kept twice
            t_lo, g_lo = t, g
            g_hi = g_hi / 2 if side == 1 else g_hi
            side = 1
        else:
            t_hi, g_hi = t, g
            g_lo = g_lo / 2 if side == -1 else g_lo
            side = -1
    return current, False, [f"模型未能收敛：迭代 {max_iter} 次后仍未达到精度要求，结果仅供参考，不应据此判断学校。"]


def fit(y, prior, groups, *, covariates: Mapping[str, np.ndarray] | None = None, method: str = "reml",
        level: float = 0.95, small_n: int = 10, max_iter: int = 200) -> ValueAdded:
    """Fit the random-intercept model and predict every school's value-added (see the module docstring)."""
    if method not in METHODS:
        raise ValueAddedError(f"未知的估计方法“{method}”，只能是 REML 或 ML。")
    if not 0 < level < 1:
        raise ValueAddedError("置信水平必须在 0 与 1 之间。")
    y, x, names, codes, labels = _design(y, prior, groups, covariates)
    means = x[:, 1:].mean(axis=0)
    y_mean = y.mean()
    xc = np.column_stack([x[:, 0], x[:, 1:] - means])
    profile = _Profile(y - y_mean, xc, codes, reml=method == "reml")
    best, converged, warnings = _maximise(profile, max_iter)
    gamma = best["gamma"]
    residual_var = float(best["rss"] / profile.dof)
    school_var = gamma * residual_var
    # Back from the centred columns: β = T·β_c + (ȳ, 0…), T = [[1, −means], [0, I]].
    t = np.eye(len(names))
    t[0, 1:] = -means
    beta = t @ best["beta"]
    beta[0] += y_mean
    cov = residual_var * t @ np.linalg.inv(best["a"]) @ t.T
    n = profile.n
    shrink = n * gamma / (1.0 + n * gamma)
    effect = shrink * best["resid"] / n
    se = np.sqrt(residual_var * gamma / (1.0 + n * gamma))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    ols = profile.at(0.0)
    residual_mean = ols["resid"] / n
    schools = []
    for j, label in enumerate(labels):
        low, high = effect[j] - z * se[j], effect[j] + z * se[j]
        flag = "above" if low > 0 else "below" if high < 0 else "expected"
        schools.append(SchoolEffect(
            group=label, n=int(n[j]), effect=float(effect[j]), se=float(se[j]), ci_low=float(low),
            ci_high=float(high), flag=flag, shrinkage=float(shrink[j]), residual_mean=float(residual_mean[j]),
            small=bool(n[j] < small_n)))
    if converged and any(s.small for s in schools) and gamma > 0:
        warnings.append(f"有 {sum(s.small for s in schools)} 所学校的学生少于 {small_n} 人：其增值向 0 "
                        f"收缩较多、区间较宽，请谨慎解读。")
    return ValueAdded(
        method=method, n_students=len(y), n_schools=len(labels),
        fixed={k: float(v) for k, v in zip(names, beta, strict=True)},
        fixed_se={k: float(v) for k, v in zip(names, np.sqrt(np.diag(cov)), strict=True)},
        school_var=float(school_var), residual_var=residual_var,
        icc=float(school_var / (school_var + residual_var)), converged=converged, warnings=warnings,
        schools=schools, loglik=float(best["loglik"]))


def residual_method(y, prior, groups, *, covariates: Mapping[str, np.ndarray] | None = None) -> dict[str, float]:
    """The simple residual method: each school's mean OLS residual (what fit() reports as residual_mean)."""
    y, x, _, codes, labels = _design(y, prior, groups, covariates)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    means = np.bincount(codes, weights=y - x @ beta) / np.bincount(codes)
    return dict(zip(labels, means.tolist(), strict=True))
