"""The house rules of DESIGN.md, checked on the source: who may import whom."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "syndicator"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(under: str = "") -> list[Path]:
    return sorted((SRC / under).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


def test_pure_cores_do_no_io() -> None:
    forbidden = {"requests", "sqlite3", "feedparser", "tweepy", "facebook", "click",
                 "apscheduler", "urllib3", "socket", "subprocess"}
    for package in ("quotes", "compose"):
        for path in modules(package):
            bad = {top(n) for n in imports_of(path)} & forbidden
            assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_only_platforms_import_the_client_libraries() -> None:
    for path in modules():
        if "platforms" in path.parts:
            continue
        bad = {top(n) for n in imports_of(path)} & {"tweepy", "facebook", "requests_oauthlib"}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_only_store_touches_sqlite() -> None:
    for path in modules():
        if path.name == "store.py":
            continue
        assert "sqlite3" not in {top(n) for n in imports_of(path)}, path.relative_to(SRC)


def test_models_and_config_import_nothing_of_ours_but_errors() -> None:
    for name in ("models.py", "errors.py"):
        ours = {n for n in imports_of(SRC / name) if top(n) == "syndicator"}
        assert ours == set(), name
    ours = {n for n in imports_of(SRC / "config.py") if top(n) == "syndicator"}
    assert ours <= {"syndicator.errors", "syndicator.pacing"}  # pacing is pure
