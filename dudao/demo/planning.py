"""The demo's office year (issue 20): this year's 工作要点 for 示范区 (six sections, ~40 tasks, some linked to the
demo's inspections, surveys and campaign, some late), two meetings with decisions, 大事记 proposals accepted, one
简报, and last year archived. Each part is one function, called in order by load_planning."""

import datetime

from django.utils import timezone

from dudao.inspections.models import Inspection
from dudao.monitoring.models import Campaign
from dudao.planning.models import (
    ArchiveExport,
    ArchiveStatus,
    ArchiveYear,
    Briefing,
    JobStatus,
    Meeting,
    MeetingKind,
    Plan,
    PlanSection,
    PlanTransition,
    SectionKind,
    Submission,
    SubmissionKind,
    WorkArea,
)
from dudao.planning.selectors import briefings as briefing_selectors
from dudao.planning.selectors.meetings import region_staff, region_units
from dudao.planning.services import archive, meetings
from dudao.planning.services import briefings as briefing_services
from dudao.planning.services import plans as plan_services
from dudao.quality.models import Round as QualityRound
from dudao.regions.models import GovUnit
from dudao.surveys.models import SurveyRound
from dudao.zones.models import Zone

# ---- 工作要点 (load_plans) ------------------------------------------------------------------------------------------
# Six sections and forty tasks modelled on seeds 000 (涪陵区 2021) and 002 (常德市 2020). A task: (text, owner, months,
# (month, day) due, state, link). owner: "office" (督导室 周主任), "zone" (a 责任区, by position) or a 科室 label.
# state: "done" (with a note), "doing" (in progress, note), "late" (due before today, not done), "" (not started).
# link: (kind, a word of the object's name) — resolved among the demo's own objects.
PLAN_SECTIONS = [
    ("深化教育督导体制机制改革", "general", [
        ("制定《示范区落实深化新时代教育督导体制机制改革实施方案》，明确督导委员会成员单位职责。", "office", [3], (3, 31), "done", None),
        ("修订区政府教育督导委员会工作规程，建立成员单位联席会议制度。", "综合科", [4], (4, 30), "done", None),
        ("完善督导结果公开、约谈、问责制度，形成督导问责闭环。", "office", [5, 6], (6, 30), "done", None),
        ("推进教育评价改革，开展“破五唯”清理情况专项检查。", "综合科", [9, 10], (10, 31), "late", None),
        ("召开年度教育督导工作会议，部署全年重点工作。", "office", [2], (2, 28), "done", None),
    ]),
    ("扎实开展督政工作", "duzheng", [
        ("开展乡镇（街道）履行教育职责年度考核，考核结果报区政府。", "督政科", [9, 10, 11], (11, 30), "",
         ("inspections.inspection", "履行教育职责")),
        ("迎接市政府对区政府履行教育职责评价，做好自评和材料准备。", "督政科", [4, 5], (5, 31), "done", None),
        ("督促落实义务教育教师平均工资收入不低于当地公务员平均工资收入水平。", "督政科", [6], (6, 30), "done", None),
        ("开展教育经费投入“两个只增不减”落实情况专项督查。", "督政科", [7, 8], (8, 31), "late", None),
        ("开展学前教育普惠发展、公办园在园幼儿占比情况督查。", "督政科", [5, 6], (6, 30), "done", None),
        ("跟踪督导问题整改，对逾期未整改单位发督办单。", "office", [3, 6, 9, 12], (12, 31), "doing", None),
        ("配合做好中小学校舍安全和校园周边环境综合治理督查。", "督政科", [9], (9, 30), "done", None),
    ]),
    ("规范开展督学工作", "duxue", [
        ("组织实施义务教育学校综合督导，每校形成督导意见书。", "office", [3, 4, 5], (6, 30), "",
         ("inspections.inspection", "综合督导")),
        ("开展“双减”和“五项管理”落实情况专项督导。", "督学科", [9, 10], (12, 20), "",
         ("inspections.inspection", "双减")),
        ("落实中小学幼儿园责任督学挂牌督导，每校每月至少督导一次。", "zone:0", list(range(1, 13)), (12, 31), "doing", None),
        ("开展春季开学工作专项督查。", "zone:1", [2, 3], (3, 15), "done", None),
        ("开展秋季开学工作专项督查（重点为公办幼儿园学位）。", "zone:0", [9], (9, 20), "done", None),
        ("开展暑期违规补课专项督查。", "督学科", [7, 8], (8, 31), "done", None),
        ("开展幼儿园办园行为专项督导评估。", "督学科", [10, 11], (11, 30), "late", None),
        ("开展中小学校落实教学常规专项督查。", "zone:1", [5], (5, 31), "done", None),
        ("对上年综合督导学校开展督导回访，检查整改落实情况。", "督学科", [11, 12], (12, 25), "doing", None),
    ]),
    ("科学实施评估监测", "monitoring", [
        ("推进国家义务教育优质均衡发展区创建，完成年度创建任务清单。", "office", [3, 6, 9, 12], (12, 31), "",
         ("monitoring.campaign", "优质均衡")),
        ("开展2025年度中小学家长满意度调查并形成报告。", "评估监测科", [1], (1, 31), "",
         ("surveys.round", "2025年度中小学家长满意度调查")),
        ("开展秋季学期学生满意度调查。", "评估监测科", [11], (12, 15), "",
         ("surveys.round", "2026年秋季学期学生满意度调查")),
        ("按“2+1”模式组织区级义务教育质量监测，发布监测报告。", "评估监测科", [5, 6], (7, 15), "",
         ("quality.round", "")),
        ("配合做好国家义务教育质量监测样本校组织工作。", "评估监测科", [5], (5, 31), "done", None),
        ("以年度事业统计为基础开展义务教育优质均衡发展监测。", "评估监测科", [10], (10, 31), "done", None),
        ("开展学前教育普及普惠监测，形成县域监测报告。", "评估监测科", [10, 11], (11, 30), "done", None),
        ("开展教育发展现状年度监测，编制区域教育发展报告。", "评估监测科", [12], (12, 31), "doing", None),
    ]),
    ("加强督学队伍建设", "team", [
        ("完成新一届责任督学选聘和聘任，调整督学责任区。", "office", [3], (3, 31), "done", None),
        ("组织全区督学暑期专题培训，每人不少于 40 学时。", "督学科", [7, 8], (8, 31), "done", None),
        ("组织督学参加省、市督学能力提升培训。", "督学科", [6, 7], (7, 31), "done", None),
        ("开展责任督学年度考核，考核结果与续聘挂钩。", "office", [12], (12, 31), "", None),
        ("加强督导队伍党风廉政建设，签订廉洁督导承诺书。", "综合科", [3], (3, 31), "done", None),
        ("充实兼职督学和评估专家库，完善专家库管理办法。", "督学科", [4, 5], (5, 31), "done", None),
    ]),
    ("强化督导宣传与研究", "research", [
        ("定期编印督导简报，全年不少于 6 期。", "综合科", [2, 4, 6, 8, 10, 12], (12, 31), "doing", None),
        ("开展全区督学教育督导与评价优秀论文评选。", "综合科", [6], (6, 30), "done", None),
        ("加强督导信息平台运用，督导纪实全部在平台填报。", "office", list(range(1, 13)), (12, 31), "doing", None),
        ("按要求报送督导信息，做好督导结果向社会公开。", "综合科", [3, 6, 9, 12], (12, 31), "doing", None),
        ("整理年度督导档案，编撰年度督导大事记。", "office", [12], (12, 31), "", None),
    ]),
]
DONE_NOTE = "已按计划完成，相关材料已归档。"
DOING_NOTE = "正在推进，已完成阶段性工作。"
DROPPED_NOTE = "按上级部署调整，本年度不再单独开展。"


def _plan_owner(owner: str, office_user, zones) -> dict:
    if owner == "office":
        return {"owner_user": office_user}
    if owner.startswith("zone:"):
        index = int(owner.split(":")[1])
        return {"owner_zone": zones[index]} if len(zones) > index else {"owner_label": "督学科"}
    return {"owner_label": owner}


def _plan_link_target(kind: str, word: str, county):
    if kind == "inspections.inspection":
        return Inspection.objects.filter(county=county, name__contains=word).order_by("pk").first()
    if kind == "surveys.round":
        return SurveyRound.objects.filter(county=county, name__contains=word).order_by("pk").first()
    if kind == "monitoring.campaign":
        return Campaign.objects.filter(county=county, name__contains=word).order_by("pk").first()
    if kind == "quality.round":
        return QualityRound.objects.filter(region=county).order_by("pk").first()
    return None


def _plan_year(*, office_user, county, year: int, today: datetime.date, last_year: bool) -> None:
    """One published plan: last year's with every task done (the late ones dropped); this year's with its states (late ones fall due
    before today, whatever the day of the load)."""
    zones = list(Zone.objects.filter(region=county).order_by("code")[:2])
    plan = plan_services.plan_create(actor=office_user, region=county, year=year, year_kind="calendar",
                                     title=f"{year}年{county.name}教育督导工作要点")
    first_day = datetime.date(year, 1, 1)
    states = []
    for title, area, tasks in PLAN_SECTIONS:
        section = plan_services.section_create(actor=office_user, plan=plan, title=title, area=area)
        for text, owner, months, (month, day), state, link in tasks:
            due = datetime.date(year, month, day)
            if not last_year and state == "late":
                due = min(due, max(first_day, today - datetime.timedelta(days=20)))
            task = plan_services.task_create(actor=office_user, section=section, text=text, months=months,
                                             due_date=due, **_plan_owner(owner, office_user, zones))
            if last_year:
                state = "dropped" if state == "late" else "done"
            states.append((task, state, link))
    plan_services.plan_publish(actor=office_user, plan=plan)
    # An office publishes its plan early in the year: date the publication (and so its 大事记 entry) 10 February,
    # not the day the demo is loaded.
    published = min(timezone.now(), datetime.datetime(year, 2, 10, 9, 0, tzinfo=timezone.get_current_timezone()))
    Plan.objects.filter(pk=plan.pk).update(published_at=published)
    PlanTransition.objects.filter(plan=plan, to_status="published").update(at=published)
    for task, state, link in states:
        if link and not last_year:
            target = _plan_link_target(*link, county)
            if target is not None:
                plan_services.task_link_add(actor=office_user, task=task, kind=link[0], object_id=target.pk)
        if state == "done":
            plan_services.task_progress_set(actor=office_user, task=task, progress="done", note=DONE_NOTE)
        elif state == "dropped":
            plan_services.task_progress_set(actor=office_user, task=task, progress="dropped", note=DROPPED_NOTE)
        elif state in ("doing", "late"):
            plan_services.task_progress_set(actor=office_user, task=task, progress="in_progress", note=DOING_NOTE)



def load_plans(*, office_user, county) -> None:
    """示范区's 工作要点 of last year (published, all done) and of this year (published, six sections, forty tasks,
    some linked to the demo's inspections, survey rounds, campaign and quality round, some late). Idempotent."""
    today = timezone.localdate()
    for year, last_year in ((today.year - 1, True), (today.year, False)):
        if not Plan.objects.filter(region=county, year=year).exists():
            _plan_year(office_user=office_user, county=county, year=year, today=today, last_year=last_year)


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
    """大事记: the platform's proposals for this year and last, most accepted (a title or two edited), one dropped,
    and two manual entries. Skipped once the office has decided anything (a second load adds nothing)."""
    import datetime  # noqa: PLC0415 -- each loader keeps its imports (the demo loads every app)

    from django.utils import timezone  # noqa: PLC0415

    from dudao.planning.models import ChronicleEntry, ChronicleStatus, Importance  # noqa: PLC0415
    from dudao.planning.services import chronicle  # noqa: PLC0415

    today = timezone.localdate()
    if ChronicleEntry.objects.filter(region=county, decided_by__isnull=False).exists():
        return
    for year in (today.year - 1, today.year):
        chronicle.chronicle_propose(region=county, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))
    proposals = list(ChronicleEntry.objects.filter(region=county, status=ChronicleStatus.PROPOSED).order_by("day", "pk"))
    dropped = next((e for e in proposals if e.source == "monitoring.campaign"), proposals[-1] if proposals else None)
    kept = [e for e in proposals if e is not dropped]
    left = kept[-2:] if len(kept) > 4 else []  # a few stay 待确认, so the page shows both parts
    edited: set[str] = set()
    for entry in (e for e in kept if e not in left):
        edits = {}
        if entry.source == "inspections.opinions" and entry.source not in edited:
            edits = {"title": entry.title.replace("出具督导意见书", "完成评议并出具督导意见书"),
                     "importance": Importance.MAJOR}
        elif entry.source == "surveys.round" and entry.source not in edited:
            edits = {"title": entry.title.replace("结束", "完成", 1),
                     "text": (entry.text + "结果已在全区督导工作会上通报。").strip()}
        edited.add(entry.source)
        chronicle.entry_accept(actor=office_user, entry=entry, **edits)
    if dropped is not None:
        chronicle.entry_drop(actor=office_user, entry=dropped, reason="属常规事务，不列入大事记。")
    for year, month, day, title, text, importance in (
        (today.year, 3, 6, f"召开{county.name}{today.year}年教育督导工作会议",
         "总结上年督导工作，部署本年度督政、督学、评估监测重点任务。", Importance.IMPORTANT),
        (today.year - 1, 9, 10, f"{county.name}表彰优秀责任督学",
         "在教师节表彰大会上对年度考核优秀的责任督学予以表彰。", Importance.NORMAL),
    ):
        chronicle.entry_create(actor=office_user, region=county, day=datetime.date(year, month, day), title=title,
                               text=text, importance=importance)


BRIEFING_NOTE = ("本期简报汇集近期责任督学挂牌督导、督导评估和重要工作情况。各学校要对照督导发现的亮点互学互鉴，"
                 "对督导指出的问题按期整改到位。")


def load_briefings(*, office_user, county) -> None:
    """One issued 简报 (第1期 of this year) of three picked materials (a visit highlight, an inspection's results,
    a 大事记 entry, or what the demo holds of these) and one free text, and its 信息报送 to the county's education
    authority (the demo's 区教育局 account), or to 市教育督导室 if it has none."""
    year = timezone.localdate().year
    if Briefing.objects.filter(region=county, year=year).exists():
        return
    briefing = briefing_services.briefing_create(actor=office_user, region=county, year=year,
                                                 title=f"{county.name}教育督导工作动态")
    picked = 0
    for kind in (SectionKind.VISIT, SectionKind.INSPECTION, SectionKind.CHRONICLE, SectionKind.PUBLICATION,
                 SectionKind.VISIT):
        if picked == 3:
            break
        used = set(briefing.sections.values_list("source_key", flat=True))
        for source, (_label, source_kind, _fn) in briefing_services.material_sources(kind).items():
            material = next((m for m in briefing_selectors.material_choices(office_user, briefing, source, "")
                             if m.key not in used), None)
            if material is not None and source_kind == kind:
                briefing_services.section_add(actor=office_user, briefing=briefing, kind=kind,
                                              source_key=material.key)
                picked += 1
                break
    briefing_services.section_add(actor=office_user, briefing=briefing, kind=SectionKind.TEXT, heading="工作要求",
                                  text=BRIEFING_NOTE)
    briefing = briefing_services.briefing_issue(actor=office_user, briefing=briefing)
    bureau = GovUnit.objects.filter(region__code__startswith=county.code, is_education_authority=True).order_by(
        "code").first()  # 示范区教育委员会, where the demo's 区教育局 account sits
    if not Submission.objects.filter(briefing=briefing).exists():
        briefing_services.submission_create(
            actor=office_user, region=county, kind=SubmissionKind.BRIEFING,
            title=f"报送《督导简报》{year}年第{briefing.issue_no}期", sent_on=timezone.localdate(),
            recipient_unit=bureau, recipient="" if bureau else "市教育督导室", briefing=briefing)


def load_archive(*, admin, office_user, county) -> None:
    """Last year's 督导档案 of the county exported (synchronously, in this process) and locked (归档). Idempotent: a
    locked year is left as it is; a year already exported is locked without exporting again."""
    year = timezone.localdate().year - 1
    if ArchiveYear.objects.filter(region=county, year=year, status=ArchiveStatus.LOCKED).exists():
        return
    if not ArchiveExport.objects.filter(archive__region=county, archive__year=year, status=JobStatus.DONE).exists():
        archive.export_now(actor=office_user, region=county, year=year)
    archive.archive_lock(actor=office_user, region=county, year=year)


def load_planning(*, admin, office_user, county) -> None:
    """Idempotent like the rest of the demo: a second load adds nothing."""
    load_plans(office_user=office_user, county=county)
    load_meetings(office_user=office_user, county=county)
    load_chronicle(office_user=office_user, county=county)
    load_briefings(office_user=office_user, county=county)
    load_archive(admin=admin, office_user=office_user, county=county)
