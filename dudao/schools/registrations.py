"""What schools registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.registries import register_region_counter, register_role_target
from dudao.schools.selectors import get_school_by_code_for, school_counts_by_region

ACTION_LABELS = {
    "registry.import": "基础数据导入",
    "school.create": "新增学校",
    "school.update": "修改学校",
    "centre.create": "新增教管中心",
    "group.save": "保存教育集团/学区",
    "project.create": "新建帮扶项目",
    "project.update": "修改帮扶项目",
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_role_target("school", get_school_by_code_for)
    register_region_counter("schools", school_counts_by_region)
