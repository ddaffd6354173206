"""sitemap.xml: an index of one sitemap per section, each in pages of at most `limit` addresses.

`/sitemap.xml` (the address robots.txt gives) is a sitemap index (Django's `index` view): the
navigation's pages, then one section per registered model with its published detail pages
(never a 示例 row: rows with `is_sample` set are left out, for any model that has the flag), at
`/sitemap-<section>.xml`, paged `?p=2`, `?p=3`… when a model has more rows than `limit`. So no
document grows with the rows: the index holds one line per page of a section, a page at most
`limit` addresses, and each page costs the same two queries (the section's count and newest
change, one page of rows) whatever the table's size. A page number out of range, or not a
number, is a 404 (Django's view), never a 500.

Both are ordinary responses that the page cache (portal.page_cache) stores and keeps fresh like
any page; the query string is part of its key, so each `?p=N` is stored on its own.
"""

import functools

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse

from .models import without_samples
from .registry import registry

# Addresses per sitemap page: the protocol allows 50,000; a smaller page keeps each response
# small and quick (about 200 KB), and crawlers follow the index to the next page.
SITEMAP_LIMIT = 1000


class NavPagesSitemap(Sitemap):
    """The pages the navigation links to: the top navigation and each section's own row."""

    def items(self):
        names = [item.url_name for item in registry.nav]
        names += [item.url_name for nav in registry.section_navs.values() for item in nav.items]
        return list(dict.fromkeys(names))

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    """The detail pages of a model's published rows that are not samples, with the time each
    last changed, `limit` to a page.

    Rows come in primary-key order (stable pages, no sort of the whole table) and only with the
    columns an address and its lastmod need: a registered model's detail page is
    /<section>/<plural>/<slug>/ (tests/test_urls.py), so `get_absolute_url` reads the slug alone.
    The count the pages need and the newest change the index shows come from one aggregate."""

    limit = SITEMAP_LIMIT

    def __init__(self, model):
        self.model = model

    def items(self):
        return without_samples(self.model.objects.published()).order_by("pk").only("pk", "slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at

    @functools.cached_property
    def summary(self) -> dict:
        """{"count": public rows, "latest": their newest updated_at}, in one query."""
        return self.items().order_by().aggregate(count=Count("pk"), latest=Max("updated_at"))

    @property
    def paginator(self):
        paginator = Paginator(self.items(), self.limit)
        paginator.count = self.summary["count"]  # known: no COUNT query of its own
        return paginator

    def get_latest_lastmod(self):
        """For the index: the newest change among the rows (Django's default reads every row)."""
        return self.summary["latest"]


def sitemaps() -> dict:
    """{section: a factory of its sitemap}. Django's views call a callable value once per request,
    so each request has sitemaps of its own (they keep state while rendering)."""
    return {
        "pages": NavPagesSitemap,
        **{
            model._meta.label_lower.replace(".", "-"): functools.partial(PublishedSitemap, model)
            for model in registry.sitemap_models
        },
    }


def _without_last_modified(response):
    """Django's sitemap views send Last-Modified as the newest lastmod they list; a row unpublished
    or deleted changes the list without moving it, so a revalidating crawler would be told "304
    Not Modified" about a stale list. Left out: the page cache sends the time of the content's
    last change instead (portal.page_cache), and the ETag tells any change."""
    if response.has_header("Last-Modified"):
        del response.headers["Last-Modified"]
    return response


def index(request):
    """/sitemap.xml: every page of every section's sitemap, with the section's newest change."""
    response = sitemap_views.index(request, sitemaps=sitemaps(), sitemap_url_name="sitemap-section")
    return _without_last_modified(response)


def section(request, section: str):
    """/sitemap-<section>.xml?p=N: one page of one section (404 for an unknown section or page)."""
    response = sitemap_views.sitemap(request, sitemaps=sitemaps(), section=section)
    return _without_last_modified(response)
