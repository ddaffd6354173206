"""The innovation landing page, platform list and a platform page in a real browser, at a
laptop and a phone size, with the article loaded: no console error, failed request, CSP
violation, sideways scrolling or serious axe-core violation; filtering by partner works by
clicking through the form."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from .conftest import serious_accessibility_violations
from .test_pages import check_page

pytestmark = pytest.mark.browser

PAGES = {
    "innovation": lambda: reverse("innovation:innovation-home"),
    "innovation-platforms": lambda: reverse("innovation:platform-list"),
    "innovation-platform": lambda: reverse(
        "innovation:platform-detail", kwargs={"slug": "liu-zhi-yuan-xie-tong-chuang-xin-yan-jiu-yuan"}
    ),
    "innovation-cooperation": lambda: reverse("innovation:cooperation-list"),
}


@pytest.fixture
def article_content(transactional_db):
    call_command("load_initial_data", stdout=io.StringIO())


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
@pytest.mark.parametrize("name", list(PAGES))
def test_innovation_page(live_server, article_content, open_page, name, viewport):
    page, problems = open_page(viewport)
    found = check_page(page, problems, live_server.url + PAGES[name](), f"{name}-{viewport}")
    assert not found, f"{name} page at {viewport} size:\n" + "\n".join(found)


def test_platform_list_filters_by_partner_through_the_form(live_server, article_content, open_page):
    page, problems = open_page("desktop")
    page.goto(live_server.url + reverse("innovation:platform-list"))
    page.get_by_label("合作机构").select_option(label="湖南大学")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**partner=hu-nan-da-xue**")
    titles = page.locator("main .card__title").all_inner_texts()
    assert titles == ["国际合作技术中心", "湖南大学智能激光制造重点实验室"]
    page.get_by_role("link", name="湖南大学智能激光制造重点实验室").click()
    page.get_by_role("link", name="深圳大族激光").click()
    assert page.locator("h1").inner_text() == "深圳大族激光"
    assert page.get_by_role("link", name="湖南大学智能激光制造重点实验室").is_visible()
    assert problems.report(page) == []
    assert serious_accessibility_violations(page) == []
