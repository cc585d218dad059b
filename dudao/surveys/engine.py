"""Satisfaction results engine: pure functions over a polars frame of rated answers (no Django).

Input: one row per rated answer, columns response (int), school (int), group (str), item (str), score (1–5;
5 is the best label). A rated answer is "satisfied" when its score is at least `satisfied_min` (default 3:
非常满意, 满意 and 基本满意). A satisfaction rate is satisfied answers / rated answers in the cell; the
社会认可度 of a county is that rate over every rated answer of its recognition rounds (DOMAIN.md §1.4, ≥85%).

Schools with fewer than `min_responses` responses are withheld (rates set to null, `withheld` true) so
no one can be identified; they still count in the county's figure.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

SCHEMA = {"response": pl.Int64, "school": pl.Int64, "group": pl.Categorical, "item": pl.Categorical, "score": pl.Int8}
LEVELS = (5, 4, 3, 2, 1)


@dataclass(frozen=True)
class Rules:
    satisfied_min: int = 3
    threshold: float = 0.85
    min_responses: int = 10


@dataclass
class Results:
    overall: dict
    schools: pl.DataFrame   # per school: responses, answers, s5…s1, satisfied, mean, rate, withheld, passes
    items: pl.DataFrame     # per item over all schools
    groups: pl.DataFrame    # per respondent group
    cells: pl.DataFrame     # per school × item (withheld where the school is)


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def _count_exprs(rules: Rules) -> list[pl.Expr]:
    score = pl.col("score")
    return [
        pl.len().cast(pl.Int64).alias("answers"),
        *[(score == level).sum().cast(pl.Int64).alias(f"s{level}") for level in LEVELS],
        (score >= rules.satisfied_min).sum().cast(pl.Int64).alias("satisfied"),
        score.cast(pl.Int64).sum().alias("score_sum"),
    ]


def _counts(frame: pl.DataFrame, keys: list[str], rules: Rules) -> pl.DataFrame:
    """One pass over the answers: per key, the number of answers at each level, satisfied ones and the score sum."""
    return frame.group_by(keys).agg(*_count_exprs(rules))


def _roll_up(counts: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Sum finer counts up to coarser keys (e.g. school × item → item) without touching the answers again."""
    columns = ["answers", *[f"s{level}" for level in LEVELS], "satisfied", "score_sum"]
    return counts.group_by(keys).agg([pl.col(c).sum() for c in columns])


def _finish(table: pl.DataFrame, rules: Rules, withheld: pl.Expr | None = None) -> pl.DataFrame:
    table = table.with_columns(
        (pl.col("satisfied") / pl.col("answers")).alias("rate"),
        (pl.col("score_sum") / pl.col("answers")).alias("mean"),
        withheld=withheld if withheld is not None else pl.lit(False),
    )
    return table.with_columns(
        pl.when(pl.col("withheld")).then(None).otherwise(pl.col("rate")).alias("rate"),
        pl.when(pl.col("withheld")).then(None).otherwise(pl.col("mean")).alias("mean"),
    ).with_columns(passes=pl.col("rate") >= rules.threshold - 1e-12).drop("score_sum")


def _responses(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return frame.group_by(keys).agg(pl.col("response").n_unique().cast(pl.Int64).alias("responses"))


def _overall(frame: pl.DataFrame, counts: pl.DataFrame, rules: Rules) -> dict:
    if frame.is_empty():
        return {"responses": 0, "answers": 0, "satisfied": 0, "rate": None, "mean": None, "passes": None}
    answers, satisfied, total = (int(counts[c].sum()) for c in ("answers", "satisfied", "score_sum"))
    rate = satisfied / answers
    return {"responses": frame["response"].n_unique(), "answers": answers, "satisfied": satisfied, "rate": rate,
            "mean": total / answers, "passes": rate >= rules.threshold - 1e-12}


def _schools(frame: pl.DataFrame, cells: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    table = _roll_up(cells, ["school"]).join(_responses(frame, ["school"]), on="school")
    return _finish(table, rules, pl.col("responses") < rules.min_responses).sort("school")


def results(frame: pl.DataFrame, rules: Rules = Rules()) -> Results:
    """Every aggregate of a survey from two passes over the answers, run together: counts per school × item ×
    group, and responses per school × group (a response belongs to one school and one group); the rest are
    roll-ups of those small tables."""
    fine_lazy = frame.lazy().group_by("school", "group", "item").agg(*_count_exprs(rules))
    people_lazy = frame.lazy().group_by("school", "group").agg(
        pl.col("response").n_unique().cast(pl.Int64).alias("responses"))
    fine, people = pl.collect_all([fine_lazy, people_lazy])
    cells = _roll_up(fine, ["school", "item"])
    schools = _finish(_roll_up(cells, ["school"]).join(
        people.group_by("school").agg(pl.col("responses").sum()), on="school"),
        rules, pl.col("responses") < rules.min_responses).sort("school")
    groups = _finish(_roll_up(fine, ["group"]).join(
        people.group_by("group").agg(pl.col("responses").sum()), on="group"), rules).sort("group")
    withheld = schools.select("school", pl.col("withheld").alias("school_withheld"))
    totals = _roll_up(cells.with_columns(all=pl.lit(1)), ["all"])
    if frame.is_empty():
        overall_figures = _overall(frame, cells, rules)
    else:
        answers, satisfied = int(totals["answers"][0]), int(totals["satisfied"][0])
        overall_figures = {"responses": int(people["responses"].sum()), "answers": answers, "satisfied": satisfied,
                           "rate": satisfied / answers, "mean": int(totals["score_sum"][0]) / answers,
                           "passes": satisfied / answers >= rules.threshold - 1e-12}
    return Results(
        overall=overall_figures,
        schools=schools,
        items=_finish(_roll_up(cells, ["item"]), rules).sort("item"),
        groups=groups,
        cells=_finish(cells.join(withheld, on="school"), rules, pl.col("school_withheld")).drop(
            "school_withheld").sort("school", "item"),
    )


def overall(frame: pl.DataFrame, rules: Rules = Rules()) -> dict:
    """The pooled figure: responses, rated answers, satisfaction rate, mean score, and the 85% verdict."""
    return _overall(frame, _counts(frame, ["item"], rules), rules)


def by_school(frame: pl.DataFrame, rules: Rules = Rules()) -> pl.DataFrame:
    """One row per school; withheld below the minimum number of responses."""
    return _schools(frame, _counts(frame, ["school", "item"], rules), rules)


def by_item(frame: pl.DataFrame, rules: Rules = Rules()) -> pl.DataFrame:
    """One row per rated item over all schools: the distribution of the five levels, rate and mean."""
    return _finish(_counts(frame, ["item"], rules), rules).sort("item")


def by_group(frame: pl.DataFrame, rules: Rules = Rules()) -> pl.DataFrame:
    table = _counts(frame, ["group"], rules).join(_responses(frame, ["group"]), on="group")
    return _finish(table, rules).sort("group")


def by_school_item(frame: pl.DataFrame, rules: Rules = Rules()) -> pl.DataFrame:
    """One row per school and item; withheld where the school itself has too few responses."""
    return results(frame, rules).cells


def by_area(schools: pl.DataFrame, areas: pl.DataFrame, rules: Rules = Rules()) -> pl.DataFrame:
    """Roll the per-school table (results().schools) up to areas (towns): `areas` maps school → area.
    Withheld schools count towards their area; an area is withheld below the minimum number of responses."""
    columns = ["responses", "answers", *[f"s{level}" for level in LEVELS], "satisfied"]
    table = schools.join(areas, on="school").group_by("area").agg([pl.col(c).sum() for c in columns])
    table = table.with_columns(score_sum=pl.sum_horizontal([pl.col(f"s{level}") * level for level in LEVELS]))
    return _finish(table, rules, pl.col("responses") < rules.min_responses).sort("area")


def low_items(table: pl.DataFrame, limit: int = 20) -> pl.DataFrame:
    """School × item cells under the threshold (never withheld ones), worst first: candidates for a finding."""
    return table.filter(~pl.col("withheld") & ~pl.col("passes")).sort("rate", "school", "item").head(limit)


STOPWORDS = frozenset("的 了 和 是 在 我 有 也 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 孩子 学校 老师 希望 建议 "
                      "非常 比较 还是 可以 能够 这个 那个 自己 什么 因为 所以 但是 如果 就是 已经 一些 问题".split())


def word_frequency(texts: Iterable[str], top: int = 40) -> list[tuple[str, int]]:
    """The most frequent words of open answers (jieba segmentation; single characters and stop words dropped)."""
    import jieba  # noqa: PLC0415 -- jieba takes ~1 s to import: loaded when free text is segmented

    counts: Counter[str] = Counter()
    for text in texts:
        for word in jieba.lcut(text or ""):
            word = word.strip()
            if len(word) >= 2 and word not in STOPWORDS and not word.isdigit():
                counts[word] += 1
    return counts.most_common(top)
