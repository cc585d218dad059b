"""The shipped checklist samples of 专项检查 (rounds area, issue 23 item 1).

These are editable SAMPLES written for the demo district, not official texts: an office copies one into its own
ChecklistTemplate and adapts it to the current year's notice. Each item is a dict with the CheckItem fields
(services.rounds.ITEM_FIELDS). The numeric limits of 化解大班额 (小学 ≤ 45, 初中 ≤ 50, 超大班额 > 55) follow
DOMAIN.md; they are written into the sample items, which the office edits, not read as policy at fill time.
Plain data: no Django import."""

from dataclasses import dataclass, field


def yn(text: str, finding: str, category: str, *, photo: bool = False, veto: bool = False, severity: int = 1,
       guidance: str = "") -> dict:
    """A 是/否/不适用 item that fails on 否."""
    return {"text": text, "answer_kind": "yes_no", "finding_text": finding, "finding_category": category,
            "photo_required": photo, "veto": veto, "severity": severity, "guidance": guidance}


def num(text: str, finding: str, category: str, *, unit: str, low=None, high=None, photo: bool = False,
        veto: bool = False, severity: int = 1, guidance: str = "") -> dict:
    """A number item that fails outside [low, high] (either bound may be absent)."""
    return {"text": text, "answer_kind": "number", "number_min": low, "number_max": high, "unit": unit,
            "finding_text": finding, "finding_category": category, "photo_required": photo, "veto": veto,
            "severity": severity, "guidance": guidance}


def note(text: str, guidance: str = "") -> dict:
    """A free-text record that never fails."""
    return {"text": text, "answer_kind": "text", "finding_text": "", "finding_category": "", "guidance": guidance,
            "photo_required": False, "veto": False, "severity": 1}


@dataclass(frozen=True)
class Sample:
    code: str
    kind: str  # CheckKind value
    title: str
    description: str
    items: list[dict] = field(default_factory=list)


SAFETY, TEACHING, FOOD, FEES, ENROL, MANAGE, HEALTH = "校园安全", "教育教学", "食品安全", "收费管理", "招生入学", "规范办学", "卫生防疫"

SAMPLES: list[Sample] = [
    Sample("opening", "opening", "开学检查（样例）", "开学前后两周内，责任督学到校查看开学准备、安全隐患排查和教学秩序。", [
        yn("教材、教辅按时到位，无强制征订教辅", "教材未按时到位或存在强制征订教辅", TEACHING, severity=2),
        yn("课程表按国家课程方案开齐开足", "课程表未按国家课程方案开齐开足", TEACHING, severity=2),
        yn("开学前完成校舍、围墙、消防设施安全隐患排查并有记录", "开学前未完成校舍及消防安全隐患排查", SAFETY,
           photo=True, veto=True, severity=3),
        yn("学生报到率统计完整，辍学学生有劝返记录", "学生报到统计不完整或缺劝返记录", ENROL),
        yn("作息时间符合规定（小学上午 8:20 前不上课）", "作息时间不符合规定", TEACHING),
        yn("收费项目和标准已在校门口公示", "收费项目和标准未公示", FEES, photo=True),
        yn("食堂从业人员健康证齐全有效", "食堂从业人员健康证不全或过期", FOOD, photo=True, severity=2),
        note("开学工作的特色做法或其他情况"),
    ]),
    Sample("holiday_safety", "holiday_safety", "节前安全稳定检查（中秋国庆/岁末年初/双节 样例）",
           "节日前对学校（幼儿园）安全稳定工作开展专项检查，重点是消防、食品、校车、值班和假期安全教育。", [
        yn("节日期间值班表已排定，领导带班、24 小时值守", "节日期间未落实领导带班和 24 小时值班", SAFETY, severity=2),
        yn("消防器材在有效期内、疏散通道畅通", "消防器材过期或疏散通道堵塞", SAFETY, photo=True, veto=True, severity=3),
        yn("校舍、围墙、护栏无安全隐患", "校舍、围墙或护栏存在安全隐患", SAFETY, photo=True, severity=3),
        yn("食堂食材索证索票、留样记录完整", "食堂索证索票或留样记录不完整", FOOD, photo=True, severity=2),
        yn("校车（接送车辆）手续齐全、驾驶员资质合格", "校车手续不全或驾驶员资质不合格", SAFETY, veto=True, severity=3),
        yn("已开展假期安全教育并向家长发放告知书", "未开展假期安全教育或未发告知书", SAFETY),
        yn("门卫室登记制度落实，防护器械配齐", "门卫登记不落实或防护器械不齐", SAFETY, photo=True),
        yn("涉校矛盾纠纷已排查，有台账", "涉校矛盾纠纷未排查或无台账", MANAGE),
        num("本次发现的安全隐患数", "存在尚未整改的安全隐患", SAFETY, unit="处", high=0, photo=True, severity=2),
        note("其他需要说明的情况"),
    ]),
    Sample("exam", "exam", "期末考试巡查（样例）", "期末考试期间巡查考务组织、考试安全和考风考纪。", [
        yn("试卷保管符合保密要求（专柜、双人双锁）", "试卷保管不符合保密要求", TEACHING, photo=True, veto=True,
           severity=3),
        yn("考场编排、监考安排符合要求", "考场编排或监考安排不符合要求", TEACHING),
        yn("小学一、二年级未组织纸笔考试", "小学一、二年级组织了纸笔考试", TEACHING, severity=2),
        yn("未公布考试成绩和排名", "公布了学生考试成绩或排名", TEACHING, severity=2),
        yn("考场秩序良好，未发现作弊现象", "考场秩序混乱或存在作弊现象", TEACHING),
        yn("考试期间安全预案已制定", "考试期间未制定安全预案", SAFETY),
        note("考务组织中的其他情况"),
    ]),
    Sample("summer_tutoring", "summer_tutoring", "暑期违规补课检查（样例）",
           "暑假期间对学校和校外培训机构开展违规补课、违规学科类培训专项检查。", [
        yn("学校未组织或变相组织学生集体补课", "学校组织或变相组织集体补课", TEACHING, photo=True, veto=True,
           severity=3),
        yn("在职教师未参与有偿补课", "发现在职教师参与有偿补课", TEACHING, severity=3),
        yn("校外培训机构未开展违规学科类培训", "校外培训机构开展违规学科类培训", MANAGE, photo=True, veto=True,
           severity=3),
        yn("培训内容未超纲超前", "培训内容超纲超前", MANAGE, severity=2),
        yn("培训时间未超过晚上 8:30", "培训结束时间晚于晚上 8:30", MANAGE),
        yn("收费未超过 3 个月或 60 课时，资金进入监管账户", "预收费超期限或未进入资金监管账户", FEES, severity=2),
        yn("从业人员有相应资质，无在职中小学教师", "从业人员资质不符或有在职教师兼职", MANAGE, severity=2),
        yn("办学场所消防安全合格", "办学场所存在消防安全隐患", SAFETY, photo=True, severity=3),
        num("现场在训学生人数", "在训学生人数记录", MANAGE, unit="人", low=0),
        note("举报线索核查情况"),
    ]),
    Sample("enrolment", "enrolment", "招生收费检查（样例）", "招生季检查义务教育免试就近入学政策和收费行为。", [
        yn("招生简章、划片范围已按规定公开", "招生简章或划片范围未按规定公开", ENROL, severity=2),
        yn("未以考试、测评等方式选拔学生", "以考试、测评方式选拔学生", ENROL, veto=True, severity=3),
        yn("未提前招生、跨区域掐尖招生", "存在提前招生或跨区域掐尖招生", ENROL, severity=2),
        yn("公办学校未收取择校费、借读费", "公办学校收取择校费或借读费", FEES, veto=True, severity=3),
        yn("代收费项目自愿、据实结算", "代收费未坚持自愿或未据实结算", FEES),
        yn("收费公示牌内容完整、位置醒目", "收费公示不完整或不醒目", FEES, photo=True),
        yn("随迁子女入学政策落实", "随迁子女入学政策未落实", ENROL),
        note("家长反映的其他问题"),
    ]),
    Sample("class_size", "class_size", "化解大班额检查（样例）",
           "核查班额达标情况：小学每班不超过 45 人、初中每班不超过 50 人，消除 56 人以上的大班额（按本地规定调整）。", [
        num("最大班额（小学）", "小学存在超过 45 人的班级", TEACHING, unit="人", low=0, high=45, severity=2,
            guidance="逐班清点，记录人数最多的一个班"),
        num("最大班额（初中）", "初中存在超过 50 人的班级", TEACHING, unit="人", low=0, high=50, severity=2,
            guidance="逐班清点，记录人数最多的一个班；无初中填不适用说明"),
        num("56 人以上大班额班级数", "仍有 56 人以上的大班额", TEACHING, unit="个", low=0, high=0, veto=True,
            severity=3),
        yn("学籍人数与实际在校人数一致", "学籍人数与实际在校人数不一致", ENROL, severity=2),
        yn("化解大班额计划已落实（新建校舍、分流）", "化解大班额计划未落实", MANAGE),
        yn("教室面积与班级人数相适应，课桌椅配齐", "教室拥挤或课桌椅不足", SAFETY, photo=True),
        note("化解措施和困难"),
    ]),
    Sample("epidemic", "epidemic", "疫情防控检查（样例）", "传染病高发季节检查学校（幼儿园）卫生防疫工作。", [
        yn("晨午检和因病缺勤追踪制度落实", "晨午检或因病缺勤追踪不落实", HEALTH, severity=2),
        yn("传染病疫情报告人明确，报告及时", "传染病疫情报告人不明确或报告不及时", HEALTH, severity=2),
        yn("教室、宿舍通风消毒有记录", "通风消毒无记录", HEALTH, photo=True),
        yn("隔离观察室设置符合要求", "隔离观察室设置不符合要求", HEALTH, photo=True),
        yn("防疫物资储备充足", "防疫物资储备不足", HEALTH),
        yn("开展健康教育", "未开展健康教育", HEALTH),
        yn("校医或卫生保健人员配备到位", "校医或保健人员未配备", HEALTH),
    ]),
    Sample("canteen", "canteen", "食堂（食品安全）检查（样例）", "学校食堂、幼儿园伙房食品安全和陪餐制度检查。", [
        yn("食品经营许可证在有效期内并悬挂", "食品经营许可证缺失或过期", FOOD, photo=True, veto=True, severity=3),
        yn("从业人员健康证齐全有效", "从业人员健康证不全或过期", FOOD, photo=True, severity=2),
        yn("食材进货查验、索证索票记录完整", "进货查验或索证索票记录不完整", FOOD, severity=2),
        yn("每餐次食品留样 125 克以上、保存 48 小时", "食品留样不符合要求", FOOD, photo=True, severity=2),
        yn("生熟分开、餐具消毒到位", "生熟未分开或餐具消毒不到位", FOOD, photo=True),
        yn("落实校领导陪餐制度并有记录", "未落实陪餐制度或无记录", FOOD),
        yn("明厨亮灶设施正常运行", "明厨亮灶设施未正常运行", FOOD),
        yn("伙食费账目公开、专款专用", "伙食费账目未公开或挪用", FEES, severity=2),
        note("学生和家长对膳食的意见"),
    ]),
    Sample("private", "private", "民办学校规范办学检查（样例）", "对民办学校（幼儿园）的办学许可、招生收费、资产财务和安全开展检查。", [
        yn("办学许可证在有效期内，办学地址与许可一致", "办学许可证过期或办学地址与许可不一致", MANAGE, photo=True,
           veto=True, severity=3),
        yn("招生简章和广告已备案，内容真实", "招生简章或广告未备案或内容不实", ENROL, severity=2),
        yn("收费项目和标准经备案并公示", "收费项目和标准未备案或未公示", FEES, severity=2),
        yn("学费收入进入监管账户", "学费收入未进入监管账户", FEES, severity=2),
        yn("教师持证上岗、依法缴纳社会保险", "教师未持证或未缴社会保险", MANAGE, severity=2),
        yn("法人财产权落实，举办者未抽逃资金", "法人财产权不落实或存在抽逃资金", MANAGE, veto=True, severity=3),
        yn("使用国家审定教材，未使用境外教材", "使用了未经审定的教材", TEACHING, severity=3),
        yn("校舍、消防安全合格", "校舍或消防存在安全隐患", SAFETY, photo=True, severity=3),
        yn("按时参加年检并整改上年问题", "未参加年检或上年问题未整改", MANAGE),
        note("举办者、校长反映的困难"),
    ]),
    Sample("training", "training", "校外培训机构检查（样例）", "对校外培训机构的资质、培训内容、收费、从业人员和场所安全开展检查。", [
        yn("办学许可证、营业执照齐全有效", "无证办学或证照过期", MANAGE, photo=True, veto=True, severity=3),
        yn("列入白名单，实际经营与审批范围一致", "超范围经营或未列入白名单", MANAGE, veto=True, severity=3),
        yn("未开展违规学科类培训", "开展违规学科类培训", MANAGE, photo=True, veto=True, severity=3),
        yn("培训内容未超纲超前，教材已备案", "培训内容超纲超前或教材未备案", TEACHING, severity=2),
        yn("收费标准公示，预收费不超过 3 个月或 60 课时", "收费不公示或预收费超期限", FEES, severity=2),
        yn("预收费进入资金监管账户", "预收费未进入资金监管账户", FEES, severity=2),
        yn("从业人员持证，无在职中小学教师", "从业人员无资质或有在职教师兼职", MANAGE, severity=2),
        yn("使用示范合同文本", "未使用示范合同文本", FEES),
        yn("消防设施合格、疏散通道畅通", "消防设施不合格或疏散通道堵塞", SAFETY, photo=True, severity=3),
        num("现场在训学生人数", "在训学生人数记录", MANAGE, unit="人", low=0),
        note("检查中的其他情况"),
    ]),
]

BY_CODE: dict[str, Sample] = {s.code: s for s in SAMPLES}
