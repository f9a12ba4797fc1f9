"""Imports between the apps point one way (docs/architecture.md, "Apps and who may import whom").

Every module of every app is parsed (imports inside functions included); an import of
another app that the table below does not allow fails the test with the file and line.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIVE_APPS = {"messaging", "forums", "webinars"}
APPS = {
    "config",
    "realtime",
    "community",
    "notifications",
    "matchmaking",
    "hub",
    "newsletter",
    "sitesearch",
    *LIVE_APPS,
}

# What each app may import besides itself. `config` wires everything.
ALLOWED: dict[str, set[str]] = {
    "config": APPS,
    "realtime": set(),  # apps register their topics and actions with it
    "community": set(),
    "notifications": {"community", "realtime"},
    **{app: {"notifications", "community", "realtime"} for app in LIVE_APPS},
    # Matchmaking brings events, ClusterXchange listings and the directory together.
    "matchmaking": {"webinars", "messaging", "notifications", "community", "realtime"},
    # The information hub (open calls: ClusterXchange listings tagged with a call, reminders
    # through notifications). Nothing but config imports it.
    "hub": {"community", "notifications", "messaging", "realtime", "webinars", "forums"},
    # The newsletter (issues gather news, calls and events; sent by the notifications worker).
    "newsletter": {"hub", "webinars", "community", "notifications", "realtime"},
    # One search across everything: it may read every app but config; only config imports it.
    "sitesearch": APPS - {"config", "sitesearch"},
}


def imported_apps(path: Path) -> list[tuple[int, str]]:
    """(line, app) for each import of a project app in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend((node.lineno, name.split(".")[0]) for name in names)
    return [(line, app) for line, app in found if app in APPS]


def wrong_way_imports(app: str) -> list[str]:
    allowed = ALLOWED[app] | {app}
    return [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, other in imported_apps(path)
        if other not in allowed
    ]


@pytest.mark.parametrize("app", sorted(APPS))
def test_imports_point_one_way(app):
    assert wrong_way_imports(app) == []


def test_the_check_sees_a_wrong_way_import(tmp_path, monkeypatch):
    """The rule above is not vacuous: a community module importing messaging is caught."""
    fake = tmp_path / "community"
    fake.mkdir()
    (fake / "leak.py").write_text("def f():\n    from messaging.models import Message\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert wrong_way_imports("community") == ["community/leak.py:2 imports messaging"]
