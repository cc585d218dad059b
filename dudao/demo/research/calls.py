"""Demo data of research, area calls: a finished 典型案例 call of the demo county — entries from schools, inspectors
and the office, scored anonymously by demo_expert and two more experts (one recused from a school's entries),
ranked with awards, published (评选结果, 表彰, 信息报送 of the winners' list) and its anthology built."""

import datetime
import io
import secrets

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from dudao.core.dates import local_date
from dudao.core.errors import ApplicationError
from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.people.models import Expert
from dudao.people.services import expert_save
from dudao.research.models import CallEntry, ResearchCall
from dudao.research.services import calls as services
from dudao.schools.models import School

User = get_user_model()
TITLE = "典型案例征集评选"

ENTRIES = [
    # (who, title, category, paragraphs, co-authors, as pdf)
    ("school", "“家校共育”协同机制的探索与实践", "德育与家校共育",
     ["一、背景：学校地处城乡接合部，留守儿童占比较高。", "二、做法：建立家访台账，每学期家访全覆盖；成立家长学校。",
      "三、成效：家长满意度由 86% 提高到 95%。"], "李红", False),
    ("school", "课后服务“1+N”模式的实施案例", "课后服务与“双减”",
     ["一、背景：落实“双减”要求，课后服务需求大。", "二、做法：1 项基础托管加 N 项特色课程，学生自主选择。",
      "三、成效：课后服务参与率达 92%，书面作业时间明显下降。"], "", False),
    ("inspector", "责任督学挂牌督导促进学校规范办学的案例", "督导工作",
     ["一、问题：某校存在违规补课苗头。", "二、督导：责任督学随机走访、约谈、跟踪整改。", "三、结果：问题按期整改到位，形成长效机制。"],
     "", False),
    ("inspector", "以督导评估推动薄弱学校改进的实践", "督导工作", [], "周敏", True),
    ("office", "区域推进“双减”督导的做法与成效", "课后服务与“双减”",
     ["一、建立“双减”督导清单，每月通报。", "二、开展专项督导与满意度调查。", "三、作业、睡眠、手机、读物、体质管理全面落实。"],
     "", False),
    ("school", "劳动教育基地建设的典型案例", "德育与家校共育",
     ["一、利用校内空地建设劳动实践基地。", "二、开设劳动课程，每周一课时。", "三、学生劳动素养显著提升。"], "", False),
]
POINTS = {  # expert → points of the 4 leaves per entry (max 25, 30, 30, 15)
    0: [(23, 27, 27, 13), (21, 25, 26, 12), (20, 24, 25, 12), (18, 22, 22, 11), (22, 26, 27, 13), (16, 20, 20, 10)],
    1: [(22, 28, 26, 13), (20, 26, 25, 12), (21, 24, 24, 12), (17, 21, 23, 11), (23, 27, 26, 14), (15, 21, 19, 10)],
    2: [(24, 27, 28, 13), (21, 24, 25, 13), (19, 25, 24, 11), (18, 21, 22, 12), (22, 27, 28, 13), (16, 19, 21, 10)],
}


def _docx(title: str, paragraphs: list[str], author: str) -> bytes:
    from docx import Document  # noqa: PLC0415 -- python-docx (about 1 s) only when the demo is loaded

    doc = Document()
    doc.core_properties.author = author
    doc.add_heading(title, level=1)
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pdf(title: str, author: str) -> bytes:
    """A real PDF, as a teacher's "save as PDF" makes it: the author's name in its metadata (the expert's copy is
    rewritten without it)."""
    html = (f'<html><head><meta name="author" content="{escape(author)}"><title>{escape(title)}</title></head>'
            f'<body style="font-family: sans-serif"><h1>{escape(title)}</h1><p>（案例全文略）</p></body></html>')
    from weasyprint import HTML  # noqa: PLC0415 -- weasyprint takes ~2-4 s to import; only this one entry needs it

    return HTML(string=html).write_pdf()


def _expert_user(admin, county, username: str, full_name: str, employer: str, n: int) -> Expert:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=admin, username=username, full_name=full_name, password="Dd-" + secrets.token_urlsafe(12))
        role_assign(actor=admin, user=user, role=Role.EXPERT)
    expert = Expert.objects.filter(user=user).first()
    return expert or expert_save(actor=admin, id_key=f"ZJ{county.code}R{n}", name=full_name, phone=f"1390000000{n}",
                                 employer=employer, title="高级教师", categories="research", region_id=county.code,
                                 is_active=True, user_id=user.pk)


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
    if ResearchCall.objects.filter(region=county, title__endswith=TITLE).exists():
        return
    today = local_date(timezone.now())
    school_user = User.objects.get(username="demo_school")
    inspector_user = User.objects.get(username="demo_inspector")
    school_id = school_user.role_assignments.filter(role=Role.SCHOOL).values_list("school_id", flat=True).first()
    school = School.objects.get(pk=school_id) if school_id else None
    demo_expert_user = User.objects.get(username="demo_expert")
    expert = Expert.objects.filter(user=demo_expert_user).first()
    if expert is None:
        free = Expert.objects.filter(region=county, user__isnull=True, is_active=True).order_by("id").first()
        expert = expert_save(actor=admin, expert=free, user_id=demo_expert_user.pk) if free else expert_save(
            actor=admin, id_key=f"ZJ{county.code}R0", name="陈教授", phone="13900000000", employer="示范市教育科学研究院",
            title="教授", categories="research", region_id=county.code, is_active=True, user_id=demo_expert_user.pk)
    experts = [expert,
               _expert_user(admin, county, "research_expert_2", "吴老师", "示范市教育科学研究院", 2),
               # employed at the demo school: recused from its entries (回避)
               _expert_user(admin, county, "research_expert_3", "郑老师", school.name if school else "区教研室", 3)]

    framework = services.call_default_framework(actor=office_user, region=county)
    opens = today - datetime.timedelta(days=75)
    call = services.call_create(
        actor=office_user, region=county, title=f"{today.year}年度教育督导{TITLE}", kind="case",
        description="围绕责任督学挂牌督导、“双减”落实、家校共育等主题，征集本区学校、督学和督导室的典型案例，"
                    "经专家匿名评审后择优表彰，获奖案例汇编成文集并报送市教育督导室。",
        categories="德育与家校共育、课后服务与“双减”、督导工作", allow_inspectors=True, allow_schools=True,
        allow_offices=True, opens_on=opens, deadline=today + datetime.timedelta(days=1), framework=framework,
        quota_basis="count", quota_first=1, quota_second=1, quota_third=2, quota_merit=1)
    call = services.call_open(actor=office_user, call=call)
    for e in experts:
        services.expert_assign(actor=office_user, call=call, expert=e)
    users = {"school": (school_user, f"school:{school_id}"), "inspector": (inspector_user, "inspector"),
             "office": (office_user, "office")}
    entries = []
    for who, title, category, paragraphs, co, as_pdf in ENTRIES:
        user, option = users[who]
        name = user.get_full_name() or user.username
        data = _pdf(title, name) if as_pdf else _docx(title, paragraphs, name)
        upload = SimpleUploadedFile(f"{name}-{title[:8]}.{'pdf' if as_pdf else 'docx'}", data)
        entries.append(services.entry_submit(
            actor=user, call=call, option=option, title=title, category=category, upload=upload, co_authors=co,
            abstract=f"{title}：" + ("".join(paragraphs)[:120] if paragraphs else "以督导评估结果为抓手，制定改进计划，跟踪复评，薄弱学校办学水平明显提升。")))
    # the call ended some weeks ago: entries were in by its deadline
    deadline = today - datetime.timedelta(days=30)
    services.call_update(actor=office_user, call=call, deadline=deadline)
    for n, entry in enumerate(entries):
        CallEntry.objects.filter(pk=entry.pk).update(
            submitted_at=timezone.make_aware(datetime.datetime.combine(deadline - datetime.timedelta(days=10 - n),
                                                                       datetime.time(9 + n, 15))))
    call.refresh_from_db()
    services.call_close(actor=office_user, call=call)
    for k, e in enumerate(experts):
        user = e.user
        for n, entry in enumerate(entries):
            try:
                services.score_submit(actor=user, entry=entry, values=dict(zip(
                    ["A1", "A2", "A3", "A4"], [str(p) for p in POINTS[k][n]], strict=True)), comment="")
            except ApplicationError:  # a recused entry is refused: the demo's third expert shows it
                continue
    services.call_rate(actor=office_user, call=call)
    call.refresh_from_db()
    services.call_publish(actor=office_user, call=call, recipient="市教育督导室")
    call.refresh_from_db()
    services.anthology_start(actor=office_user, call=call, inline=True)
