"""字数 as Word counts it: hand-worked examples; the sections and the over-the-limit check."""

from dudao.reviews.wordcount import check_limit, sections, word_count


def test_it_counts_each_chinese_character_and_full_width_mark():
    assert word_count("教育督导") == 4
    assert word_count("教育督导。") == 5  # 。 is full-width: Word counts it
    assert word_count("“两个只增不减”") == 8
    assert word_count("a“b”c") == 5  # Chinese quotation marks are full-width punctuation, not part of a word


def test_it_counts_latin_words_and_numbers_as_one_each():
    assert word_count("hello world") == 2
    assert word_count("2026") == 1
    assert word_count("95.6%") == 1
    assert word_count("GDP 4% of it") == 4


def test_it_mixes_like_word():
    # 2026 (1) 年 (1) 投入 (2) 1.2 (1) 亿元 (2) ， (1) 增长 (2) 5% (1) 。 (1) = 12
    assert word_count("2026年投入1.2亿元，增长5%。") == 12
    assert word_count("  \n\t ") == 0
    assert word_count("") == 0
    assert word_count(None) == 0


def test_it_splits_sections_at_headings():
    text = "前言两句。\n一、基本情况\n内容五个字\n（一）经费\n十个字十个字十个字十\n1.1 指标\n"
    found = sections(text)
    assert [(s.heading, s.words, s.line) for s in found] == [
        ("（开头）", 5, 1), ("一、基本情况", 11, 2), ("（一）经费", 15, 4), ("1.1 指标", 3, 6)]


def test_it_reports_how_much_over_and_the_longest_sections():
    text = "一、甲\n" + "字" * 10 + "\n二、乙\n" + "字" * 30 + "\n三、丙\n" + "字" * 20
    check = check_limit(text, 50)
    assert check.words == 3 * 3 + 60 and check.over == 19 and check.is_over
    assert [s.heading for s in check.longest] == ["二、乙", "三、丙", "一、甲"]
    within = check_limit(text, 100)
    assert not within.is_over and within.over == 0 and within.longest == []
    assert check_limit(text, None).over == 0
