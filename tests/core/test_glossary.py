"""docs/glossary.md explains every concrete model and every choice list of dudao, each value of a choice list
included (the workflow states one by one): adding a model, an enum or a state without its entry fails here."""

import importlib
import inspect
import re
from pathlib import Path

from django.apps import apps
from django.db import models

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def _rows() -> dict[str, list[str]]:
    """Code name → the cells of its table row (中文, 代码名, 含义)."""
    rows = {}
    for line in GLOSSARY.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) == 3 and (name := re.fullmatch(r"`(\w+)`", cells[1])):
            rows[name.group(1)] = cells
    return rows


def _sections() -> dict[str, str]:
    """Code name in a heading (### 问题状态 `FindingStatus`) → the text under it up to the next heading."""
    sections, current = {}, None
    for line in GLOSSARY.read_text().splitlines():
        if line.startswith("#"):
            current = match.group(1) if (match := re.search(r"`(\w+)`", line)) else None
            if current:
                sections[current] = ""
        elif current:
            sections[current] += line + "\n"
    return sections


def dudao_models() -> list:
    return [m for m in apps.get_models() if m.__module__.startswith("dudao.")]


def dudao_choices() -> list:
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("dudao."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.models")
        except ModuleNotFoundError:
            continue
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, models.Choices) and obj.__module__ == module.__name__:
                found[obj.__name__] = obj  # an alias (D = DecisionForm) is the same class
    return sorted(found.values(), key=lambda c: c.__name__)


def test_the_collection_is_not_empty():
    names = {m.__name__ for m in dudao_models()}
    assert {"Finding", "Talk", "AccountabilityCase", "StoredFile", "WorkerHeartbeat"} <= names
    assert {"FindingStatus", "InspectionStage", "SchoolStage", "NoticeStatus"} <= {c.__name__ for c in dudao_choices()}


def test_every_model_has_an_entry():
    rows = _rows()
    missing = [m.__name__ for m in dudao_models() if m.__name__ not in rows]
    assert missing == [], "models missing from docs/glossary.md"
    empty = [m.__name__ for m in dudao_models() if not (rows[m.__name__][0] and rows[m.__name__][2])]
    assert empty == [], "glossary rows without a Chinese term or a meaning"


def test_every_choice_list_and_every_value_has_an_entry():
    rows, sections = _rows(), _sections()
    problems = []
    for choices in dudao_choices():
        name = choices.__name__
        text = sections.get(name) or (" ".join(rows[name]) if name in rows else None)
        if text is None:
            problems.append(f"{name}: no row or section")
            continue
        problems += [f"{name}.{value}" for value in choices.values if f"`{value}`" not in text]
    assert problems == [], "missing from docs/glossary.md"


def test_workflow_states_are_explained_one_by_one():
    """A state list with a section: one row per state with its Chinese label and a meaning."""
    for name, text in _sections().items():
        choices = next(c for c in dudao_choices() if c.__name__ == name)
        for value, label in choices.choices:
            row = next((line for line in text.splitlines() if f"| `{value}` |" in line), "")
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            assert len(cells) == 3 and cells[0] == label and cells[2], f"{name}.{value}: {row!r}"
