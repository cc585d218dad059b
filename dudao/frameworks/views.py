"""指标体系 pages: the list (new from a template or an import), a framework's tree with its checks, the draft
editor (JSON), 定版, new versions, and Excel / JSON exports."""

import json
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from dudao.core.errors import ApplicationError
from dudao.core.forms import form_error
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.core.tabular import read_import_file
from dudao.core.web import attempt
from dudao.frameworks import builtin, editing, io, selectors, services
from dudao.frameworks.models import Framework, FrameworkKind, FrameworkTarget
from dudao.frameworks.scoring import build_tree
from dudao.frameworks.sources import indicator_sources
from dudao.regions.models import Region

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}


class ImportForm(forms.Form):
    name = forms.CharField(label="名称", max_length=128, widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label="类别", choices=FrameworkKind.choices, widget=forms.Select(attrs=SELECT))
    target = forms.ChoiceField(label="评价对象", choices=FrameworkTarget.choices, widget=forms.Select(attrs=SELECT))
    file = forms.FileField(label="指标文件（.xlsx 或 .json）")


class NodeForm(forms.Form):
    code = forms.CharField(label="编码", max_length=32, required=False, widget=forms.TextInput(attrs=TEXT))
    name = forms.CharField(label="名称", max_length=255, widget=forms.TextInput(attrs=TEXT))
    weight = forms.FloatField(label="权重", min_value=0, widget=forms.NumberInput(attrs={"step": "any", **TEXT}))
    kind = forms.ChoiceField(label="评分方式（末级指标）", required=False, widget=forms.Select(attrs=SELECT), choices=[
        ("", "—（有下级指标）"), ("points", "分值"), ("levels", "等级"), ("yesno", "达标 / 不达标"), ("numeric", "数值与标准比较"),
        ("text", "文字记录（不计分）")])
    max_points = forms.FloatField(label="满分", required=False, widget=forms.NumberInput(attrs={"step": "any", **TEXT}))
    levels = forms.CharField(label="等级（如 A=10;B=8;C=6;D=0）", required=False, widget=forms.TextInput(attrs=TEXT))
    op = forms.ChoiceField(label="比较", required=False, choices=[(">=", "≥"), ("<=", "≤"), ("between", "区间")],
                           widget=forms.Select(attrs=SELECT))
    threshold = forms.FloatField(label="标准值", required=False, widget=forms.NumberInput(attrs={"step": "any", **TEXT}))
    low = forms.FloatField(label="下限", required=False, widget=forms.NumberInput(attrs={"step": "any", **TEXT}))
    high = forms.FloatField(label="上限", required=False, widget=forms.NumberInput(attrs={"step": "any", **TEXT}))
    unit = forms.CharField(label="单位", max_length=16, required=False, widget=forms.TextInput(attrs=TEXT))
    veto = forms.BooleanField(label="一票否决", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    evidence = forms.CharField(label="佐证材料（多项用“；”分隔）", required=False, widget=forms.TextInput(attrs=TEXT))
    source_key = forms.ChoiceField(label="数据来源（数值指标可选）", required=False, widget=forms.Select(attrs=SELECT))
    source_subject = forms.CharField(label="来源学科（如 数学）", max_length=32, required=False,
                                     widget=forms.TextInput(attrs=TEXT))
    source_round = forms.CharField(label="来源轮次（留空为最近一次，或填轮次编号）", max_length=12, required=False,
                                   widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_key"].choices = [("", "—（由评分人填写）"), *indicator_sources().items()]

    def source(self) -> dict | None:
        d = self.cleaned_data
        if not d["source_key"]:
            return None
        which = d["source_round"].strip()
        return {"key": d["source_key"], "subject": d["source_subject"].strip(),
                "round": int(which) if which.isdigit() else (which or "latest")}

    def node(self) -> dict:
        """The node's fields; a leaf's rule is built (and checked) by editing.leaf_rule."""
        d = self.cleaned_data
        node = {"code": d["code"].strip(), "name": d["name"].strip(), "weight": d["weight"]}
        if d["kind"]:
            node["rule"] = editing.leaf_rule(d["kind"], max_points=d["max_points"], levels=d["levels"], op=d["op"],
                                     threshold=d["threshold"], low=d["low"], high=d["high"], unit=d["unit"].strip(),
                                     source=self.source())
            node["veto"] = d["veto"]
            node["evidence"] = [e.strip() for e in d["evidence"].replace(";", "；").split("；") if e.strip()]
        return node


class SettingsForm(forms.Form):
    levels = forms.CharField(label="等级线（如 优秀=90;良好=75;合格=60）", widget=forms.TextInput(attrs=TEXT))
    lowest_level = forms.CharField(label="最低等级", max_length=16, widget=forms.TextInput(attrs=TEXT))
    combine = forms.ChoiceField(label="专家评分合成", widget=forms.Select(attrs=SELECT), choices=[
        ("mean", "平均"), ("trimmed", "去掉最高分和最低分后平均"), ("leader", "以组长评分为准")])
    spread = forms.FloatField(label="专家分歧提示线（占该项分值的比例，0—1）", min_value=0, max_value=1,
                              widget=forms.NumberInput(attrs={"step": "0.05", **TEXT}))


class EditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=128, widget=forms.TextInput(attrs={"class": "form-control"}))
    definition = forms.JSONField(label="指标与设置（JSON）", widget=forms.Textarea(
        attrs={"rows": 18, "class": "form-control font-monospace small"}))


def _office_regions(user) -> list[Region]:
    scope = scope_for(user)
    if scope.everything:
        return list(Region.objects.filter(level__in=["province", "city", "county"]).order_by("code")[:200])
    if not scope.has_role(Role.OFFICE):
        return []
    return list(Region.objects.visible_to(user, as_roles=(Role.OFFICE,)).filter(
        level__in=["province", "city", "county"]).order_by("code"))


def _list_page(request, regions, form=None, errors=()):
    return render(request, "frameworks/list.html", {
        "frameworks": selectors.framework_list(request.user), "regions": regions, "form": form or ImportForm(),
        "errors": list(errors)[:300], "templates": [(code, t["name"]) for code, t in builtin.TEMPLATES.items()]},
        status=400 if form is not None else 200)


def _list_regions(request) -> list[Region]:
    regions = _office_regions(request.user)
    if not regions and scope_for(request.user).is_empty:
        raise Http404
    return regions


@login_required
@require_safe
def framework_list(request):
    return _list_page(request, _list_regions(request))


def _chosen_region(request, regions) -> Region | None:
    region = next((r for r in regions if r.code == request.POST.get("region")), None)
    if region is None:
        messages.error(request, "请选择所属区划。")
    return region


@login_required
@require_POST
def framework_from_template(request):
    regions, created = _list_regions(request), []
    region = _chosen_region(request, regions)
    if region is not None and attempt(request, lambda: created.append(services.framework_from_template(
            actor=request.user, region=region, template_code=request.POST.get("template", ""))),
            "已从模板建立指标体系草稿。"):
        return redirect("frameworks:detail", pk=created[0].pk)
    return redirect("frameworks:list")


@login_required
@require_POST
def framework_import(request):
    regions = _list_regions(request)
    form = ImportForm(request.POST, request.FILES)
    region = _chosen_region(request, regions)
    if region is None:
        return _list_page(request, regions, form)
    if not form.is_valid():
        form_error(request, form)
        return _list_page(request, regions, form)
    upload = form.cleaned_data["file"]
    try:
        framework = services.framework_import(
            actor=request.user, region=region, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
            target=form.cleaned_data["target"], data=read_import_file(upload), filename=upload.name)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _list_page(request, regions, form, exc.errors)
    messages.success(request, "指标体系已导入为草稿。")
    return redirect("frameworks:detail", pk=framework.pk)


def _detail_page(request, framework: Framework, form=None):
    """The framework's page; a refused write shows it again (the editor asked for by the query) with 400."""
    office = _can_manage(request.user, framework)
    refused = request.method == "POST"
    form = form or EditForm(initial={"name": framework.name, "definition": framework.definition})
    editing = _editor(request, framework) if office and not framework.is_frozen else {}
    return render(request, "frameworks/detail.html", {
        "framework": framework, "rows": selectors.flat_rows(framework), "problems": selectors.problems(framework),
        "versions": selectors.versions(framework), "office": office, "form": form,
        "settings": framework.definition.get("settings", {}), "editable": office and not framework.is_frozen,
        **editing},
        status=400 if refused else 200)


@login_required
@require_safe
def framework_detail(request, pk: int):
    return _detail_page(request, get_visible_or_404(Framework.objects.select_related("region"), request.user, pk=pk))


# ---- a framework's actions: one URL each, the region's office only (404 for anyone else) -----------------------

def _office_framework(request, pk: int) -> Framework:
    framework = get_visible_or_404(Framework.objects.select_related("region"), request.user, pk=pk)
    if not _can_manage(request.user, framework):
        raise Http404
    return framework


def _back(request, pk: int):
    """To the framework's page, with the editor the form was posted from closed."""
    return redirect("frameworks:detail", pk=pk)


@login_required
@require_POST
def framework_save(request, pk: int):
    framework = _office_framework(request, pk)
    form = EditForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
    elif attempt(request, lambda: services.framework_save(actor=request.user, framework=framework,
                                                          **form.cleaned_data), "已保存。"):
        return _back(request, pk)
    return _detail_page(request, framework, form)


@login_required
@require_POST
def framework_freeze(request, pk: int):
    framework = _office_framework(request, pk)
    attempt(request, lambda: services.framework_freeze(actor=request.user, framework=framework),
            "已定版：督导项目可以使用此版本，此后不能再修改。")
    return _back(request, pk)


@login_required
@require_POST
def framework_new_version(request, pk: int):
    framework, made = _office_framework(request, pk), []
    if attempt(request, lambda: made.append(services.framework_new_version(actor=request.user, framework=framework)),
               "已生成新版本草稿。"):
        return redirect("frameworks:detail", pk=made[0].pk)
    return _back(request, pk)


def _tree_edit(request, pk: int, edit, success: str):
    """One change to the draft's tree (edit: definition → definition, from frameworks.editing)."""
    framework = _office_framework(request, pk)
    if attempt(request, lambda: services.framework_edit(actor=request.user, framework=framework, edit=edit), success):
        return _back(request, pk)
    return _detail_page(request, framework)


@login_required
@require_POST
def node_up(request, pk: int):
    code = request.POST.get("code", "")
    return _tree_edit(request, pk, lambda d: editing.move_node(d, code, -1), "已更新。")


@login_required
@require_POST
def node_down(request, pk: int):
    code = request.POST.get("code", "")
    return _tree_edit(request, pk, lambda d: editing.move_node(d, code, 1), "已更新。")


@login_required
@require_POST
def node_remove(request, pk: int):
    code = request.POST.get("code", "")
    return _tree_edit(request, pk, lambda d: editing.remove_node(d, code), "已更新。")


@login_required
@require_POST
def settings_save(request, pk: int):
    framework = _office_framework(request, pk)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return _detail_page(request, framework)
    return _tree_edit(request, pk, lambda d: editing.update_settings(d, **form.cleaned_data), "计分设置已保存。")


def _posted_node(request) -> dict | None:
    form = NodeForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return None
    try:
        return form.node()
    except editing.EditError as exc:
        messages.error(request, str(exc))
        return None


@login_required
@require_POST
def node_add(request, pk: int):
    node = _posted_node(request)
    if node is None:
        return _detail_page(request, _office_framework(request, pk))
    parent = request.POST.get("parent") or None
    return _tree_edit(request, pk, lambda d: editing.add_node(d, parent, node), "指标已添加。")


@login_required
@require_POST
def node_update(request, pk: int):
    node, code = _posted_node(request), request.POST.get("code", "")
    if node is None:
        return _detail_page(request, _office_framework(request, pk))
    node.pop("code")
    return _tree_edit(request, pk, lambda d: editing.update_node(d, code, node), "指标已修改。")


def _source_initial(source) -> dict:
    if not isinstance(source, dict):
        return {}
    which = source.get("round", "latest")
    return {"source_key": source.get("key", ""), "source_subject": source.get("subject", ""),
            "source_round": "" if which == "latest" else which}


def _editor(request, framework: Framework) -> dict:
    """The editor panel asked for by ?edit=CODE or ?add=PARENT (add=_ for a top-level indicator)."""
    tree = build_tree(framework.definition)
    settings = framework.definition.get("settings", {})
    settings_form = SettingsForm(initial={
        "levels": ";".join(f"{label}={minimum:g}" for minimum, label in settings.get("levels", [])),
        "lowest_level": settings.get("lowest_level", ""), "combine": settings.get("combine", "mean"),
        "spread": settings.get("spread", 0.3)})
    code, parent = request.GET.get("edit", ""), request.GET.get("add", "")
    if code in tree.nodes:
        node = tree.nodes[code]
        raw = next(r for r in selectors.raw_nodes(framework.definition) if r["code"] == code)
        rule = node.rule if node.is_leaf else {}
        initial = {"code": code, "name": node.name, "weight": node.weight, "kind": rule.get("kind", ""),
                   "max_points": rule.get("max"), "op": rule.get("op", ">="), "threshold": rule.get("threshold"),
                   "low": rule.get("low"), "high": rule.get("high"), "unit": rule.get("unit", ""), "veto": node.veto,
                   "levels": ";".join(f"{k}={v:g}" for k, v in (rule.get("levels") or {}).items()),
                   "evidence": "；".join(raw.get("evidence") or []),
                   **_source_initial(rule.get("source"))}
        return {"node_form": NodeForm(initial=initial), "node_mode": "update", "node_code": code,
                "settings_form": settings_form}
    if parent == "_" or parent in tree.nodes:
        return {"node_form": NodeForm(initial={"kind": "levels", "levels": "A=10;B=8;C=6;D=0", "weight": 0}),
                "node_mode": "add", "node_parent": "" if parent == "_" else parent, "settings_form": settings_form}
    return {"settings_form": settings_form}


def _can_manage(user, framework: Framework) -> bool:
    return holds_role_in(user, framework.region_id, Role.OFFICE)


@login_required
def export(request, pk: int, fmt: str):
    framework = get_visible_or_404(Framework.objects.select_related("region"), request.user, pk=pk)
    name = f"{framework.name}（第{framework.version}版）"
    if fmt == "json":
        response = HttpResponse(json.dumps(framework.definition, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(io.workbook_bytes(framework.definition),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{name}.{fmt}')}"
    return response


@login_required
def import_template(request):
    if not _office_regions(request.user):
        raise Http404
    response = HttpResponse(io.workbook_bytes({"nodes": []}),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('指标体系导入模板.xlsx')}"
    return response
