"""Shared set-up for the 工作要点 tests: a plan of district A with a section and tasks, made through the services."""

import datetime

from dudao.planning.services import plans as services


def make_plan(world, *, year=2026, tasks=2, due=None, title=None, region=None):
    due = due or datetime.date(year, 6, 30)
    plan = services.plan_create(actor=world.office_a, region=region or world.county_a, year=year,
                                year_kind="calendar", title=title or f"{year}年教育督导工作要点")
    section = services.section_create(actor=world.office_a, plan=plan, title="扎实开展督政工作", area="duzheng")
    made = [services.task_create(actor=world.office_a, section=section, text=f"任务{i + 1}", owner_user=world.office_a,
                                 months=[6], due_date=due) for i in range(tasks)]
    return plan, section, made
