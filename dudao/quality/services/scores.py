"""The 学生成绩 import (issue 19 item 2): all-or-nothing, by the office of the round's county, never into a
published round. Any error refuses the file; warnings refuse it until confirmed (the confirmed warnings are kept on
the ScoreImport). Prior attainment comes from the file's 前测成绩, else from the same 学生编号 and subject in the
latest earlier round of the same cohort in the county (the counts are recorded). The round's rows of the (school,
subject) pairs in the file are replaced. Rows go in by COPY on PostgreSQL (bulk_create elsewhere)."""

import datetime
import hashlib
import io
from dataclasses import dataclass, field

import polars as pl
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, RowError
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import region_prefix, require_office_for
from dudao.quality.models import (
    PriorSource,
    Round,
    RoundSchool,
    RoundStatus,
    RoundSubject,
    ScoreImport,
    StudentScore,
)
from dudao.quality.scoresheet import ScoreContext, ScoreSheet, read_scores
from dudao.quality.services.rounds import round_mark_scored
from dudao.schools.models import School

COPY_COLUMNS = ("round_id", "subject_id", "school_id", "batch_id", "student", "score", "prior", "prior_source",
                "gender", "class_name")


@dataclass
class ScoreImportResult:
    """What an import did, or (batch None) the warnings it needs confirmed first."""

    batch: ScoreImport | None
    rows: int
    sha256: str
    warnings: list[RowError] = field(default_factory=list)
    replaced: int = 0
    prior_from_file: int = 0
    prior_linked: int = 0
    prior_missing: int = 0
    linked_round: Round | None = None

    @property
    def needs_confirmation(self) -> bool:
        return self.batch is None and bool(self.warnings)

    def as_dict(self) -> dict:
        return {"id": self.batch.pk if self.batch else None, "rows": self.rows, "replaced": self.replaced,
                "prior_from_file": self.prior_from_file, "prior_linked": self.prior_linked,
                "prior_missing": self.prior_missing,
                "linked_round": self.linked_round.pk if self.linked_round else None,
                "linked_round_title": self.linked_round.title if self.linked_round else "",
                "sha256": self.sha256, "warnings": [w.as_dict() for w in self.warnings]}


def ensure_round_office(actor, round: Round) -> None:
    """Only administrators and the office of the round's county import (and see) pupil-level scores."""
    require_office_for(actor, round.region_id, "只有本区县督导室用户可以导入或查看学生成绩。")


def score_context(round: Round) -> ScoreContext:
    """The round's grade, subjects, schools, and the school codes of its county and of the installation."""
    members = list(RoundSchool.objects.filter(round=round).select_related("school").only(
        "school__id", "school__code", "school__name"))
    county = region_prefix(round.region_id)
    return ScoreContext(
        grade=round.grade,
        subjects={s.name: s.full_marks for s in RoundSubject.objects.filter(round=round)},
        round_schools={m.school.code: m.school.pk for m in members},
        school_origin=lambda codes: _school_origin(codes, county),
        schools_with_scores=frozenset(StudentScore.objects.filter(round=round).values_list(
            "school__code", flat=True).distinct()),
        school_names={m.school.code: m.school.name for m in members},
    )


def _school_origin(codes: list[str], county: str) -> dict[str, str]:
    """For codes outside the round: "county" (a school of this county) or "other" (another district's)."""
    found = {}
    for start in range(0, len(codes), 5000):
        found.update(School.objects.filter(code__in=codes[start:start + 5000]).values_list("code", "region_id"))
    return {code: "county" if region.startswith(county) else "other" for code, region in found.items()}


def prior_round(round: Round) -> Round | None:
    """The latest earlier round of the same cohort (same county, year − grade equal) that holds scores."""
    candidates = [r for r in Round.objects.filter(region_id=round.region_id, scores__isnull=False).exclude(
        pk=round.pk).distinct() if r.cohort == round.cohort and r.order_key < round.order_key]
    return max(candidates, key=lambda r: (r.order_key, r.test_date, r.pk), default=None)


def scores_import(*, actor, round: Round, data: bytes, filename: str, confirm: bool = False) -> ScoreImportResult:
    """Validate the whole file; with no errors and (no warnings or confirm), replace the (school, subject) pairs it
    holds and move the round to 成绩已导入."""
    ensure_round_office(actor, round)
    refuse_if_archived(round.region_id, round.test_date, "质量监测轮次")
    if round.status == RoundStatus.PUBLISHED:
        raise ApplicationError("本轮监测结果已发布，不能再导入或替换学生成绩。")
    sha256 = hashlib.sha256(data).hexdigest()
    context = score_context(round)
    if not context.subjects:
        raise ApplicationError("本轮尚未设置监测学科，请先设置学科后再导入成绩。")
    if not context.round_schools:
        raise ApplicationError("本轮尚未确定监测学校，请先确定学校后再导入成绩。")
    sheet = read_scores(data, filename, context)
    if sheet.errors:
        raise ApplicationError(f"导入失败：发现 {sheet.error_total} 处错误，未导入任何数据。", sheet.errors)
    if sheet.warnings and not confirm:
        return ScoreImportResult(None, sheet.frame.height, sha256, sheet.warnings)
    return _save(actor, round, filename, sha256, sheet)


def _link_priors(round: Round, frame: pl.DataFrame) -> tuple[pl.DataFrame, Round | None]:
    """Fill missing priors from the linked round (same 学生编号, same subject name); adds prior_source."""
    frame = frame.with_columns(pl.when(pl.col("prior").is_not_null()).then(pl.lit(PriorSource.FILE.value))
                               .otherwise(pl.lit("")).alias("prior_source"))
    missing = frame.filter(pl.col("prior").is_null())
    linked = prior_round(round) if missing.height else None
    if linked is None:
        return frame, None
    earlier = StudentScore.objects.filter(round=linked, subject__name__in=missing["subject"].unique().to_list())
    rows = list(earlier.values_list("student", "subject__name", "score"))
    if not rows:
        return frame, linked
    previous = pl.DataFrame(rows, schema={"student": pl.String, "subject": pl.String, "earlier": pl.Float64},
                            orient="row")
    frame = frame.join(previous, on=["student", "subject"], how="left").with_columns(
        pl.when(pl.col("prior").is_null() & pl.col("earlier").is_not_null())
        .then(pl.lit(PriorSource.LINKED.value)).otherwise(pl.col("prior_source")).alias("prior_source"),
        pl.coalesce("prior", "earlier").alias("prior"),
    ).drop("earlier")
    return frame, linked


@transaction.atomic
def _save(actor, round: Round, filename: str, sha256: str, sheet: ScoreSheet) -> ScoreImportResult:
    round = Round.objects.select_for_update().get(pk=round.pk)  # one import of a round at a time
    if round.status == RoundStatus.PUBLISHED:
        raise ApplicationError("本轮监测结果已发布，不能再导入或替换学生成绩。")
    subjects = {s.name: s.pk for s in RoundSubject.objects.filter(round=round)}
    frame, linked = _link_priors(round, sheet.frame)
    frame = frame.with_columns(pl.col("subject").replace_strict(subjects, return_dtype=pl.Int64).alias("subject_id"))
    counts = frame.select(
        (pl.col("prior_source") == PriorSource.FILE.value).sum().alias("file"),
        (pl.col("prior_source") == PriorSource.LINKED.value).sum().alias("linked"),
        pl.col("prior").is_null().sum().alias("missing")).row(0, named=True)

    replaced = 0
    pairs = frame.select("subject_id", "school_id").unique()
    for (subject_id,), group in pairs.group_by(["subject_id"]):
        replaced += StudentScore.objects.filter(round=round, subject_id=subject_id,
                                                school_id__in=group["school_id"].to_list())._raw_delete(
            StudentScore.objects.db)
    batch = ScoreImport(round=round, filename=filename[:255], sha256=sha256, rows=frame.height, replaced=replaced,
                        prior_from_file=counts["file"], prior_linked=counts["linked"],
                        prior_missing=counts["missing"], linked_round=linked,
                        warnings=[w.as_dict() for w in sheet.warnings], created_by=actor)
    batch.full_clean()
    batch.save()
    _insert(frame.select(
        pl.lit(round.pk, dtype=pl.Int64).alias("round_id"), "subject_id", "school_id",
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"), "student", "score", "prior", "prior_source",
        "gender", "class_name"))
    moved = round_mark_scored(round, actor)
    audit_record(actor=actor, action="quality.scores_import", obj=batch, region_code=round.region_id, after={
        "round": round.pk, "file": filename, "sha256": sha256, "rows": frame.height, "replaced": replaced,
        "prior_from_file": counts["file"], "prior_linked": counts["linked"], "prior_missing": counts["missing"],
        "linked_round": linked.pk if linked else None, "subjects": sorted(frame["subject"].unique().to_list()),
        "schools": frame["school_id"].n_unique(), "warnings_confirmed": len(sheet.warnings),
        "status": round.status if moved else None})
    return ScoreImportResult(batch, frame.height, sha256, sheet.warnings, replaced, counts["file"],
                             counts["linked"], counts["missing"], linked)


def _insert(rows: pl.DataFrame) -> None:
    """All rows in one COPY on PostgreSQL (a CSV written by polars); bulk_create elsewhere."""
    table = StudentScore._meta.db_table
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        rows.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in COPY_COLUMNS)
        sql = f"COPY {quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())
        return
    StudentScore.objects.bulk_create((StudentScore(**item) for item in rows.iter_rows(named=True)),
                                     batch_size=2000)


# ---- files held back by warnings ----------------------------------------------------------------------------
# A file with warnings waits in storage (pupil-level data) until its uploader confirms it: one per user and round,
# removed on confirm, on the next upload for the round, and by the daily sweep after PENDING_DAYS.
PENDING_DIR = "quality/pending"
PENDING_DAYS = 2


def pending_name(user_id: int, round_id: int, sha256: str) -> str:
    return f"{PENDING_DIR}/{int(user_id)}-{int(round_id)}-{sha256}.upload"


def pending_keep(*, user_id: int, round_id: int, sha256: str, data: bytes) -> str:
    """Store the file waiting for confirmation, dropping any other file this user left waiting for the round."""
    name = pending_name(user_id, round_id, sha256)
    pending_drop(user_id=user_id, round_id=round_id, keep=name)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name


def pending_drop(*, user_id: int, round_id: int, keep: str = "") -> int:
    prefix = f"{int(user_id)}-{int(round_id)}-"
    dropped = 0
    for name in _pending_files():
        path = f"{PENDING_DIR}/{name}"
        if name.startswith(prefix) and path != keep:
            default_storage.delete(path)
            dropped += 1
    return dropped


def pending_sweep(*, now) -> int:
    """The daily job: files left waiting longer than PENDING_DAYS are deleted (nobody confirmed them)."""
    limit = now - datetime.timedelta(days=PENDING_DAYS)
    dropped = 0
    for name in _pending_files():
        path = f"{PENDING_DIR}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            dropped += 1
    return dropped


def _pending_files() -> list[str]:
    try:
        return default_storage.listdir(PENDING_DIR)[1]
    except FileNotFoundError:
        return []
