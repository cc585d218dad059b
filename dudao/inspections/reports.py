"""督导报告 of a project: context for the page, the Word document (with a chart image) and the PDF, and the
publication of the results on the public page (结果公开) through the rectification app's service."""

from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.documents.charts import bar_chart_png
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.inspections.models import Inspection, InspectionStage
from dudao.inspections.selectors import project_report
from dudao.rectification.followup import publication_publish
from dudao.rectification.models import PublicationKind
from dudao.regions.models import Region

DOCUMENT_CHART_ROWS = 40


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def chart_data(report: dict) -> dict:
    return {"ranked": [{"name": r["name"], "score": None if r["score"] is None else round(r["score"], 1),
                        "level": r["level"], "fails": r["fails"]} for r in report["ranked"]],
            "areas": [{"name": a["name"], "score": None if a["mean"] is None else round(a["mean"], 1)}
                      for a in report["areas"]],
            "thresholds": report["thresholds"], "height": 26 * len(report["ranked"]) + 90}


def report_context(inspection: Inspection, report: dict) -> dict:
    today = timezone.localdate()
    levels = "，".join(f"{label} {n} 个" for label, n in report["levels"] if n)
    vetoed = f"；{report['vetoed']} 个对象一票否决项未达标" if report["vetoed"] else ""
    return {
        "title": f"{inspection.name}督导报告", "office": f"{inspection.county.name}人民政府教育督导室",
        "generated_on": cn_date(today), "kind": inspection.get_kind_display(),
        "framework": str(inspection.framework), "count": len(report["ranked"]), "mean": _fmt(report["mean"]),
        "summary": (f"本次{inspection.get_kind_display()}共督导 {len(report['ranked'])} 个对象，平均得分 {_fmt(report['mean'])} 分；"
                    f"{levels}{vetoed}。"),
        "ranked": [{"rank": "—" if r["rank"] is None else r["rank"], "name": r["name"], "score": _fmt(r["score"]), "level": r["level"]}
                   for r in report["ranked"]],
        "areas": [{"code": a["code"], "name": a["name"], "mean": _fmt(a["mean"])} for a in report["areas"]],
    }


def report_docx(inspection: Inspection, context: dict, report: dict) -> bytes:
    rows = [(r["name"], r["score"]) for r in report["ranked"]]
    title = "各对象得分（分，满分 100）"
    if len(rows) > DOCUMENT_CHART_ROWS:  # the whole ranking is in the table; the picture must fit a page
        rows, title = rows[:DOCUMENT_CHART_ROWS], f"得分前 {DOCUMENT_CHART_ROWS} 名的对象（分，满分 100）"
    lines = [(minimum, f"{label} {minimum:g}") for minimum, label in report["thresholds"]]
    chart = bar_chart_png(title, rows, lines=lines)
    return render_docx("inspection_report", inspection.county_id, context, images={"chart": chart})


def report_pdf(context: dict) -> bytes:
    return render_pdf_bytes("inspections/report_pdf.html", context)


def report_publish(*, actor, inspection: Inspection):
    """Publish the ranking's levels (no scores of individual experts) on the public results page."""
    if inspection.stage not in (InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED, InspectionStage.ARCHIVED):
        raise ApplicationError("督导意见书出具后才能公开结果。")
    context = report_context(inspection, project_report(inspection))
    body = context["summary"] + "\n\n" + "\n".join(f"{r['name']}：{r['level']}" for r in context["ranked"])
    return publication_publish(actor=actor, kind=PublicationKind.RESULT, region_code=inspection.county_id,
                               title=f"{inspection.name}结果", body=body)


def notice_docx(inspection: Inspection) -> bytes:
    """督导通知 with its 文号 and the list of targets (editable template `inspection_notice`)."""
    if not inspection.notice_number:
        raise ApplicationError("请先填写督导通知文号。")
    targets = list(inspection.targets.select_related("school", "unit", "group", "centre", "project"))
    names = dict(Region.objects.filter(code__in={t.region_code for t in targets}).values_list("code", "name"))
    when = inspection.transitions.filter(to_status=InspectionStage.NOTIFIED).values_list(
        "at", flat=True).first() or timezone.localdate()
    return render_docx("inspection_notice", inspection.county_id, {
        "number": inspection.notice_number, "title": f"关于开展{inspection.name}的通知", "inspection": inspection.name,
        "kind": inspection.get_kind_display(), "office": f"{inspection.county.name}人民政府教育督导室",
        "issued_on": cn_date(when), "framework": str(inspection.framework), "count": len(targets),
        "period": f"{cn_date(inspection.starts_on)}至{cn_date(inspection.ends_on)}",
        "targets": [{"no": i, "name": str(t), "region": names.get(t.region_code, "")} for i, t in enumerate(targets, 1)],
    })
