"""学业质量监测 results engine: pure functions over a polars frame of pupil scores (no Django here).

Input: one row per pupil and subject, columns `school` (str code), `class_name` (str, "" when unknown),
`gender` (str "男"/"女"/""), `subject` (str), `score` (f64). Rows whose score is null, NaN or infinite are dropped
before anything is counted (the import never stores them; a caller that passes them gets the other rows' figures).

Definitions (stated once, used everywhere):
- n: pupils with a score; mean; sd is the *sample* standard deviation (ddof = 1; null when n < 2, 0 when every
  score is equal); min / q1 / median / q3 / max with linear interpolation between order statistics (polars
  "linear", which equals numpy's default and R's type 7).
- 合格率 / 优秀率 / 低分率 in % (0–100): share of scores ≥ pass_line, ≥ excellent_line, < low_line (a score equal to
  a line within 1e-9 counts as on the line).
- Score bands: ten equal bands of full marks, [0,10%), [10%,20%) … [90%,100%] (the last one closed); a score
  outside 0–full marks is put in the first or last band. 体质健康 (is_fitness) uses the 国家学生体质健康标准
  bands instead: 优秀 ≥ 90, 良好 80–89.9, 及格 60–79.9, 不及格 < 60; its group rows also carry those four rates.
- withheld: a group with n < min_n. The engine keeps its figures (the office sees them) and flags it; the
  selectors blank them for school-facing views. Withheld groups always count in the county's figures.
- Every group is per subject: "subject" is added as the first key when `by` lacks it (lines differ by subject).
"""

from dataclasses import dataclass

import polars as pl

SCHEMA = {"school": pl.String, "class_name": pl.String, "gender": pl.String, "subject": pl.String,
          "score": pl.Float64}
BANDS_FITNESS = [("优秀", 90, None), ("良好", 80, 90), ("及格", 60, 80), ("不及格", None, 60)]
FITNESS_LABELS = [label for label, _lower, _upper in BANDS_FITNESS]
EQUAL_BANDS = 10
QUANTILE_METHOD = "linear"
EPS = 1e-9
STAT_COLUMNS = ["n", "mean", "sd", "min", "q1", "median", "q3", "max", "pass_rate", "excellent_rate", "low_rate",
                *FITNESS_LABELS]


@dataclass(frozen=True)
class SubjectLines:
    full_marks: float
    pass_line: float
    excellent_line: float
    low_line: float
    is_fitness: bool = False


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def clean(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame in the engine's schema with missing text as "" and null/NaN scores dropped."""
    missing = [c for c in SCHEMA if c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    frame = frame.select([pl.col(c).cast(t) for c, t in SCHEMA.items()])
    return frame.with_columns(pl.col("class_name", "gender").fill_null("")).filter(
        pl.col("score").is_finite() & pl.col("subject").is_not_null())


def _lines_frame(lines: dict[str, SubjectLines]) -> pl.DataFrame:
    names = list(lines)
    return pl.DataFrame({
        "subject": names,
        "_full": [float(lines[s].full_marks) for s in names],
        "_pass": [float(lines[s].pass_line) for s in names],
        "_excellent": [float(lines[s].excellent_line) for s in names],
        "_low": [float(lines[s].low_line) for s in names],
        "_fitness": [bool(lines[s].is_fitness) for s in names],
    }, schema={"subject": pl.String, "_full": pl.Float64, "_pass": pl.Float64, "_excellent": pl.Float64,
               "_low": pl.Float64, "_fitness": pl.Boolean})


def _with_lines(frame: pl.DataFrame, lines: dict[str, SubjectLines]) -> pl.DataFrame:
    """Clean rows of subjects that have lines, each with its subject's lines as columns."""
    return clean(frame).join(_lines_frame(lines), on="subject", how="inner")


def _keys(by: list[str]) -> list[str]:
    unknown = [c for c in by if c not in SCHEMA or c == "score"]
    if unknown:
        raise ValueError(f"unknown grouping columns: {unknown}")
    return list(dict.fromkeys(["subject", *by]))


def _fitness_band(score: pl.Expr) -> pl.Expr:
    return (pl.when(score >= 90 - EPS).then(pl.lit("优秀")).when(score >= 80 - EPS).then(pl.lit("良好"))
            .when(score >= 60 - EPS).then(pl.lit("及格")).otherwise(pl.lit("不及格")))


def _stat_exprs() -> list[pl.Expr]:
    score = pl.col("score")
    fitness = pl.col("_fitness").first()

    def pct(condition: pl.Expr) -> pl.Expr:
        return condition.cast(pl.Float64).mean() * 100

    return [
        pl.len().cast(pl.Int64).alias("n"),
        score.mean().alias("mean"),
        score.std(ddof=1).alias("sd"),
        score.min().alias("min"),
        score.quantile(0.25, QUANTILE_METHOD).alias("q1"),
        score.quantile(0.5, QUANTILE_METHOD).alias("median"),
        score.quantile(0.75, QUANTILE_METHOD).alias("q3"),
        score.max().alias("max"),
        pct(score >= pl.col("_pass") - EPS).alias("pass_rate"),
        pct(score >= pl.col("_excellent") - EPS).alias("excellent_rate"),
        pct(score < pl.col("_low") - EPS).alias("low_rate"),
        *[pl.when(fitness).then(pct(_fitness_band(score) == label)).otherwise(None).alias(label)
          for label in FITNESS_LABELS],
    ]


def _empty_stats(keys: list[str]) -> pl.DataFrame:
    schema = {k: pl.String for k in keys}
    schema.update({c: pl.Float64 for c in STAT_COLUMNS})
    schema["n"] = pl.Int64
    schema["withheld"] = pl.Boolean
    return pl.DataFrame(schema=schema)


def group_stats(frame: pl.DataFrame, lines: dict[str, SubjectLines], by: list[str], *, min_n: int) -> pl.DataFrame:
    """Per subject × `by`: n, mean, sd, min, q1, median, q3, max, pass/excellent/low rates (%), the four fitness
    rates (null for other subjects) and `withheld` (n < min_n). Sorted by the keys."""
    keys = _keys(by)
    data = _with_lines(frame, lines)
    if data.is_empty():
        return _empty_stats(keys)
    table = data.group_by(keys).agg(_stat_exprs())
    return table.with_columns(withheld=pl.col("n") < min_n).sort(keys)


def county_stats(frame: pl.DataFrame, lines: dict[str, SubjectLines]) -> pl.DataFrame:
    """The county's figures per subject (every row counts; nothing is withheld)."""
    return group_stats(frame, lines, ["subject"], min_n=0)


def _band_grid(lines: dict[str, SubjectLines]) -> pl.DataFrame:
    """Every subject's bands in order: subject, band_index, band, lower, upper."""
    rows: dict[str, list] = {"subject": [], "band_index": [], "band": [], "lower": [], "upper": []}
    for subject, line in lines.items():
        if line.is_fitness:
            bands = [(label, lower, upper) for label, lower, upper in BANDS_FITNESS]
        else:
            full = float(line.full_marks)
            step = full / EQUAL_BANDS
            bands = [(f"{i * step:g}–{(i + 1) * step if i < EQUAL_BANDS - 1 else full:g}", i * step,
                      (i + 1) * step if i < EQUAL_BANDS - 1 else full) for i in range(EQUAL_BANDS)]
        for index, (label, lower, upper) in enumerate(bands):
            rows["subject"].append(subject)
            rows["band_index"].append(index)
            rows["band"].append(label)
            rows["lower"].append(None if lower is None else float(lower))
            rows["upper"].append(None if upper is None else float(upper))
    return pl.DataFrame(rows, schema={"subject": pl.String, "band_index": pl.Int64, "band": pl.String,
                                      "lower": pl.Float64, "upper": pl.Float64})


def band_distribution(frame: pl.DataFrame, lines: dict[str, SubjectLines], by: list[str]) -> pl.DataFrame:
    """Per subject × `by` group present in the data, every band of the subject (zero counts included): band
    (label), lower, upper (null where open; equal bands: [lower, upper), the last one [lower, full]), count and
    share (% of the group's pupils). Ordered by the keys and the bands' order (fitness: 优秀 first)."""
    keys = _keys(by)
    data = _with_lines(frame, lines)
    columns = [*keys, "band_index", "band", "lower", "upper", "count", "share"]
    if data.is_empty():
        schema = {k: pl.String for k in keys} | {"band_index": pl.Int64, "band": pl.String, "lower": pl.Float64,
                                                  "upper": pl.Float64, "count": pl.Int64, "share": pl.Float64}
        return pl.DataFrame(schema=schema).select(columns)
    score = pl.col("score")
    equal_index = (score * EQUAL_BANDS / pl.col("_full") + EPS).floor().clip(0, EQUAL_BANDS - 1).cast(pl.Int64)
    fitness_index = (pl.when(score >= 90 - EPS).then(0).when(score >= 80 - EPS).then(1)
                     .when(score >= 60 - EPS).then(2).otherwise(3)).cast(pl.Int64)
    data = data.with_columns(band_index=pl.when(pl.col("_fitness")).then(fitness_index).otherwise(equal_index))
    counts = data.group_by([*keys, "band_index"]).agg(pl.len().cast(pl.Int64).alias("count"))
    groups = data.group_by(keys).agg(pl.len().cast(pl.Int64).alias("_total"))
    grid = groups.join(_band_grid(lines), on="subject", how="inner")
    table = grid.join(counts, on=[*keys, "band_index"], how="left").with_columns(pl.col("count").fill_null(0))
    table = table.with_columns(share=pl.col("count") / pl.col("_total") * 100)
    return table.sort([*keys, "band_index"]).select(columns)


def school_table(frame: pl.DataFrame, lines: dict[str, SubjectLines], *, min_n: int) -> pl.DataFrame:
    """Per subject × school: the stats, the county's mean and rates of the subject, and each school's gap to the
    county (gap_mean, gap_pass_rate, gap_excellent_rate, gap_low_rate: school − county). Withheld schools keep
    their figures here and count in the county."""
    schools = group_stats(frame, lines, ["school"], min_n=min_n)
    county = county_stats(frame, lines).select(
        "subject", pl.col("n").alias("county_n"), pl.col("mean").alias("county_mean"),
        pl.col("pass_rate").alias("county_pass_rate"), pl.col("excellent_rate").alias("county_excellent_rate"),
        pl.col("low_rate").alias("county_low_rate"))
    table = schools.join(county, on="subject", how="left")
    return table.with_columns(
        gap_mean=pl.col("mean") - pl.col("county_mean"),
        gap_pass_rate=pl.col("pass_rate") - pl.col("county_pass_rate"),
        gap_excellent_rate=pl.col("excellent_rate") - pl.col("county_excellent_rate"),
        gap_low_rate=pl.col("low_rate") - pl.col("county_low_rate"),
    ).sort("subject", "school")


TREND_COLUMNS = ["round", "round_index", "subject", "school", "n", "mean", "sd", "pass_rate", "excellent_rate",
                 "low_rate", "county_mean", "gap_mean", "withheld", "change_mean", "change_pass_rate",
                 "change_gap_mean"]


def trend(rounds: list[tuple[str, pl.DataFrame]], lines_by_round: dict[str, dict[str, SubjectLines]], *,
          min_n: int) -> pl.DataFrame:
    """Year-over-year per school: for each round (in the order given, oldest first) × subject × school the mean,
    rates, the county's mean and the gap to it, and the change from the same school's previous round of the
    same subject (change_mean, change_pass_rate, change_gap_mean; null for its first round)."""
    parts = []
    for index, (label, frame) in enumerate(rounds):
        table = school_table(frame, lines_by_round.get(label, {}), min_n=min_n)
        if table.is_empty():
            continue
        parts.append(table.with_columns(round=pl.lit(label), round_index=pl.lit(index, dtype=pl.Int64)))
    if not parts:
        schema = {"round": pl.String, "round_index": pl.Int64, "subject": pl.String, "school": pl.String,
                  "n": pl.Int64, "withheld": pl.Boolean}
        return pl.DataFrame(schema={c: schema.get(c, pl.Float64) for c in TREND_COLUMNS})
    table = pl.concat([p.select(TREND_COLUMNS[:13]) for p in parts]).sort("subject", "school", "round_index")
    over = ["subject", "school"]
    return table.with_columns(
        change_mean=pl.col("mean") - pl.col("mean").shift(1).over(over),
        change_pass_rate=pl.col("pass_rate") - pl.col("pass_rate").shift(1).over(over),
        change_gap_mean=pl.col("gap_mean") - pl.col("gap_mean").shift(1).over(over),
    ).select(TREND_COLUMNS)
