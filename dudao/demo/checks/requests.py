"""Demo: 因需督导 (issue 23). The office's menu of five topics; two requests of the demo principal's school — one
accepted as a special visit by its 责任督学 (on demo_inspector's to-do list), one declined with its reason — and
a pending request of the demo town (on demo_office's to-do list). Through the services, dates from the load day."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.checks.models import MenuTopic
from dudao.checks.services import requests as services
from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.regions.models import GovUnit
from dudao.schools.models import School

User = get_user_model()

MENU = [
    ("课后服务质量", "课后服务时间安排、内容设置（作业辅导与兴趣活动）、师资与经费保障、家长满意度；听课、查阅资料、座谈。",
     "半天"),
    ("校园欺凌防治", "防治学生欺凌工作机制、排查与处置台账、心理健康教育、家校协同；访谈学生与班主任。", "半天"),
    ("作业管理", "作业总量与时长控制、分层设计、公示与批改反馈；抽查学生作业本，问卷调查学生。", "1 天"),
    ("食堂管理", "食品安全管理制度、食材采购索证索票、留样、陪餐、从业人员健康证；现场查看后厨。", "半天"),
    ("新教师专业成长", "新教师培养计划、师徒结对、听评课与教研活动记录、成长档案；听新教师课并反馈。", "1 天"),
]


def load(*, admin, office_user, county) -> None:
    if MenuTopic.objects.filter(region=county).exists():
        return
    topics = [services.topic_create(actor=office_user, region=county, title=title, content=content, duration=duration)
              for title, content, duration in MENU]
    today = timezone.localdate()
    school_user = User.objects.get(username="demo_school")
    school_id = (RoleAssignment.objects.filter(user=school_user, role=Role.SCHOOL).order_by("id")
                 .values_list("school_id", flat=True).first())
    if school_id is not None:
        school = School.objects.get(pk=school_id)
        accepted = services.request_submit(
            actor=school_user, school=school, topic=topics[0],
            reason="我校课后服务参与率已达 95%，但兴趣类课程师资不足、家长反映内容单一，希望督学来校诊断并提出改进建议。",
            preferred_from=today + datetime.timedelta(days=3), preferred_to=today + datetime.timedelta(days=10))
        services.request_accept(actor=office_user, request=accepted, outcome="visit",
                                due_on=today + datetime.timedelta(days=14),
                                note="由责任督学到校开展专项督导，重点查看课后服务课程设置和师资安排。")
        declined = services.request_submit(
            actor=school_user, school=school, topic=None, free_topic="校园文化建设",
            reason="学校新建校史馆，希望督导室组织专家指导校园文化建设。",
            preferred_from=today + datetime.timedelta(days=5), preferred_to=today + datetime.timedelta(days=20))
        services.request_decline(actor=office_user, request=declined,
                                 note="校园文化建设不属于督导室的督导事项，请联系区教育局德育科；"
                                      "如需督导学校章程与制度建设，可从督导菜单中选择相应主题申请。")
    unit_user = User.objects.filter(username="demo_unit").first()
    unit_id = (RoleAssignment.objects.filter(user=unit_user, role=Role.UNIT).order_by("id")
               .values_list("unit_id", flat=True).first()) if unit_user else None
    if unit_id is not None:
        unit = GovUnit.objects.get(pk=unit_id)
        services.request_submit(
            actor=unit_user, unit=unit, topic=None, free_topic="控辍保学与学前教育普惠发展",
            reason="我镇外出务工家庭较多，希望督导室对我镇控辍保学和普惠性幼儿园建设进行指导性督导。",
            preferred_from=today + datetime.timedelta(days=7), preferred_to=today + datetime.timedelta(days=30))
