"""The results of a call are titled once: "…征集评选" + "结果", not "…征集评选评选结果" (seen on the public results page
of the demo, issue 24 UI review)."""

from types import SimpleNamespace

from dudao.research.services.calls import result_title


def test_a_title_ending_in_pingxuan_gets_only_jieguo():
    assert result_title(SimpleNamespace(title="2026年度教育督导典型案例征集评选")) == "2026年度教育督导典型案例征集评选结果"


def test_other_titles_get_pingxuan_jieguo():
    assert result_title(SimpleNamespace(title="2026年优秀论文征集")) == "2026年优秀论文征集评选结果"
