"""The 公报 body's {{ 字段名 }} substitution (reviews.bulletin_text): hand-worked examples, and template syntax a
hostile office user might type stays inert text (never evaluated) and is reported."""

from dudao.reviews import bulletin_text as text

VALUES = {"学校数": "56", "整改率": "92.5", "空字段": "", "rectification.rate": "92.5"}


def test_fill_replaces_known_names_with_spaces_or_not():
    body = "全区学校 {{ 学校数 }} 所，整改率{{整改率}}%，{{   rectification.rate   }}%。"
    assert text.fill(body, VALUES) == "全区学校 56 所，整改率92.5%，92.5%。"
    assert text.problems(body, VALUES) == []
    assert text.used_names(body + "{{ 学校数 }}") == ["学校数", "整改率", "rectification.rate"]


def test_unknown_and_empty_placeholders_are_listed_in_order():
    body = "{{ 未知字段 }} 和 {{ 空字段 }} 和 {{ 学校数 }}"
    found = text.problems(body, VALUES)
    assert [(p.kind, p.name) for p in found] == [("unknown", "未知字段"), ("empty", "空字段")]
    assert "未知字段" in found[0].message and "尚未填写" in found[1].message
    assert text.fill(body, VALUES) == "{{ 未知字段 }} 和  和 56"  # unknown ones stay exactly as typed


def test_python_attribute_lookups_are_unknown_names_not_code():
    for hostile in ("{{ __class__ }}", "{{ 学校数.__class__ }}", "{{ ''.__class__.__mro__ }}", "{{ 学校数|upper }}",
                    "{{ request.user.password }}", "{{ settings.SECRET_KEY }}"):
        filled = text.fill(hostile, VALUES)
        assert filled == hostile, hostile  # nothing evaluated
        assert text.problems(hostile, VALUES), hostile  # and publishing is refused


def test_template_tags_and_stray_braces_are_refused_and_inert():
    for hostile in ("{% for x in y %}{{ 学校数 }}{% endfor %}", "{% debug %}", "{{ 学校数 }} }}", "{{ {{ 学校数 }} }}",
                    "{# 注释 #}{{", "{{{ 学校数 }}}"):
        found = text.problems(hostile, VALUES)
        assert any(p.kind == "stray" for p in found), hostile
    # a value is never scanned again: a value that looks like a placeholder is printed as it is
    assert text.fill("{{ 学校数 }}", {"学校数": "{{ 整改率 }}"}) == "{{ 整改率 }}"
    # nested braces: the inner placeholder is replaced once; the outer braces stay as text (and are reported)
    assert text.fill("{{ {{ 学校数 }} }}", VALUES) == "{{ 56 }}"


def test_keys_and_numbers():
    assert text.valid_key("教育经费投入") and text.valid_key("rectification.rate") and text.valid_key("生均经费(元)")
    for bad in ("", "有 空格", "{{x}}", "a" * 65, "x|y", "<b>"):
        assert not text.valid_key(bad), bad
    assert [text.number_text(v) for v in (None, 3, 92.5, 92.0, 1 / 3, "优秀", float("nan"))] == [
        "", "3", "92.5", "92", "0.3", "优秀", ""]


def test_a_prompt_left_from_the_default_body_is_a_problem():
    body = "六、下一步工作\n（请填写下一年度的工作安排。）"
    found = text.problems(body, {})
    assert [p.kind for p in found] == ["prompt"] and "请填写下一年度的工作安排" in found[0].message
    assert text.problems("六、下一步工作\n继续推进优质均衡创建。", {}) == []
