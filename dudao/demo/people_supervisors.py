"""The demo's 学校督导管理员 (issue 24): two at the school of demo_school (one of them the account
demo_supervisor, which receives the school role through the appointment) and two at two more schools, each with a
training record. Idempotent: a school that already has its supervisors is left alone."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.core.roles import Role
from dudao.people.models import SchoolSupervisor, Training
from dudao.people.services import supervisor_save, training_add
from dudao.schools.models import School

User = get_user_model()

# (name, position, phone) per school; the first of demo_school's school is demo_supervisor's
NAMES = [
    [("吴晓燕", "教务主任", "13905710201"), ("郑国强", "德育主任", "13905710202")],
    [("钱丽华", "副校长", "13905710203"), ("冯建军", "办公室主任", "13905710204")],
    [("陈秀英", "教学副校长", "13905710205"), ("褚志明", "总务主任", "13905710206")],
]


def load_school_supervisors(*, office_user, county) -> None:
    school_user = User.objects.get(username="demo_school")
    own = School.objects.get(pk=school_user.role_assignments.filter(role=Role.SCHOOL).values("school_id")[:1])
    others = list(School.objects.filter(region__code__startswith=county.code, school_type="primary")
                  .exclude(pk=own.pk).order_by("code")[:2])
    today = timezone.localdate()
    appointed = datetime.date(today.year - 1, 9, 1)
    for n, (school, people) in enumerate(zip([own, *others], NAMES, strict=False)):
        if SchoolSupervisor.objects.filter(school=school).exists():
            continue
        for m, (name, position, phone) in enumerate(people):
            username = "demo_supervisor" if n == 0 and m == 0 else ""
            supervisor = supervisor_save(actor=office_user, school=school, name=name, phone=phone, position=position,
                                         appointed_on=appointed, note="", username=username)
            training_day = min(today, datetime.date(today.year, 3, 20))
            if not Training.objects.filter(supervisor=supervisor).exists():
                training_add(actor=office_user, supervisor=supervisor, date=training_day,
                             title="学校督导管理员业务培训", organizer="区教育督导室", hours=16 if m == 0 else 8,
                             credits=2 if m == 0 else 1)
