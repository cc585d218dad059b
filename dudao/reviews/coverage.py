"""Which 督政 check points the committee members' duties cover: a pure engine, no Django.

A framework definition is the frameworks tree ({"nodes": [{"code", "name", "children": [...]}, ...]}); its check
points (考查要点) are the leaves. A duty names the leaf codes that check it. The coverage of a framework lists every
leaf with the members whose duties name it, in the members' order; a leaf no duty names is uncovered (flagged).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Point:
    """A check point: its code, its name and the names of the nodes above it (area, key indicator)."""

    code: str
    name: str
    path: tuple[str, ...] = ()


@dataclass
class CoverageRow:
    point: Point
    members: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.members)


@dataclass
class Coverage:
    rows: list[CoverageRow]

    @property
    def uncovered(self) -> list[Point]:
        return [row.point for row in self.rows if not row.covered]

    @property
    def share(self) -> float | None:
        """Covered check points over all of them (None for a framework with none)."""
        return (len(self.rows) - len(self.uncovered)) / len(self.rows) if self.rows else None


def leaf_points(definition: Mapping) -> list[Point]:
    """The leaves of a definition in tree order. Malformed nodes (not a mapping, no code) are skipped."""
    points: list[Point] = []

    def walk(nodes, path: tuple[str, ...]) -> None:
        for node in nodes or ():
            if not isinstance(node, Mapping):
                continue
            code, name = str(node.get("code") or "").strip(), str(node.get("name") or "")
            children = node.get("children") or []
            if children:
                walk(children, (*path, name))
            elif code:
                points.append(Point(code, name, path))

    walk(definition.get("nodes") if isinstance(definition, Mapping) else None, ())
    return points


def unknown_codes(codes: Iterable[str], points: Iterable[Point]) -> list[str]:
    """The codes that are not check points of the framework (inner nodes included), in the order given."""
    known = {p.code for p in points}
    return [c for c in dict.fromkeys(codes) if c not in known]


def coverage(points: list[Point], duties: Iterable[tuple[str, Iterable[str]]]) -> Coverage:
    """For each check point, the members (labels, each once, in the order of `duties`) whose duties name it.
    Codes that are not check points of this framework are ignored here (the services refuse them on entry)."""
    by_code = {p.code: CoverageRow(p) for p in points}
    for member, codes in duties:
        for code in codes:
            row = by_code.get(code)
            if row is not None and member not in row.members:
                row.members.append(member)
    return Coverage([by_code[p.code] for p in points])


def split_codes(text: str) -> list[str]:
    """Codes typed in one cell or field: separated by commas, 、, semicolons or white space; each once."""
    for sep in "，,、；;\n\t":
        text = text.replace(sep, " ")
    return list(dict.fromkeys(part for part in text.split(" ") if part))
