"""The portal's photo and article queries are read from indexes in the page's order and stop at
the page's end, and those that leave out sample rows read none of them (issue 11). Checked with
SQLite's query plan; PostgreSQL's planner chooses by statistics, so it only runs the queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.home import HOME_PHOTO_COUNT
from portal.models import Article, Photo, without_samples
from portal.sitemaps import PublishedSitemap
from portal.views import SITE_MAP_ROWS_PER_MODEL

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")


def plans(run) -> str:
    """SQLite's plan of every query `run()` makes, as one string."""
    with CaptureQueriesContext(connection) as queries:
        run()
    steps = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            steps += [str(row[-1]) for row in cursor.fetchall()]
    return " | ".join(steps)


def real_photos():
    return without_samples(Photo.objects.published())


def real_articles():
    return without_samples(Article.objects.published())


@sqlite_only
@pytest.mark.parametrize(
    ("rows", "index"),
    [
        (lambda: Photo.objects.published().filter(featured=True)[: HOME_PHOTO_COUNT + 1], "portal_photo_featured_idx"),
        (lambda: Photo.objects.published()[:24], "portal_photo_list_idx"),
        (lambda: Photo.objects.published().filter(section="park")[:24], "portal_photo_section_idx"),
        (lambda: real_photos()[: SITE_MAP_ROWS_PER_MODEL + 1], "portal_photo_real_list_idx"),
        (lambda: real_articles()[: SITE_MAP_ROWS_PER_MODEL + 1], "portal_article_real_list_idx"),
    ],
    ids=["home-featured", "photo-list", "photo-list-section", "site-map-photos", "site-map-articles"],
)
def test_a_page_of_rows_is_read_in_order_from_its_index(rows, index):
    plan = plans(lambda: list(rows()))
    assert index in plan and "TEMP B-TREE" not in plan, plan


@sqlite_only
@pytest.mark.parametrize(
    ("count", "index"),
    [
        (lambda: Photo.objects.published().count(), "portal_photo_list_idx"),
        (lambda: Photo.objects.published().filter(section="park").count(), "portal_photo_section_idx"),
        (lambda: real_photos().count(), "portal_photo_real_list_idx"),
        (lambda: PublishedSitemap(Photo).summary, "portal_photo_real_list_idx"),
        (lambda: PublishedSitemap(Article).summary, "portal_article_real_list_idx"),
    ],
    ids=["photo-list", "photo-list-section", "api-photos", "sitemap-photos", "sitemap-articles"],
)
def test_counts_read_the_index_alone(count, index):
    """The row count of a list (and sitemap.xml's newest change) comes from the index, never the
    table; the real rows' index holds no sample row."""
    plan = plans(count)
    assert f"COVERING INDEX {index}" in plan, plan


def test_the_indexed_queries_answer_on_every_database():
    """The partial indexes' conditions are plain SQL on both databases: the queries run and count."""
    from tests.factories import make_article, make_photo

    make_photo(featured=True)
    make_photo(is_sample=True)
    make_article()
    make_article(is_sample=True)
    assert len(Photo.objects.published().filter(featured=True)[: HOME_PHOTO_COUNT + 1]) == 1
    assert real_photos().count() == 1 and PublishedSitemap(Photo).summary["count"] == 1
    assert real_articles().count() == 1 and PublishedSitemap(Article).summary["count"] == 1
