"""The registries through which lower apps reach higher ones are filled when the apps are ready."""

from dudao.core import registries
from dudao.core.models import ACTION_LABELS, register_action_labels
from dudao.core.policy import DEFAULTS, PolicyDefault, register_policy_defaults


def test_daily_jobs_raise_findings_before_the_notice_deadlines():
    assert [name for name, _job in registries.daily_jobs()] == ["campaign", "deadlines", "quality_pending",
                                                                 "plan_overdue", "chronicle", "review_due",
                                                                 "result_use_reminders",
                                                                 "project_milestones",  # research: projects
                                                                 "cockpit"]


def test_each_app_registered_its_policy_numbers_and_labels():
    prefixes = {key.split(".")[0] for key in DEFAULTS}
    assert prefixes == {"auth", "files", "zones", "people", "rectification", "monitoring", "inspections", "surveys",
                        "quality", "planning", "reviews",
                        "checks",  # issue 23: licence warning, report photo cap, violation and request days
                        # issue 24 workforce: appointments (age limit, 公示 working days, card checks per hour),
                        # allowances (the 劳务补贴 rates, workforce.allowance_*), training (completion share, QR
                        # rotation, sign-in window)
                        "workforce",
                        "dashboard",  # area "home": dashboard.todo_soon_days
                        # issue 24 research: projects (research.project_remind_days, project_todo_days), calls
                        # (research.call_trim_min_experts, call_deadline_soon_days)
                        "research",
                        "audits",  # issue 24, cases: audits.plan_min / plan_max (5–10 leaders a year)
                        "regions"}  # area: map (regions.boundary_max_mb, regions.boundary_max_vertices)
    assert ACTION_LABELS["visit.submit"] == "提交督导纪实" and ACTION_LABELS["login.success"] == "登录成功"


def test_a_second_label_or_default_for_the_same_key_is_refused():
    register_action_labels({"visit.submit": "提交督导纪实"})  # the same again is harmless
    try:
        register_action_labels({"visit.submit": "别的名称"})
    except ValueError as exc:
        assert "visit.submit" in str(exc)
    else:
        raise AssertionError("a conflicting label was accepted")
    try:
        register_policy_defaults({"zones.zone_size_max": PolicyDefault(1, "x", "y")})
    except ValueError as exc:
        assert "zones.zone_size_max" in str(exc)
    else:
        raise AssertionError("a second default was accepted")
    assert ACTION_LABELS["visit.submit"] == "提交督导纪实" and DEFAULTS["zones.zone_size_max"].default == 20


def test_the_other_registries_are_filled():
    assert set(registries._ROLE_TARGETS) == {"region", "school", "unit"}
    assert set(registries._REGION_COUNTERS) == {"schools"}
    assert registries._RESPONSIBLE_PEOPLE and registries._PAGE_SECTIONS["people.inspector_detail"]
    assert all(registries._HOOKS[event] for event in registries.HOOK_EVENTS)
