"""创建 campaigns pages: the list, a campaign's board and task list, and a task with its progress reports."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.forms import form_error
from dudao.core.listing import xlsx_sheets_response
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import attempt
from dudao.monitoring import campaigns as campaigns_service
from dudao.monitoring import selectors
from dudao.monitoring.models import Campaign, CampaignKind
from dudao.regions.models import GovUnit
from dudao.schools.models import School


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label="创建类型", choices=CampaignKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label="名称", max_length=128)
    target_year = forms.IntegerField(label="迎接国家评估认定年份", min_value=2000, max_value=2100)


class TaskForm(forms.Form):
    title = forms.CharField(label="任务", max_length=255)
    owner = forms.ChoiceField(label="责任单位（学校）", widget=forms.Select(attrs={"class": "form-select"}))
    measures = forms.CharField(label="措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        units = GovUnit.objects.filter(region__code__startswith=county_code).order_by("code")
        schools = School.objects.filter(region__code__startswith=county_code).exclude(
            school_type="training").order_by("code")
        self.fields["owner"].choices = [("", "请选择")] + [
            ("政府单位", [(f"unit:{u.pk}", u.name) for u in units]),
            ("学校", [(f"school:{s.pk}", s.name) for s in schools])]
        self._units = {f"unit:{u.pk}": u for u in units}
        self._schools = {f"school:{s.pk}": s for s in schools}

    def owner_kwargs(self) -> dict:
        key = self.cleaned_data["owner"]
        return {"unit": self._units.get(key), "school": self._schools.get(key)}


@login_required
def campaign_list(request):
    office = scope_for(request.user).everything or scope_for(request.user).has_role(Role.OFFICE)
    campaigns = list(selectors.campaign_list(request.user))
    if not campaigns and not office and scope_for(request.user).is_empty:
        raise Http404
    counties = list(selectors.counties_visible(request.user)) if office else []
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        county = next((c for c in counties if c.code == request.POST.get("county")), None)
        if not form.is_valid() or county is None:
            messages.error(request, "输入有误：请填写创建类型、县（区）、名称和年份。")
        else:
            try:
                campaign = campaigns_service.campaign_create(actor=request.user, county=county, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "创建工作已建立，请分解任务清单。")
                return redirect("monitoring:campaign_detail", pk=campaign.pk)
    return render(request, "monitoring/campaign_list.html", {
        "campaigns": campaigns, "form": form, "counties": counties, "office": office})


@login_required
def campaign_detail(request, pk: int):
    campaign = get_visible_or_404(Campaign.objects.select_related("county"), request.user, pk=pk)
    office = scope_for(request.user).holds(campaign.county_id, Role.OFFICE)
    form = TaskForm(request.POST or None, county_code=campaign.county_id)
    if request.method == "POST":
        if not office:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            if attempt(request, lambda: campaigns_service.task_add(
                    actor=request.user, campaign=campaign, title=data["title"], measures=data["measures"],
                    deadline=data["deadline"], **form.owner_kwargs()), "任务已加入清单。"):
                return redirect("monitoring:campaign_detail", pk=pk)
        else:
            form_error(request, form)
    today = timezone.localdate()
    tasks = selectors.campaign_tasks(request.user, campaign)
    if request.GET.get("export") == "xlsx":
        return xlsx_sheets_response(campaign.name, [("任务清单", [
            ("任务", lambda t: t.title), ("责任单位（学校）", lambda t: str(t.target)), ("措施", lambda t: t.measures),
            ("完成时限", lambda t: t.deadline.isoformat()), ("进度（%）", lambda t: t.progress),
            ("状态", lambda t: selectors.STATE_LABELS[t.state(today)]),
            ("完成日期", lambda t: t.done_at.isoformat() if t.done_at else "")], tasks)])
    return render(request, "monitoring/campaign_detail.html", {
        "campaign": campaign, "board": selectors.campaign_board(tasks, today), "tasks": tasks, "today": today,
        "form": form, "office": office, "labels": selectors.STATE_LABELS})


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def task_detail(request, pk: int):
    task = selectors.task_for(request.user, pk)
    form = ProgressForm(request.POST or None, initial={"progress": task.progress})
    if request.method == "POST":
        if form.is_valid():
            if attempt(request, lambda: campaigns_service.progress_report(
                    actor=request.user, task=task, today=timezone.localdate(), uploads=request.FILES.getlist("evidence"),
                    **form.cleaned_data), "进展已报告。"):
                return redirect("monitoring:task_detail", pk=pk)
        else:
            form_error(request, form)
    return render(request, "monitoring/task_detail.html", {
        "task": task, "form": form, "can_report": campaigns_service.can_report(request.user, task) and not task.done_at,
        "updates": task.updates.select_related("reported_by").prefetch_related("evidence"),
        "state": selectors.STATE_LABELS[task.state(timezone.localdate())]})
