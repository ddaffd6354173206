"""The "下载 CSV / JSON" links of the list pages (portal.downloads): every row the page's current
filters select — all pages of them — as one file, streamed, with a query count that does not
grow with the rows."""

import csv
import io
import json
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.models import HonourLevel
from tests.factories import make_article, make_honour, make_park

pytestmark = pytest.mark.django_db


def download_links(client, path: str) -> dict[str, str]:
    html = client.get(path).content.decode()
    block = re.search(r'<p class="downloads">(.*?)</p>', html, re.S)
    if block is None:
        return {}
    links = re.findall(r'<a href="([^"]+)" download>', block.group(1))
    return {re.search(r"format=(\w+)", unescape(link)).group(1): unescape(link) for link in links}


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


@pytest.fixture
def honours():
    park = make_park()
    national = [make_honour(park=park, level=HonourLevel.NATIONAL, name=f"国家级荣誉 {n:02d}") for n in range(25)]
    for n in range(3):
        make_honour(park=park, level=HonourLevel.INTERNATIONAL, name=f"国际荣誉 {n}")
    return national


def test_the_links_carry_the_current_filters_and_give_every_page_of_rows(client, honours):
    path = reverse("parks:honour-list") + "?level=national&page=2"
    links = download_links(client, path)
    assert set(links) == {"csv", "json"}
    assert "level=national" in links["csv"] and "page=" not in links["csv"]
    rows = list(csv.DictReader(io.StringIO(body(client.get(links["csv"])).decode("utf-8-sig"))))
    assert sorted(row["name"] for row in rows) == sorted(honour.name for honour in honours)  # 25 rows: more than a page
    items = json.loads(body(client.get(links["json"])))
    assert sorted(item["name"] for item in items) == sorted(honour.name for honour in honours)


def test_a_download_is_an_attachment_named_in_chinese_and_plainly(client, honours):
    response = client.get(download_links(client, reverse("parks:honour-list"))["csv"])
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="honour-\d{8}\.csv"', disposition)
    assert "filename*=UTF-8''" in disposition
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body(response).startswith(b"\xef\xbb\xbf")


def test_no_links_when_the_filters_are_refused(client, honours):
    assert download_links(client, reverse("parks:honour-list") + "?level=nonsense") == {}


def test_queries_do_not_grow_with_the_rows(client):
    park = make_park()
    make_honour(park=park)
    url = "/api/v1/parks/honours/?download=1&format=csv"
    with CaptureQueriesContext(connection) as few:
        body(client.get(url))
    for _ in range(30):
        make_honour(park=park)
    with CaptureQueriesContext(connection) as many:
        assert body(client.get(url)).count(b"\n") == 32  # the header and 31 rows
    assert len(many) == len(few)


def test_sample_rows_come_flagged_when_asked_for(client):
    make_article(title="真实文章")
    make_article(title="示例文章", is_sample=True)
    facts = json.loads(body(client.get("/api/v1/articles/?download=1")))
    assert [item["title"] for item in facts] == ["真实文章"]
    everything = json.loads(body(client.get("/api/v1/articles/?download=1&include_samples=1")))
    assert {item["title"]: item["is_sample"] for item in everything} == {"真实文章": False, "示例文章": True}


def test_a_bad_filter_is_refused_before_any_file_starts(client):
    response = client.get("/api/v1/parks/honours/?download=1&format=csv&level=nonsense")
    assert response.status_code == 400
    assert not response.streaming
    assert re.search(r"[\u4e00-\u9fff]", response.content.decode())


def test_downloads_are_never_stored_by_the_page_cache(client, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_PAGE_CACHE = True
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_honour(name="旧名称")
    url = "/api/v1/parks/honours/?download=1&format=csv"
    body(client.get(url))
    with CaptureQueriesContext(connection) as second:
        assert "旧名称" in body(client.get(url)).decode("utf-8-sig")
    assert len(second) > 0
    cache.clear()


def pages_with_downloads() -> list[tuple[str, str]]:
    """(URL name, resource) of every registered list page that offers downloads."""
    from django.urls import resolve

    from portal.sitemaps import NavPagesSitemap

    found = []
    for url_name in NavPagesSitemap().items():
        view_class = getattr(resolve(reverse(url_name)).func, "view_class", None)
        resource = getattr(view_class, "download_resource", None)
        if resource:
            found.append((url_name, resource))
    return sorted(found)


def test_the_table_pages_offer_downloads():
    assert {resource for _name, resource in pages_with_downloads()} >= {
        "parks/honours",
        "talent/experts",
        "talent/laureates",
        "innovation/platforms",
        "innovation/enterprises",
    }


@pytest.mark.parametrize(("url_name", "resource"), pages_with_downloads())
def test_each_download_link_gives_the_page_rows(client, url_name, resource):
    from tests.portal.test_api import FACTORIES

    FACTORIES[resource]()
    links = download_links(client, reverse(url_name))
    assert "json" in links
    items = json.loads(body(client.get(links["json"])))
    assert len(items) == 1
    if "csv" in links:
        lines = body(client.get(links["csv"])).decode("utf-8-sig").splitlines()
        assert len(lines) == 2
