"""优质均衡 政府保障程度 and 教育质量 items (DOMAIN.md §1.2–1.4), pure: the numeric ones computed from the
statistics where the template carries them, and the list of material items that need evidence. No Django.

Input rows: one per school with code, name, school_type, students_primary/junior, and the optional extras
(classes_*, max_class_*, music_rooms, art_rooms, teachers, certified_teachers, rotation_eligible, rotated,
rotated_backbone, retention_rate). An item with no data says so instead of passing.
"""

import math
from collections.abc import Mapping

DEFAULT_LIMITS = {
    "school_size": 2000, "school_size_through": 2500, "class_size_primary": 45, "class_size_junior": 50,
    "rooms_per_classes": 12, "rotation_rate": 0.10, "rotation_backbone": 0.20, "certificate_rate": 1.0,
    "retention_rate": 0.95, "recognition_rate": 0.85,
}
THROUGH_TRAIN = {"nine_year", "twelve_year"}

# Material items: evidence the office collects per county and year (code, area, text).
MATERIAL_ITEMS = [
    ("g01", "政府保障程度", "学校规划布局合理，符合国家规定要求"),
    ("g02", "政府保障程度", "城乡学校建设标准、教师编制标准、生均公用经费基准定额、基本装备配置标准统一"),
    ("g10", "政府保障程度", "县级教育行政部门在核定的教职工编制总额和岗位总量内统筹分配各校教职工编制和岗位数量"),
    ("g15", "政府保障程度", "留守儿童关爱体系健全；符合条件的随迁子女在公办学校和政府购买学位就读比例不低于 85%"),
    ("q03", "教育质量", "所有学校制定章程，实现学校管理与教学信息化"),
    ("q05", "教育质量", "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平"),
    ("q06", "教育质量", "德育工作、校园文化建设水平达到良好以上"),
    ("q07", "教育质量", "课程开齐开足，教学秩序规范，综合实践活动有效开展"),
    ("q08", "教育质量", "无过重课业负担"),
]


def _item(code: str, label: str, value, standard: str, passed, failing=(), note: str = "") -> dict:
    return {"code": code, "label": label, "value": value, "standard": standard, "passed": passed,
            "failing": list(failing), "note": note}


def numeric_items(rows: list[Mapping], recognition_rate: float | None, limits: Mapping | None = None) -> list[dict]:
    lim = {**DEFAULT_LIMITS, **(limits or {})}
    items = []

    too_big = []
    for r in rows:
        cap = lim["school_size_through"] if r["school_type"] in THROUGH_TRAIN else lim["school_size"]
        size = r["students_primary"] + r["students_junior"]
        if size > cap:
            too_big.append(f"{r['name']}（{size} 人，上限 {cap}）")
    items.append(_item("g04", "学校规模", f"{len(rows) - len(too_big)}/{len(rows)} 所达标",
                       f"≤{lim['school_size']} 人（一贯制 ≤{lim['school_size_through']}）", not too_big and bool(rows),
                       too_big))

    with_data = [r for r in rows if r.get("max_class_primary") is not None or r.get("max_class_junior") is not None]
    big_classes = []
    for r in with_data:
        if (r.get("max_class_primary") or 0) > lim["class_size_primary"]:
            big_classes.append(f"{r['name']}（小学最大班额 {r['max_class_primary']}）")
        if (r.get("max_class_junior") or 0) > lim["class_size_junior"]:
            big_classes.append(f"{r['name']}（初中最大班额 {r['max_class_junior']}）")
    items.append(_item("g05", "班额", f"{len(big_classes)} 处超额" if with_data else "—",
                       f"小学 ≤{lim['class_size_primary']}、初中 ≤{lim['class_size_junior']}",
                       (not big_classes) if with_data else None, big_classes, "" if with_data else "统计数据未填写最大班额"))

    rooms_data = [r for r in rows if r.get("music_rooms") is not None and r.get("art_rooms") is not None]
    short_rooms = []
    for r in rooms_data:
        need = math.ceil(((r.get("classes_primary") or 0) + (r.get("classes_junior") or 0)) / lim["rooms_per_classes"])
        if r["music_rooms"] < need or r["art_rooms"] < need:
            short_rooms.append(f"{r['name']}（需各 {need} 间，音乐 {r['music_rooms']}、美术 {r['art_rooms']}）")
    items.append(_item("g03", "音乐、美术专用教室", f"{len(rooms_data) - len(short_rooms)}/{len(rooms_data)} 所达标"
                       if rooms_data else "—", f"每 {lim['rooms_per_classes']} 个班各 1 间",
                       (not short_rooms) if rooms_data else None, short_rooms, "" if rooms_data else "统计数据未填写专用教室数"))

    eligible = sum(r.get("rotation_eligible") or 0 for r in rows)
    rotated = sum(r.get("rotated") or 0 for r in rows)
    backbone = sum(r.get("rotated_backbone") or 0 for r in rows)
    if eligible:
        rate, share = rotated / eligible, (backbone / rotated if rotated else 0.0)
        items.append(_item("g11", "教师交流轮岗", f"交流 {rate:.1%}，骨干占 {share:.1%}",
                           f"≥{lim['rotation_rate']:.0%}，骨干 ≥{lim['rotation_backbone']:.0%}",
                           rate >= lim["rotation_rate"] - 1e-9 and share >= lim["rotation_backbone"] - 1e-9))
    else:
        items.append(_item("g11", "教师交流轮岗", "—", f"≥{lim['rotation_rate']:.0%}", None, note="统计数据未填写应交流教师数"))

    teachers = sum(r.get("teachers") or 0 for r in rows)
    certified = sum(r.get("certified_teachers") or 0 for r in rows)
    uncertified = [f"{r['name']}（{r['teachers'] - (r.get('certified_teachers') or 0)} 人未持证）" for r in rows
                   if r.get("teachers") and (r.get("certified_teachers") or 0) < r["teachers"]]
    items.append(_item("g12", "教师资格证持证率", f"{certified / teachers:.1%}" if teachers else "—",
                       f"{lim['certificate_rate']:.0%}", (certified >= teachers * lim["certificate_rate"]) if teachers else None,
                       uncertified, "" if teachers else "统计数据未填写专任教师数"))

    juniors = [r for r in rows if r.get("retention_rate") is not None and r["students_junior"]]
    if juniors:
        weight = sum(r["students_junior"] for r in juniors)
        rate = sum(r["retention_rate"] * r["students_junior"] for r in juniors) / weight / 100
        low = [f"{r['name']}（{r['retention_rate']:.1f}%）" for r in juniors if r["retention_rate"] / 100 < lim["retention_rate"]]
        items.append(_item("q01", "初中三年巩固率", f"{rate:.1%}", f"≥{lim['retention_rate']:.0%}",
                           rate >= lim["retention_rate"] - 1e-9, low))
    else:
        items.append(_item("q01", "初中三年巩固率", "—", f"≥{lim['retention_rate']:.0%}", None, note="统计数据未填写巩固率"))

    if recognition_rate is None:
        items.append(_item("r01", "社会认可度", "—", f"≥{lim['recognition_rate']:.0%}", None, note="尚未填写社会认可度"))
    else:
        items.append(_item("r01", "社会认可度", f"{recognition_rate:.1f}%", f"≥{lim['recognition_rate']:.0%}",
                           recognition_rate / 100 >= lim["recognition_rate"] - 1e-9))
    return items
