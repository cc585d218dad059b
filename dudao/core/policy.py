"""Policy numbers (DOMAIN.md rule 6): defaults here, overrides per region subtree in the Policy table."""

from dataclasses import dataclass

from dudao.monitoring.engine import DEFAULT_CV_LIMITS, DEFAULT_SPLIT_WEIGHTS, DEFAULT_STANDARDS
from dudao.monitoring.guarantee import DEFAULT_LIMITS as GUARANTEE_LIMITS
from dudao.monitoring.preschool import DEFAULT_LIMITS as PRESCHOOL_LIMITS
from dudao.monitoring.preschool import DEFAULT_SPACE as PRESCHOOL_SPACE


@dataclass(frozen=True)
class PolicyDefault:
    default: object
    label: str
    source: str


DEFAULTS: dict[str, PolicyDefault] = {
    "auth.lockout_attempts": PolicyDefault(5, "同一账号从同一地址登录失败锁定次数（只锁该账号在该地址的登录）", "平台安全要求"),
    "auth.lockout_minutes": PolicyDefault(15, "登录失败统计及锁定时长（分钟）", "平台安全要求"),
    "auth.address_attempts": PolicyDefault(20, "同一地址登录失败（不论账号）达到此数即暂停该地址登录", "平台安全要求"),
    "auth.account_attempts": PolicyDefault(50, "账号登录失败（各地址合计）达到此数即锁定整个账号", "平台安全要求"),
    "auth.account_addresses": PolicyDefault(5, "锁定整个账号还须失败来自的不同地址数下限", "平台安全要求"),
    "auth.ipv6_prefix": PolicyDefault(64, "IPv6 地址按此前缀长度的网段合并计算登录失败（IPv4 按单个地址）", "平台安全要求"),
    "auth.known_address_days": PolicyDefault(30, "账号在此天数内登录成功过的地址（网段）不受整个账号锁定影响", "平台安全要求"),
    "auth.token_days": PolicyDefault(30, "接口令牌有效期（天）", "平台安全要求"),
    "zones.schools_per_inspector": PolicyDefault(5, "每名责任督学负责学校数上限", "挂牌督导办法 1:5 [OK]"),
    "zones.large_school_enrolment": PolicyDefault(2000, "大规模学校在校生数（1:1 配备）", "DOMAIN.md §4.5 [LOCAL]"),
    "zones.fulltime_share_min": PolicyDefault(0.30, "专职督学占比下限", "督导体制机制改革意见 [MEM]"),
    "zones.retired_parttime_share_max": PolicyDefault(0.40, "退休人员占兼职督学比例上限", "地方配备要求 [LOCAL]"),
    "zones.retired_years_max": PolicyDefault(5, "退休督学退休年限上限（年）", "地方配备要求 [LOCAL]"),
    "zones.zone_size_max": PolicyDefault(20, "每个督学责任区学校数上限", "DOMAIN.md §4.3（2012）"),
    "zones.visits_per_month_min": PolicyDefault(1, "每校每月责任督学走访次数下限", "挂牌督导办法 [OK]"),
    "zones.visits_per_semester_min": PolicyDefault(2, "每校每学期督导次数下限", "教育督导条例 §14"),
    "zones.vacation_months": PolicyDefault([2, 7, 8], "不要求月度走访的假期月份", "各地校历"),
    "zones.cross_visits_per_semester_min": PolicyDefault(1, "每个责任区每学期接受交叉督导次数下限", "seed 003"),
    "zones.visit_max_hours": PolicyDefault(16, "单次督导在校时长上限（小时，超出视为填错）", "平台默认"),
    "zones.complaint_phone": PolicyDefault("", "挂牌公示监督（投诉）电话", "本地设置"),
    "zones.public_complaints_per_hour": PolicyDefault(5, "公示页同一来源每小时可提交投诉数", "平台安全要求"),
    "people.training_hours_min": PolicyDefault(40, "督学年度培训学时下限", "督学管理暂行办法 [OK]"),
    "people.parttime_term_years": PolicyDefault(3, "兼职督学每届聘期（年）", "教育督导条例 §6"),
    "people.parttime_max_terms": PolicyDefault(3, "兼职督学最多连任届数", "教育督导条例 §6"),
    "people.term_warning_days": PolicyDefault(180, "聘期届满提前提醒天数", "平台默认"),
    "files.max_upload_mb": PolicyDefault(20, "单个上传文件大小上限（MB）", "平台安全要求"),
    "rectification.default_days": PolicyDefault(30, "整改通知书默认整改期限（天）", "各地整改制度"),
    "rectification.remind_days_before": PolicyDefault(3, "整改期限前提醒天数", "平台默认"),
    "rectification.file_workdays": PolicyDefault(3, "督学将整改报告报督导室备案（工作日）", "DOMAIN.md §5 整改通知书"),
    "rectification.verify_days": PolicyDefault(30, "收到整改报告后核查期限（天）", "DOMAIN.md §5（晋江 30 天）"),
    "rectification.order_days": PolicyDefault(15, "督办单办理期限（天）", "平台默认"),
    "rectification.talk_overdue_findings": PolicyDefault(3, "同一对象一年内逾期问题达到此数建议约谈", "seed 004 约谈制度"),
    "rectification.severe_repeat_cases": PolicyDefault(2, "一年内被问责达到此次数即从重（次）", "DOMAIN.md §4.6 问责办法 [1]"),
    "rectification.investigation_days": PolicyDefault(60, "问责立案后调查认定期限（天）", "DOMAIN.md §4.6 问责办法"),
    "rectification.school_department": PolicyDefault("", "学校的督办主管部门（单位编码；空则取学校主管部门或县级教育行政部门）", "本地设置"),
    "rectification.unit_department": PolicyDefault("", "政府单位的督办主管部门（单位编码；空则取县（区）人民政府）", "本地设置"),
    "monitoring.balanced_standards": PolicyDefault(DEFAULT_STANDARDS, "优质均衡资源配置 7 项指标标准（小学、初中）", "DOMAIN.md §1.1 教督〔2017〕6号 [OK]"),
    "monitoring.balanced_cv_limits": PolicyDefault(DEFAULT_CV_LIMITS, "优质均衡校际差异系数上限（小学、初中）", "DOMAIN.md §1.1 [OK]"),
    "monitoring.balanced_min_met": PolicyDefault(6, "每所学校至少达标的资源指标项数", "DOMAIN.md §1.1 [OK]"),
    "monitoring.balanced_floor_ratio": PolicyDefault(0.85, "未达标指标不得低于标准的比例", "DOMAIN.md §1.1 [OK]"),
    "monitoring.split_weights": PolicyDefault(DEFAULT_SPLIT_WEIGHTS, "一贯制、完全中学资源拆分权重（小学:初中:高中）", "DOMAIN.md §1.1 [1]"),
    "monitoring.teaching_point_min_students": PolicyDefault(50, "参与计算的教学点最少在校生数", "DOMAIN.md §1 [1]"),
    "monitoring.guarantee_limits": PolicyDefault(GUARANTEE_LIMITS, "优质均衡政府保障与教育质量数值标准（规模、班额、专用教室、交流轮岗、持证率、巩固率、社会认可度）", "DOMAIN.md §1.2—1.4 [OK]/[MEM]"),
    "monitoring.preschool_limits": PolicyDefault(PRESCHOOL_LIMITS, "学前普及普惠：毛入园率、普惠覆盖率、公办园占比、班额达标率下限", "DOMAIN.md §2 [OK]（河南毛入园率 90% [LOCAL]）"),
    "monitoring.preschool_children_per_teacher": PolicyDefault(15, "幼儿园每名专任教师对应幼儿数上限", "DOMAIN.md §2 S11 [1]"),
    "inspections.appeal_days": PolicyDefault(15, "督导意见反馈后申辩（复核）期限（天）", "DOMAIN.md §4.2 [LOCAL S30]"),
    "inspections.followup_months": PolicyDefault({"comprehensive": 12, "special": 6, "development": 12},
                                                 "出具意见书后安排回访的间隔（月，按督导类型）", "DOMAIN.md §4.2；seed 回访"),
    "inspections.concurrent_projects_max": PolicyDefault(3, "同一人同时参加进行中督导项目数提示线", "平台默认"),
    "surveys.satisfied_min": PolicyDefault(3, "满意度计为“满意”的最低等级（5 非常满意 … 1 非常不满意；3 即含基本满意）", "DOMAIN.md §1.4 [MEM]"),
    "surveys.severe_margin": PolicyDefault(0.15, "满意率低于达标线超过此幅度（如 0.15 即 15 个百分点）的，转成的问题记为较重",
                                           "平台默认"),
    "surveys.min_responses": PolicyDefault(10, "学校答卷少于此数时不公布该校结果", "平台默认（防止识别个人）"),
    "surveys.responses_per_ip_hour": PolicyDefault(200, "同一网络地址每小时可提交答卷数", "平台安全要求"),
    "surveys.burst_identical": PolicyDefault(5, "同一地址短时间内提交相同答卷达到此数即标记为疑似异常", "平台安全要求"),
    "surveys.burst_seconds": PolicyDefault(120, "识别集中提交相同答卷的时间窗口（秒）", "平台安全要求"),
    "monitoring.preschool_space": PolicyDefault(PRESCHOOL_SPACE, "幼儿园生均户外场地、活动室、园舍建筑面积（㎡）", "DOMAIN.md §2 S11 [1]"),
}


def policy_value(key: str, region_code: str = ""):
    """The value in force for a region: the longest matching region override, else the default."""
    return PolicyTable([key]).get(key, region_code)


class PolicyTable:
    """Several policies for many regions from one query: pages that judge every county of a province
    read their limits through this instead of one policy_value() query per county and key."""

    def __init__(self, keys):
        from dudao.core.models import Policy
        from dudao.core.scope import region_prefix

        unknown = [k for k in keys if k not in DEFAULTS]
        if unknown:
            raise KeyError(unknown[0])
        self._overrides: dict[str, list[tuple[str, object]]] = {k: [] for k in keys}
        for key, code, value in Policy.objects.filter(key__in=list(keys)).values_list("key", "region_code", "value"):
            self._overrides[key].append((region_prefix(code) if code else "", value))
        for rows in self._overrides.values():
            rows.sort(key=lambda row: -len(row[0]))  # the longest prefix first

    def values(self, key: str) -> list:
        """Every value the key takes anywhere (the default and each override), e.g. for the widest window."""
        return [DEFAULTS[key].default] + [value for _prefix, value in self._overrides[key]]

    def get(self, key: str, region_code: str = ""):
        for prefix, value in self._overrides[key]:
            if region_code.startswith(prefix):
                return value
        return DEFAULTS[key].default
