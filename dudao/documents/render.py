"""Rendering official documents: Word (.docx) through docxtpl from an editable template, PDF through WeasyPrint.

Shipped templates live in documents/defaults/<key>.docx (built by `python -m dudao.documents.build_defaults`);
an office may upload its own version (letterhead, 文号 layout) and the newest one for its region wins.
"""

import io
import logging
from pathlib import Path

from django.template.loader import render_to_string
from jinja2.exceptions import SecurityError, TemplateError

from dudao.core.errors import ApplicationError
from dudao.documents.sandbox import DocumentEnvironment, plain_context, template_problems

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"

# key → (Chinese name, sample context used to check an uploaded template and to show the available fields)
TEMPLATES: dict[str, tuple[str, dict]] = {
    "zone_report": ("督学责任区工作专报", {
        "title": "示范区第一责任区 2026年11月 工作专报",
        "zone": {"name": "第一责任区", "region": "示范区", "lead": "张督学"},
        "period": "2026年11月",
        "generated_on": "2026年11月24日",
        "summary": {"schools": 12, "covered": 12, "visits": 14, "visited_schools": 11, "hours": 52.5,
                    "overdue_schools": 1, "findings": 6, "findings_closed": 2, "complaints": 1},
        "inspectors": [{"name": "张督学", "kind": "专职", "schools": 5, "visits": 6, "hours": 22.0, "findings": 3}],
        "items": [{"name": "校务管理", "count": 2}],
        "highlights": [{"school": "示范区第一小学", "date": "2026年11月3日", "text": "课后服务课程丰富。"}],
        "problems": [{"school": "示范区第一小学", "item": "食堂、食品、饮水、宿舍卫生", "code": "一般问题整改建议",
                      "text": "食堂留样记录不全。", "status": "待整改"}],
        "overdue": [{"school": "示范区第二小学", "last_visit": "2026年9月28日"}],
    }),
    "rectification_notice": ("整改通知书", {
        "number": "示范区督整〔2026〕1号",
        "target": "示范区第一小学",
        "office": "示范区人民政府教育督导室",
        "issued_on": "2026年11月24日",
        "due_on": "2026年12月24日",
        "requirement": "请对照问题逐项整改，按期报送整改报告和佐证材料。",
        "findings": [{"no": 1, "source": "责任督学日常督导", "category": "食堂、食品、饮水、宿舍卫生",
                      "text": "食堂留样记录不全。", "requirement": "建立留样台账，每餐留样。"}],
        "verify_days": 30,
    }),
    "balanced_report": ("义务教育优质均衡发展监测报告", {
        "title": "示范区2025—2026学年义务教育优质均衡发展监测报告", "county": "示范区", "year": "2025—2026学年",
        "office": "示范区人民政府教育督导室", "generated_on": "2026年11月24日",
        "summaries": ["小学：7 项差异系数达标 6 项；56 所学校中 14 所未达到“6 项达标、其余不低于 85%”要求。"],
        "cvs": [{"stage": "小学", "indicator": "生均体育运动场馆面积", "schools": 56, "mean": "9.81", "unit": "㎡/生",
                 "cv": "0.546", "limit": "0.50", "result": "未达标"}],
        "fixes": [{"stage": "小学", "indicator": "生均体育运动场馆面积", "code": "9901020001", "name": "示范区第一小学",
                   "value": "2.10", "level": "4.35", "addition": "2,340.00", "unit": "㎡体育运动场馆", "cv": "0.546",
                   "cv_after": "0.500"}],
        "failing": [{"code": "9901020001", "name": "示范区第一小学", "stage": "小学", "students": 1040, "met": 5,
                     "min_ratio": "28%", "result": "未达标", "gaps": "生均体育运动场馆面积达到标准的 28%，缺 5,616 ㎡体育运动场馆"}],
        "excluded": [{"code": "9901020099", "name": "示范区特殊教育学校", "reason": "特殊教育学校不参与计算"}],
    }),
    "inspection_opinion": ("督导意见书", {
        "number": "示范区督意〔2026〕3号", "title": "督导意见书", "target": "示范区第一小学",
        "inspection": "示范区2026年义务教育学校综合督导", "kind": "综合督导", "office": "示范区人民政府教育督导室",
        "issued_on": "2026年12月20日", "score": "86.5", "level": "良好", "vetoed": "",
        "areas": [{"code": "A1", "name": "办学方向", "score": "90.0"}],
        "evaluation": "学校办学方向端正，管理规范，……", "strengths": "课后服务课程丰富……",
        "problems": [{"no": 1, "text": "作业公示制度未落实。", "requirement": "建立作业公示制度，每周公示。",
                      "due_on": "2027年3月31日"}],
    }),
    "inspection_notice": ("督导通知", {
        "number": "示范区督〔2026〕5号", "title": "关于开展示范区2026年春季义务教育学校综合督导的通知",
        "inspection": "示范区2026年春季义务教育学校综合督导", "kind": "综合督导", "office": "示范区人民政府教育督导室",
        "issued_on": "2026年3月2日", "period": "2026年3月2日至2026年6月30日", "framework": "义务教育学校办学质量评价（第 1 版）",
        "targets": [{"no": 1, "name": "示范区第一小学", "region": "城关街道"}], "count": 10,
    }),
    "inspection_report": ("督导报告", {
        "title": "示范区2026年春季义务教育学校综合督导督导报告", "office": "示范区人民政府教育督导室",
        "generated_on": "2026年6月30日", "kind": "综合督导", "framework": "义务教育学校办学质量评价（第 1 版）",
        "count": 10, "mean": "82.4", "summary": "本次综合督导共督导 10 个对象，平均得分 82.4 分；优秀 3 个，良好 5 个，合格 2 个。",
        "ranked": [{"rank": 1, "name": "示范区第一小学", "score": "93.5", "level": "优秀"}],
        "areas": [{"code": "A1", "name": "办学方向", "mean": "85.0"}],
    }),
    "survey_report": ("满意度调查报告", {
        "title": "示范区2026年家长满意度调查报告", "round": "示范区2026年家长满意度调查", "county": "示范区",
        "group": "家长", "office": "示范区人民政府教育督导室", "period": "2026年12月1日至2026年12月15日",
        "generated_on": "2026年12月20日", "threshold": "85%", "min_responses": 10,
        "summary": "本次调查共收回有效答卷 5,012 份，总体满意率 91.2%，达到 85% 的要求；3 所学校满意率低于 85%。",
        "towns": [{"name": "城关街道", "responses": 1208, "rate": "92.4%", "result": "达标"}],
        "schools": [{"name": "示范区第一小学", "responses": 312, "rate": "93.1%", "result": "达标"}],
        "items": [{"text": "课后服务", "answers": 5012, "levels": "2100/1800/700/300/112", "rate": "91.8%",
                   "mean": "4.09"}],
        "low": [{"school": "示范区第二小学", "text": "您对学校以下方面是否满意？：食堂饭菜质量与卫生", "rate": "62.0%"}],
    }),
    "quality_district_report": ("学业质量监测报告（区县）", {
        "title": "示范区2025—2026学年秋季八年级学业质量监测报告", "office": "示范区人民政府教育督导室",
        "generated_on": "2026年12月20日",
        "round": {"title": "示范区2025—2026学年秋季八年级学业质量监测", "county": "示范区", "year": "2025—2026学年",
                  "term": "秋季", "grade": "8年级", "test_date": "2026年11月20日", "schools": 12,
                  "subjects": "语文、数学、科学", "status": "结果已发布",
                  "draw": "按“2+1”方式确定监测学科：固定学科 语文、数学，随机抽取学科 科学（备选学科：科学、英语；随机种子 12345）。",
                  "sample": ""},
        "summary": "示范区2025—2026学年秋季8年级学业质量监测共有 12 所学校参加……",
        "subjects": [{"name": "语文", "kind": "固定学科", "full_marks": "100", "pass_line": "60.0",
                      "excellent_line": "85.0", "low_line": "40.0", "n": 3000, "mean": "72.4", "sd": "12.1",
                      "median": "74.0", "pass_rate": "85.2%", "excellent_rate": "21.3%", "low_rate": "3.1%"}],
        "schools": [{"subject": "语文", "code": "1990102001", "name": "示范区第一中学", "n": 320, "mean": "75.1",
                     "pass_rate": "88.0%", "excellent_rate": "25.0%", "low_rate": "2.0%", "gap": "+2.7"}],
        "bands": [{"subject": "语文", "band": "优秀", "range": "85.0 及以上", "count": 640, "share": "21.3%"}],
        "va_note": "……小规模学校的估计向 0 收缩……",
        "va_summaries": ["语文：限制性极大似然（REML）估计，学生 3000 人、学校 12 所……"],
        "va": [{"subject": "语文", "code": "1990102001", "name": "示范区第一中学", "n": 320, "effect": "+1.52",
                "ci": "0.40 ～ 2.64", "flag": "显著高于预期", "residual": "+1.60", "shrinkage": "0.95", "small": ""}],
        "below": [{"subject": "数学", "code": "1990102009", "name": "示范区第九中学", "n": 80, "pass_rate": "52.5%",
                   "county": "78.0%", "line": "60.0%"}],
        "pass_line": "60.0%",
    }),
    "quality_school_report": ("学业质量监测报告（学校）", {
        "title": "示范区2025—2026学年秋季八年级学业质量监测报告（示范区第一中学）", "office": "示范区人民政府教育督导室",
        "generated_on": "2026年12月20日", "school": "示范区第一中学", "code": "1990102001",
        "round": {"title": "示范区2025—2026学年秋季八年级学业质量监测", "county": "示范区", "year": "2025—2026学年",
                  "term": "秋季", "grade": "8年级", "test_date": "2026年11月20日", "schools": 12,
                  "subjects": "语文、数学、科学", "status": "结果已发布", "draw": "……", "sample": ""},
        "subjects": [{"name": "语文", "n": 320, "mean": "75.1", "county_mean": "72.4", "gap": "+2.7",
                      "pass_rate": "88.0%", "county_pass_rate": "85.2%", "excellent_rate": "25.0%",
                      "county_excellent_rate": "21.3%", "low_rate": "2.0%", "county_low_rate": "3.1%"}],
        "classes": [{"subject": "语文", "name": "八（1）班", "n": 45, "mean": "76.0", "pass_rate": "90.0%",
                     "excellent_rate": "26.7%", "low_rate": "0.0%"}],
        "genders": [{"subject": "语文", "name": "女", "n": 160, "mean": "77.0", "pass_rate": "91.0%",
                     "excellent_rate": "28.0%", "low_rate": "1.0%"}],
        "withheld_note": "以下分组参测人数少于 10 人……",
        "va": [{"subject": "语文", "n": 320, "effect": "+1.52", "ci": "0.40 ～ 2.64", "flag": "显著高于预期",
                "residual": "+1.60", "shrinkage": "0.95", "note": ""}],
        "va_note": "……小规模学校的估计向 0 收缩……",
        "trend": [{"round": "2024—2025学年春季", "subject": "语文", "n": 300, "mean": "73.0", "county_mean": "71.8",
                   "pass_rate": "86.0%"}],
        "min_n": 10,
    }),
    # 行事历 (planning calendar): month by month, 月份 shown on the first row of each month
    "calendar": ("督导工作行事历", {
        "title": "2026年教育督导工作行事历", "office": "教育督导室", "period": "2026年1月1日至2026年12月31日",
        "generated_on": "2026年12月5日", "count": 2,
        "rows": [{"month": "3月", "date": "3月2日至6月30日", "content": "春季义务教育学校综合督导（督导评估）",
                  "owner": "综合督导：示范区第一小学等 10 个对象"},
                 {"month": "", "date": "3月20日", "content": "整改期限：示范区第二小学（示范区督整〔2026〕1号）（整改期限）",
                  "owner": "示范区第二小学；整改中"}],
    }),
    # 大事记 (planning, issue 20)
    "chronicle": ("教育督导大事记", {
        "title": "示范区2026年教育督导大事记", "county": "示范区", "year": 2026,
        "office": "示范区人民政府教育督导室", "generated_on": "2026年12月31日", "count": 1,
        "rows": [{"date": "2026年3月6日", "title": "印发《示范区2026年教育督导工作要点》", "text": "……",
                  "importance": "重要"}],
    }),
    # 督导简报 (planning, briefings)
    "briefing": ("督导简报", {
        "masthead": "督导简报", "issue": "第3期", "year": "2026年", "title": "示范区春季开学专项督导工作综述",
        "office": "示范区人民政府教育督导室", "issued_on": "2026年3月16日",
        "sections": [{"no": 1, "heading": "示范区第一小学督导亮点",
                      "paragraphs": ["2026年3月5日，责任督学李明到示范区第一小学督导。", "课后服务课程丰富。"]}],
    }),
    # planning: 工作总结 (dudao/planning/services/summary.py)
    "annual_summary": ("年度教育督导工作总结", {
        "title": "示范区2026年教育督导工作总结", "region": "示范区", "office": "示范区人民政府教育督导室",
        "period": "2026年1月1日至2026年12月31日", "period_name": "2026年", "generated_on": "2026年12月28日",
        "recipients": "中共示范区委员会、示范区人民政府",
        "overview": "2026年，示范区教育督导工作……全年（本期）责任督学开展经常性督导 957 次……",
        "sections": [{"heading": "二、责任督学挂牌督导", "text": "责任督学经常性督导（督导纪实） 957 次；督导频次达标率 94.2%。",
                      "figures": [{"label": "责任督学经常性督导（督导纪实）", "value": "957 次"}],
                      "details": [{"name": "开展督导评估项目 · 综合督导", "text": "项目数：1；督导对象数：10"}],
                      "has_details": True}],
        "plan_heading": "九、工作要点落实情况",
        "plan_text": "工作要点任务 40 项，其中已完成 30 项、逾期未完成 3 项、已取消 1 项，完成率 77%。",
        "plan_rows": [{"section": "一、督政工作", "total": 8, "done": 6, "in_progress": 1, "not_started": 0, "late": 1,
                       "dropped": 0, "percent": 75}],
        "chronicle_heading": "十、督导大事记",
        "chronicle": [{"date": "2026年3月6日", "title": "印发《示范区2026年教育督导工作要点》"}],
        "appendix": [{"label": "责任督学经常性督导（督导纪实）", "value": "957 次",
                      "source": "zones.selectors.visit_list：2026-01-01 至 2026-12-31 开始的督导纪实"}],
    }),
    # reviews: 述职评议结果 (dudao/reviews/selectors/rating.py document_context)
    "rating_result": ("述职评议结果", {
        "title": "2025年度乡镇（街道）履行教育职责述职评议结果", "region": "示范区",
        "office": "示范区人民政府教育督导委员会办公室", "held_on": "2025年12月18日", "framework": "述职评议评分表",
        "combine": "去掉一个最高分和一个最低分后平均", "generated_on": "2025年12月19日",
        "summary": "本次述职评议共有述职单位 7 个，评议人 9 名，评分按“去掉一个最高分和一个最低分后平均”合成。",
        "rows": [{"rank": 1, "unit": "示范镇人民政府", "score": "91.25", "level": "优秀", "raters": 9, "note": ""}],
        "items": [{"code": "A1.1", "name": "教育职责落实", "average": "86.4%"}],
    }),
    "quarterly_report": ("督导结果报告（季度）", {
        "title": "示范区2026年第一季度教育督导结果报告", "region": "示范区", "office": "示范区人民政府教育督导室",
        "period": "2026年1月1日至2026年3月31日", "period_name": "2026年第一季度", "generated_on": "2026年4月3日",
        "recipients": "中共示范区委员会、示范区人民政府",
        "overview": "2026年第一季度，示范区教育督导工作……",
        "sections": [{"heading": "二、责任督学挂牌督导", "text": "责任督学经常性督导（督导纪实） 240 次。",
                      "figures": [{"label": "责任督学经常性督导（督导纪实）", "value": "240 次"}],
                      "details": [], "has_details": False}],
        "plan_heading": "九、工作要点落实情况",
        "plan_text": "本季度到期的工作要点任务 10 项，其中已完成 8 项……",
        "plan_rows": [],
        "chronicle_heading": "十、督导大事记",
        "chronicle": [{"date": "2026年3月6日", "title": "印发《示范区2026年教育督导工作要点》"}],
        "appendix": [{"label": "责任督学经常性督导（督导纪实）", "value": "240 次",
                      "source": "zones.selectors.visit_list：2026-01-01 至 2026-03-31 开始的督导纪实"}],
    }),
    # reviews: 教育督导公报 (dudao/reviews/selectors/bulletin.py)
    "bulletin": ("教育督导公报", {
        "title": "示范区2025年教育督导工作公报", "number": "示范区督公〔2025〕1号", "year": "2025年", "region": "示范区",
        "office": "示范区人民政府教育督导室", "published_on": "2026年3月20日",
        "paragraphs": [{"text": "一、基本情况", "heading": True},
                       {"text": "2025年，全区共有各级各类学校 56 所，在校生 41,200 人。", "heading": False}],
        "fields": [{"no": 1, "section": "学校与学生（事业统计）", "label": "学校数（事业统计）", "value": "56 所",
                    "source": "monitoring.SchoolStats：2025—2026学年统计数据，56 条学校记录"}],
    }),
    # reviews (issue 21): one using unit's 督导结果运用情况 of a year
    "result_uses": ("督导结果运用情况", {
        "title": "示范区委组织部2025年度督导结果运用情况", "unit": "示范区委组织部", "year": "2025",
        "office": "示范区人民政府教育督导室", "generated_on": "2026年1月10日", "total": 1, "summary": "干部任用 1 次",
        "uses": [{"no": 1, "result": "2025年 示范区2025年度中小学校综合督导 示范区第一小学：优秀（92.0 分）",
                  "owner": "示范区第一小学", "purpose": "干部任用", "date": "2025年12月20日",
                  "decision": "校长张某某考核结果运用于干部任用，拟提拔使用。", "number": "示组干〔2025〕12号"}],
    }),
    # reviews (issue 21, outputs): 自评报告, 印证材料目录, 实地督查日程 (dudao/reviews/services/outputs.py)
    "review_report": ("迎检自评报告", {
        "title": "示范区2026年履行教育职责自评报告", "review": "示范市2026年对示范区人民政府履行教育职责评价",
        "region": "示范区", "body": "示范市人民政府教育督导委员会办公室", "office": "示范区人民政府教育督导室",
        "generated_on": "2026年6月1日", "words": 4812, "limit": 5000, "warning": "",
        "paragraphs": ["一、基本情况", "示范区认真贯彻落实……"],
    }),
    "review_package_index": ("印证材料目录", {
        "title": "示范区2026年履行教育职责评价 印证材料目录", "office": "示范区人民政府教育督导室",
        "generated_on": "2026年6月1日", "count": 1, "problems": 0,
        "rows": [{"folder": "01 1.1 落实教育优先发展", "indicator": "1.1", "assignee": "区财政局",
                  "file": "01 1.1 落实教育优先发展/区财政局/教育经费决算表.pdf", "size": "1,024", "sha256": "ab12…",
                  "status": "正常"}],
    }),
    "review_visit_schedule": ("实地督查日程", {
        "title": "示范市2026年对示范区人民政府履行教育职责评价 实地督查日程", "office": "示范区人民政府教育督导室",
        "body": "示范市人民政府教育督导委员会办公室", "period": "2026年10月20日至2026年10月21日",
        "generated_on": "2026年10月10日", "count": 1,
        "rows": [{"day": "10月20日", "time": "09:00—10:30", "activity": "汇报会", "place": "区政府第一会议室",
                  "school": "", "people": "区政府分管领导、督导委员会成员单位负责人"}],
    }),
    # reviews: 督导委员会成员单位职责清单 (dudao/reviews/views/committee.py)
    "committee_duties": ("督导委员会成员单位职责清单", {
        "title": "示范区人民政府教育督导委员会成员单位职责清单", "committee": "示范区人民政府教育督导委员会",
        "county": "示范区", "office": "示范区人民政府教育督导室", "generated_on": "2026年12月5日", "count": 1,
        "members": 1,
        "rows": [{"unit": "示范区财政局", "role": "成员", "representative": "王伟", "post": "副局长", "no": 1,
                  "text": "落实教育经费“两个只增不减”，按时足额拨付生均公用经费。",
                  "points": "A4B1.1 教育经费投入"}],
    }),
    # checks (issue 23, outputs): 专项检查 检查报告 (dudao/checks/selectors/outputs.py report_context)
    "check_report": ("专项检查报告", {
        "title": "2026年岁末年初节前安全稳定专项检查报告", "round": "2026年岁末年初节前安全稳定专项检查",
        "kind": "节前安全稳定检查", "office": "示范区人民政府教育督导室", "period": "2026年12月1日至2026年12月15日",
        "generated_on": "2026年12月16日", "status": "已结束",
        "overview": "本次检查共安排检查对象 40 所，已检查 38 所，完成率 95.0%；发现不合格项 5 个，现场整改到位 2 个，"
                    "转入整改通知流程 3 个；一票否决项不合格 1 所。",
        "coverage": {"targets": 40, "done": 38, "rate": "95.0%", "pending": 2},
        "towns": [{"name": "城关街道", "targets": 12, "done": 12, "rate": "100.0%", "failed": 2}],
        "inspectors": [{"name": "张督学", "targets": 6, "done": 5, "rate": "83.3%"}],
        "items": [{"no": 1, "text": "消防通道畅通，无杂物堆放", "veto": "是", "answered": 38, "failed": 2, "settled": 1,
                   "open": 1, "schools": "示范区第一小学、示范区第二小学"}],
        "vetoes": [{"school": "示范区第二小学", "item": "消防通道畅通，无杂物堆放", "note": "楼梯间堆放桌椅。"}],
        "photos": [{"no": 1, "school": "示范区第二小学", "item": "消防通道畅通，无杂物堆放", "caption": "楼梯间堆放桌椅。",
                    "image": ""}],
        "photos_note": "另有 3 张未列出。",
    }),
    # audits (issue 24, cases): 审计报告 of a school leader (dudao/audits/services/reports.py report_context)
    "audit_report": ("学校领导干部经济责任审计报告", {
        "title": "关于示范区第一小学王明同志离任经济责任审计的报告", "number": "示督审〔2026〕1号",
        "office": "示范区人民政府教育督导室", "school": "示范区第一小学", "auditee": "王明", "position": "校长",
        "reason": "离任", "term": "2020年9月1日至2026年8月31日", "period": "2023年1月1日至2026年8月31日",
        "fieldwork": "2026年10月12日至2026年10月16日", "leader": "李审计", "members": "张督学、赵专家",
        "summary": "审计认为，王明同志任职期间能够贯彻执行财经法规，学校财务收支总体真实、合法。",
        "conclusion": "王明同志任职期间学校经济责任履行情况总体较好，存在的问题须限期整改。",
        "findings": [{"no": 1, "category": "财务收支", "text": "部分报销凭证附件不全。", "amount": "12,000.00",
                      "severity": "一般"}],
        "finding_count": 1, "amount_total": "12,000.00", "issued_on": "2026年11月2日",
    }),
}


def sample_context(key: str) -> dict:
    return TEMPLATES[key][1]


def default_template_path(key: str) -> Path:
    return DEFAULTS_DIR / f"{key}.docx"


# key → names of pictures the platform adds to the context (InlineImage) besides the sample fields
TEMPLATE_IMAGES: dict[str, set[str]] = {"inspection_report": {"chart"}, "quality_district_report": {"chart"}}

logger = logging.getLogger(__name__)


class DocumentError(ApplicationError):
    """A Word template that cannot produce its document (refused at upload, or failing at render)."""


def template_fields(key: str) -> set[str]:
    return set(TEMPLATES[key][1]) | TEMPLATE_IMAGES.get(key, set())


def render_docx_bytes(template_file, context: dict, images: dict[str, bytes] | None = None,
                      pictures: dict[str, list[bytes | None]] | None = None, picture_width_mm: int = 60) -> bytes:
    """Render a .docx template in the document sandbox (dudao.documents.sandbox) with plain-data context.

    `images` (name → PNG bytes) become inline pictures the template places with {{ name }}. `pictures` (name of a
    list of rows in the context → one image per row, JPEG or PNG bytes or None) become each row's `image`, placed
    with {{ row.image }} in a loop (photo appendices: `picture_width_mm` wide). A template that fails (a refused
    attribute, a broken tag, data it does not expect) raises DocumentError in Chinese.
    """
    from docx.shared import Mm  # noqa: PLC0415 -- python-docx/docxtpl take ~1 s to import: loaded when a document is rendered
    from docxtpl import DocxTemplate, InlineImage  # noqa: PLC0415 -- docxtpl takes ~1 s to import: loaded when a document is rendered

    context = plain_context(context)
    document = DocxTemplate(template_file)
    # the upload check again (limits, statements, loops), cheap: a template stored before it existed, or before
    # a rule was added, is refused here instead of running
    problems = template_problems(document, None)
    if problems:
        raise DocumentError("文书模板中有不允许的写法，未能生成文书：" + "；".join(p.rstrip("。") for p in problems[:5])
                            + "。请文书模板管理员下载默认模板重新修改后上传。")
    try:
        if images or pictures:
            document.init_docx()
        if images:
            context = {**context, **{name: InlineImage(document, io.BytesIO(png), width=Mm(160))
                                     for name, png in images.items()}}
        for name, row_images in (pictures or {}).items():
            rows = context.get(name, [])
            context[name] = [{**row, "image": InlineImage(document, io.BytesIO(row_images[i]), width=Mm(picture_width_mm))
                              if i < len(row_images) and row_images[i] else ""} for i, row in enumerate(rows)]
        document.render(context, DocumentEnvironment(), autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except SecurityError as exc:
        logger.warning("document template refused by the sandbox: %s", exc)
        raise DocumentError(f"文书模板中有不允许的写法，未能生成文书（{exc}）。请文书模板管理员下载默认模板重新修改后上传。") from None
    except TemplateError as exc:
        raise DocumentError(f"文书模板中的标记有误，未能生成文书（{exc}）。请文书模板管理员检查模板中的 {{{{ }}}} 与 {{% %}} 标记。") from None
    except Exception as exc:  # noqa: BLE001 - python-docx, lxml and jinja raise many kinds of errors
        logger.warning("document template failed to render", exc_info=True)
        raise DocumentError(f"文书模板无法生成文书（{type(exc).__name__}: {str(exc)[:200]}）。"
                            "请文书模板管理员检查模板，或改用默认模板。") from None
    return buffer.getvalue()


def check_template(data: bytes, key: str) -> None:
    """An uploaded template: its tags are checked without running anything (names, attributes, calls, filters),
    then it must render with the sample data in the sandbox. Raises DocumentError naming what is wrong."""
    from docxtpl import DocxTemplate  # noqa: PLC0415 -- docxtpl takes ~1 s to import: loaded when a document is rendered

    problems = template_problems(DocxTemplate(io.BytesIO(data)), template_fields(key))
    if problems:
        shown = problems[:10]
        more = f"等 {len(problems)} 处" if len(problems) > len(shown) else ""
        raise DocumentError("模板未保存：" + "；".join(p.rstrip("。") for p in shown) + more + "。文书模板只能使用 {{ 字段 }}、"
                            "{% for %}、{% if %} 等标记和页面上列出的字段。")
    try:
        render_docx_bytes(io.BytesIO(data), sample_context(key))
    except DocumentError as exc:
        raise DocumentError("模板未保存：用示例数据试生成文书失败。" + exc.message) from None


def render_pdf_bytes(template_name: str, context: dict) -> bytes:
    """An HTML template rendered to PDF (A4, Noto CJK fonts from the system)."""
    from weasyprint import HTML  # noqa: PLC0415 -- weasyprint takes ~2-4 s to import: loaded when a PDF is made

    html = render_to_string(template_name, context)
    return HTML(string=html).write_pdf()
