"""Fake to-do items for the home page's tests."""

import datetime

from dudao.core.registries import Todo


def todos_due(*days, kind="fake.item", prefix="事项", region_code="") -> list[Todo]:
    """One Todo per due date (None: no deadline), each with its own url."""
    return [Todo(kind=kind, title=f"{prefix}{i}", object=f"对象{i}", url=f"/fake/{kind}/{i}/", due=day,
                 region_code=region_code) for i, day in enumerate(days)]


D = datetime.date
