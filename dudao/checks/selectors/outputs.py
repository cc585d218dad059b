"""outputs reads (issue 23): the 检查报告 of a round (.docx through the document sandbox, .pdf through WeasyPrint),
the leader summary and the 通报 draft computed from the results, and the year's 专项检查 figures for the cockpit and
the 年度工作总结. Everything is built from the contract summaries of selectors/rounds.py plus a few grouped queries
(per item: the schools concerned; the 一票否决 failures; the photo appendix; open findings)."""

import datetime
import re
from collections import defaultdict

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from dudao.checks.models import CheckAnswer, CheckRound, CheckTarget, RoundStatus, TargetStatus
from dudao.checks.selectors.rounds import (
    coverage_summary,
    failed_by_item,
    failed_by_town,
    get_round_for,
    round_photos,
)
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in
from dudao.documents import files
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx, thumbnail_data_uri
from dudao.rectification.models import FindingStatus

SCHOOLS_PER_ITEM = 10  # schools named per item in the report (the rest: "等 N 所")
VETO_ROWS = 200  # 一票否决 failures listed in the report
# characters XML 1.0 cannot hold (a NUL or a control character in a title would break the .docx)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# ---- who may read the outputs ---------------------------------------------------------------------------------

def can_read_outputs(user, check_round: CheckRound) -> bool:
    """The office and the leaders of the round's region (or a region above it); administrators."""
    return holds_role_in(user, check_round.region_id, Role.OFFICE, Role.LEADER)


def can_edit_outputs(user, check_round: CheckRound) -> bool:
    return holds_role_in(user, check_round.region_id, Role.OFFICE)


def get_round_for_outputs(user, pk) -> CheckRound:
    """The round if the user is office or leader of its region; the same 404 as a missing one otherwise (an
    inspector who checks a target in it sees the round, not its report)."""
    check_round = get_round_for(user, pk)
    if not can_read_outputs(user, check_round):
        raise Http404("未找到该对象，或您无权查看。")
    return check_round


# ---- small helpers ----------------------------------------------------------------------------------------------

def _rate(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "—"


def _clean(value):
    """Plain data with the characters a Word document cannot hold removed (NUL, control characters)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def office_name(check_round: CheckRound) -> str:
    return f"{check_round.region.name}人民政府教育督导室"


def period_text(check_round: CheckRound) -> str:
    return f"{cn_date(check_round.starts_on)}至{cn_date(check_round.ends_on)}"


def schools_by_item(check_round: CheckRound) -> dict[int, list[str]]:
    """item id → the names of the schools that failed it (in school name order)."""
    found = defaultdict(list)
    rows = (CheckAnswer.objects.filter(item__round=check_round, failed=True)
            .values_list("item_id", "submission__target__school__name")
            .order_by("item_id", "submission__target__school__name"))
    for item_id, name in rows:
        found[item_id].append(name)
    return found


def _named(names: list[str], limit: int = SCHOOLS_PER_ITEM) -> str:
    shown = "、".join(names[:limit])
    return shown + (f"等 {len(names)} 所" if len(names) > limit else "")


def veto_failures(check_round: CheckRound, limit: int = VETO_ROWS) -> list[dict]:
    rows = (CheckAnswer.objects.filter(item__round=check_round, failed=True, item__veto=True)
            .values("submission__target__school__name", "item__text", "note")
            .order_by("submission__target__school__name", "item__order", "id")[:limit])
    return [{"school": r["submission__target__school__name"], "item": r["item__text"], "note": r["note"] or "—"}
            for r in rows]


def finding_counts(check_round: CheckRound) -> dict:
    """The failed answers of the round: failed, settled on the spot, passed into the notice flow, and of the
    findings raised those still open (待整改) today. One query."""
    row = CheckAnswer.objects.filter(item__round=check_round, failed=True).aggregate(
        failed=Count("id"), settled=Count("id", filter=Q(settled_on_spot=True)),
        findings=Count("id", filter=Q(finding__isnull=False)),
        open=Count("id", filter=Q(finding__status=FindingStatus.OPEN)),
        vetoed=Count("submission__target_id", filter=Q(item__veto=True), distinct=True))
    return {**row, "passed": row["failed"] - row["settled"]}


# ---- the 检查报告 -----------------------------------------------------------------------------------------------

def report_facts(check_round: CheckRound) -> dict:
    """Every figure of the report, the panel and the 通报 draft, read once."""
    coverage = coverage_summary(check_round)
    items = failed_by_item(check_round)
    return {"coverage": coverage, "items": items, "towns": failed_by_town(check_round),
            "schools": schools_by_item(check_round), "vetoes": veto_failures(check_round),
            "counts": finding_counts(check_round)}


def overview_text(check_round: CheckRound, facts: dict) -> str:
    cov, counts = facts["coverage"], facts["counts"]
    if not cov["targets"]:
        return "本次检查尚未安排检查对象，尚无检查记录。"
    head = (f"本次检查共安排检查对象 {cov['targets']} 所，已检查 {cov['done']} 所，完成率 "
            f"{_rate(cov['done'], cov['targets'])}")
    if not cov["done"]:
        return head + "；尚无检查记录。"
    if not counts["failed"]:
        return head + "；已检查的对象未发现不合格项。"
    veto = f"；一票否决项不合格 {counts['vetoed']} 所" if counts["vetoed"] else ""
    return (head + f"；发现不合格项 {counts['failed']} 个，现场整改到位 {counts['settled']} 个，转入整改通知流程 "
            f"{counts['passed']} 个{veto}。")


def photo_appendix(check_round: CheckRound) -> tuple[list, int]:
    """(the answers whose photo goes into the appendix, the number of failed-item photos left out). The cap is
    the policy value checks.report_photo_cap of the round's region."""
    cap = int(policy_value("checks.report_photo_cap", check_round.region_id))
    total = CheckAnswer.objects.filter(item__round=check_round, failed=True, photo__isnull=False).count()
    shown = [a for a in round_photos(check_round, limit=cap) if a.failed] if total and cap > 0 else []
    return shown, total - len(shown)


def report_context(check_round: CheckRound, facts: dict | None = None, *, today: datetime.date | None = None,
                   photos: list | None = None, photos_left: int = 0) -> dict:
    """Plain data for the Word template check_report and the PDF (see documents.render.TEMPLATES)."""
    facts = facts or report_facts(check_round)
    cov = facts["coverage"]
    return _clean({
        "title": f"{check_round.title}报告", "round": check_round.title, "kind": check_round.get_kind_display(),
        "office": office_name(check_round), "period": period_text(check_round),
        "generated_on": cn_date(today or timezone.localdate()), "status": check_round.get_status_display(),
        "overview": overview_text(check_round, facts),
        "coverage": {"targets": cov["targets"], "done": cov["done"], "pending": cov["targets"] - cov["done"],
                     "rate": _rate(cov["done"], cov["targets"])},
        "towns": [{"name": t["name"], "targets": t["targets"], "done": t["done"], "rate": _rate(t["done"], t["targets"]),
                   "failed": t["failed"]} for t in facts["towns"]],
        "inspectors": [{"name": r["name"], "targets": r["targets"], "done": r["done"],
                        "rate": _rate(r["done"], r["targets"])} for r in cov["by_inspector"]],
        "items": [{"no": n, "text": r["item"].text, "veto": "是" if r["item"].veto else "", "answered": r["answered"],
                   "failed": r["failed"], "settled": r["settled"], "open": r["failed"] - r["settled"],
                   "schools": _named(facts["schools"].get(r["item"].pk, [])) or "—"}
                  for n, r in enumerate(facts["items"], 1)],
        "vetoes": facts["vetoes"],
        "photos": [{"no": n, "school": a.submission.target.school.name, "item": a.item.text, "caption": a.note or "—",
                    "image": ""} for n, a in enumerate(photos or [], 1)],
        "photos_note": (f"另有 {photos_left} 张未列出。" if photos_left else "")
                       + ("" if photos else "本次检查没有不合格项的照片。"),
    })


def _thumbnail_bytes(stored) -> bytes | None:
    """A photo's thumbnail (bounded size, JPEG), or None when it cannot be read: the report goes out without it."""
    try:
        path = files.ensure_thumbnail(stored.path, stored.thumb_path) if stored.thumb_path else stored.path
        return files.read_blob(path)
    except (ApplicationError, OSError):
        return None


def _data_uri(stored) -> str | None:
    try:
        return thumbnail_data_uri(stored)
    except OSError:
        return None


def report_docx(check_round: CheckRound) -> bytes:
    photos, left = photo_appendix(check_round)
    context = report_context(check_round, photos=photos, photos_left=left)
    return render_docx("check_report", check_round.region_id, context,
                       pictures={"photos": [_thumbnail_bytes(a.photo) for a in photos]})


def report_pdf(check_round: CheckRound) -> bytes:
    photos, left = photo_appendix(check_round)
    context = report_context(check_round, photos=photos, photos_left=left)
    for row, answer in zip(context["photos"], photos, strict=True):
        row["image"] = _data_uri(answer.photo) or ""
    return render_pdf_bytes("checks/outputs_report_pdf.html", context)


def report_filename(check_round: CheckRound, fmt: str) -> str:
    return f"{_NOT_XML.sub('', check_round.title)[:60]}报告.{fmt}".replace("/", "_")


# ---- leader summary and the 通报 draft ----------------------------------------------------------------------

def computed_summary(check_round: CheckRound, facts: dict | None = None) -> str:
    """3–5 plain lines: coverage, the items failed most, 一票否决 failures, the findings still open."""
    facts = facts or report_facts(check_round)
    cov, counts = facts["coverage"], facts["counts"]
    lines = [f"覆盖：检查对象 {cov['targets']} 所，已检查 {cov['done']} 所（完成率 {_rate(cov['done'], cov['targets'])}）。"]
    if not cov["done"]:
        lines.append("尚无检查记录。")
        return "\n".join(lines)
    top = sorted((r for r in facts["items"] if r["failed"]), key=lambda r: (-r["failed"], r["item"].order))[:3]
    lines.append("问题最多的检查项：" + "；".join(f"{r['item'].text}（{r['failed']} 所）" for r in top) + "。"
                 if top else "已检查的对象未发现不合格项。")
    if counts["vetoed"]:
        names = sorted({v["school"] for v in facts["vetoes"]})
        lines.append(f"一票否决：{counts['vetoed']} 所学校一票否决项不合格（{_named(names, 3)}）。")
    else:
        lines.append("一票否决：无。")
    if counts["failed"]:
        lines.append(f"问题处理：不合格项 {counts['failed']} 个，现场整改到位 {counts['settled']} 个，转入整改通知 "
                     f"{counts['passed']} 个，目前仍待整改 {counts['open']} 个。")
    return "\n".join(lines)


def bulletin_draft(check_round: CheckRound, facts: dict | None = None) -> tuple[str, str]:
    """(title, body) of the 检查通报, generated from the results for the office to edit before publishing."""
    facts = facts or report_facts(check_round)
    cov, counts = facts["coverage"], facts["counts"]
    title = f"关于{check_round.title}情况的通报"
    paragraphs = [f"{period_text(check_round)}，{office_name(check_round)}组织开展了{check_round.title}。"
                  + overview_text(check_round, facts)]
    if cov["done"] and counts["failed"]:
        failed_items = [r for r in facts["items"] if r["failed"]]
        paragraphs.append("一、发现的主要问题")
        for n, r in enumerate(failed_items, 1):
            names = facts["schools"].get(r["item"].pk, [])
            paragraphs.append(f"{n}. {r['item'].finding_text or r['item'].text}（{r['failed']} 所："
                              f"{_named(names)}）。")
        per_school = defaultdict(int)
        for names in facts["schools"].values():
            for name in names:
                per_school[name] += 1
        paragraphs.append("二、存在问题的学校")
        paragraphs.append("、".join(f"{name}（{k} 项）" for name, k in sorted(per_school.items())) + "。")
        paragraphs.append("三、整改情况")
        paragraphs.append(f"现场整改到位 {counts['settled']} 个，转入整改通知流程 {counts['passed']} 个，其中仍待整改 "
                          f"{counts['open']} 个。")
        paragraphs.append("四、工作要求")
        paragraphs.append("请存在问题的学校对照问题清单逐项整改，按整改通知书要求按期报送整改报告和佐证材料；"
                          "各责任督学要跟踪督促，确保整改到位。")
    elif cov["done"]:
        paragraphs.append("已检查的学校未发现不合格项。请各校继续保持，做好日常安全管理。")
    paragraphs.append(f"{office_name(check_round)}\n{cn_date(timezone.localdate())}")
    return _clean(title)[:200], _clean("\n".join(paragraphs))


def outputs_state(check_round: CheckRound) -> dict:
    """What the panel shows about the 通报: {"published": Publication or None, "withdrawn": bool}."""
    bulletin = check_round.bulletin
    return {"published": bulletin if bulletin and not bulletin.withdrawn_at else None,
            "withdrawn": bool(bulletin and bulletin.withdrawn_at)}


def bulletin_publishable(check_round: CheckRound) -> str:
    """"" if the round's 通报 can be published now, else why not (in Chinese)."""
    if check_round.status == RoundStatus.DRAFT:
        return "专项检查尚在草稿状态，不能发布通报。"
    if check_round.bulletin_id and not check_round.bulletin.withdrawn_at:
        return "本次检查的通报已发布。"
    return ""


# ---- the year's figures (cockpit, 年度工作总结) ------------------------------------------------------------------

def _year_targets(reader, start: datetime.date, end: datetime.date):
    """The targets in the reader's region (by the target's town, whoever organised the round) of the rounds, not
    drafts, starting in [start, end]."""
    return (CheckTarget.objects.visible_to(reader).filter(round__starts_on__gte=start, round__starts_on__lte=end)
            .exclude(round__status=RoundStatus.DRAFT))


def year_rows(reader, start: datetime.date, end: datetime.date, *, by_school: bool = False) -> list[dict]:
    """The year's targets (see _year_targets) grouped by town (and school): targets, done, rounds, failed answers,
    findings raised, settled on the spot. Two grouped queries whatever the number of rows."""
    targets = _year_targets(reader, start, end)
    group = ("region_code", "school_id") if by_school else ("region_code",)
    rows = (targets.order_by().values(*group)
            .annotate(targets=Count("id"), done=Count("id", filter=Q(status=TargetStatus.DONE)),
                      rounds=Count("round_id", distinct=True)))
    answer_group = tuple(f"submission__target__{g}" for g in group)
    answers = {tuple(r[g] for g in answer_group): r for r in (
        CheckAnswer.objects.filter(submission__target__in=targets.values("pk"), failed=True).order_by()
        .values(*answer_group)
        .annotate(n_failed=Count("id"), n_findings=Count("id", filter=Q(finding__isnull=False)),
                  n_settled=Count("id", filter=Q(settled_on_spot=True))))}
    out = []
    for row in rows:
        extra = answers.get(tuple(row[g] for g in group), {})
        out.append({**row, "failed": extra.get("n_failed", 0), "findings": extra.get("n_findings", 0),
                    "settled": extra.get("n_settled", 0)})
    return out


def year_round_count(reader, start: datetime.date, end: datetime.date) -> int:
    """The rounds (not drafts) starting in [start, end] that check a school of the reader's region."""
    return _year_targets(reader, start, end).order_by().values("round_id").distinct().count()


def year_by_kind(reader, start: datetime.date, end: datetime.date) -> list[tuple]:
    """(kind label, rounds, targets, done) per kind, over the year's targets (see _year_targets)."""
    rows = (_year_targets(reader, start, end).order_by().values("round__kind")
            .annotate(n=Count("round_id", distinct=True), targets=Count("id"),
                      done=Count("id", filter=Q(status=TargetStatus.DONE))))
    labels = dict(CheckRound._meta.get_field("kind").choices)
    return [(labels.get(r["round__kind"], r["round__kind"]), r["n"], r["targets"], r["done"])
            for r in sorted(rows, key=lambda r: r["round__kind"])]
