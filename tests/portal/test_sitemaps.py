"""sitemap.xml is an index of paged sections (portal.sitemaps): no document grows with the rows,
each page costs the same queries, and a bad page number is a 404."""

import datetime
import xml.etree.ElementTree as ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.publishing import Status
from portal.registry import registry
from portal.sitemaps import PublishedSitemap
from tests.factories import make_article
from tests.sitemap_helpers import NAMESPACES, local, sitemap_entries, sitemap_pages

pytestmark = pytest.mark.django_db

ARTICLES = reverse("sitemap-section", kwargs={"section": "portal-article"})


def addresses(response) -> list[str]:
    return [loc.text for loc in ElementTree.fromstring(response.content).findall("s:url/s:loc", NAMESPACES)]


def queries(client, url) -> int:
    """Queries of a request after a first one (which fills per-process caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_index_lists_the_navigation_and_a_section_per_registered_model(client):
    pages = sitemap_pages(client)
    sections = ["pages", *(model._meta.label_lower.replace(".", "-") for model in registry.sitemap_models)]
    assert pages == [reverse("sitemap-section", kwargs={"section": section}) for section in sections]
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_the_index_gives_a_section_its_newest_change_and_no_last_modified_header(client):
    older = make_article()
    newer = make_article()
    index = client.get("/sitemap.xml")
    entries = {
        local(entry.findtext("s:loc", namespaces=NAMESPACES)): entry.findtext("s:lastmod", namespaces=NAMESPACES)
        for entry in ElementTree.fromstring(index.content).findall("s:sitemap", NAMESPACES)
    }
    assert datetime.datetime.fromisoformat(entries[ARTICLES]) == max(older.updated_at, newer.updated_at)
    assert entries[reverse("sitemap-section", kwargs={"section": "pages"})] is None
    # A row unpublished would change the list without moving the newest lastmod: no such header.
    assert "Last-Modified" not in index and "Last-Modified" not in client.get(ARTICLES)


def test_a_section_is_paged_at_its_limit_with_the_same_queries_per_page(client, monkeypatch):
    monkeypatch.setattr(PublishedSitemap, "limit", 3)
    make_article(sections=0)
    few = queries(client, ARTICLES)
    few_index = queries(client, "/sitemap.xml")
    articles = [make_article(sections=0) for _ in range(7)]
    make_article(sections=0, status=Status.DRAFT)
    pages = [page for page in sitemap_pages(client) if page.startswith(ARTICLES)]
    assert pages == [ARTICLES, f"{ARTICLES}?p=2", f"{ARTICLES}?p=3"]
    listed = []
    for page in pages:
        assert queries(client, page) == few, page
        found = addresses(client.get(page))
        assert 1 <= len(found) <= 3
        listed += found
    assert queries(client, "/sitemap.xml") == few_index
    assert len(listed) == len(set(listed)) == 8
    assert {f"http://testserver{article.get_absolute_url()}" for article in articles} <= set(listed)
    assert set(listed) <= set(sitemap_entries(client))


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "", "1.5", "2.0", "9" * 5000, "１x"])
def test_a_page_out_of_range_or_not_a_number_is_404(client, monkeypatch, page):
    monkeypatch.setattr(PublishedSitemap, "limit", 3)
    for _ in range(7):
        make_article(sections=0)
    assert client.get(ARTICLES, {"p": page}).status_code == 404


def test_an_unknown_section_is_404_and_an_empty_section_an_empty_list(client):
    assert client.get("/sitemap-nowhere.xml").status_code == 404
    response = client.get(ARTICLES)
    assert response.status_code == 200 and addresses(response) == []
    assert client.get(ARTICLES, {"p": "2"}).status_code == 404
