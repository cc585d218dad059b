"""Fake to-do sources for the home page's tests: registered for one test, removed after it."""

import pytest
from django.core.cache import caches

from dudao.core import registries
from dudao.core.registries import TodoSource


@pytest.fixture
def fake_sources(monkeypatch):
    """fake_sources(name, items, roles=..., list_url="", alone=True): register a source for this test; with
    alone, it replaces every registered source (the test reads only its own)."""
    original = dict(registries._TODO_SOURCES)
    caches["default"].clear()

    def add(name, items, *, roles, label=None, list_url="", alone=True):
        if alone and registries._TODO_SOURCES == original:
            registries._TODO_SOURCES.clear()
        registries._TODO_SOURCES[name] = TodoSource(name, label or name, items, frozenset(roles), list_url)

    yield add
    registries._TODO_SOURCES.clear()
    registries._TODO_SOURCES.update(original)
    caches["default"].clear()
