"""What regions registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.registries import register_role_target
from dudao.regions.selectors import get_region_for, get_unit_by_code_for

ACTION_LABELS = {
    "unit.create": "新增政府单位",
    "unit.update": "修改政府单位",
    "region.create": "新增行政区划",
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_role_target("region", get_region_for)
    register_role_target("unit", get_unit_by_code_for)
