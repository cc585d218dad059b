"""Shipped framework templates. `official` says how much of the structure is from the national text (the areas
and key indicators named in DOMAIN.md §3); every check point, weight and rule is an editable sample written
for this platform. An office copies a template into a draft, adapts it and freezes its own version."""

from collections.abc import Sequence

POINTS = {"kind": "points", "max": 10}
LEVELS = {"kind": "levels", "levels": {"A": 10, "B": 8, "C": 6, "D": 0}}
YESNO = {"kind": "yesno"}


def _even(count: int) -> list[float]:
    """Weights summing to 100 for `count` siblings (the last takes the rounding)."""
    base = round(100 / count, 2)
    return [base] * (count - 1) + [round(100 - base * (count - 1), 2)]


def _leaves(prefix: str, items: Sequence) -> list[dict]:
    out = []
    for i, (item, weight) in enumerate(zip(items, _even(len(items)), strict=True), 1):
        name, rule, extra = (item, LEVELS, {}) if isinstance(item, str) else (item[0], item[1], item[2] if len(item) > 2 else {})
        out.append({"code": f"{prefix}.{i}", "name": name, "weight": weight, "rule": rule, "evidence": [], **extra})
    return out


def _tree(areas: Sequence[tuple[str, Sequence]], key_level: bool = True) -> list[dict]:
    """areas: (name, key indicators); a key indicator is (name, check points) when key_level, else a check point."""
    nodes = []
    for a, ((area, children), weight) in enumerate(zip(areas, _even(len(areas)), strict=True), 1):
        code = f"A{a}"
        if key_level:
            keys = [{"code": f"{code}B{b}", "name": key, "weight": w, "children": _leaves(f"{code}B{b}", points)}
                    for b, ((key, points), w) in enumerate(zip(children, _even(len(children)), strict=True), 1)]
            nodes.append({"code": code, "name": area, "weight": weight, "children": keys})
        else:
            nodes.append({"code": code, "name": area, "weight": weight, "children": _leaves(code, children)})
    return nodes


VETO_SAFETY = ("未发生重大安全责任事故", YESNO, {"veto": True, "evidence": ["安全工作台账", "事故报告记录"]})

SCHOOL = {
    "name": "义务教育学校办学质量评价（学校层面）", "kind": "school", "target": "school",
    "official": "5 个重点内容依据《义务教育质量评价指南》（2021）；关键指标与考查要点为可编辑样例（国家文本的 12 个关键指标未收录）。",
    "nodes": _tree([
        ("办学方向", [("加强党建工作", ["党组织领导作用发挥", "意识形态工作"]),
                      ("坚持德育为先", ["德育工作体系", "理想信念教育", "家校社协同育人"])]),
        ("课程教学", [("落实课程方案", ["国家课程开齐开足", "综合实践活动"]),
                      ("规范教学实施", ["作业管理（双减）", "课后服务", "教学质量监测结果运用"])]),
        ("教师发展", [("加强师德师风", ["师德考核", ("无有偿补课等违规行为", YESNO, {"veto": True})]),
                      ("重视教师成长", ["校本教研", "教师培训学时"])]),
        ("学校管理", [("完善治理体系", ["学校章程与制度", "校务公开"]),
                      ("建设平安校园", [VETO_SAFETY, "安全教育与演练", "食堂管理"])]),
        ("学生发展", [("促进全面发展", ["体质健康达标", "艺术素养", "劳动教育"]),
                      ("关注个体差异", ["学业负担监测", "心理健康教育"])]),
    ]),
}

KINDERGARTEN = {
    "name": "幼儿园保育教育质量评估", "kind": "kindergarten", "target": "school",
    "official": "5 个重点内容、15 项关键指标依据《幼儿园保育教育质量评估指南》（教基〔2022〕1号）；考查要点为可编辑样例（国家文本 48 个考查要点未全部收录）。",
    "nodes": _tree([
        ("办园方向", [("党建工作", ["党组织建设"]), ("品德启蒙", ["品德启蒙教育"]), ("科学理念", ["尊重幼儿学习方式", "不提前教授小学内容"])]),
        ("保育与安全", [("卫生保健", ["膳食营养", "健康检查"]), ("生活照料", ["一日生活安排"]),
                       ("安全防护", [VETO_SAFETY, "安全制度与演练"])]),
        ("教育过程", [("活动组织", ["以游戏为基本活动"]), ("师幼互动", ["观察与回应幼儿"]), ("家园共育", ["家园沟通"])]),
        ("环境创设", [("空间设施", ["户外活动场地"]), ("玩具材料", ["玩具材料数量与种类"])]),
        ("教师队伍", [("师德师风", ["师德表现"]), ("人员配备", [("保教人员配备达标", YESNO)]),
                     ("专业发展", ["园本教研"]), ("激励机制", ["考核与激励"])]),
    ]),
}

SENIOR = {
    "name": "普通高中学校办学质量评价", "kind": "senior", "target": "school",
    "official": "5 个重点内容依据《普通高中学校办学质量评价指南》（教基〔2021〕9号），B1—B4 关键指标名称依据原文；其余为可编辑样例。",
    "nodes": _tree([
        ("办学方向", [("加强党建工作", ["党组织领导", "党建带团建"]), ("坚持德育为先", ["德育课程", "社会实践"])]),
        ("课程教学", [("落实课程方案", ["课程开设", "选课走班"]), ("规范教学实施", ["教学常规", "作业与考试管理"])]),
        ("教师发展", [("师德师风", ["师德考核"]), ("专业成长", ["教研与培训"])]),
        ("学校管理", [("治理与安全", [VETO_SAFETY, "规范招生"])]),
        ("学生发展", [("全面发展", ["综合素质评价", "体质健康"]), ("生涯规划", ["生涯规划指导"])]),
    ]),
}

ZONE = {
    "name": "挂牌督导八项督导事项", "kind": "zone", "target": "school",
    "official": "8 项督导事项依据《中小学校责任督学挂牌督导办法》；评分方式为可编辑样例。",
    "nodes": _tree([
        ("督导事项", ["校务管理", "招生、收费、择校", "课程与课堂", "学习、体育锻炼、课业负担", "师德与专业发展",
                      "校园周边及交通安全", "食堂、食品、饮水、宿舍卫生", "校风、教风、学风"]),
    ], key_level=False),
}

SHUANGJIAN = {
    "name": "专项督导：“双减”与“五项管理”", "kind": "special", "target": "school", "official": "可编辑样例。",
    "nodes": _tree([
        ("作业管理", [("作业总量控制（书面作业时长达标）", YESNO), "作业设计与批改", "作业公示"]),
        ("课后服务", [("课后服务全覆盖", YESNO), "课后服务内容质量", ("收费规范", YESNO, {"veto": True})]),
        ("五项管理", ["手机管理", "睡眠管理", "读物管理", "体质管理"]),
        ("校外培训治理", [("教师无违规有偿补课", YESNO, {"veto": True}), "家校沟通与宣传"]),
    ], key_level=False),
}

OPENING = {
    "name": "专项督导：开学工作检查", "kind": "special", "target": "school", "official": "可编辑样例。",
    "nodes": _tree([
        ("开学准备", ["教学计划与课表", ("教材按时到位", YESNO), "师资安排"]),
        ("安全与卫生", [VETO_SAFETY, "校舍安全排查", "食堂与饮水卫生", "疫病防控"]),
        ("收费与招生", [("收费公示", YESNO), ("无违规招生", YESNO, {"veto": True})]),
    ], key_level=False),
}

KINDER_CONDUCT = {
    "name": "专项督导：幼儿园办园行为", "kind": "special", "target": "school", "official": "可编辑样例。",
    "nodes": _tree([
        ("办园条件", [("办园许可证", YESNO, {"veto": True}), "园舍场地", "玩教具配备"]),
        ("安全卫生", [VETO_SAFETY, "卫生保健制度"]),
        ("保育教育", [("无小学化倾向", YESNO), "一日活动"]),
        ("队伍与管理", [("保教人员持证上岗", YESNO), ("班额达标", {"kind": "numeric", "op": "<=", "threshold": 35, "unit": "人"}),
                       ("收费规范公示", YESNO)]),
    ], key_level=False),
}

CANTEEN = {
    "name": "专项督导：学校食堂管理", "kind": "special", "target": "school", "official": "可编辑样例。",
    "nodes": _tree([
        ("证照与制度", [("食品经营许可证有效", YESNO, {"veto": True}), "从业人员健康证", "管理制度"]),
        ("过程管理", ["食材采购索证索票", ("留样 48 小时", YESNO), "加工操作规范"]),
        ("陪餐与监督", ["校领导陪餐记录", "家长参与监督", ("学生满意度", {"kind": "numeric", "op": ">=", "threshold": 85, "unit": "%"})]),
    ], key_level=False),
}

TOWN = {
    "name": "乡镇（街道）履行教育职责考核", "kind": "duzheng", "target": "unit",
    "official": "“提高义务教育普及程度”“支持学前教育普惠发展”两个方面依据工作计划（seed 000）；其余三个方面和全部考查要点为可编辑样例。",
    "nodes": _tree([
        ("提高义务教育普及程度", [("控辍保学", [("义务教育巩固率", {"kind": "numeric", "op": ">=", "threshold": 95, "unit": "%"}),
                                              "劝返复学工作机制"]),
                                ("适龄儿童入学", ["入学摸底与动员"])]),
        ("支持学前教育普惠发展", [("普惠资源", ["配套幼儿园建设与移交", "普惠性民办园扶持"])]),
        ("保障学校安全", [("校园周边治理", ["周边环境整治", "交通安全"]), ("安全底线", [VETO_SAFETY])]),
        ("落实教育投入与条件保障", [("经费与用地", ["教育用地保障", "学校建设项目推进"])]),
        ("营造良好教育环境", [("尊师重教", ["教师节慰问与表彰", "家庭教育指导"])]),
    ]),
}

MEMBER_UNIT = {
    "name": "督导委员会成员单位履职评价", "kind": "duzheng", "target": "unit", "official": "可编辑样例（成员单位述职评议）。",
    "nodes": _tree([
        ("职责落实", ["教育相关职责清单落实", "年度工作任务完成"]),
        ("协同配合", ["参与督导检查", "问题整改配合"]),
        ("述职评议", [("述职报告按时提交", YESNO), "评议得分"]),
    ], key_level=False),
}

SHUZHI = {
    "name": "述职评议评分表", "kind": "duzheng", "target": "unit",
    "official": "可编辑样例（督导委员会述职评议评分表，每项 0—10 分），非官方文本。",
    "nodes": _tree([
        ("履职尽责", [("教育职责清单落实", POINTS), ("年度教育工作目标完成", POINTS)]),
        ("工作成效", [("重点难点问题解决", POINTS), ("督导发现问题整改", POINTS)]),
        ("述职质量", [("述职报告实事求是、重点突出", POINTS), ("群众和学校满意度", POINTS)]),
    ], key_level=False),
}

TEMPLATES: dict[str, dict] = {
    "school": SCHOOL, "kindergarten": KINDERGARTEN, "senior": SENIOR, "zone": ZONE, "shuangjian": SHUANGJIAN,
    "opening": OPENING, "kinder_conduct": KINDER_CONDUCT, "canteen": CANTEEN, "town": TOWN, "member_unit": MEMBER_UNIT,
    "shuzhi": SHUZHI,
}
