"""The demo county's 挂牌督导: inspectors, experts, training, zones, assignments covering all schools but two,
a school year of visits (recent ones through the visit service, with photos and problems), complaints in
every state and a cross-supervision plan. Deterministic for a given seed."""

import datetime
import io
import random
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from dudao.core.dates import local_date
from dudao.core.services import policy_set
from dudao.demo import generator
from dudao.people.models import Inspector, InspectorKind
from dudao.people.services import expert_save, inspector_save, review_record, training_add
from dudao.rectification.models import Finding, FindingSource, FindingStatus, FollowUp
from dudao.regions.models import Region
from dudao.schools.models import School, SchoolType
from dudao.zones import services as zone_services
from dudao.zones.models import ROUTINE_ITEMS, Assignment, ComplaintStatus, ReplyChannel, Visit

SOURCES_PART_TIME = ["principal", "teacher", "researcher", "official", "retired"]
NARRATIVES = [
    "随机听课两节，查阅教学计划和作业批改记录，巡视校园及食堂，与部分教师座谈。",
    "列席学校行政会，查阅课后服务台账，检查校门口护学岗及上放学交通秩序。",
    "检查食堂食品留样和晨午检记录，巡视宿舍和饮水设施，与学生代表座谈。",
    "查阅招生、收费公示材料，随机听课一节，检查体育大课间开展情况。",
]
PROBLEMS = [
    ("r7", "食堂留样记录不全，部分餐次未留样。"), ("r4", "部分班级书面作业量偏大，作业公示不及时。"),
    ("r6", "校门口护学岗人员不足，放学时段交通秩序较乱。"), ("r1", "校务公开栏信息更新不及时。"),
    ("r3", "个别班级课表与实际授课不一致，体育课被占用。"), ("r5", "教师师德考核档案不完整。"),
]
HIGHLIGHTS = ["课后服务课程丰富，学生参与度高。", "校园文化建设有特色，阅读氛围浓厚。", "家校共育工作扎实，家长满意度高。", ""]


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), (rng.randint(80, 200), rng.randint(120, 210), rng.randint(140, 230)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 560), rng.randint(0, 400)
        draw.rectangle([x, y, x + rng.randint(40, 120), y + rng.randint(30, 90)], fill=(255, 255, 255))
    draw.text((20, 20), label, fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def load_supervision(*, admin, rng: random.Random, county: Region, inspector_user) -> None:
    if Inspector.objects.filter(region=county).exists():
        return
    today = timezone.localdate()
    policy_set(actor=admin, key="zones.complaint_phone", region_code=county.code, value="023-6188 2391")
    schools = list(School.objects.filter(region__code__startswith=county.code).exclude(
        school_type=SchoolType.TRAINING).order_by("region_id", "code"))
    principals = [s for s in schools if s.school_type in (SchoolType.PRIMARY, SchoolType.JUNIOR)]

    inspectors = []
    for n in range(36):
        full_time = n < 12
        source = "official" if full_time and n % 3 else ("researcher" if full_time else SOURCES_PART_TIME[n % 5])
        retired = source == "retired"
        home = principals[n] if source == "principal" else None
        appointed = datetime.date(2017 + n % 8, 9, 1)
        term_no = 1 if full_time else min(3, 1 + (today - appointed).days // 1096)
        term_start = appointed.replace(year=appointed.year + 3 * (term_no - 1))
        name = generator.person(rng)
        if n == 0:  # the demo inspector's account: one name on the account and in the registry
            name = inspector_user.get_full_name() or name
        inspectors.append(inspector_save(
            actor=admin, card_no=f"DX{county.code}{n + 1:03d}", name=name, gender=rng.choice("男女"),
            phone=f"139{rng.randint(1000_0000, 9999_9999)}", employer=home.name if home else (
                "区教育督导室" if full_time else "区教师进修学院" if source == "researcher" else "—"),
            position="督学" if full_time else "", kind=InspectorKind.FULL_TIME if full_time else InspectorKind.PART_TIME,
            source=source, region_id=county.code, home_school_id=home.pk if home else None,
            retirement_date=datetime.date(2026 - (2 + n % 5) - (4 if n == 4 else 0), 7, 1) if retired else None,
            appointed_on=appointed, term_start=term_start, term_no=term_no,
            user_id=inspector_user.pk if n == 0 else None))
    for i, inspector in enumerate(inspectors):
        total = 0
        for k in range(3):
            hours = rng.choice([8, 12, 16, 24]) if i % 9 else rng.choice([4, 8])
            total += hours
            training_add(actor=admin, inspector=inspector, date=datetime.date(today.year, 3 + k * 3, 10 + k),
                         title=["责任督学专题培训", "督导评估业务培训", "学校安全管理培训"][k], hours=hours,
                         credits=hours / 8, organizer="市教育督导室")
        review_record(actor=admin, inspector=inspector, year=today.year - 1,
                      grade="excellent" if i % 7 == 0 else "pass")
    for n, cats in enumerate([["preschool"], ["compulsory", "research"], ["senior"], ["vocational"], ["special"],
                              ["finance"], ["construction", "safety"], ["health", "moral"], ["management", "compulsory"]]):
        expert_save(actor=admin, id_key=f"ZJ{county.code}{n + 1:02d}", name=generator.person(rng),
                    phone=f"138{rng.randint(1000_0000, 9999_9999)}", employer="示范市教育科学研究院",
                    title="高级教师" if n % 2 else "教授", categories=",".join(cats), region_id=county.code,
                    is_active=True)

    towns = list(Region.objects.filter(parent=county).order_by("code"))
    zones, lead_index = [], 0
    by_town = {t.code: [s for s in schools if s.region_id == t.code] for t in towns}
    pool = list(inspectors)
    uncovered = {by_town[towns[-1].code][-1].pk, by_town[towns[-2].code][-1].pk}
    for z, town in enumerate(towns):
        zone = zone_services.zone_save(actor=admin, code=f"Z{county.code}{z + 1:02d}", name=f"第{'一二三四五六七八'[z]}责任区（{town.name}）",
                                       region=county, lead=inspectors[lead_index])
        lead_index += 1
        zones.append(zone)
        members = [i for k, i in enumerate(pool) if k % len(towns) == z]
        slot = 0
        for school in by_town[town.code]:
            if school.pk in uncovered:
                continue
            inspector = members[slot % len(members)]
            if inspector.home_school_id == school.pk:
                inspector = members[(slot + 1) % len(members)]
            slot += 1
            zone_services.assignment_set(actor=admin, zone=zone, inspector=inspector, school=school,
                                         started_on=datetime.date(2025, 9, 1))
    zone_services.cross_plan_create(actor=admin, visiting_zone=zones[0], host_zone=zones[1],
                                    planned_on=today - datetime.timedelta(days=10),
                                    inspectors=[i for k, i in enumerate(pool) if k % len(towns) == 0][:2],
                                    note="交叉督导：课后服务与作业管理")
    _history(admin=admin, rng=rng, county=county, today=today)
    _recent(admin=admin, rng=rng, county=county, today=today, inspector_user=inspector_user)
    _complaints(admin=admin, rng=rng, county=county, inspectors=inspectors)


def _history(*, admin, rng, county, today) -> None:
    """A school year of visits, written in bulk (the demo's past; recent ones go through the service)."""
    tz = timezone.get_current_timezone()
    visits, problems = [], []
    month = datetime.date(2025, 9, 1)
    end = today.replace(day=1)
    assignments = list(Assignment.objects.current().filter(school__region__code__startswith=county.code)
                       .select_related("inspector", "zone", "school"))
    while month < end:
        if month.month not in (7, 8, 2):
            for a in assignments:
                if rng.random() < 0.12:
                    continue
                day = month.replace(day=rng.randint(3, 26))
                start = datetime.datetime.combine(day, datetime.time(8 + rng.randint(0, 2), rng.choice((0, 30))), tzinfo=tz)
                minutes = rng.choice((180, 240, 300, 420))
                visits.append(Visit(
                    client_id=uuid.UUID(int=rng.getrandbits(128)), inspector=a.inspector, school=a.school, zone=a.zone,
                    started_at=start, ended_at=start + datetime.timedelta(minutes=minutes), minutes_on_site=minutes,
                    methods={"lessons": rng.randint(1, 3), "documents": 1, "tour": 1},
                    items=sorted(rng.sample([c for c, _l in ROUTINE_ITEMS], 3)), narrative=rng.choice(NARRATIVES),
                    highlights=rng.choice(HIGHLIGHTS), status="signed" if rng.random() < 0.8 else "submitted",
                    created_by=admin))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    Visit.objects.bulk_create(visits, batch_size=500)
    saved = Visit.objects.filter(client_id__in=[v.client_id for v in visits]).values_list("pk", "school_id", "started_at", "school__region_id")
    labels = dict(ROUTINE_ITEMS)
    for pk, school_id, started, region_id in saved:
        if rng.random() < 0.18:
            item, text = rng.choice(PROBLEMS)
            follow = rng.choice([FollowUp.ON_SITE, FollowUp.SUGGESTION, FollowUp.SUGGESTION, FollowUp.REPORT])
            problems.append(Finding(
                source=FindingSource.VISIT, source_type="zones.visit", source_id=str(pk), school_id=school_id,
                region_code=region_id, category=item, category_label=str(labels[item]), follow_up=follow,
                severity=3 if follow == FollowUp.REPORT else 1, description=text, raised_by=admin, raised_at=started,
                status=FindingStatus.RESOLVED_ON_SITE if follow == FollowUp.ON_SITE else rng.choice([FindingStatus.OPEN, FindingStatus.CLOSED])))
            due = local_date(started) + datetime.timedelta(days=30)
            problems[-1].due_date = due if follow != FollowUp.ON_SITE else None
            if problems[-1].status == FindingStatus.CLOSED:  # most on time, some late
                problems[-1].closed_at = started + datetime.timedelta(days=rng.choice((12, 20, 26, 41)))
                problems[-1].closed_on_time = local_date(problems[-1].closed_at) <= due
            elif problems[-1].status == FindingStatus.RESOLVED_ON_SITE:
                problems[-1].closed_on_time = True
    Finding.objects.bulk_create(problems, batch_size=500)


def _recent(*, admin, rng, county, today, inspector_user) -> None:
    """This month's visits of the demo inspector, through the visit service, with photos and problems."""
    inspector = Inspector.objects.get(user=inspector_user)
    tz = timezone.get_current_timezone()
    for k, assignment in enumerate(inspector.assignments.current().select_related("school").order_by("school__code")[:4]):
        day = today - datetime.timedelta(days=2 + k * 3)
        start = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=tz)
        zone_services.visit_submit(
            actor=admin, client_id=uuid.UUID(int=rng.getrandbits(128)), inspector=inspector, school=assignment.school,
            started_at=start, ended_at=start + datetime.timedelta(hours=4), methods={"lessons": 2, "documents": 1, "panels": 1},
            items=["r3", "r4", "r7"], narrative=NARRATIVES[k % len(NARRATIVES)], highlights=HIGHLIGHTS[k % 3],
            problems=[{"item": item, "follow_up": FollowUp.SUGGESTION, "description": text}
                      for item, text in rng.sample(PROBLEMS, 2)],
            lessons=[{"class_name": "四（2）班", "subject": "数学", "teacher": generator.person(rng), "rating": "good",
                      "notes": "教学目标明确，互动充分。"}],
            photos=[_photo(rng, f"visit{k}-{n}") for n in range(2)])


def _complaints(*, admin, rng, county, inspectors) -> None:
    covered = list(Assignment.objects.current().filter(school__region__code__startswith=county.code)
                   .select_related("school", "inspector")[:6])
    texts = ["学校要求家长购买指定教辅资料。", "放学时校门口车辆乱停，存在安全隐患。", "食堂饭菜分量不足，价格偏高。",
             "建议增加课后服务的体育类项目。", "个别教师向学生推荐校外培训班。", "学校周末组织学生集体补课。"]
    for n, (assignment, text) in enumerate(zip(covered, texts, strict=False)):
        complaint = zone_services.complaint_receive(actor=admin, school=assignment.school, kind="complaint" if n != 3 else "suggestion",
                                                    channel="hotline", content=text, complainant_name="家长",
                                                    complainant_phone=f"137{rng.randint(1000_0000, 9999_9999)}")
        steps = n  # 0: assigned … 4+: closed
        if steps >= 1:
            zone_services.complaint_advance(actor=admin, complaint=complaint, to_status=ComplaintStatus.VERIFIED,
                                            verification="经实地核查，情况基本属实，已要求学校整改。", substantiated=True,
                                            finding={"item": "r2", "description": text} if n == 1 else None)
        if steps >= 2:
            zone_services.complaint_advance(actor=admin, complaint=complaint, to_status=ComplaintStatus.REPLIED,
                                            reply_channel=ReplyChannel.PHONE, reply_text="已电话答复核查和整改情况。")
        if steps >= 3:
            zone_services.complaint_advance(actor=admin, complaint=complaint, to_status=ComplaintStatus.CLOSED)
    zone_services.complaint_receive(actor=None, school=covered[0].school, kind="report", channel="public_page",
                                    content="反映学校违规收取资料费。", submit_ip="127.0.0.1")
    # A school without a responsible inspector: its complaint waits in 已受理 for the office to assign.
    orphan = School.objects.filter(region__code__startswith=county.code).exclude(school_type=SchoolType.TRAINING).exclude(
        pk__in=Assignment.objects.current().values("school_id")).first()
    if orphan is not None:
        zone_services.complaint_receive(actor=admin, school=orphan, kind="complaint", channel="letter",
                                        content="来信反映学校课间不让学生出教室活动。")
