"""What quality puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape.

Not listed, on purpose:
- a scores file held back by warnings: it waits in storage for its uploader, but the confirmation is tied to the
  browser session that uploaded it (views/scores.py), so a link from the home page could not confirm it;
- a school's 质量监测报告 "to read": nothing records that a report was opened, so an item could never be done."""

from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.quality.models import Round, RoundStatus


def _office_regions(user) -> set[str]:
    """The regions the user is the office of, exactly: the county's office does this work, not the city's office
    above it (which may read the county's records, but has its own list)."""
    return set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))


def rounds_to_finish(user, today) -> list[Todo]:
    """The office's monitoring rounds that wait for it: tested (test date passed) and no scores imported yet
    (导入学生成绩), or scored and not published (发布监测结果: schools read their results only then). No deadline
    is set for either: due none."""
    rounds = (Round.objects.visible_to(user, as_roles=(Role.OFFICE,))
              .filter(status__in=[RoundStatus.PLANNED, RoundStatus.SCORED], region_id__in=_office_regions(user))
              .only("pk", "title", "status", "test_date", "region_id").order_by("test_date", "pk"))
    to_import = url_for_pk("quality:scores_import")
    detail = url_for_pk("quality:round_detail")
    todos = []
    for round_ in rounds:
        if round_.status == RoundStatus.PLANNED:
            if round_.test_date > today:
                continue
            todos.append(Todo(kind="quality.scores", title="导入学生成绩", object=round_.title,
                              url=to_import(round_.pk), key=f"quality.round:{round_.pk}:scores",
                              region_code=round_.region_id))
        else:
            todos.append(Todo(kind="quality.publish", title="发布监测结果", object=round_.title,
                              url=detail(round_.pk), key=f"quality.round:{round_.pk}:publish",
                              region_code=round_.region_id))
    return todos


def register_todo() -> None:
    register_todo_source("quality.rounds", "学业质量监测", rounds_to_finish, roles=(Role.OFFICE,),
                         list_url="quality:round_list")
