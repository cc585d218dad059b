"""Downloads of a round: raw answers (.xlsx, office only), the survey report (.docx / PDF), the QR-code
poster per school and the printable access codes (PDF). Text is written as text (never as a formula),
escaped by docxtpl's autoescape and by Django templates in the PDFs."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.core.listing import xlsx_sheets_response
from dudao.documents.decorators import document_errors
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.surveys import selectors
from dudao.surveys.models import AccessCode, SurveyResponse
from dudao.surveys.questionnaire import questions
from dudao.surveys.views import _round
from dudao.zones.public import qr_svg


def _office_round(request, pk: int):
    survey_round = _round(request, pk)
    if not selectors.is_office_for(request.user, survey_round.county_id):
        raise Http404
    return survey_round


def _cell(value):
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, dict):
        return "；".join(f"{k}:{v}" for k, v in value.items())
    return value


@login_required
def raw_export(request, pk: int):
    survey_round = _office_round(request, pk)
    qs = list(questions(survey_round.questionnaire.definition))
    columns = [("答卷编号", lambda r: r.pk), ("学校", lambda r: r.school.name),
               ("提交时间", lambda r: timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M:%S")),
               ("疑似异常", lambda r: r.flag_reason or ""), ("已剔除", lambda r: r.excluded_note if r.excluded else "")]
    columns += [(f"{q['code']} {q['text']}"[:80], lambda r, c=q["code"]: _cell(r.answers.get(c))) for q in qs]
    rows = SurveyResponse.objects.visible_to(request.user).filter(round=survey_round).select_related(
        "school").order_by("pk").iterator(chunk_size=2000)
    return xlsx_sheets_response(f"{survey_round.name}原始答卷", [("答卷", columns, rows)])


def report_context(request, survey_round, school=None) -> dict:
    results = selectors.round_results(request.user, survey_round, school)
    pct = lambda v: "—" if v is None else f"{v:.1%}"  # noqa: E731
    threshold = f"{results.rules.threshold:.0%}"
    overall = results.overall
    schools = [{"name": s["name"], "responses": s["responses"], "rate": "不公布（答卷不足）" if s["withheld"] else pct(s["rate"]),
                "result": "" if s["withheld"] else ("达标" if s["passes"] else "未达标")} for s in results.schools]
    items = [{"text": i["text"], "answers": i["answers"], "levels": "/".join(str(n) for n in i["levels"]),
              "rate": pct(i["rate"]), "mean": "—" if i["mean"] is None else f"{i['mean']:.2f}"} for i in results.items]
    towns = [{"name": t["area"], "responses": t["responses"], "rate": "不公布（答卷不足）" if t["withheld"] else pct(t["rate"]),
              "result": "" if t["withheld"] else ("达标" if t["passes"] else "未达标")} for t in results.towns or []]
    below = [s for s in results.schools if s["passes"] is False]
    summary = (f"本次调查共收回有效答卷 {overall['responses']} 份，总体满意率 {pct(overall['rate'])}，"
               f"{'达到' if overall['passes'] else '未达到'} {threshold} 的要求；"
               f"{len(below)} 所学校满意率低于 {threshold}。") if overall["rate"] is not None else "有效答卷不足，不公布结果。"
    return {"title": f"{survey_round.name}报告", "round": survey_round.name, "county": survey_round.county.name,
            "group": survey_round.get_group_display(), "office": f"{survey_round.county.name}人民政府教育督导室",
            "period": f"{cn_date(survey_round.opens_at)}至{cn_date(survey_round.closed_at or survey_round.closes_at)}",
            "generated_on": cn_date(timezone.localdate()), "summary": summary, "threshold": threshold,
            "min_responses": results.rules.min_responses, "schools": schools, "items": items, "towns": towns,
            "low": [{"school": c["school"], "text": c["text"], "rate": pct(c["rate"])} for c in results.low]}


@login_required
@document_errors
def report(request, pk: int, fmt: str):
    survey_round = _round(request, pk)
    school = None if selectors.sees_region(request.user, survey_round.county_id) else selectors.own_school(request.user, survey_round)
    context = report_context(request, survey_round, school)
    if fmt == "docx":
        response = HttpResponse(render_docx("survey_report", survey_round.county_id, context),
                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    else:
        response = HttpResponse(render_pdf_bytes("surveys/report_pdf.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(context['title'] + '.' + fmt)}"
    return response


def _pdf(name: str, template: str, context: dict) -> HttpResponse:
    response = HttpResponse(render_pdf_bytes(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.pdf')}"
    return response


def _public_link(request, pk: int, school_id: int):
    """(round, school, absolute answer URL) for the office's printouts of one school."""
    survey_round = _office_round(request, pk)
    school = survey_round.schools.filter(pk=school_id).first()
    if school is None:
        raise Http404
    return survey_round, school, request.build_absolute_uri(
        reverse("surveys_public:answer", args=[survey_round.token, school.code]))


@login_required
def poster(request, pk: int, school_id: int):
    survey_round, school, url = _public_link(request, pk, school_id)
    return _pdf(f"{school.name}{survey_round.name}二维码", "surveys/poster_pdf.html", {
        "round": survey_round, "school": school, "url": url, "qr": qr_svg(url),
        "closes": timezone.localtime(survey_round.closes_at)})


@login_required
def codes_pdf(request, pk: int, school_id: int):
    survey_round, school, url = _public_link(request, pk, school_id)
    codes = AccessCode.objects.filter(round=survey_round, school=school).order_by("label", "code")
    return _pdf(f"{school.name}{survey_round.name}访问码", "surveys/codes_pdf.html", {
        "round": survey_round, "school": school, "url": url, "qr": qr_svg(url), "codes": codes})
