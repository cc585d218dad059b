"""Shipped questionnaire templates. They are editable samples written for this platform, not official texts:
an office copies one into a draft, adapts it, and publishes its own version."""

SAT = "scale"


def _q(code, kind, text, required=True, **extra) -> dict:
    return {"code": code, "type": kind, "text": text, "required": required, **extra}


def _identity(options: list[str]) -> dict:
    return {"title": "基本情况", "questions": [_q("q1", "single", "您的身份", options=options)]}


def _open(code: str, text: str = "您对学校（幼儿园）还有哪些意见和建议？") -> dict:
    return {"title": "意见建议", "questions": [_q(code, "textarea", text, required=False)]}


PARENT_SCHOOL = {
    "title": "义务教育学校家长满意度调查问卷", "group": "parent",
    "intro": "尊敬的家长：为了解您对孩子所在学校办学情况的评价，督促学校改进工作，特开展本次匿名调查。"
             "调查结果仅用于统计分析，请根据实际情况如实填写。",
    "definition": {"sections": [
        _identity(["父亲", "母亲", "祖辈", "其他监护人"]),
        {"title": "办学情况评价", "questions": [
            _q("q2", SAT, "您对学校的总体办学情况是否满意？"),
            _q("q3", "matrix", "您对学校以下方面是否满意？", rows=[
                "学校管理规范、公开透明", "教师师德师风", "课堂教学质量", "作业数量与质量（双减）",
                "课后服务", "校园安全", "食堂饭菜质量与卫生", "家校沟通"]),
            _q("q4", "single", "孩子每天完成书面作业的时间大约是", options=[
                "30分钟以内", "30分钟至1小时", "1至1.5小时", "1.5小时以上"]),
            _q("q5", "single", "学校或老师是否存在有偿补课、推销教辅等情况？", options=["没有", "有", "不清楚"]),
            _q("q6", "text", "请简要说明您了解的情况", required=False, show_if={"code": "q5", "equals": "有"}),
        ]},
        _open("q7"),
    ]},
}

PARENT_KINDERGARTEN = {
    "title": "幼儿园家长满意度调查问卷", "group": "parent",
    "intro": "尊敬的家长：为了解您对幼儿园保育教育工作的评价，特开展本次匿名调查，请如实填写。",
    "definition": {"sections": [
        _identity(["父亲", "母亲", "祖辈", "其他监护人"]),
        {"title": "保育教育评价", "questions": [
            _q("q2", SAT, "您对幼儿园的总体情况是否满意？"),
            _q("q3", "matrix", "您对幼儿园以下方面是否满意？", rows=[
                "保教人员关爱幼儿", "一日活动安排（以游戏为基本活动）", "不提前教授小学课程内容", "伙食与卫生保健",
                "园舍环境与安全", "收费规范公开", "家园沟通"]),
            _q("q4", "single", "幼儿园是否存在教授拼音、汉字书写、计算等小学化现象？", options=["没有", "有", "不清楚"]),
        ]},
        _open("q5"),
    ]},
}

STUDENT = {
    "title": "学生满意度调查问卷", "group": "student",
    "intro": "同学你好：这是一份匿名问卷，请根据自己的真实感受作答。",
    "definition": {"sections": [
        {"title": "基本情况", "questions": [_q("q1", "single", "你所在的年级", options=[
            "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"])]},
        {"title": "学习与生活", "questions": [
            _q("q2", SAT, "你对学校的总体感受是否满意？"),
            _q("q3", "matrix", "你对以下方面是否满意？", rows=[
                "老师上课讲得清楚", "老师尊重和关心学生", "作业量适当", "每天校内体育活动", "课后服务内容",
                "图书室、实验室开放", "食堂饭菜", "同学之间相处"]),
            _q("q4", "number", "你每天的睡眠时间大约是多少小时？", min=0, max=24),
        ]},
        _open("q5", "你对学校有什么建议？"),
    ]},
}

TEACHER = {
    "title": "教师满意度调查问卷", "group": "teacher",
    "intro": "各位老师：为了解教师对学校管理和教育保障的评价，特开展本次匿名调查。",
    "definition": {"sections": [
        {"title": "基本情况", "questions": [_q("q1", "single", "您的教龄", options=[
            "5年以下", "5—15年", "16—25年", "25年以上"])]},
        {"title": "工作与保障", "questions": [
            _q("q2", SAT, "您对学校的总体工作环境是否满意？"),
            _q("q3", "matrix", "您对以下方面是否满意？", rows=[
                "工资待遇按时足额发放（不低于当地公务员）", "职称评聘公平公开", "培训与专业发展机会",
                "非教学负担（检查、填表）控制", "学校民主管理", "办公与教学条件"]),
        ]},
        _open("q4", "您对学校或教育主管部门有何意见建议？"),
    ]},
}

RECOGNITION = {
    "title": "县域义务教育优质均衡发展社会认可度调查问卷", "group": "resident",
    "intro": "为了解社会各界对本县（区）义务教育优质均衡发展工作的评价，特开展本次调查（DOMAIN.md §1.4：社会认可度达到 85% 以上）。",
    "definition": {"sections": [
        {"title": "基本情况", "questions": [_q("q1", "single", "您的身份", options=[
            "学生", "家长", "教师", "校长", "人大代表", "政协委员", "社区居民及其他"])]},
        {"title": "评价", "questions": [
            _q("q2", SAT, "您对本县（区）义务教育发展的总体情况是否满意？"),
            _q("q3", "matrix", "您对以下方面是否满意？", rows=[
                "学校办学条件改善", "城乡、校际之间办学差距缩小", "教师队伍建设", "就近入学、免试入学政策落实",
                "减轻学生过重课业负担", "随迁子女、留守儿童、残疾儿童受教育保障", "教育质量"]),
        ]},
        _open("q4", "您对本县（区）义务教育发展有何意见建议？"),
    ]},
}

GOVERNMENT = {
    "title": "政府履行教育职责满意度调查问卷", "group": "resident",
    "intro": "为了解群众对政府履行教育职责情况的评价（《对省级人民政府履行教育职责的评价办法》），特开展本次调查。",
    "definition": {"sections": [
        {"title": "基本情况", "questions": [_q("q1", "single", "您的身份", options=[
            "家长", "教师", "人大代表、政协委员", "社区居民及其他"])]},
        {"title": "评价", "questions": [
            _q("q2", SAT, "您对本地政府发展教育的总体工作是否满意？"),
            _q("q3", "matrix", "您对以下方面是否满意？", rows=[
                "教育经费投入", "学校布局与学位供给", "教师待遇保障", "校园及周边安全", "教育公平"]),
        ]},
        _open("q4", "您对政府发展教育有何意见建议？"),
    ]},
}

TEMPLATES: dict[str, dict] = {
    "parent_school": PARENT_SCHOOL,
    "parent_kindergarten": PARENT_KINDERGARTEN,
    "student": STUDENT,
    "teacher": TEACHER,
    "recognition": RECOGNITION,
    "government": GOVERNMENT,
}
