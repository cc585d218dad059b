"""The layer contract: imports between dudao's apps go down only (docs/architecture.md).

An AST walk over every module of the package (migrations excepted) that sees every import statement,
function-local ones included, resolves relative imports, and reports each import of a higher (or
unranked) app as file:line. Imports inside one app are free.
"""

import ast
from pathlib import Path

import pytest

# Lowest first. An app may import the apps before it and itself, never one after it.
LAYERS = [
    # ground: no app
    "core",
    "worker",
    # registry
    "regions",
    "schools",
    "documents",
    "people",
    # sink: domain apps call finding_raise / notices; rectification imports no domain app
    "rectification",
    # domain
    "frameworks",
    "zones",
    "monitoring",
    "surveys",
    "inspections",
    "quality",
    "planning",
    "reviews",
    "checks",
    "workforce",
    "research",
    "audits",
    # top
    "dashboard",
    "demo",
    "api",
    "urls",
    "wsgi",
]
# Modules of the root package that every app may import (Django's settings module is read via
# django.conf.settings, but tests and tools may name it).
SHARED = {"settings", "__init__"}


def _module_name(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


def _imported_modules(tree: ast.AST, module: str, is_package: bool):
    """Yield (line, absolute module name) for every import in the tree, relative ones resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if "." in target:
                yield node.lineno, target
            else:  # `from pkg import app`: the names are the imported modules
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"


def _app_of(module: str, package: str) -> str | None:
    parts = module.split(".")
    if parts[0] != package:
        return None
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def layer_violations(root: Path, package: str, layers: list[str], shared=frozenset()) -> list[str]:
    """Every upward or unranked import between the apps of the package rooted at `root`."""
    rank = {app: i for i, app in enumerate(layers)}
    problems = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if "migrations" in rel.parts:
            continue
        module = _module_name(path, root, package)
        src_app = _app_of(module, package)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, target in _imported_modules(tree, module, path.name == "__init__.py"):
            dst_app = _app_of(target, package)
            if dst_app is None or dst_app == src_app or dst_app in shared:
                continue
            where = f"{package}/{rel.as_posix()}:{line}"
            if src_app not in rank and src_app not in shared:
                problems.append(f"{where}: module {src_app!r} has no layer")
            elif dst_app not in rank:
                problems.append(f"{where}: imports {target} (app {dst_app!r} has no layer)")
            elif src_app in shared or rank[dst_app] > rank[src_app]:
                problems.append(f"{where}: {src_app} imports {target} (a higher layer)")
    return sorted(set(problems))


def test_dudao_imports_go_down_only():
    root = Path(__file__).resolve().parents[2] / "dudao"
    problems = layer_violations(root, "dudao", LAYERS, SHARED)
    assert not problems, "imports that break the layers:\n" + "\n".join(problems)


def test_every_app_has_a_layer():
    root = Path(__file__).resolve().parents[2] / "dudao"
    apps = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in root.glob("*.py")}
    assert apps | modules <= set(LAYERS) | SHARED


@pytest.fixture
def planted(tmp_path):
    pkg = tmp_path / "pkg"
    for app in ("low", "high", "low/sub"):
        (pkg / app).mkdir(parents=True)
        (pkg / app / "__init__.py").write_text("")
    (pkg / "high" / "views.py").write_text("from pkg.low import models\nfrom ..low.sub import thing\n")
    (pkg / "low" / "models.py").write_text("from . import sub\nfrom .sub import x\n")
    (pkg / "low" / "migrations").mkdir()
    (pkg / "low" / "migrations" / "0001.py").write_text("from pkg.high import views\n")
    return pkg


def test_clean_package_passes(planted):
    assert layer_violations(planted, "pkg", ["low", "high"]) == []


def test_catches_a_planted_upward_import(planted):
    (planted / "low" / "services.py").write_text("import os\n\n\ndef f():\n    import pkg.high.views\n")
    (planted / "low" / "sub" / "deep.py").write_text("x = 1\nfrom ...high import views\n")
    (planted / "low" / "sub" / "__init__.py").write_text("from .. import models\nfrom ..models import y\n")
    assert layer_violations(planted, "pkg", ["low", "high"]) == [
        "pkg/low/services.py:5: low imports pkg.high.views (a higher layer)",
        "pkg/low/sub/deep.py:2: low imports pkg.high (a higher layer)",
    ]


def test_catches_an_unranked_app_and_a_cycle(planted):
    (planted / "other").mkdir()
    (planted / "other" / "__init__.py").write_text("from pkg import high\n")
    (planted / "low" / "api.py").write_text("from pkg import high\n")
    assert layer_violations(planted, "pkg", ["low", "high"]) == [
        "pkg/low/api.py:1: low imports pkg.high (a higher layer)",
        "pkg/other/__init__.py:1: module 'other' has no layer",
    ]
