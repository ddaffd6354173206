"""The public site as a visitor meets it: everything reachable from the home page by clicking,
no page answering 500 to any query string, and a fixed SQL budget on every page."""

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from parks.models import Metric
from portal.models import Article, Photo

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="([^"#]+)')
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/search/")
ODD_VALUES = ["", "abc", "-1", "0", "99999999999999999999", "%00", "\x00", "'\"<>", "长" * 300, "2017.5", "[]", "None"]


@pytest.fixture
def article_content():
    call_command("load_initial_data", stdout=io.StringIO())


def crawl(client, start="/", limit=300, pages=None):
    """Every internal page reachable from `start` by following links (pagination included).
    `pages`, if given, collects the text of each HTML page by URL."""
    seen, queue, statuses = set(), deque([start]), {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        if pages is not None:
            pages[url] = text
        for href in LINK.findall(text):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            if parts.path.endswith((".xml", "/feed/", ".txt")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return statuses


def test_everything_is_reachable_from_the_home_page_and_nothing_fails(client, article_content):
    statuses = crawl(client)
    assert not {url: status for url, status in statuses.items() if status >= 500}
    assert not {url: status for url, status in statuses.items() if status == 404}
    reached = {urlsplit(url).path for url in statuses}
    expected = {
        reverse("parks:park-home"),
        reverse("parks:area-list"),
        reverse("parks:milestone-list"),
        reverse("parks:industry-list"),
        reverse("parks:indicator-list"),
        reverse("parks:honour-list"),
        reverse("portal:photo-list"),
        reverse("portal:article-list"),
    }
    expected |= {article.get_absolute_url() for article in Article.objects.published()}
    expected |= {photo.get_absolute_url() for photo in Photo.objects.published()}
    assert expected <= reached, sorted(expected - reached)
    indicator_pages = [url for url in statuses if urlsplit(url).path == reverse("parks:indicator-list")]
    reached_metric_text = "".join(client.get(url).content.decode() for url in indicator_pages)
    for metric in Metric.objects.with_published_indicators():
        assert metric.name in reached_metric_text


LIST_PAGES = {
    "portal:photo-list": ["section", "tag", "q", "page"],
    "portal:article-list": ["column", "q", "page"],
    "portal:search": ["q"],
    "parks:park-home": ["page"],
    "parks:area-list": ["page"],
    "parks:milestone-list": ["decade", "year_from", "year_to", "q", "page"],
    "parks:industry-list": ["role", "page"],
    "parks:indicator-list": ["metric", "category", "year", "page"],
    "parks:honour-list": ["level", "q", "page"],
    "innovation:innovation-home": ["page"],
    "innovation:platform-list": ["kind", "partner", "state", "field", "q", "page"],
    "innovation:partner-list": ["kind", "country", "q", "page"],
    "innovation:enterprise-list": ["flag", "stage", "platform", "q", "page"],
    "innovation:event-list": ["kind", "year", "q", "page"],
    "innovation:achievement-list": ["kind", "q", "page"],
    "innovation:cooperation-list": ["scope", "state", "country", "q", "page"],
}


@pytest.mark.parametrize("url_name", sorted(LIST_PAGES))
def test_no_query_string_makes_a_page_fail(client, article_content, url_name):
    url = reverse(url_name)
    for param in LIST_PAGES[url_name] + ["unknown"]:
        for value in ODD_VALUES:
            response = client.get(url, {param: value})
            assert response.status_code == 200, (url, param, value, response.status_code)
        response = client.get(url, {param: ["1", "2"]})
        assert response.status_code == 200
    assert client.get(url + "?%ff%fe=%ff&&=&page&page=").status_code == 200


LIST_VIEWS = [
    "parks:area-list",
    "parks:milestone-list",
    "parks:industry-list",
    "parks:indicator-list",
    "parks:honour-list",
    "talent:award-list",
    "talent:laureate-list",
    "talent:expert-list",
    "innovation:platform-list",
    "innovation:partner-list",
    "innovation:enterprise-list",
    "innovation:event-list",
    "innovation:achievement-list",
    "innovation:cooperation-list",
    "portal:article-list",
    "portal:photo-list",
]


@pytest.mark.parametrize("url_name", LIST_VIEWS)
def test_a_list_page_names_itself_once_in_title_breadcrumb_and_heading(client, url_name):
    from portal.registry import registry

    url = reverse(url_name)
    page = registry.page(url_name)
    name = str(page.label)
    content = client.get(url).content.decode()
    assert re.search(rf"<title>{name} · [^<]+</title>", content)
    assert re.search(rf'<li aria-current="page">{name}</li>\s*</ol>', content)
    assert f"<h1>{name}</h1>" in content
    assert not page.description or f'<meta name="description" content="{page.description}">' in content
    namespace = url_name.split(":")[0]
    nav = registry.section_navs.get(namespace)
    if nav is None:
        assert 'class="section-nav"' not in content
        return
    assert f'<a href="{url}" aria-current="page">' in content.split('class="section-nav"')[1].split("</nav>")[0]
    home = nav.items[0]
    if home.url_name != url_name:
        assert f'<li><a href="{reverse(home.url_name)}">{home.label}</a></li><li aria-current="page">{name}</li>' in content


def source_notes() -> dict[str, str]:
    """{model label pk: text} of every loaded staff-only source note (来源说明), whatever the app."""
    from django.apps import apps

    notes = {}
    for model in apps.get_models():
        if any(field.name == "source_note" for field in model._meta.get_fields()):
            for pk, text in model.objects.exclude(source_note="").values_list("pk", "source_note"):
                notes[f"{model._meta.label} {pk}"] = text
    return notes


def test_no_public_page_shows_the_editors_source_notes(client, article_content):
    pages = {}
    crawl(client, pages=pages)
    notes = source_notes()
    assert "parks.Indicator" in " ".join(notes) and "innovation.InnovationFigure" in " ".join(notes)
    shown = {key: url for key, text in notes.items() for url, page in pages.items() if text in page}
    assert shown == {}
    # Section pages speak to the reader, not about the source ("原文为…"); the shell's photo
    # placeholders and the article page are checked where they are made.
    sections = ("/parks/", "/innovation/", "/talent/")
    quoting_the_source = sorted(url for url, page in pages.items() if url.startswith(sections) and "原文" in page)
    assert quoting_the_source == []
    assert any(url.startswith("/parks/indicators/") for url in pages)
