"""The 年度工作总结's figures equal the modules' own selectors on the demo (issue 20: "the summary's figures equal
the modules' own selectors on the demo"): each figure is recomputed here by calling the module's selector as the
demo office would (or counting its rows by hand), never through the provider. Also: the .docx opens and holds the
figures and their sources."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from docx import Document

from dudao.core.registries import year_figure_sections
from dudao.inspections import selectors as inspections
from dudao.monitoring import selectors as monitoring
from dudao.people import selectors as people
from dudao.people.models import Training
from dudao.planning.models import JobStatus, Plan, PlanStatus, PlanTask, SummaryReport
from dudao.planning.selectors.plans import section_completion
from dudao.planning.services.summary import collect_figures, summary_build
from dudao.quality import selectors as quality
from dudao.rectification import engine as rect_engine
from dudao.rectification import selectors as rectification
from dudao.regions.models import Region
from dudao.surveys import selectors as surveys
from dudao.zones import selectors as zones
from tests.demo_snapshot import restore

COUNTY = "990102"
YEAR = 2026
START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            restore(demo_snapshot)
            yield {year: {f["key"]: f for f in collect_figures(COUNTY, datetime.date(year, 1, 1),
                                                              datetime.date(year, 12, 31))} for year in (2025, YEAR)}
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


@pytest.fixture
def office(demo, db):
    return get_user_model().objects.get(username="demo_office")


def _in_year(moment) -> bool:
    from django.utils import timezone

    return START <= timezone.localtime(moment).date() <= END


def test_every_registered_section_gives_figures_with_sources(demo):
    names = {s.name for s in year_figure_sections()}
    assert {"zones", "inspections", "rectification", "surveys", "monitoring", "quality", "people", "planning"} <= names
    for figure in demo[YEAR].values():
        assert figure["source"], figure["key"]
        assert "." in figure["source"].split("：")[0], figure["source"]  # names the function it came from
    assert "2026-01-01 至 2026-12-31" in demo[YEAR]["zones.visits"]["source"]


def test_zones_figures(demo, office):
    figures = demo[YEAR]
    visits = list(zones.visit_list(office, region=COUNTY))
    assert figures["zones.visits"]["value"] == sum(1 for v in visits if _in_year(v.started_at)) > 0
    assert figures["zones.schools_visited"]["value"] == len({v.school_id for v in visits if _in_year(v.started_at)})
    cover = zones.coverage(office, region=COUNTY)
    assert (figures["zones.schools"]["value"], figures["zones.covered"]["value"]) == (cover["total"], cover["covered"])
    freq = zones.frequency(office, region=COUNTY, today=END)
    assert figures["zones.frequency_ok"]["value"] == sum(1 for r in freq["rows"] if r["freq"].semester_ok)
    complaints = [c for c in zones.complaint_list(office, region=COUNTY) if _in_year(c.received_at)]
    assert figures["zones.complaints"]["value"] == len(complaints)
    assert figures["zones.complaints_closed"]["value"] == sum(1 for c in complaints if c.status == "closed")


def test_inspections_figures(demo, office):
    figures = demo[YEAR]
    projects = [p for p in inspections.inspection_list(office) if p.county_id == COUNTY and START <= p.starts_on <= END]
    assert figures["inspections.projects"]["value"] == len(projects) > 0
    assert figures["inspections.targets"]["value"] == sum(len(inspections.targets_for(office, p)) for p in projects)
    by_kind = {row[0]: row[1] for row in figures["inspections.projects"]["rows"]}
    for project in projects:
        assert by_kind[project.get_kind_display()] >= 1
    levels = {}
    for project in projects:
        for target in inspections.targets_for(office, project):
            levels[target.level or "未评定"] = levels.get(target.level or "未评定", 0) + 1
    assert dict(figures["inspections.rated"]["rows"]) == levels


def test_rectification_figures(demo, office):
    figures = demo[YEAR]
    findings = list(rectification.finding_list(office))
    raised = [f for f in findings if _in_year(f.raised_at)]
    done = [f for f in raised if f.status in ("closed", "resolved_on_site")]
    assert figures["rectification.raised"]["value"] == len(raised) > 0
    assert figures["rectification.done"]["value"] == len(done)
    assert figures["rectification.rate"]["value"] == rect_engine.percent(len(done), len(raised))
    assert figures["rectification.closed"]["value"] == sum(1 for f in findings if f.closed_at and _in_year(f.closed_at)
                                                           and f.status in ("closed", "resolved_on_site"))
    assert figures["rectification.overdue"]["value"] == sum(
        1 for f in findings if f.status == "open" and f.due_date and f.due_date < END and f.raised_at.date() <= END)
    assert figures["rectification.orders"]["value"] == sum(1 for o in rectification.order_list(office) if _in_year(o.issued_at))
    assert figures["rectification.talks"]["value"] == sum(1 for t in rectification.talk_list(office) if _in_year(t.proposed_at))
    assert figures["rectification.cases"]["value"] == sum(1 for c in rectification.case_list(office) if START <= c.filed_on <= END)


def test_surveys_figures(demo, office):
    county = Region.objects.get(code=COUNTY)
    for year, figures in demo.items():
        recognition = surveys.recognition(county, year)
        expected = None if recognition["rate"] is None else round(100 * recognition["rate"], 1)
        assert figures["surveys.recognition"]["value"] == expected
        rounds = [r for r in surveys.counted(surveys.round_list(office)) if r.county_id == COUNTY
                  and datetime.date(year, 1, 1) <= r.opens_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
                  <= datetime.date(year, 12, 31)]
        assert figures["surveys.rounds"]["value"] == len(rounds)
        assert figures["surveys.responses"]["value"] == sum(r.response_count for r in rounds)
    assert demo[2025]["surveys.recognition"]["value"] is not None


def test_monitoring_figures(demo, office):
    county = Region.objects.get(code=COUNTY)
    year = max(y for y in monitoring.years_available(office, COUNTY) if y <= YEAR)
    report = monitoring.balanced_report(office, county, year)
    assert demo[YEAR]["monitoring.balanced_indicators"]["value"] == sum(s["indicators_passed"] for s in report.summaries)
    result = monitoring.preschool_report(office, county, year)
    assert demo[YEAR]["monitoring.preschool_indicators"]["value"] == sum(1 for i in result.indicators.values() if i["passed"])
    counts = {}
    for campaign in monitoring.campaign_list(office):
        for label, n in monitoring.campaign_board(monitoring.campaign_tasks(office, campaign), END)["counts"].items():
            counts[label] = counts.get(label, 0) + n
    assert dict(demo[YEAR]["monitoring.campaign_tasks"]["rows"]) == counts
    assert demo[YEAR]["monitoring.campaign_tasks"]["value"] == sum(counts.values()) > 0


def test_quality_figures(demo, office):
    rounds = [r for r in quality.round_list(office) if r.region_id == COUNTY and START <= r.test_date <= END]
    assert demo[YEAR]["quality.rounds"]["value"] == len(rounds) > 0
    published = [r for r in rounds if r.status == "published"]
    assert demo[YEAR]["quality.published"]["value"] == len(published)
    pupils = 0
    for round in published:
        pupils += max(quality.subject_results(round, s, user=office)["county"]["n"] for s in quality.round_subjects(round, user=office))
    assert demo[YEAR]["quality.pupils"]["value"] == pupils


def test_people_figures(demo, office):
    inspectors = list(people.inspector_list(office, region=COUNTY, status="active", year=YEAR))
    assert demo[YEAR]["people.inspectors"]["value"] == len(inspectors) > 0
    hours = sum((t.hours for t in Training.objects.filter(inspector__in=inspectors, date__year=YEAR)), Decimal(0))
    assert demo[YEAR]["people.training_hours"]["value"] == round(float(hours), 1)
    short = sum(1 for i in inspectors if not people.training_summary(i, YEAR)["met"])
    assert demo[YEAR]["people.training_short"]["value"] == short


def test_planning_figures(demo, db):
    from django.utils import timezone

    as_of = min(END, timezone.localdate())
    expected = []
    for plan in Plan.objects.filter(region__code__startswith=COUNTY, year=YEAR, status=PlanStatus.PUBLISHED).order_by("id"):
        for section, completion in section_completion(plan, as_of):
            if completion["total"]:
                expected.append((section.title, completion["total"], completion["done"], completion["late"],
                                 completion["dropped"]))
    rows = demo[YEAR]["planning.tasks"]["rows"]
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows] == expected
    tasks = PlanTask.objects.filter(plan__region__code__startswith=COUNTY, plan__year=YEAR, plan__status=PlanStatus.PUBLISHED)
    assert demo[YEAR]["planning.tasks"]["value"] == tasks.count()
    assert demo[YEAR]["planning.done"]["value"] == sum(e[2] for e in expected)
    assert demo[YEAR]["planning.late"]["value"] == sum(e[3] for e in expected)


def test_the_draft_opens_and_holds_the_figures(demo, db):
    office = get_user_model().objects.get(username="demo_office")
    report = SummaryReport.objects.create(region_id=COUNTY, year=YEAR, requested_by=office)
    assert summary_build(report.pk) == JobStatus.DONE
    report.refresh_from_db()
    assert report.status == JobStatus.DONE and report.error == ""
    assert {f["key"] for f in report.figures} == set(demo[YEAR])
    with default_storage.open(report.file_name, "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "示范区2026年教育督导工作总结" in text
    assert "一、总体情况" in text and "附录：数据来源" in text
    visits = demo[YEAR]["zones.visits"]["value"]
    assert f"责任督学经常性督导（督导纪实） {visits} 次" in text
    assert demo[YEAR]["zones.visits"]["source"] in cells  # the appendix
    rate = demo[YEAR]["rectification.rate"]["value"]
    assert f"{rate}%" in cells or f"{rate:g}%" in cells  # the document drops a trailing .0 (41.0 → 41%)
    assert "{{" not in text and "{%" not in text and "{{" not in cells
