"""督导意见书: drafting per target, issuing them all when the project moves to 已出具意见书 (文号 from the
office's sequence, problems raised as findings with their deadlines, the 回访 scheduled), and rendering
them as Word (editable template `inspection_opinion`) and PDF."""

import calendar
import datetime
import io
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.policy import policy_value
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import require_office_for
from dudao.core.services import counter_take
from dudao.documents import files, render
from dudao.documents.selectors import render_docx, template_bytes
from dudao.frameworks.scoring import build_tree
from dudao.inspections.evaluation import target_evaluation
from dudao.inspections.models import (
    Appeal,
    BatchStatus,
    Inspection,
    InspectionKind,
    InspectionStage,
    Opinion,
    OpinionBatch,
    Target,
    Transition,
)
from dudao.inspections.targets import TARGET_RELATED, fills_for, require_responsible
from dudao.inspections.tasks import render_opinion_batch
from dudao.rectification.models import FindingSource, FollowUp
from dudao.rectification.services import finding_raise
from dudao.regions.models import GovUnit
from dudao.schools.models import School

DRAFT_STAGES = {InspectionStage.DELIBERATION, InspectionStage.FEEDBACK}
MAX_PROBLEMS = 50


def _parse_problems(problems, today: datetime.date) -> list[dict]:
    cleaned = []
    for i, raw in enumerate(problems or [], 1):
        text = str(raw.get("text", "")).strip()
        if not text:
            continue
        try:
            due = datetime.date.fromisoformat(str(raw.get("due_date", "")).strip())
        except ValueError:
            raise ApplicationError(f"第 {i} 个问题的整改期限不是有效日期。") from None
        if due <= today:
            raise ApplicationError(f"第 {i} 个问题的整改期限必须晚于今天。")
        cleaned.append({"text": text[:2000], "requirement": str(raw.get("requirement", "")).strip()[:2000],
                        "due_date": due.isoformat()})
    if len(cleaned) > MAX_PROBLEMS:
        raise ApplicationError(f"一份意见书最多列 {MAX_PROBLEMS} 个问题。")
    return cleaned


@transaction.atomic
def opinion_save(*, actor, target: Target, evaluation: str, strengths: str, problems: list[dict]) -> Opinion:
    inspection = Inspection.objects.get(pk=target.inspection_id)
    require_office_for(actor, inspection.county_id, "只有本县（区）督导室可以撰写督导意见书。")
    refuse_if_archived(inspection.county_id, inspection.starts_on, "督导项目")
    if inspection.stage not in DRAFT_STAGES:
        raise ApplicationError("督导意见书在“汇总评议”或“意见反馈”阶段撰写；出具后不能修改。")
    evaluation = (evaluation or "").strip()
    if not evaluation:
        raise ApplicationError("请填写总体评价。")
    cleaned = _parse_problems(problems, timezone.localdate())
    opinion, _created = Opinion.objects.update_or_create(target=target, defaults={
        "evaluation": evaluation, "strengths": (strengths or "").strip(), "problems": cleaned, "updated_by": actor})
    audit_record(actor=actor, action="inspection.opinion_save", obj=opinion, region_code=target.region_code,
                 after={"problems": len(cleaned)})
    return opinion


def missing_opinions(inspection: Inspection) -> list[str]:
    return [str(t) for t in inspection.targets.filter(opinion__isnull=True).select_related(*TARGET_RELATED)]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def opinions_issue(*, actor, inspection: Inspection, now: datetime.datetime) -> Inspection | None:
    """Number every opinion, raise its problems as findings, and schedule the 回访 (returned, if any).
    Called by inspection_advance inside its transaction when the project reaches 已出具意见书."""
    opinions = list(Opinion.objects.filter(target__inspection=inspection).select_related(
        *(f"target__{f}" for f in TARGET_RELATED)).order_by("target__region_code", "target_id"))
    county_name = inspection.county.name
    year = timezone.localdate(now).year  # 文号 years are Beijing years: 00:30 on 1 January is the new year
    first = counter_take(f"opinion:{inspection.county_id}:{year}", count=len(opinions))
    for offset, opinion in enumerate(opinions):
        opinion.number, opinion.issued_at = f"{county_name}督意〔{year}〕{first + offset}号", now
        target = opinion.target
        school, unit = _finding_owner(target) if opinion.problems else (None, None)
        for problem in opinion.problems:
            finding_raise(actor=actor, source=FindingSource.INSPECTION, description=problem["text"], school=school,
                          unit=unit, source_type="inspections.target", source_id=str(target.pk),
                          category=f"inspection:{inspection.kind}", category_label=str(InspectionKind(inspection.kind).label),
                          follow_up=FollowUp.REPORT, requirement=problem["requirement"],
                          due_date=datetime.date.fromisoformat(problem["due_date"]), raised_at=now)
    Opinion.objects.bulk_update(opinions, ["number", "issued_at"])
    return _schedule_followup(actor=actor, inspection=inspection, now=now)


def _finding_owner(target: Target):
    """The school or unit a target's problems become findings on (see inspections/targets.py)."""
    if target.school_id or target.unit_id:
        return target.school, target.unit
    school_id, unit_id = require_responsible(target)
    return (School.objects.get(pk=school_id) if school_id else None,
            GovUnit.objects.get(pk=unit_id) if unit_id else None)


def _schedule_followup(*, actor, inspection: Inspection, now: datetime.datetime) -> Inspection | None:
    months = (policy_value("inspections.followup_months", inspection.county_id) or {}).get(inspection.kind)
    if not months:
        return None
    starts = add_months(timezone.localtime(now).date(), int(months))
    followup = Inspection.objects.create(
        county=inspection.county, name=f"{inspection.name}回访", kind=InspectionKind.FOLLOWUP, framework=inspection.framework,
        year=starts.year, starts_on=starts, ends_on=add_months(starts, 1), previous=inspection, created_by=actor,
        stage_since=now)
    Transition.record(followup, to_status=InspectionStage.PLANNED, actor=actor, at=now,
                      note=f"出具意见书后自动安排（{months} 个月后回访）")
    Target.objects.bulk_create([Target(inspection=followup, school_id=t.school_id, unit_id=t.unit_id,
                                       group_id=t.group_id, centre_id=t.centre_id, project_id=t.project_id,
                                       region_code=t.region_code) for t in inspection.targets.all()])
    audit_record(actor=actor, action="inspection.followup", obj=followup, region_code=inspection.county_id,
                 after={"previous": inspection.pk, "starts_on": starts.isoformat()})
    return followup


# ---- documents ---------------------------------------------------------------------------------------------------

def opinion_context(opinion: Opinion) -> dict:
    target, inspection = opinion.target, opinion.target.inspection
    tree = build_tree(inspection.framework.definition)
    evaluation = target_evaluation(target)
    when = opinion.issued_at or timezone.localdate()
    return {
        "number": opinion.number or "（未出具）", "title": "督导意见书", "target": str(target),
        "inspection": inspection.name, "kind": str(InspectionKind(inspection.kind).label),
        "office": f"{inspection.county.name}人民政府教育督导室", "issued_on": cn_date(when),
        "score": "—" if evaluation.score is None else f"{evaluation.score:.1f}", "level": evaluation.level,
        "vetoed": "、".join(f"{c} {tree.nodes[c].name}" for c in evaluation.vetoed),
        "areas": [{"code": c, "name": tree.nodes[c].name,
                   "score": "—" if evaluation.nodes.get(c) is None else f"{evaluation.nodes[c]:.1f}"} for c in tree.roots],
        "evaluation": opinion.evaluation, "strengths": opinion.strengths,
        "problems": [{"no": i, "text": p["text"], "requirement": p["requirement"],
                      "due_on": cn_date(datetime.date.fromisoformat(p['due_date']))}
                     for i, p in enumerate(opinion.problems, 1)],
    }


def opinion_docx(opinion: Opinion) -> bytes:
    return render_docx("inspection_opinion", opinion.target.region_code, opinion_context(opinion))


def opinion_pdf(opinion: Opinion) -> bytes:
    return render.render_pdf_bytes("inspections/opinion_pdf.html", opinion_context(opinion))


# ---- batches in the background -----------------------------------------------------------------------------------
# The batch runs as a task (dudao.inspections.tasks.render_opinion_batch) in `manage.py db_worker`, queued when
# the starting transaction commits. Each document is written to its own file first, so a batch cut off by a
# killed worker resumes where it stopped: documents already rendered are skipped.
#
# Every queueing of a batch is a new attempt (OpinionBatch.attempt: 1 at the start, +1 when a lost worker's run
# is queued again or the office retries), and the run knows its attempt. A run cut off by mistake (its worker
# only looked dead) may carry on next to the newer attempt, so every status update is a compare-and-set on
# (status, attempt): a superseded run can never overwrite the newer attempt's progress or a DONE batch, and
# stops quietly once it notices. Temporary files carry the attempt in their name, and only the run that set
# DONE removes the per-document folder.

def _unfinished(inspection: Inspection):
    return OpinionBatch.objects.filter(inspection=inspection, status__in=[BatchStatus.PENDING, BatchStatus.RUNNING])


def _enqueue(batch_id: int, run: int) -> None:
    transaction.on_commit(lambda: render_opinion_batch.enqueue(batch_id, run=run))


@transaction.atomic
def batch_start(*, actor, inspection: Inspection):
    """Queue the rendering of every opinion of the project; the worker starts on it after the commit."""
    require_office_for(actor, inspection.county_id, "只有本县（区）督导室可以批量生成督导意见书。")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)  # two clicks: one batch
    total = Opinion.objects.filter(target__inspection=inspection).count()
    if not total:
        raise ApplicationError("该项目还没有督导意见书。")
    if _unfinished(inspection).exists():
        raise ApplicationError("上一次批量生成还没有完成，请稍候。")
    batch = OpinionBatch.objects.create(inspection=inspection, total=total, created_by=actor)
    audit_record(actor=actor, action="inspection.batch_start", obj=batch, object_repr=f"{inspection.name} 意见书批量生成",
                 region_code=inspection.county_id, after={"inspection": inspection.pk, "total": total})
    _enqueue(batch.pk, batch.attempt)
    return batch


@transaction.atomic
def batch_retry(*, actor, batch):
    """Queue a failed batch again, as a new attempt; documents it had already rendered are kept and skipped."""
    inspection = Inspection.objects.select_for_update().get(pk=batch.inspection_id)
    require_office_for(actor, inspection.county_id, "只有本县（区）督导室可以重新生成督导意见书。")
    batch = OpinionBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.FAILED:
        raise ApplicationError("只有失败的批量生成可以重试。")
    if _unfinished(inspection).exists():
        raise ApplicationError("上一次批量生成还没有完成，请稍候。")
    before = {"status": batch.status, "error": batch.error, "done": batch.done, "attempt": batch.attempt}
    batch.status, batch.error, batch.finished_at, batch.attempt = BatchStatus.PENDING, "", None, batch.attempt + 1
    batch.save(update_fields=["status", "error", "finished_at", "attempt"])
    audit_record(actor=actor, action="inspection.batch_retry", obj=batch, object_repr=f"{inspection.name} 意见书批量生成",
                 region_code=inspection.county_id, before=before, after={"status": batch.status,
                                                                         "attempt": batch.attempt})
    _enqueue(batch.pk, batch.attempt)
    return batch


def batch_folder(batch_id: int) -> str:
    """Where a batch's documents wait in the file storage until they are zipped (kept for a retry)."""
    return f"batches/opinions-{batch_id}"


class Superseded(Exception):
    """This run's attempt is no longer the batch's current one (or the batch is finished): stop quietly."""


def batch_set(batch_id: int, *, run: int, expected, **fields) -> None:
    """Compare-and-set: update the batch only while it is in one of the `expected` statuses at attempt `run`."""
    expected = [expected] if isinstance(expected, str) else list(expected)
    if not OpinionBatch.objects.filter(pk=batch_id, attempt=run, status__in=expected).update(**fields):
        raise Superseded(batch_id, run)


def batch_run(batch_id: int, *, run: int = 1) -> str | None:
    """Render the batch as attempt `run` (progress saved every few documents); returns the status this run set,
    or None when it found its attempt superseded or the batch finished (it then changes nothing and stops).
    Documents rendered by an earlier, interrupted attempt are not rendered again."""
    running = {"run": run, "expected": BatchStatus.RUNNING}
    batch = OpinionBatch.objects.select_related("inspection__county").get(pk=batch_id)
    try:
        batch_set(batch_id, run=run, expected=BatchStatus.PENDING, status=BatchStatus.RUNNING,
                  started_at=timezone.now())
    except Superseded:
        return None
    inspection = batch.inspection
    own = []  # this run's stored archive until the batch records it, removed if the run does not get that far
    rendered = []  # documents this run stored: removed if it finds the batch finished by another attempt
    try:
        opinions = list(Opinion.objects.filter(target__inspection=inspection).select_related(
            "target__school", "target__unit", "target__group", "target__centre", "target__project",
            "target__inspection__framework", "target__inspection__county")
            .order_by("target__region_code", "target_id"))
        folder = batch_folder(batch_id)
        template = template_bytes("inspection_opinion", inspection.county_id)  # read once for the whole batch
        total = len(opinions)
        for done, opinion in enumerate(opinions, 1):
            name = f"{folder}/{opinion.pk}.docx"
            if not files.blob_exists(name):  # stored whole or not at all; same document whoever wins
                files.store(name, render.render_docx_bytes(io.BytesIO(template), opinion_context(opinion)))
                rendered.append(name)
            if done % 10 == 0 or done == total:
                batch_set(batch_id, **running, done=done, total=total)
        target = f"batches/opinions-{batch_id}-{run}.zip"  # each attempt its own archive
        with tempfile.TemporaryFile() as part:
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
                for opinion in opinions:
                    archive.writestr(f"{opinion.number or opinion.target_id}_{opinion.target}.docx",
                                     files.read_blob(f"{folder}/{opinion.pk}.docx"))
            part.seek(0)
            own.append(target)
            files.delete_blob(target)  # left by this very attempt if it was cut short after storing it
            files.store(target, File(part, name=target))
        batch_set(batch_id, **running, status=BatchStatus.DONE, path=target, error="", done=total, total=total,
                  finished_at=timezone.now())
        own.remove(target)
        # DONE is final and this run set it: no other attempt is current, the documents are no longer needed.
        for opinion in opinions:
            files.delete_blob(f"{folder}/{opinion.pk}.docx")
        return BatchStatus.DONE
    except Superseded:
        if OpinionBatch.objects.filter(pk=batch_id, status=BatchStatus.DONE).exists():  # final: nobody needs them
            for name in rendered:
                files.delete_blob(name)
        return None
    except Exception as exc:  # noqa: BLE001 - recorded for the office to see; the page shows it
        return _run_failed(batch_id, run, f"生成失败：{exc}")
    except BaseException:  # the worker was stopped in the middle (a second Ctrl-C, SystemExit)
        _run_failed(batch_id, run, "工作进程被停止，生成中断；可点“重试”继续生成（已生成的意见书不再重复生成）。")
        raise
    finally:
        for name in own:
            files.delete_blob(name)


def _run_failed(batch_id: int, run: int, error: str) -> str | None:
    try:
        batch_set(batch_id, run=run, expected=BatchStatus.RUNNING, status=BatchStatus.FAILED, error=error[:2000],
                  finished_at=timezone.now())
    except Superseded:
        return None  # a newer attempt took over: its status stands
    return BatchStatus.FAILED


# ---- 申辩 --------------------------------------------------------------------------------------------------------

@transaction.atomic
def appeal_submit(*, actor, target: Target, text: str, now=None):
    """The target objects to the feedback, during 意见反馈 and within the appeal window."""
    now = now or timezone.now()
    if not fills_for(actor, target):
        raise PermissionDenied("只有督导对象本单位可以申辩。")
    inspection = Inspection.objects.get(pk=target.inspection_id)
    refuse_if_archived(inspection.county_id, inspection.starts_on, "督导项目")
    if inspection.stage != InspectionStage.FEEDBACK:
        raise ApplicationError("只能在“意见反馈”阶段申辩。")
    days = int(policy_value("inspections.appeal_days", inspection.county_id))
    if now > (inspection.stage_since or now) + datetime.timedelta(days=days):
        raise ApplicationError(f"申辩期（{days} 天）已过。")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写申辩内容。")
    appeal = Appeal.objects.create(target=target, text=text[:5000], submitted_by=actor, submitted_at=now)
    audit_record(actor=actor, action="inspection.appeal", obj=appeal, region_code=target.region_code)
    return appeal


@transaction.atomic
def appeal_respond(*, actor, appeal, response: str):
    inspection = Inspection.objects.get(pk=appeal.target.inspection_id)
    require_office_for(actor, inspection.county_id, "只有本县（区）督导室可以答复申辩。")
    refuse_if_archived(inspection.county_id, inspection.starts_on, "督导项目")
    response = (response or "").strip()
    if not response:
        raise ApplicationError("请填写答复。")
    if appeal.responded_at:
        raise ApplicationError("该申辩已经答复。")
    appeal.response, appeal.responded_by, appeal.responded_at = response[:5000], actor, timezone.now()
    appeal.save(update_fields=["response", "responded_by", "responded_at"])
    audit_record(actor=actor, action="inspection.appeal_respond", obj=appeal, region_code=inspection.county_id)
    return appeal


def open_appeals(inspection: Inspection) -> int:
    return Appeal.objects.filter(target__inspection=inspection, responded_at__isnull=True).count()
