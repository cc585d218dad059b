"""Writes for frameworks: drafts from templates or imports, edits, 定版 (freezing) and new versions."""

import copy
import secrets

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, RowError
from dudao.core.scope import require_office_for
from dudao.frameworks import builtin, io
from dudao.frameworks.editing import EditError
from dudao.frameworks.models import Framework, FrameworkKind, FrameworkStatus, FrameworkTarget
from dudao.frameworks.scoring import DEFAULT_SETTINGS, ScoreError, build_tree, weight_problems


def _require_office(actor, region) -> None:
    require_office_for(actor, region.code, "只有本区域督导室可以管理指标体系。")


def _check_definition(definition: dict) -> None:
    """The shape every draft must keep (codes present and unique, rules readable); weights may still be off."""
    try:
        tree = build_tree(definition)
    except (ScoreError, TypeError, ValueError, AttributeError) as exc:
        raise ApplicationError(f"指标结构不正确：{exc}") from None
    if not tree.roots:
        raise ApplicationError("指标体系至少需要一个一级指标。")
    settings = definition.get("settings") or {}
    if settings.get("combine", "mean") not in ("mean", "trimmed", "leader"):
        raise ApplicationError("专家评分合成方式应为平均、去掉最高最低分后平均，或组长评分。")


@transaction.atomic
def framework_create(*, actor, region, name: str, kind: str, target: str, definition: dict, official: str = "",
                     template_code: str = "") -> Framework:
    _require_office(actor, region)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写指标体系名称。")
    if kind not in FrameworkKind.values or target not in FrameworkTarget.values:
        raise ApplicationError("请选择类别和评价对象。")
    definition = {"nodes": definition.get("nodes", []), "settings": {**DEFAULT_SETTINGS, **(definition.get("settings") or {})}}
    _check_definition(definition)
    framework = Framework.objects.create(
        region=region, family=f"{template_code or kind}-{secrets.token_hex(3)}", name=name[:128], kind=kind,
        target=target, official=official, definition=definition, template_code=template_code, created_by=actor)
    audit_record(actor=actor, action="framework.create", obj=framework, region_code=region.code,
                 after={"template": template_code, "leaves": len(build_tree(definition).leaves)})
    return framework


def framework_from_template(*, actor, region, template_code: str) -> Framework:
    if template_code not in builtin.TEMPLATES:
        raise ApplicationError("未知的指标体系模板。")
    t = builtin.TEMPLATES[template_code]
    return framework_create(actor=actor, region=region, name=t["name"], kind=t["kind"], target=t["target"],
                            definition={"nodes": copy.deepcopy(t["nodes"])}, official=t["official"],
                            template_code=template_code)


def framework_import(*, actor, region, name: str, kind: str, target: str, data: bytes, filename: str) -> Framework:
    """A new draft from an Excel workbook (the export's layout) or a JSON file; nothing is created on any error."""
    if filename.lower().endswith(".json"):
        definition, errors = io.definition_from_json(data.decode("utf-8", errors="replace"))
    else:
        definition, errors = io.definition_from_workbook(data, filename)
    if errors:
        raise ApplicationError(f"文件有 {len(errors)} 处错误，未导入。", errors)
    return framework_create(actor=actor, region=region, name=name, kind=kind, target=target, definition=definition)


@transaction.atomic
def framework_save(*, actor, framework: Framework, name: str, definition: dict) -> Framework:
    _require_office(actor, framework.region)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.is_frozen:
        raise ApplicationError("该版本已定版（可能已被督导项目使用），不能修改；请生成新版本。")
    _check_definition(definition)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写指标体系名称。")
    before = {"name": framework.name, "leaves": len(build_tree(framework.definition).leaves)}
    framework.name, framework.definition = name[:128], definition
    framework.save(update_fields=["name", "definition"])
    audit_record(actor=actor, action="framework.edit", obj=framework, region_code=framework.region_id, before=before,
                 after={"name": framework.name, "leaves": len(build_tree(definition).leaves)})
    return framework


@transaction.atomic
def framework_freeze(*, actor, framework: Framework) -> Framework:
    """定版: refused while any sibling weights do not add up or a leaf rule is incomplete (all listed)."""
    _require_office(actor, framework.region)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.is_frozen:
        raise ApplicationError("该版本已经定版。")
    problems = weight_problems(build_tree(framework.definition))
    if problems:
        raise ApplicationError("还不能定版：" + "；".join(problems[:20]),
                               [RowError("指标", None, "", p) for p in problems])
    framework.status, framework.frozen_at = FrameworkStatus.FROZEN, timezone.now()
    framework.save(update_fields=["status", "frozen_at"])
    audit_record(actor=actor, action="framework.freeze", obj=framework, region_code=framework.region_id)
    return framework


@transaction.atomic
def framework_new_version(*, actor, framework: Framework) -> Framework:
    _require_office(actor, framework.region)
    if not framework.is_frozen:
        raise ApplicationError("草稿可以直接修改，无需生成新版本。")
    latest = Framework.objects.filter(region=framework.region, family=framework.family).order_by("-version").first()
    if not latest.is_frozen:
        raise ApplicationError(f"已有未定版的第 {latest.version} 版草稿，请直接修改草稿。")
    draft = Framework.objects.create(
        region=framework.region, family=framework.family, version=latest.version + 1, name=framework.name,
        kind=framework.kind, target=framework.target, official=framework.official,
        definition=copy.deepcopy(framework.definition), template_code=framework.template_code, created_by=actor)
    audit_record(actor=actor, action="framework.version", obj=draft, region_code=draft.region_id,
                 after={"from": framework.pk, "version": draft.version})
    return draft


def framework_edit(*, actor, framework: Framework, edit) -> Framework:
    """Apply one pure edit (frameworks/editing.py: a function of the definition) to a draft and save it."""
    try:
        definition = edit(framework.definition)
    except EditError as exc:
        raise ApplicationError(str(exc)) from None
    return framework_save(actor=actor, framework=framework, name=framework.name, definition=definition)
