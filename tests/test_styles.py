"""Presentation rules that live in the style sheets: a key figure's unit stays on its number's
line, card grids leave no card alone beside a gap, and long Chinese text is not justified on
phones (justification stretches the gaps between characters on a narrow screen)."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from tests.factories import make_indicator, make_metric

CSS = settings.BASE_DIR / "static" / "css"


def rules(name: str) -> str:
    return re.sub(r"/\*.*?\*/", "", (CSS / name).read_text(encoding="utf-8"), flags=re.S)


def top_level(css: str) -> str:
    """The style sheet without its @media blocks."""
    return re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)


def test_long_text_is_justified_only_on_wide_screens():
    for sheet in sorted(CSS.glob("*.css")):
        assert "justify;" not in top_level(rules(sheet.name)).replace(" ", ""), sheet.name


@pytest.mark.django_db
def test_a_key_figure_keeps_its_unit_on_the_numbers_line():
    indicator = make_indicator(metric=make_metric(name="工业总产值", unit="亿元"), value="1829.84")
    html = render_to_string("parks/includes/_key_figures.html", {"indicators": [indicator]})
    value = re.search(r'<dd class="key-figure__value">(.*?)</dd>', html, re.S).group(1)
    assert "<strong>1829.84</strong>" in value and '<span class="key-figure__unit">亿元</span>' in value
    assert re.search(r"\.key-figure__value\s*\{[^}]*white-space:\s*nowrap", rules("sections.css"))


def test_grids_leave_no_orphan_card():
    sections = rules("sections.css")
    assert re.search(r"\.key-figures\s*\{[^}]*display:\s*flex[^}]*flex-wrap:\s*wrap", sections)
    assert re.search(r"\.key-figure\s*\{[^}]*flex:\s*1 1", sections)  # a short last row grows to fill it
    assert re.search(r"\.card-list--grid > :last-child:nth-child\(odd\)\s*\{\s*grid-column:\s*1 / -1", sections)
