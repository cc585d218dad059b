"""专项检查 pages (rounds area, issue 23 item 1): the round list, the round page (coverage per target and inspector,
failed items by item and by town, photos), creating and editing a draft round with its checklist, the round's
workflow (one URL per action), choosing targets by a rule, reassigning or removing one target, and the checklist
library (shipped samples, the office's own templates and their items editor). Thin: reads through
selectors.rounds, writes through services.rounds."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from dudao.checks import library
from dudao.checks.models import AnswerKind, CheckKind, CheckTarget, RoundStatus, TargetRule, TargetStatus
from dudao.checks.selectors import rounds as selectors
from dudao.checks.services import rounds as services
from dudao.checks.views.outputs import outputs_panel
from dudao.core.errors import ApplicationError
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import attempt, require_role
from dudao.schools.models import SchoolType

EXTRA_ROWS = 3  # blank rows the items editor offers for adding
TARGET_EXPORT = [
    ("学校标识码", lambda t: t.school.code), ("检查对象", lambda t: t.school.name),
    ("类型", lambda t: t.school.get_school_type_display()), ("所在乡镇（街道）", lambda t: t.region_code),
    ("检查督学", lambda t: t.inspector.name if t.inspector else "未安排"), ("状态", lambda t: t.get_status_display()),
    ("检查时间", lambda t: t.done_at.strftime("%Y-%m-%d %H:%M") if t.done_at else ""),
    ("不合格项数", lambda t: t.failed_count if t.status == TargetStatus.DONE else ""),
    ("一票否决项不合格", lambda t: ("是" if t.veto_failed else "否") if t.status == TargetStatus.DONE else ""),
]
ROUND_EXPORT = [
    ("编号", lambda r: r.pk), ("检查名称", lambda r: r.title), ("检查类别", lambda r: r.get_kind_display()),
    ("组织区划", lambda r: r.region.name), ("开始日期", lambda r: r.starts_on), ("结束日期", lambda r: r.ends_on),
    ("状态", lambda r: r.get_status_display()), ("检查对象数", lambda r: r.target_count),
    ("已检查", lambda r: r.done_count),
    ("覆盖率（%）", lambda r: round(100 * r.done_count / r.target_count, 1) if r.target_count else ""),
]


# ---- the items editor (a round's checklist and a template's) ---------------------------------------------------

def _posted_items(post) -> list[dict]:
    """The editor's rows in their posted order numbers (a move is a new number), without deleted and blank rows."""
    try:
        rows = min(int(post.get("item_rows", 0)), services.ITEMS_MAX + EXTRA_ROWS)
    except ValueError:
        rows = 0
    found = []
    for i in range(rows):
        def get(name, i=i):
            return post.get(f"item-{i}-{name}", "")
        item = {"text": get("text"), "answer_kind": get("answer_kind") or AnswerKind.YES_NO,
                "number_min": get("number_min"), "number_max": get("number_max"), "unit": get("unit"),
                "photo_required": bool(get("photo_required")), "veto": bool(get("veto")),
                "finding_text": get("finding_text"), "finding_category": get("finding_category"),
                "severity": get("severity") or "1", "guidance": get("guidance")}
        if get("delete") or not any(str(item[k]).strip() for k in ("text", "finding_text", "guidance")):
            continue
        try:
            order = float(get("order") or i + 1)
        except ValueError:
            order = i + 1
        found.append((order, i, item))
    return [item for _o, _i, item in sorted(found, key=lambda t: (t[0], t[1]))]


def _editor_rows(items: list[dict]) -> list[dict]:
    rows = [dict(item) for item in items] + [{} for _ in range(EXTRA_ROWS)]
    for n, row in enumerate(rows):
        row["index"], row["order"] = n, n + 1
        for key in ("number_min", "number_max"):
            value = row.get(key)
            row[key] = "" if value is None else str(value)
    return rows


def _round_items(check_round) -> list[dict]:
    return [{k: getattr(i, k) for k in services.ITEM_FIELDS} for i in check_round.items.order_by("order", "id")]


def _editor_context(items: list[dict]) -> dict:
    return {"rows": _editor_rows(items), "row_count": len(items) + EXTRA_ROWS, "answer_kinds": AnswerKind.choices}


def _date(value: str):
    try:
        return datetime.date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None


def _posted_head(post) -> dict:
    return {"title": post.get("title", ""), "kind": post.get("kind", ""), "description": post.get("description", ""),
            "starts_on": post.get("starts_on", ""), "ends_on": post.get("ends_on", ""), "region": post.get("region", "")}


# ---- the round list and page -------------------------------------------------------------------------------------

@login_required
@require_safe
def round_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "kind", "year", "q")}
    rounds = selectors.round_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("专项检查", "专项检查", ROUND_EXPORT, rounds.iterator(chunk_size=2000))
    page, size = paginate(request, rounds)
    return render(request, "checks/rounds_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": RoundStatus.choices, "kinds": CheckKind.choices, "years": selectors.round_years(request.user),
        "can_create": bool(selectors.office_regions(request.user))})


@login_required
@require_safe
def round_detail(request, pk: int):
    check_round = selectors.get_round_for(request.user, pk)
    filters = {k: request.GET.get(k, "").strip() for k in ("town", "inspector", "status", "q")}
    targets = selectors.target_list(request.user, check_round, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{check_round.title}-检查对象", "检查对象", TARGET_EXPORT,
                             targets.iterator(chunk_size=2000))
    manage = selectors.may_manage(request.user, check_round)
    page, size = paginate(request, targets)
    towns = selectors.round_towns(check_round)
    names = {t.code: t.name for t in towns}
    for target in page:
        target.town_name = names.get(target.region_code, target.region_code)
    coverage = selectors.coverage_summary(check_round)
    by_item = selectors.failed_by_item(check_round)
    by_town = selectors.failed_by_town(check_round)
    judged = [(n, r) for n, r in enumerate(by_item, 1) if r["item"].answer_kind != AnswerKind.TEXT]
    chart = {"items": [f"{n}. {r['item'].text[:16]}" for n, r in judged], "failed": [r["failed"] for _n, r in judged]}
    type_labels = dict(SchoolType.choices)
    return render(request, "checks/rounds_detail.html", {
        "round": check_round, "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "manage": manage, "coverage": coverage, "by_item": by_item, "by_town": by_town, "chart": chart,
        "any_failed": any(r["failed"] for r in by_item), "photos": selectors.round_photos(check_round, limit=48),
        "towns": towns, "statuses": TargetStatus.choices,
        "unassigned": selectors.unassigned_count(check_round),
        "inspector_options": _inspector_options(selectors.region_inspectors(check_round)) if manage else "",
        "mine": selectors.my_targets(request.user, check_round),
        "transitions": selectors.transitions(check_round) if manage else [],
        "rule_label": TargetRule(check_round.target_rule).label if check_round.target_rule else "",
        "rule_types": "、".join(type_labels.get(t, t) for t in (check_round.target_params or {}).get("types", [])),
        "today": timezone.localdate(),
        # the outputs area's panel: 检查报告, 领导摘要, 检查通报 (office and leaders of the round's region)
        **(outputs_panel(request, check_round) if check_round.status != RoundStatus.DRAFT else {}),
        "outputs_next": reverse("checks:round_detail", args=[check_round.pk])})


def _inspector_options(inspectors) -> str:
    """The reassign menu's <option>s, built once for every row of the page (a template loop per row cost more than
    the page's queries)."""
    return mark_safe("".join(format_html('<option value="{}">{}</option>', i.pk, i.name) for i in inspectors))


# ---- create and edit a draft round -------------------------------------------------------------------------------

def _form_page(request, *, head: dict, items: list[dict], regions, check_round=None, template=None,
               message: str = ""):
    return render(request, "checks/rounds_form.html", {
        "head": head, "regions": regions, "kinds": CheckKind.choices, "round": check_round, "template": template,
        "message": message, **_editor_context(items)}, status=400 if message else 200)


@login_required
@require_role(Role.OFFICE)
def round_create(request):
    regions = selectors.office_regions(request.user)
    if not regions:
        raise Http404
    template, sample = None, None
    if request.GET.get("template"):
        template = selectors.get_template_for(request.user, request.GET["template"])
    elif request.GET.get("sample"):
        sample = library.BY_CODE.get(request.GET["sample"])
        if sample is None:
            raise Http404
    if request.method != "POST":
        source = template or sample
        head = {"title": "", "kind": source.kind if source else "", "description": source.description if source else "",
                "starts_on": "", "ends_on": "", "region": regions[0].code}
        items = list(source.items) if source else []
        return _form_page(request, head=head, items=items, regions=regions, template=template)
    head, items = _posted_head(request.POST), _posted_items(request.POST)
    region = next((r for r in regions if r.code == head["region"]), None)
    try:
        if region is None:
            raise ApplicationError("请选择组织检查的区划。")
        check_round = services.round_create(
            actor=request.user, region=region, title=head["title"], kind=head["kind"],
            starts_on=_date(head["starts_on"]), ends_on=_date(head["ends_on"]), items=items,
            description=head["description"], template=template)
    except ApplicationError as exc:
        return _form_page(request, head=head, items=items, regions=regions, template=template, message=exc.message)
    return redirect("checks:round_targets", pk=check_round.pk)


@login_required
@require_role(Role.OFFICE)
def round_edit(request, pk: int):
    check_round = selectors.get_round_for(request.user, pk)
    if not selectors.may_manage(request.user, check_round):
        raise Http404
    if check_round.status != RoundStatus.DRAFT:
        messages.error(request, "专项检查已开始，检查清单和基本信息不能再修改。")
        return redirect("checks:round_detail", pk=check_round.pk)
    if request.method != "POST":
        head = {"title": check_round.title, "kind": check_round.kind, "description": check_round.description,
                "starts_on": check_round.starts_on.isoformat(), "ends_on": check_round.ends_on.isoformat()}
        return _form_page(request, head=head, items=_round_items(check_round), regions=[], check_round=check_round)
    head, items = _posted_head(request.POST), _posted_items(request.POST)
    try:
        services.round_update(actor=request.user, round=check_round, title=head["title"], kind=head["kind"],
                              starts_on=_date(head["starts_on"]), ends_on=_date(head["ends_on"]),
                              description=head["description"], items=items)
    except ApplicationError as exc:
        return _form_page(request, head=head, items=items, regions=[], check_round=check_round, message=exc.message)
    return redirect("checks:round_detail", pk=check_round.pk)


# ---- the round's workflow (one URL per action) -------------------------------------------------------------------

def _post_round(request, pk: int, write, success: str):
    check_round = selectors.get_round_for(request.user, pk)
    if not selectors.may_manage(request.user, check_round):
        raise Http404
    attempt(request, lambda: write(check_round), success)
    return redirect("checks:round_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def round_open(request, pk: int):
    return _post_round(request, pk, lambda r: services.round_open(actor=request.user, round=r),
                       "专项检查已开始，检查督学可以在平板上填写检查清单。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def round_close(request, pk: int):
    return _post_round(request, pk, lambda r: services.round_close(actor=request.user, round=r,
                                                                   note=request.POST.get("note", "")),
                       "专项检查已结束。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def round_reopen(request, pk: int):
    return _post_round(request, pk, lambda r: services.round_reopen(actor=request.user, round=r,
                                                                    note=request.POST.get("note", "")),
                       "专项检查已重新开始。")


# ---- targets -----------------------------------------------------------------------------------------------------

def _int_or_none(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ApplicationError(f"“{value[:12]}”不是整数。") from None


def _named_inspector(check_round, value: str):
    if not value:
        return None
    found = next((i for i in selectors.region_inspectors(check_round) if str(i.pk) == value), None)
    if found is None:
        raise ApplicationError("所选督学不是本区划在岗的督学。")
    return found


@login_required
@require_role(Role.OFFICE)
def round_targets(request, pk: int):
    check_round = selectors.get_round_for(request.user, pk)
    if not selectors.may_manage(request.user, check_round):
        raise Http404
    posted = request.POST if request.method == "POST" else {}
    context = {"round": check_round, "rules": TargetRule.choices, "types": SchoolType.choices,
               "towns": selectors.round_towns(check_round), "inspectors": selectors.region_inspectors(check_round),
               "posted": {"rule": posted.get("rule", TargetRule.TYPE), "types": posted.getlist("types") if posted else [],
                          "towns": posted.getlist("towns") if posted else [], "size": posted.get("size", ""),
                          "seed": posted.get("seed", ""), "codes": posted.get("codes", ""),
                          "inspector": posted.get("inspector", "")},
               "count": check_round.targets.count(), "message": ""}
    if request.method != "POST":
        return render(request, "checks/rounds_targets.html", context)
    try:
        added = services.targets_select(
            actor=request.user, round=check_round, rule=posted.get("rule", ""), types=posted.getlist("types"),
            towns=posted.getlist("towns"), size=_int_or_none(posted.get("size")),
            seed=_int_or_none(posted.get("seed")), codes=posted.get("codes", "")[:200_000],
            inspector=_named_inspector(check_round, posted.get("inspector", "")))
    except ApplicationError as exc:
        context["message"] = exc.message
        return render(request, "checks/rounds_targets.html", context, status=400)
    messages.success(request, f"已添加 {added} 个检查对象（已在本次检查中的学校不重复添加）。")
    return redirect("checks:round_detail", pk=check_round.pk)


def _target(request, pk: int, target_pk: int) -> CheckTarget:
    check_round = selectors.get_round_for(request.user, pk)
    if not selectors.may_manage(request.user, check_round):
        raise Http404
    return get_visible_or_404(CheckTarget.objects.select_related("round__region", "school", "inspector"),
                              request.user, pk=target_pk, round=check_round)


@login_required
@require_POST
@require_role(Role.OFFICE)
def target_reassign(request, pk: int, target_pk: int):
    target = _target(request, pk, target_pk)

    def write():
        inspector = _named_inspector(target.round, request.POST.get("inspector", ""))
        services.target_reassign(actor=request.user, target=target, inspector=inspector)
        return f"{target.school.name}的检查督学已改为{inspector.name if inspector else '未安排'}。"

    attempt(request, write)
    return redirect("checks:round_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def target_remove(request, pk: int, target_pk: int):
    target = _target(request, pk, target_pk)
    attempt(request, lambda: services.target_remove(actor=request.user, target=target),
            f"已将{target.school.name}移出本次检查。")
    return redirect("checks:round_detail", pk=pk)


# ---- the checklist library ---------------------------------------------------------------------------------------

@login_required
@require_safe
@require_role(Role.OFFICE)
def template_library(request):
    regions = selectors.office_regions(request.user)
    return render(request, "checks/rounds_library.html", {
        "samples": library.SAMPLES, "templates": selectors.templates_for(request.user).select_related("region"),
        "regions": regions, "kinds": dict(CheckKind.choices)})


@login_required
@require_POST
@require_role(Role.OFFICE)
def template_copy(request):
    regions = selectors.office_regions(request.user)
    region = next((r for r in regions if r.code == request.POST.get("region", "")), None)
    if region is None and len(regions) == 1:
        region = regions[0]
    if region is None:
        raise Http404
    done = {}

    def write():
        done["template"] = services.template_copy(actor=request.user, region=region, code=request.POST.get("code", ""))
        return f"已复制为本区划的模板“{done['template'].title}”，可以修改后用于专项检查。"

    if attempt(request, write):
        return redirect("checks:template_edit", pk=done["template"].pk)
    return redirect("checks:template_library")


@login_required
@require_role(Role.OFFICE)
def template_edit(request, pk: int):
    template = selectors.get_template_for(request.user, pk)
    if request.method != "POST":
        head = {"title": template.title, "kind": template.kind, "description": template.description}
        return render(request, "checks/rounds_template_form.html", {
            "template": template, "head": head, "kinds": CheckKind.choices, **_editor_context(template.items)})
    head, items = _posted_head(request.POST), _posted_items(request.POST)
    try:
        services.template_save(actor=request.user, template=template, title=head["title"], kind=head["kind"],
                               description=head["description"], items=items)
    except ApplicationError as exc:
        return render(request, "checks/rounds_template_form.html", {
            "template": template, "head": head, "kinds": CheckKind.choices, "message": exc.message,
            **_editor_context(items)}, status=400)
    messages.success(request, "模板已保存。")
    return redirect("checks:template_library")


# ---- the school page's section ------------------------------------------------------------------------------------

def school_checks_section(request, school) -> dict:
    """The school's 专项检查: round, window, result (failed items, 一票否决)."""
    return {"checks_section": {"targets": selectors.school_rounds(school),
                               "link": scope_for(request.user).covers_region(school.region_id)}}

