"""Demo data of research, area projects: 课题：成员、开题、中期、结题 — one 课题 in progress in the demo county, owned
by demo_inspector: 开题 passed with its report, 中期 due in five days (in the owner's to-do list and inbox)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.dates import local_date
from dudao.research.models import ProjectMilestone, ProjectMilestoneKind, ResearchProject
from dudao.research.services.projects import member_add, milestone_review, milestone_submit, project_create

User = get_user_model()
TITLE = "责任督学挂牌督导促进学校内涵发展的实践研究"
PDF = b"%PDF-1.4\n% demo research project\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
    if ResearchProject.objects.filter(region=county, title=TITLE).exists():
        return
    today = local_date(datetime.datetime.now(datetime.UTC))
    day = datetime.timedelta(days=1)
    owner = User.objects.get(username="demo_inspector")
    project = project_create(
        actor=office_user, region=county, title=TITLE, level="county", number=f"DD{today.year}-01", owner=owner,
        started_on=today - 200 * day, planned_end=today + 220 * day, opening_due=today - 120 * day,
        midterm_due=today + 5 * day, final_due=today + 200 * day)
    member_add(actor=office_user, project=project, name="周敏", unit=f"{county.name}教师发展中心", role="member")
    member_add(actor=office_user, project=project, name="孙建华", unit=f"{county.name}实验小学", role="member")
    opening = project.milestones.get(kind=ProjectMilestoneKind.OPENING)
    milestone_submit(actor=owner, milestone=opening, note="开题报告及研究方案",
                     uploads=[SimpleUploadedFile("开题报告.pdf", PDF, content_type="application/pdf")])
    # the report was handed in before the 开题 meeting (the demo back-dates what the service stamps today)
    ProjectMilestone.objects.filter(pk=opening.pk).update(submitted_on=today - 130 * day)
    opening.refresh_from_db()
    milestone_review(actor=office_user, milestone=opening, passed=True, done_on=today - 125 * day,
                     comment="选题切合挂牌督导实际，研究方案可行，同意开题。")
