"""Dependencies point one way: a section imports portal, never another section, and portal
imports no section (sections register what they offer). Read from the import statements of
every module, parsed; a section is any installed app whose AppConfig is a SectionConfig."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from portal.registry import SectionConfig

SECTIONS = sorted(config.name for config in apps.get_app_configs() if isinstance(config, SectionConfig))


def imported_packages(app_label: str) -> dict[str, set[Path]]:
    """Each top-level package the app's modules import (relative imports resolved) -> the files."""
    root = Path(apps.get_app_config(app_label).path)
    found: dict[str, set[Path]] = {}
    for path in root.rglob("*.py"):
        package = [root.name, *path.relative_to(root).parent.parts]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level:
                names = [".".join(package[: len(package) - node.level + 1])]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path)
    return found


def test_the_sections_are_found_from_their_app_configs():
    assert {"parks", "talent", "innovation"} <= set(SECTIONS)
    assert "portal" not in SECTIONS


@pytest.mark.parametrize("section", SECTIONS)
def test_portal_imports_no_section(section):
    assert section not in imported_packages("portal"), imported_packages("portal")[section]


@pytest.mark.parametrize("section", SECTIONS)
def test_a_section_imports_portal_and_no_other_section(section):
    imported = imported_packages(section)
    assert "portal" in imported  # the parser sees this section's imports at all
    others = {other: sorted(map(str, imported[other])) for other in SECTIONS if other != section and other in imported}
    assert not others, others
