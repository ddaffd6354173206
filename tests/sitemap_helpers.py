"""Reading sitemap.xml as a crawler does: the index (/sitemap.xml), then every page of every
section it lists (portal.sitemaps). Tests that ask "is this address in the sitemap" read here."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

INDEX = "/sitemap.xml"
NAMESPACES = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def local(url: str) -> str:
    """The path and query of an absolute address ("http://testserver/a.xml?p=2" -> "/a.xml?p=2")."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sitemap_pages(client) -> list[str]:
    """The path (and `?p=N`) of every section page the index lists, in its order."""
    response = client.get(INDEX)
    assert response.status_code == 200, response.status_code
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    return [local(loc.text) for loc in root.findall("s:sitemap/s:loc", NAMESPACES)]


def sitemap_entries(client) -> dict[str, str | None]:
    """{absolute address: its lastmod or None} of every address on every section page."""
    entries = {}
    for page in sitemap_pages(client):
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        for url in ElementTree.fromstring(response.content).findall("s:url", NAMESPACES):
            entries[url.findtext("s:loc", namespaces=NAMESPACES)] = url.findtext("s:lastmod", namespaces=NAMESPACES)
    return entries


def sitemap_urls(client) -> list[str]:
    """Every absolute address the sitemap lists, through the index."""
    return list(sitemap_entries(client))


def sitemap_text(client) -> str:
    """The addresses one a line: for `in` checks on a path or a slug."""
    return "\n".join(sitemap_urls(client))
