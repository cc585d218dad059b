"""What the code imports is what pyproject.toml declares: dudao/ only from the dependencies, the tests from those
plus the dev extra, the benchmarks plus the bench extra; optional services stay optional."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def declared(*extras: str) -> set[str]:
    names = {_name(r) for r in PROJECT["dependencies"]}
    for extra in extras:
        names |= {_name(r) for r in PROJECT["optional-dependencies"][extra]}
    return names


def imported_distributions(folder: str) -> dict[str, set[str]]:
    """Distribution → files importing it, for every import in the folder, function-local ones included."""
    local = {p.stem for p in ROOT.iterdir()} | {p.stem for p in (ROOT / "bench").glob("*.py")}
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in local:
                    continue
                # Not installed here (an extra this environment lacks, e.g. pandas for bench/): the module's
                # own name stands for its distribution, so it must still be declared.
                for distribution in owners.get(top, [top]):
                    found.setdefault(_name(distribution), set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(("folder", "extras"), [("dudao", ()), ("tests", ("dev",)), ("bench", ("dev", "bench"))])
def test_every_import_is_declared(folder, extras):
    undeclared = {name: sorted(paths)[:3] for name, paths in imported_distributions(folder).items()
                  if name not in declared(*extras)}
    assert undeclared == {}, f"imported by {folder}/ but not declared in pyproject.toml"


def test_optional_services_stay_optional():
    """Redis and the S3 client are extras that the code never imports itself (Django loads them from the
    settings' BACKEND strings only when CACHE_URL=redis:// or STORAGE_URL=s3:// asks for them); pandas is for
    the benchmarks only."""
    main = declared()
    assert not main & {"redis", "boto3", "django-storages", "pandas", "moto"}
    assert {"redis"} <= declared("redis") and {"boto3", "django-storages"} <= declared("s3")
    assert "pandas" in declared("bench") and "pandas" not in declared("dev")
    assert not imported_distributions("dudao").keys() & {"redis", "boto3", "botocore", "django-storages"}
