"""Round pages: the list (filters, search, Excel export), the create form (subjects and the "2+1" pool as rows,
the school selection), the round page (schools, subjects and lines, the draw record, status history) and its
actions (draw, publish, each one POST view), and the import of a national/city sample list as the round's schools.
Thin: parse, call a service or a read, render."""


from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role
from dudao.core.tabular import read_import_file, write_template_workbook
from dudao.core.web import attempt, require_role
from dudao.quality import selectors
from dudao.quality.models import RoundStatus, SchoolSelection, SubjectKind, Term
from dudao.quality.services import rounds as services
from dudao.quality.views import XLSX, attachment
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import SchoolType

SUBJECT_ROWS = 5
POOL_ROWS = 5
READERS = (Role.OFFICE, Role.LEADER, Role.SCHOOL, Role.INSPECTOR)

ROUND_EXPORT = [
    ("编号", lambda r: r.pk), ("名称", lambda r: r.title), ("区县", lambda r: r.region.name),
    ("学年", lambda r: f"{r.year}—{r.year + 1}学年"), ("学期", lambda r: r.get_term_display()),
    ("年级", lambda r: r.grade), ("测试日期", lambda r: r.test_date), ("学校范围", lambda r: r.get_selection_display()),
    ("学校数", lambda r: r.school_count), ("状态", lambda r: r.get_status_display()),
    ("发布时间", lambda r: r.published_at),
]


class RoundForm(forms.Form):
    region = forms.ChoiceField(label="区县")
    title = forms.CharField(label="轮次名称", max_length=128)
    year = forms.IntegerField(label="学年（起始年份，如 2025 表示 2025—2026 学年）")
    term = forms.ChoiceField(label="学期", choices=Term.choices)
    grade = forms.IntegerField(label="年级")
    test_date = forms.DateField(label="测试日期", widget=forms.DateInput(attrs={"type": "date"}))
    selection = forms.ChoiceField(label="学校范围", choices=SchoolSelection.choices, widget=forms.RadioSelect)
    school_types = forms.MultipleChoiceField(label="办学类型（按类型或随机抽样时）", required=False,
                                             choices=SchoolType.choices, widget=forms.CheckboxSelectMultiple)
    town = forms.ChoiceField(label="乡镇（街道）（按乡镇时）", required=False)
    sample_size = forms.IntegerField(label="抽样学校数（随机抽样时）", required=False)
    seed = forms.IntegerField(label="随机种子（随机抽样时）", required=False, min_value=0,
                              help_text="留空由系统生成并记录；任何人可用同一种子复现抽样结果。")
    codes = forms.CharField(label="学校标识码（指定名单时；每行一个，或用逗号、空格分隔）", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    list_file = forms.FileField(label="或导入名单文件（工作表“样本学校”，表头“学校标识码”）", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = list(Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code"))
        self.fields["region"].choices = [(c.code, c.name) for c in counties]
        towns = Region.objects.filter(level=RegionLevel.TOWN, parent__in=counties).order_by("code")
        self.fields["town"].choices = [("", "—")] + [(t.code, t.name) for t in towns]
        style_form(self)


def _rows(data, prefix: str, count: int, *, lines: bool) -> list[dict]:
    """The filled rows of a subject table (a row with neither a name nor full marks is left out)."""
    rows = []
    for i in range(count):
        name = data.get(f"{prefix}_name_{i}", "").strip()
        full = data.get(f"{prefix}_full_{i}", "").strip()
        if not name and not full:
            continue
        row = {"name": name, "full_marks": full, "is_fitness": data.get(f"{prefix}_fitness_{i}") == "1"}
        if lines:
            for key in ("pass", "excellent", "low"):
                row[f"{key}_line"] = data.get(f"{prefix}_{key}_{i}", "").strip() or None
        rows.append(row)
    return rows


def _row_values(data, prefix: str, count: int, defaults: list[tuple[str, str]]) -> list[dict]:
    values = []
    for i in range(count):
        name, full = defaults[i] if i < len(defaults) and not data else ("", "")
        values.append({"i": i, "name": data.get(f"{prefix}_name_{i}", name) if data else name,
                       "full": data.get(f"{prefix}_full_{i}", full) if data else full,
                       "pass": data.get(f"{prefix}_pass_{i}", "") if data else "",
                       "excellent": data.get(f"{prefix}_excellent_{i}", "") if data else "",
                       "low": data.get(f"{prefix}_low_{i}", "") if data else "",
                       "fitness": (data.get(f"{prefix}_fitness_{i}") == "1") if data else False})
    return values


@login_required
@require_role(*READERS)
def round_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "term", "grade", "status", "q")}
    rounds = selectors.round_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("质量监测轮次", "质量监测轮次", ROUND_EXPORT, rounds.iterator(chunk_size=2000))
    page, size = paginate(request, rounds)
    return render(request, "quality/round_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "terms": Term.choices, "statuses": RoundStatus.choices, "grades": range(1, 13),
        "can_create": selectors.holds_office(request.user)})


@login_required
@require_role(Role.OFFICE)
def round_create(request):
    today = timezone.localdate()
    default_year = today.year if today.month >= 8 else today.year - 1
    form = RoundForm(request.POST or None, request.FILES or None, user=request.user, initial={
        "year": default_year, "term": Term.AUTUMN if today.month >= 8 else Term.SPRING, "grade": 8,
        "test_date": today, "selection": SchoolSelection.TYPE})
    message, errors = "", []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schools = None
            if data["selection"] == SchoolSelection.LIST:
                upload = data.get("list_file")
                schools = (services.read_school_list(read_import_file(upload), upload.name or "") if upload
                           else [code for _n, code in services.split_codes(data["codes"])])
            round_ = services.round_create(
                actor=request.user, region=data["region"], title=data["title"], year=data["year"], term=data["term"],
                grade=data["grade"], test_date=data["test_date"], subjects=_rows(request.POST, "s", SUBJECT_ROWS,
                                                                                  lines=True),
                draw_pool=_rows(request.POST, "p", POOL_ROWS, lines=False), selection=data["selection"],
                selection_params={"school_types": data["school_types"], "town": data["town"]}, schools=schools,
                sample_size=data["sample_size"], seed=data["seed"])
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
        else:
            messages.success(request, f"已建立质量监测轮次“{round_.title}”，共 {round_.round_schools.count()} 所学校。")
            return redirect("quality:round_detail", pk=round_.pk)
    elif request.method == "POST":
        message = "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}{v[0]}"
                                        for k, v in form.errors.items())
    post = request.POST if request.method == "POST" else None
    return render(request, "quality/round_form.html", {
        "form": form, "message": message, "errors": errors[:500], "error_total": len(errors),
        "subject_rows": _row_values(post, "s", SUBJECT_ROWS, [("语文", "100"), ("数学", "100")]),
        "pool_rows": _row_values(post, "p", POOL_ROWS, [("英语", "100"), ("科学", "100"), ("道德与法治", "100")]),
    }, status=400 if message else 200)


def _link(name: str, pk: int) -> str:
    """The URL of a page another area provides (scores import, results), or "" while it does not exist."""
    for kwargs in ({"pk": pk}, {"round_pk": pk}):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


@login_required
@require_role(*READERS)
def round_detail(request, pk: int):
    round_ = selectors.get_round_for(request.user, pk)
    staff = selectors.sees_draw_early(request.user, round_)
    office = selectors.holds_office(request.user, round_.region_id)
    subjects = selectors.round_subjects(round_, user=request.user)
    drawn = next((s for s in subjects if s.kind == SubjectKind.DRAWN), None)
    return render(request, "quality/round_detail.html", {
        "round": round_, "subjects": subjects, "drawn": drawn, "staff": staff, "office": office,
        "announced": round_.announced(timezone.localdate()),
        "schools": selectors.round_schools(round_), "history": selectors.round_history(round_),
        "pool_names": "、".join(p.get("name", "") for p in round_.draw_pool),
        "can_draw": office and round_.draw_pool and round_.drawn_at is None and round_.status == RoundStatus.PLANNED,
        "can_publish": office and round_.status == RoundStatus.SCORED,
        "can_edit_schools": office and round_.status == RoundStatus.PLANNED,
        "scores_url": _link("quality:scores_import", pk) if office else "",
        "results_url": _link("quality:results", pk) if (staff or round_.status == RoundStatus.PUBLISHED) else "",
    })


class DrawForm(forms.Form):
    seed = forms.IntegerField(required=False, min_value=0, max_value=services.MAX_SEED)


@login_required
@require_POST
@require_role(Role.OFFICE)
def round_draw(request, pk: int):
    round_ = selectors.get_round_for(request.user, pk)
    form = DrawForm(request.POST)

    def write():
        subject = services.round_draw(actor=request.user, round=round_, seed=form.cleaned_data["seed"])
        round_.refresh_from_db()
        return f"已抽取随机学科“{subject.name}”（随机种子 {round_.draw_seed}）。"

    attempt(request, write, form=form, invalid="随机种子应为非负整数。")
    return redirect("quality:round_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def round_publish(request, pk: int):
    round_ = selectors.get_round_for(request.user, pk)
    attempt(request, lambda: services.round_publish(actor=request.user, round=round_, note=request.POST.get("note", "")),
            "结果已发布，本轮学校可以查看本校结果。")
    return redirect("quality:round_detail", pk=pk)


class SchoolListForm(forms.Form):
    codes = forms.CharField(label="学校标识码（每行一个，或用逗号、空格分隔）", required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label="或导入名单文件（.xlsx/.xls/.ods/.csv；工作表“样本学校”，表头“学校标识码”）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


@login_required
@require_role(Role.OFFICE)
def round_schools(request, pk: int):
    """Replace a planned round's schools by a list (national or city sample schools), all-or-nothing."""
    round_ = selectors.get_round_for(request.user, pk)
    form = SchoolListForm(request.POST or None, request.FILES or None)
    message, errors = "", []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            schools = (services.read_school_list(read_import_file(upload), upload.name or "") if upload
                       else [code for _n, code in services.split_codes(form.cleaned_data["codes"])])
            services.round_set_schools(actor=request.user, round=round_, schools=schools)
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
        else:
            messages.success(request, f"已按名单设置监测学校，共 {round_.round_schools.count()} 所。")
            return redirect("quality:round_detail", pk=pk)
    return render(request, "quality/round_schools.html", {
        "round": round_, "form": form, "message": message, "errors": errors[:500], "error_total": len(errors),
    }, status=400 if message else 200)


@login_required
@require_role(Role.OFFICE)
def school_list_template(request):
    return attachment(write_template_workbook([services.LIST_SPEC]), XLSX, "样本学校名单模板.xlsx")

