"""Imports run downwards (docs/decisions/0011-layers.md).

Reads every module of ``src/lianmeng`` — imports at the top and inside functions alike — and
every template's ``{% extends %}``, ``{% include %}`` and ``{% load %}``, and fails when an app
reaches one above it in :data:`LAYERS`, or when a package is in no layer at all (a new app must
be given its place before it is used).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "lianmeng"

#: bottom first; an app may import its own layer's modules and any layer below it
LAYERS: list[str] = [
    "policy",
    "core",
    "ui",
    "documents",
    "jobs",
    "workflow",
    "notices",
    "calls",
    "proposals",
    "reviews",
    "experts",
    "alliances",
    "schedule",
    "construction",
    "reporting",
    "running",
    "evaluation",
    "rewards",
    "ipbase",
    "projects",
    "whatif",
    "insight",
    "web",
    "api",
    "scale",
    "demo",
    "config",
    "cli",
]
RANK = {app: rank for rank, app in enumerate(LAYERS)}
#: folders of the package that hold no code
NOT_APPS = {"locale", "var", "__pycache__"}


def _app_of(path: Path) -> str:
    first = path.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def _imported_apps(path: Path, root: Path = PACKAGE) -> list[tuple[str, int]]:
    """(app, line) of every import of ``lianmeng.<app>`` in the module, at any depth."""
    rel = path.relative_to(root).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                package = list(rel[: len(rel) - node.level])
                target = package + (node.module.split(".") if node.module else [])
                names = target[:1] if target else [alias.name for alias in node.names]
            elif node.module and node.module.split(".")[0] == "lianmeng":
                parts = node.module.split(".")
                names = parts[1:2] if len(parts) > 1 else [alias.name for alias in node.names]
            else:
                names = []
        elif isinstance(node, ast.Import):
            names = [
                alias.name.split(".")[1]
                for alias in node.names
                if alias.name.startswith("lianmeng.")
            ]
        else:
            continue
        found += [(name, node.lineno) for name in names]
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _template_libraries() -> dict[str, str]:
    """``{% load name %}`` → the app whose templatetags define ``name``."""
    return {
        tag.stem: _app_of(tag)
        for tag in PACKAGE.glob("*/templatetags/*.py")
        if tag.stem != "__init__"
    }


TEMPLATE_REF = re.compile(r"{%\s*(?:extends|include)\s+[\"']([a-z_]+)/")
TEMPLATE_LOAD = re.compile(r"{%\s*load\s+([\w ]+?)\s*%}")


def test_every_package_has_a_layer():
    packages = {
        p.name
        for p in PACKAGE.iterdir()
        if p.is_dir() and p.name not in NOT_APPS and (p / "__init__.py").exists()
    }
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert sorted((packages | modules) - RANK.keys()) == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downwards(path: Path):
    if path.parent == PACKAGE and path.stem == "__init__":
        return
    app = _app_of(path)
    upward = [
        f"{path.relative_to(PACKAGE)}:{line} imports lianmeng.{target} ({target} is above {app})"
        for target, line in _imported_apps(path)
        if target in RANK and RANK[target] > RANK[app]
    ]
    assert upward == []


def test_templates_reach_only_downwards():
    libraries = _template_libraries()
    upward = []
    for template in sorted(PACKAGE.glob("*/templates/**/*.html")):
        app = _app_of(template)
        text = template.read_text(encoding="utf-8")
        for target in TEMPLATE_REF.findall(text):
            if target in RANK and RANK[target] > RANK[app]:
                upward.append(f"{template.relative_to(PACKAGE)} uses a template of {target}")
        for names in TEMPLATE_LOAD.findall(text):
            for name in names.split():
                target = libraries.get(name)
                if target is not None and RANK[target] > RANK[app]:
                    upward.append(f"{template.relative_to(PACKAGE)} loads {name} of {target}")
    assert upward == []


def test_the_checker_sees_upward_imports(tmp_path):
    """The reader finds imports inside functions and relative ones (it cannot pass blind)."""
    root = tmp_path / "lianmeng"
    (root / "proposals").mkdir(parents=True)
    probe = root / "proposals" / "probe.py"
    probe.write_text(
        "from .models import X\n"
        "from ..web import views\n"
        "def f():\n"
        "    from lianmeng.alliances.models import Alliance\n"
        "    import lianmeng.cli\n",
        encoding="utf-8",
    )
    assert sorted(_imported_apps(probe, root)) == [
        ("alliances", 4),
        ("cli", 5),
        ("proposals", 1),
        ("web", 2),
    ]
