"""What regions registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_role_target
from dudao.regions.selectors import get_region_for, get_unit_by_code_for

ACTION_LABELS = {
    "unit.create": "新增政府单位",
    "unit.update": "修改政府单位",
    "region.create": "新增行政区划",
    # area: map
    "boundary.upload": "上传区划边界",
}

# area: map — limits of an uploaded boundary (GeoJSON), a platform safety rule rather than a national number
POLICY_DEFAULTS = {
    "regions.boundary_max_mb": PolicyDefault(5, "区划边界文件大小上限（MB）", "平台安全要求"),
    "regions.boundary_max_vertices": PolicyDefault(200000, "区划边界顶点数上限（一个文件）", "平台安全要求（地图绘制性能）"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_role_target("region", get_region_for)
    register_role_target("unit", get_unit_by_code_for)
