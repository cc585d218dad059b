"""Top navigation, by area of work, showing the entries the user's roles may use."""

from dudao.core.models import Role
from dudao.core.registries import page_sections
from dudao.core.scope import scope_for
from dudao.core.selectors import unread_count


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    sees_registry = scope.everything or scope.has_role(Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.SCHOOL)
    sees_units = scope.everything or scope.has_role(Role.OFFICE, Role.LEADER, Role.UNIT)
    office = scope.everything or scope.has_role(Role.OFFICE)
    # (area label, [(entry label, url name)]): areas whose issues have not landed yet show no entries.
    region_staff = office or scope.has_role(Role.LEADER)
    supervise = [("学校名录", "schools:list")] if sees_registry else []
    if scope.has_role(Role.INSPECTOR):
        supervise += [("填写督导纪实", "zones:visit_new")]
    if not scope.is_empty:
        supervise += [("督导纪实", "zones:visit_list"), ("走访频次", "zones:frequency")]
    supervise += [("督导评估项目", "inspections:list")]  # experts reach theirs through their team membership
    if region_staff or scope.has_role(Role.INSPECTOR):
        supervise += [("督学名录", "people:inspector_list"), ("督学责任区", "zones:zone_list"),
                      ("督学工作量", "zones:workload"), ("投诉举报", "zones:complaint_list")]
    if region_staff:
        supervise += [("挂牌覆盖", "zones:coverage"), ("配备达标", "zones:compliance"), ("交叉督导", "zones:cross"),
                      ("专家库", "people:expert_list"), ("指标体系", "frameworks:list")]
    # 专项检查, 民办教育 and 因需督导 (checks, issue 23): in this area, so the top bar fits a 1024 px tablet
    if region_staff or scope.has_role(Role.INSPECTOR):
        supervise += [("专项检查", "checks:round_list")]
    if region_staff or scope.has_role(Role.INSPECTOR, Role.SCHOOL):
        supervise += [("民办与培训机构", "checks:institution_list")]
    # 年检: an expert may be given reports to review; 违规查处: an inspector follows the cases they registered, an
    # institution reads the decided cases about it
    if region_staff or scope.has_role(Role.INSPECTOR, Role.SCHOOL, Role.EXPERT):
        supervise += [("年检", "checks:annual_list")]
    if region_staff or scope.has_role(Role.UNIT, Role.INSPECTOR, Role.SCHOOL):
        supervise += [("违规查处", "checks:violation_list")]
    if not scope.is_empty:
        supervise += [("因需督导", "checks:request_list")]
    # 督学队伍 (workforce, issue 24): training events for everyone who may attend, appointment and allowances for
    # the region's staff
    if not scope.is_empty:
        supervise += [("培训活动", "workforce:event_list")]
    if region_staff:
        supervise += [("学时达标", "workforce:hours"), ("督学聘任", "workforce:appointment_list"),
                      ("劳务补贴", "workforce:allowance_list")]
    if scope.has_role(Role.INSPECTOR) and not region_staff:  # allowances: a part-time inspector's own lines
        supervise += [("我的劳务补贴", "workforce:allowance_mine")]
    # 学校督导管理员 (people, issue 24): the region's staff see their schools', a school user its own
    if region_staff or scope.has_role(Role.SCHOOL):
        supervise += [("学校督导管理员", "people:supervisor_list")]
    areas = [
        ("督学", supervise),
        # 督政 and the district under review (reviews, issue 21): one area, so the top bar fits a 1024 px tablet
        ("督政", ([("政府单位", "regions:unit_list")] if sees_units else [])
                 + ([("迎检", "reviews:review_list")] if region_staff or scope.has_role(Role.UNIT) else [])
                 + ([("我的迎检任务", "reviews:my_tasks"), ("本单位述职", "reviews:session_mine")]
                    if scope.has_role(Role.UNIT) else [])
                 + ([("督导委员会", "reviews:committee"), ("述职评议", "reviews:session_list"),
                     ("督导公报", "reviews:bulletin_list")] if region_staff else [])
                 + ([("结果运用", "reviews:use_list"), ("帮扶项目", "reviews:project_list")]
                    if not scope.is_empty else [])),
        ("评估监测", ([("优质均衡监测", "monitoring:balanced"), ("学前普及普惠监测", "monitoring:preschool")]
                      if region_staff else [])
                     + ([("创建工作", "monitoring:campaign_list")] if not scope.is_empty else [])
                     + ([("统计数据导入", "monitoring:import")] if office else [])
                     + ([("满意度调查", "surveys:round_list")] if not scope.is_empty else [])
                     + ([("质量监测", "quality:round_list")]
                        if region_staff or scope.has_role(Role.SCHOOL) else [])
                     + ([("质量监测报告", "quality:external_index")]
                        if region_staff or scope.has_role(Role.SCHOOL) else [])
                     + ([("问卷管理", "surveys:questionnaire_list")] if office else [])),
        ("整改问责", ([("问题台账", "rectification:ledger"), ("整改通知书", "rectification:notice_list"),
                      ("督办单", "rectification:order_list")] if not scope.is_empty else [])
                     + ([("约谈", "rectification:talk_list"), ("问责", "rectification:case_list"),
                         ("整改统计", "rectification:dashboard")] if region_staff else [])
                     + ([("回头看", "rectification:recheck_list"), ("结果公开", "rectification:publication_list")]
                        if office else [])),
        ("工作计划", ([("工作要点", "planning:plan_list")] if region_staff else [])
                     + ([("行事历", "planning:calendar")] if not scope.is_empty else [])
                     + ([("会议", "planning:meeting_list"), ("大事记", "planning:chronicle"),
                         ("督导简报", "planning:briefing_list"), ("信息报送", "planning:submission_list"),
                         ("工作总结", "planning:summary_list"), ("督导档案", "planning:archive_list")]
                        if region_staff else [])
                     # 征集评选, 课题 (research) and 内审 (audits), issue 24
                     + ([("征集评选", "research:call_list"), ("课题", "research:project_list")]
                        if not scope.is_empty else [])
                     + ([("内审", "audits:case_list")] if not scope.is_empty else [])),
        ("统计分析", ([("驾驶舱", "dashboard:cockpit"), ("地图", "dashboard:map")] if region_staff else [])
                     + ([("行政区划", "regions:tree")] if (office or scope.has_role(Role.LEADER)) else [])),
        ("系统管理", ([("数据导入", "schools:import"), ("督学与专家导入", "people:import"),
                       ("文书模板", "documents:templates"), ("审计日志", "core:audit")] if office else [])
                     + ([("账号管理", "core:users")] if scope.everything else [])),
    ]
    return {"nav_areas": [(label, entries) for label, entries in areas if entries], "user_scope": scope,
            "unread_count": unread_count(user),
            "user_roles": sorted({str(Role(r).label) for r in scope.roles}),
            # area "home": the 待办 count ("todo_count"), given by dashboard (cached per user briefly)
            **page_sections("core.navigation", request, None)}
