"""字数 of a 自评报告 as Word counts it (审阅 → 字数统计 → 字数): every East Asian character (汉字, full-width
punctuation and Chinese quotation marks) counts one, every run of other non-space characters (an English word, a number such as 2026 or 95.6%,
a half-width mark) counts one. Pure: no Django. The sections are the report's headings and what follows them, so an
office over the limit sees where the words are."""

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["word_count", "Section", "sections", "LimitCheck", "check_limit"]

# A heading line: 一、 / （一） / 1. / 1.1 / 第一部分 / a Markdown-style "#".
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[)）]|\d+(?:\.\d+)*[\s、.．]"
                     r"|第[一二三四五六七八九十百\d]+[部章节]|#+\s)")


def _wide(ch: str) -> bool:
    """汉字 and full-width forms; also the punctuation of ambiguous width (“ ” ‘ ’ … — ·), which Chinese text sets
    full-width and Word counts as Chinese characters."""
    width = unicodedata.east_asian_width(ch)
    return width in ("W", "F") or (width == "A" and unicodedata.category(ch).startswith("P"))


def word_count(text: str) -> int:
    """汉字 and full-width marks one each, plus runs of other non-space characters one each."""
    count, in_word = 0, False
    for ch in text or "":
        if ch.isspace():
            in_word = False
        elif _wide(ch):
            count += 1
            in_word = False
        elif not in_word:
            count += 1
            in_word = True
    return count


@dataclass(frozen=True)
class Section:
    """A heading (or 开头 for the text before the first one) and the words from it to the next heading."""

    heading: str
    words: int
    line: int  # 1-based line number of the heading


def sections(text: str) -> list[Section]:
    """The report split at its heading lines, in order; the heading line counts in its section."""
    found: list[Section] = []
    heading, start, words = "（开头）", 1, 0
    for number, line in enumerate((text or "").splitlines(), 1):
        if HEADING.match(line) and line.strip():
            if words or found or heading != "（开头）":
                found.append(Section(heading, words, start))
            heading, start, words = line.strip()[:60], number, 0
        words += word_count(line)
    if words or heading != "（开头）":
        found.append(Section(heading, words, start))
    return found


@dataclass(frozen=True)
class LimitCheck:
    words: int
    limit: int | None
    over: int  # words over the limit; 0 within it or with no limit
    longest: list[Section]  # the longest sections (only when over)

    @property
    def is_over(self) -> bool:
        return self.over > 0


def check_limit(text: str, limit: int | None, *, top: int = 3) -> LimitCheck:
    """The count against the limit; over it, by how much and the `top` longest sections (longest first)."""
    words = word_count(text)
    over = max(0, words - limit) if limit else 0
    longest = sorted(sections(text), key=lambda s: (-s.words, s.line))[:top] if over else []
    return LimitCheck(words, limit, over, longest)
