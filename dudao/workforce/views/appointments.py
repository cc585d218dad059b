"""Pages of area appointments: 督学聘任、公示、聘书与督学证、公开验证. Thin: parse, call a service or a read,
render; one URL per action. The public verification page is in workforce/public.py."""

import base64
import datetime
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.web import has_role, require_role
from dudao.documents import files
from dudao.documents.render import render_pdf_bytes
from dudao.people.models import InspectorKind, InspectorSource
from dudao.regions.models import Region
from dudao.schools.models import School
from dudao.workforce.models import AppointmentStatus, CandidateRecommender, CandidateStatus
from dudao.workforce.selectors import appointments as selectors
from dudao.workforce.services import appointments as services
from dudao.zones.public import qr_svg

BATCH_EXPORT = [
    ("批次名称", lambda b: b.title), ("聘任地区", lambda b: b.region.name), ("状态", lambda b: b.get_status_display()),
    ("聘期（年）", lambda b: b.term_years), ("候选人", lambda b: b.n_candidates), ("通过审核", lambda b: b.n_passed),
    ("公示开始", lambda b: b.publicity_start), ("公示截止", lambda b: b.publicity_end), ("任命文号", lambda b: b.doc_no),
    ("聘期开始", lambda b: b.term_start), ("聘期截止", lambda b: b.term_end), ("创建时间", lambda b: b.created_at),
]

DATE = forms.DateInput(attrs={"type": "date"})


class BatchForm(forms.Form):
    region = forms.ChoiceField(label="聘任地区")
    title = forms.CharField(label="批次名称", max_length=128, help_text="例如：2026年兼职督学选聘")
    term_years = forms.IntegerField(label="聘期（年）", min_value=1, max_value=10, initial=3)
    note = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="选聘名额、条件、推荐截止时间等")

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.fields["region"].choices = [(c, r.name) for c, r in self.regions.items()]
        style_form(self)


class CandidateForm(forms.Form):
    recommender = forms.ChoiceField(label="推荐单位")
    renewing = forms.ChoiceField(label="续聘督学（督导室提名续聘时选择）", required=False,
                                 help_text="选择后姓名、单位等以督学名录为准")
    name = forms.CharField(label="姓名", max_length=64, required=False)
    gender = forms.ChoiceField(label="性别", choices=[("男", "男"), ("女", "女")])
    birth_date = forms.DateField(label="出生日期", widget=DATE)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    employer = forms.CharField(label="工作单位", max_length=128, required=False)
    position = forms.CharField(label="职务/职称", max_length=64, required=False)
    kind = forms.ChoiceField(label="类别", choices=InspectorKind.choices, initial=InspectorKind.PART_TIME)
    source = forms.ChoiceField(label="来源", choices=InspectorSource.choices)
    home_school = forms.CharField(label="本人所在学校（学校标识码，用于回避）", max_length=32, required=False)
    retirement_date = forms.DateField(label="退休日期", required=False, widget=DATE, help_text="退休人员必填")
    reason = forms.CharField(label="推荐理由", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, options, renewals, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {}
        for s in options["schools"]:
            self.targets[f"school:{s.pk}"] = (CandidateRecommender.SCHOOL, {"school": s}, s.name)
        for u in options["units"]:
            self.targets[f"unit:{u.pk}"] = (CandidateRecommender.TOWN, {"unit": u}, u.name)
        if options["office"]:
            self.targets["office"] = (CandidateRecommender.OFFICE, {}, "督导室提名")
        self.fields["recommender"].choices = [(k, v[2]) for k, v in self.targets.items()]
        self.renewals = {str(i.pk): i for i in renewals} if options["office"] else {}
        if self.renewals:
            self.fields["renewing"].choices = [("", "（新聘）")] + [
                (k, f"{i.name}（{i.card_no}，第{i.term_no}届）") for k, i in self.renewals.items()]
        else:
            del self.fields["renewing"]
        if not options["office"]:
            # a school recommends its own staff: their school is the recommending school
            del self.fields["home_school"]
        style_form(self)


# ---- list and new batch ----------------------------------------------------------------------------------------

@login_required
def appointment_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "q", "year")}
    rows = selectors.batch_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("督学选聘", "督学选聘", BATCH_EXPORT, rows.iterator(chunk_size=500))
    page, size = paginate(request, rows)
    return render(request, "workforce/appointments_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": AppointmentStatus.choices, "filtered": any(filters.values()),
        "can_create": bool(selectors.county_choices(request.user)) and has_role(request.user, Role.OFFICE),
        "can_designate": has_role(request.user, Role.ADMIN)})


@login_required
@require_role(Role.OFFICE)
def batch_new(request):
    regions = selectors.county_choices(request.user)
    if not regions:
        raise Http404
    form = BatchForm(request.POST or None, regions=regions, initial={"title": f"{timezone.localdate().year}年兼职督学选聘"})
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = services.batch_create(actor=request.user, region=form.regions[data["region"]],
                                              title=data["title"], term_years=data["term_years"], note=data["note"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, "已发起选聘，学校、乡镇（街道）现在可以推荐人选。")
                return redirect("workforce:appointment_detail", pk=batch.pk)
        else:
            message = "输入有误，请按提示修改。"
    return render(request, "workforce/appointments_new.html", {"form": form, "message": message},
                  status=400 if form.is_bound else 200)


# ---- 督导室负责人 (who may pass a candidate breaking a rule) ------------------------------------------------------

@login_required
@require_role(Role.ADMIN)
def head_list(request):
    """Administrators designate each county's office head (on the office's written instruction)."""
    message = ""
    if request.method == "POST":
        region = Region.objects.filter(code=request.POST.get("region", "").strip()).first()
        user = get_user_model().objects.filter(username=request.POST.get("username", "").strip(),
                                               is_active=True).first()
        if region is None:
            message = "没有这个区划代码。"
        elif user is None:
            message = "没有这个启用的账号。"
        else:
            try:
                services.head_designate(actor=request.user, region=region, user=user)
            except (ApplicationError, PermissionDenied) as exc:
                message = exc.message
            else:
                messages.success(request, f"已指定 {user.get_full_name() or user.username} 为{region.name}督导室负责人。")
                return redirect("workforce:appointment_heads")
    return render(request, "workforce/appointments_heads.html", {
        "heads": selectors.current_heads(request.user), "message": message,
        "entered": {k: request.POST.get(k, "") for k in ("region", "username")}},
        status=400 if message else 200)


# ---- one batch ---------------------------------------------------------------------------------------------------

def _detail(request, batch, *, status=200):
    staff = selectors.is_staff_for(request.user, batch)
    office = selectors.is_office_for(request.user, batch)
    candidates = selectors.candidates_of(request.user, batch)
    preview = None
    if staff and batch.status == AppointmentStatus.RECOMMENDING and candidates:
        flags, shares = services.batch_preview(batch)
        preview = {"flags": {k: v for k, v in flags.items() if v}, "shares": shares}
    options = services.recommender_options(request.user, batch)
    return render(request, "workforce/appointments_detail.html", {
        "batch": batch, "candidates": candidates, "staff": staff, "office": office, "preview": preview,
        "head": office and services.is_head(request.user, batch.region_code),
        "can_recommend": batch.status == AppointmentStatus.RECOMMENDING and any(options.values()),
        "objections": selectors.objections_of(batch) if staff else [],
        "history": selectors.history(batch) if staff else [],
        "certificates": selectors.certificates_of(batch) if staff else {},
        "today": timezone.localdate(), "S": CandidateStatus, "B": AppointmentStatus,
        "public_url": reverse("results:detail", args=[batch.publication_id]) if batch.publication_id else "",
    }, status=status)


@login_required
def appointment_detail(request, pk: int):
    return _detail(request, selectors.get_batch_for(request.user, pk))


def _school_by_code(code: str) -> School | None:
    code = (code or "").strip()
    if not code:
        return None
    school = School.objects.filter(code=code[:32]).first()
    if school is None:
        raise ApplicationError(f"没有学校标识码为“{code[:32]}”的学校。")
    return school


@login_required
def candidate_new(request, pk: int):
    batch = selectors.get_batch_for(request.user, pk)
    options = services.recommender_options(request.user, batch)
    if batch.status != AppointmentStatus.RECOMMENDING or not any(options.values()):
        raise Http404
    form = CandidateForm(request.POST or None, options=options, renewals=selectors.renewal_choices(batch))
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            as_recommender, target, _name = form.targets[data["recommender"]]
            try:
                fields = {k: data[k] for k in ("name", "gender", "birth_date", "phone", "employer", "position",
                                                "kind", "source", "retirement_date", "reason")}
                if "home_school" in form.fields:
                    fields["home_school"] = _school_by_code(data["home_school"])
                services.candidate_recommend(actor=request.user, batch=batch, as_recommender=as_recommender,
                                             renewing=form.renewals.get(data.get("renewing") or ""), **target,
                                             **fields)
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, f"已推荐{data['name'] or '该督学续聘'}。")
                return redirect("workforce:appointment_detail", pk=batch.pk)
        else:
            message = "输入有误，请按提示修改。"
    return render(request, "workforce/appointments_candidate.html", {"form": form, "batch": batch, "message": message},
                  status=400 if form.is_bound else 200)


def _act(request, batch_pk: int, call, success: str):
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("workforce:appointment_detail", pk=batch_pk)


def _office_batch(request, pk: int):
    batch = selectors.get_batch_for(request.user, pk)
    if not selectors.is_office_for(request.user, batch):
        raise Http404
    return batch


@login_required
@require_POST
@require_role(Role.OFFICE)
def batch_review(request, pk: int):
    batch = _office_batch(request, pk)
    return _act(request, pk, lambda: services.batch_review(actor=request.user, batch=batch),
                "资格审核完成：请对“不符合条件待定”的候选人作出决定。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def batch_publish(request, pk: int):
    batch = _office_batch(request, pk)
    return _act(request, pk, lambda: services.batch_publish(actor=request.user, batch=batch,
                                                            contact=request.POST.get("contact", "")),
                "已在结果公开页发布公示。")


def _date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        return None


@login_required
@require_POST
@require_role(Role.OFFICE)
def batch_appoint(request, pk: int):
    batch = _office_batch(request, pk)

    def call():
        term_start = _date(request.POST.get("term_start", ""))
        if term_start is None:
            raise ApplicationError("请填写聘期开始日期。")
        services.batch_appoint(actor=request.user, batch=batch, doc_no=request.POST.get("doc_no", ""),
                               term_start=term_start)
    return _act(request, pk, call, "已任命：督学名录已更新，可打印聘书和督学证。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def batch_cancel(request, pk: int):
    batch = _office_batch(request, pk)
    return _act(request, pk, lambda: services.batch_cancel(actor=request.user, batch=batch,
                                                           reason=request.POST.get("reason", "")), "已撤销选聘批次。")


def _office_candidate(request, pk: int):
    candidate = selectors.get_candidate_for(request.user, pk)
    if not selectors.is_office_for(request.user, candidate.batch):
        raise Http404
    return candidate


@login_required
@require_POST
@require_role(Role.OFFICE)
def candidate_except(request, pk: int):
    candidate = _office_candidate(request, pk)
    return _act(request, candidate.batch_id, lambda: services.candidate_except(
        actor=request.user, candidate=candidate, reason=request.POST.get("reason", ""),
        confirmed=request.POST.get("confirm") == "yes"), f"已同意{candidate.name}通过资格审核，理由已存档。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def candidate_refuse(request, pk: int):
    candidate = _office_candidate(request, pk)
    return _act(request, candidate.batch_id, lambda: services.candidate_refuse(
        actor=request.user, candidate=candidate, reason=request.POST.get("reason", "")), f"{candidate.name}审核不通过。")


@login_required
@require_POST
def candidate_withdraw(request, pk: int):
    candidate = selectors.get_candidate_for(request.user, pk)
    return _act(request, candidate.batch_id, lambda: services.candidate_withdraw(
        actor=request.user, candidate=candidate, reason=request.POST.get("reason", "")), f"已撤回对{candidate.name}的推荐。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def objection_record(request, pk: int):
    candidate = _office_candidate(request, pk)

    def call():
        received = _date(request.POST.get("received_on", ""))
        if received is None:
            raise ApplicationError("请填写收到日期。")
        services.objection_record(actor=request.user, candidate=candidate, objector=request.POST.get("objector", ""),
                                  contact=request.POST.get("contact", ""), content=request.POST.get("content", ""),
                                  received_on=received)
    return _act(request, candidate.batch_id, call, "已登记异议，请核查后填写处理情况。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def objection_handle(request, pk: int):
    objection = selectors.get_objection_for(request.user, pk)
    if not selectors.is_office_for(request.user, objection.batch):
        raise Http404
    upheld = request.POST.get("upheld", "")

    def call():
        if upheld not in ("yes", "no"):
            raise ApplicationError("请选择异议是否成立。")
        services.objection_handle(actor=request.user, objection=objection, handling=request.POST.get("handling", ""),
                                  upheld=upheld == "yes")
    return _act(request, objection.batch_id, call, "已处理异议。")


# ---- 聘书 and 督学证 -----------------------------------------------------------------------------------------------

def _photo_uri(inspector) -> str:
    if not inspector.photo_id:
        return ""
    try:
        data = files.read_blob(inspector.photo.path)
    except (OSError, ValueError):
        return ""
    return f"data:{inspector.photo.content_type};base64,{base64.b64encode(data).decode()}"


def certificate_context(request, cert) -> dict:
    inspector = cert.inspector
    verify_url = request.build_absolute_uri(reverse("workforce_public:card", args=[cert.key]))
    return {"cert": cert, "inspector": inspector, "batch": cert.candidate.batch, "photo": _photo_uri(inspector),
            "qr": qr_svg(verify_url), "verify_url": verify_url, "status": selectors.card_status(cert),
            "office": f"{inspector.region.name}人民政府教育督导室", "term_start": cn_date(cert.term_start),
            "term_end": cn_date(cert.term_end), "issued": cn_date(cert.issued_at)}


@login_required
def certificate_detail(request, pk: int):
    cert = selectors.get_certificate_for(request.user, pk)
    return render(request, "workforce/appointments_certificate.html", certificate_context(request, cert))


@login_required
def certificate_pdf(request, pk: int, kind: str):
    cert = selectors.get_certificate_for(request.user, pk)
    if kind not in ("letter", "card"):
        raise Http404
    template = "workforce/appointments_letter_pdf.html" if kind == "letter" else "workforce/appointments_card_pdf.html"
    pdf = render_pdf_bytes(template, certificate_context(request, cert))
    name = f"{'聘书' if kind == 'letter' else '督学证'}_{cert.inspector.card_no}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
