"""The demo's office year (issue 20): this year's 工作要点 for 示范区 (six sections, ~40 tasks, some linked to the
demo's inspections, surveys and campaign, some late), two meetings with decisions, 大事记 proposals accepted, one
简报, and last year archived. Each part is one function, called in order by load_planning."""

import datetime

from django.utils import timezone

from dudao.planning.models import Meeting, MeetingKind, PlanSection, WorkArea
from dudao.planning.selectors.meetings import region_staff, region_units
from dudao.planning.services import meetings


def load_plans(*, office_user, county) -> None:
    return


def _meeting_specs(county, year: int, today: datetime.date) -> list[dict]:
    """The demo's two meetings: the year's 教育督导工作会议 in February and a 督导委员会会议 in June (or a week ago
    when the demo is loaded before then). Each decision is (text, owner label, due date, what it becomes)."""
    annual_day = datetime.date(year, 2, 20)
    committee_day = datetime.date(year, 6, 18) if today > datetime.date(year, 6, 25) else max(
        today - datetime.timedelta(days=7), annual_day + datetime.timedelta(days=7))
    return [{
        "kind": MeetingKind.ANNUAL, "title": f"{county.name}{year}年度教育督导工作会议",
        "at": datetime.datetime.combine(annual_day, datetime.time(9, 0)), "place": f"{county.name}教育局三楼会议室",
        "host": "区政府教育督导室主任",
        "attendees_note": "各中小学校、幼儿园校（园）长，全体责任督学。",
        "agenda": f"总结{year - 1}年度教育督导工作\n部署{year}年度教育督导工作要点\n签订责任督学挂牌督导工作目标责任书\n区政府分管领导讲话",
        "minutes": (f"{year}年2月20日上午，{county.name}{year}年度教育督导工作会议在区教育局召开。会议总结了上一年度督导工作，"
                    "部署了本年度工作要点。会议要求：一是落实挂牌督导“每月至少一次”进校督导；二是做好县域义务教育优质均衡"
                    "创建迎检准备；三是加强督导结果运用，问题整改实行销号管理。"),
        "decisions": [
            ("开展责任督学挂牌督导专项培训，全年培训不少于24学时。", "督导室", datetime.date(year, 11, 30), "task"),
            ("各责任区每月报送一次挂牌督导工作简报。", "各责任区", None, "note"),
            ("建立督导问题整改台账，实行销号管理。", "督导室", datetime.date(year, 4, 30), "note"),
        ],
    }, {
        "kind": MeetingKind.COMMITTEE, "title": f"{county.name}人民政府教育督导委员会{year}年第一次全体会议",
        "at": datetime.datetime.combine(committee_day, datetime.time(15, 0)), "place": f"{county.name}行政中心第二会议室",
        "host": "区政府分管副区长（督导委员会主任）",
        "attendees_note": "督导委员会成员单位分管负责人。",
        "agenda": "通报上半年对乡镇（街道）履行教育职责督导评价情况\n研究学校周边环境综合治理问题\n审议督导结果公告",
        "minutes": ("会议通报了上半年督政情况，指出部分乡镇（街道）在学校周边交通安全治理、教育经费落实方面仍有短板。"
                    "会议研究决定由相关单位限期整改，并将整改情况纳入年度考核。"),
        "decisions": [
            ("南湖镇限期完成中心小学周边交通安全隐患整治，设置护学岗和减速设施。", "南湖镇人民政府",
             committee_day + datetime.timedelta(days=60), "finding"),
            ("区财政局按规定足额拨付义务教育公用经费，下半年不得拖欠。", "区财政局", datetime.date(year, 9, 30), "note"),
            ("督导结果在区政府门户网站公告。", "督导室", committee_day + datetime.timedelta(days=15), "note"),
            ("下半年召开督导委员会第二次全体会议。", "督导室", datetime.date(year, 12, 20), "note"),
        ],
    }]


def load_meetings(*, office_user, county) -> None:
    """Two meetings of 示范区 with agendas, minutes and decisions; one decision becomes a task in this year's plan
    (when load_plans made one), one a finding at the 南湖镇 government (or the county's first unit)."""
    today = timezone.localdate()
    year = today.year
    staff = list(region_staff(county.code).values_list("pk", flat=True))
    units = list(region_units(county.code).values_list("pk", flat=True))
    for spec in _meeting_specs(county, year, today):
        if Meeting.objects.filter(region=county, title=spec["title"]).exists():
            continue
        meeting = meetings.meeting_create(
            actor=office_user, region=county, kind=spec["kind"], title=spec["title"],
            starts_at=timezone.make_aware(spec["at"]), place=spec["place"], host=spec["host"],
            attendee_users=staff, attendee_units=units[:6] if spec["kind"] == MeetingKind.ANNUAL else units,
            attendees_note=spec["attendees_note"], agenda=spec["agenda"])
        meetings.minutes_set(actor=office_user, meeting=meeting, text=spec["minutes"])
        for text, owner, due, becomes in spec["decisions"]:
            decision = meetings.decision_add(actor=office_user, meeting=meeting, text=text, owner_label=owner,
                                             due_date=due)
            if becomes == "task":
                section = PlanSection.objects.filter(plan__region=county, plan__year=year).order_by(
                    "plan_id", "order", "id").filter(area=WorkArea.TEAM).first() or PlanSection.objects.filter(
                    plan__region=county, plan__year=year).order_by("plan_id", "order", "id").first()
                if section is not None:  # no plan of this year: the decision stays a record
                    meetings.decision_to_task(actor=office_user, decision=decision, section=section,
                                              owner_user=office_user, owner_label=owner, due_date=due)
            elif becomes == "finding":
                unit = region_units(county.code).filter(name__contains="南湖镇").first() or region_units(
                    county.code).first()
                meetings.decision_to_finding(actor=office_user, decision=decision, unit=unit, due_date=due,
                                             requirement="设置护学岗和减速带，报送整改前后对比照片。")


def load_chronicle(*, office_user, county) -> None:
    return


def load_briefings(*, office_user, county) -> None:
    return


def load_archive(*, admin, office_user, county) -> None:
    return


def load_planning(*, admin, office_user, county) -> None:
    """Idempotent like the rest of the demo: a second load adds nothing."""
    load_plans(office_user=office_user, county=county)
    load_meetings(office_user=office_user, county=county)
    load_chronicle(office_user=office_user, county=county)
    load_briefings(office_user=office_user, county=county)
    load_archive(admin=admin, office_user=office_user, county=county)
