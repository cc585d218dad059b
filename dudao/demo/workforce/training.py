"""Demo data of workforce, area training: two training events of the demo county this year.

1. 督学专项督导培训, finished: three sessions, eight inspectors and demo_expert's expert enrolled, everyone signs in
   to all three sessions except one inspector who comes to one only; closing writes the training records into the
   files of those who completed (the 1-of-3 inspector gets none) and numbers their certificates.
2. 督导信息平台系统操作培训 (online), open for enrolment with its sessions ahead: demo_inspector and demo_expert are
   enrolled, the rest of the audience can enrol themselves.

Everything goes through the services (enrolment, QR sign-in with a real token at the session's time, closing)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.people.models import Expert, Inspector, InspectorStatus, SchoolSupervisor
from dudao.workforce.models import TrainingEvent, TrainingEventStatus
from dudao.workforce.services import training as services

User = get_user_model()
FINISHED_TITLE = "督学专项督导业务培训"
OPEN_TITLE = "督导信息平台系统操作培训（线上）"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _demo_expert(county) -> Expert | None:
    """demo_expert's record in the 专家库: theirs if linked, else the county's first expert without an account."""
    user = User.objects.filter(username="demo_expert").first()
    if user is None:
        return None
    expert = Expert.objects.filter(user=user).first()
    if expert is None:
        expert = Expert.objects.filter(region=county, user__isnull=True, is_active=True).order_by("id_key").first()
        if expert is not None:
            expert.user = user
            expert.save(update_fields=["user"])
    return expert


def _finished(*, office_user, county, today, inspectors, expert, supervisors) -> None:
    year_start = datetime.date(today.year, 1, 1)
    start = max(today - datetime.timedelta(days=24), year_start)
    end = min(start + datetime.timedelta(days=1), today)
    event = services.event_create(actor=office_user, region=county, data={
        "title": f"{today.year}年{FINISHED_TITLE}", "level": "district", "kind": "special",
        "organizer": f"{county.name}人民政府教育督导室", "starts_on": start, "ends_on": end, "is_online": False,
        "place": "区教师进修学院报告厅", "hours": "12", "credits": "1.5",
        "audience": ["inspector", "expert", "supervisor"], "capacity": 40, "self_enrol": True,
        "completion_percent": "", "description": "督导规程、课后服务与“双减”专项督导要点、督导报告撰写与案例研讨。"})
    sessions = [
        services.session_add(actor=office_user, event=event, title="督导规程与责任督学职责", starts_at=_at(start, 9),
                             ends_at=_at(start, 11, 30)),
        services.session_add(actor=office_user, event=event, title="“双减”专项督导要点与案例研讨",
                             starts_at=_at(start, 14), ends_at=_at(start, 17)),
        services.session_add(actor=office_user, event=event, title="督导报告撰写与考核", starts_at=_at(end, 9),
                             ends_at=_at(end, 11, 30)),
    ]
    services.event_transition(actor=office_user, event=event, to=TrainingEventStatus.OPEN)
    people = [*inspectors[:8], *([expert] if expert else []), *supervisors[:2]]
    enrolments = [services.enrol(actor=office_user, event=event, person=p) for p in people]
    for n, enrolment in enumerate(enrolments):
        attended = sessions[:1] if n == 3 else sessions  # the fourth inspector came to the first session only
        user = getattr(enrolment.person, "user", None)
        for session in attended:
            at = session.starts_at + datetime.timedelta(minutes=n % 10)
            if user is not None:  # scanned the session's QR code on their phone
                services.sign_in(actor=user, token=services.sign_in_token(session), event_id=event.pk, now=at)
            else:  # no account: the office recorded them from the paper sign-in sheet
                services.attendance_record(actor=office_user, session=session, enrolment=enrolment, at=at)
    services.event_transition(actor=office_user, event=event, to=TrainingEventStatus.CLOSED)


def _open(*, office_user, county, today, inspectors, expert) -> None:
    year_end = datetime.date(today.year, 12, 31)
    start = min(today + datetime.timedelta(days=7), year_end)
    event = services.event_create(actor=office_user, region=county, data={
        "title": f"{today.year}年{OPEN_TITLE}", "level": "district", "kind": "system",
        "organizer": f"{county.name}人民政府教育督导室", "starts_on": start, "ends_on": start, "is_online": True,
        "place": "腾讯会议（会议号见通知）", "hours": "4", "credits": "0.5",
        "audience": ["inspector", "expert", "supervisor", "staff"], "capacity": 120, "self_enrol": True,
        "completion_percent": "", "description": "督导信息平台随访记录、专项检查填报、整改跟踪的操作演示与答疑。"})
    services.session_add(actor=office_user, event=event, title="平台操作演示", starts_at=_at(start, 14),
                         ends_at=_at(start, 16))
    services.session_add(actor=office_user, event=event, title="答疑与练习", starts_at=_at(start, 16),
                         ends_at=_at(start, 17, 30))
    services.event_transition(actor=office_user, event=event, to=TrainingEventStatus.OPEN)
    for person in [*inspectors[:1], *([expert] if expert else [])]:
        services.enrol(actor=office_user, event=event, person=person)


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
    if TrainingEvent.objects.filter(region=county).exists():
        return
    today = timezone.localdate()
    demo_inspector = Inspector.objects.filter(user__username="demo_inspector").first()
    others = list(Inspector.objects.filter(region=county, status=InspectorStatus.ACTIVE)
                  .exclude(pk=getattr(demo_inspector, "pk", None)).order_by("card_no")[:7])
    inspectors = [*([demo_inspector] if demo_inspector else []), *others]
    expert = _demo_expert(county)
    supervisors = list(SchoolSupervisor.objects.filter(school__region__parent=county, is_active=True)
                       .order_by("school_id", "id")[:2])
    _finished(office_user=office_user, county=county, today=today, inspectors=inspectors, expert=expert,
              supervisors=supervisors)
    _open(office_user=office_user, county=county, today=today, inspectors=inspectors, expert=expert)
