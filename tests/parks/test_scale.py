"""The park pages do not grow with the row count (issue 11): the timeline is read along its order
index (no Python date function per row, no sort of every milestone), the indicators page reads
its rankings and dataset from the rows it already has, the park page caps its other parks, and
every list runs the same queries with few rows and with many."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.indicators import latest_rankings
from parks.models import Indicator, MetricCategory, Milestone, Park
from parks.views import PARK_PAGE_ROWS
from portal.dates import DatePrecision
from portal.models import SiteSettings
from portal.publishing import Status
from tests.factories import make_honour, make_indicator, make_metric, make_milestone, make_park
from tests.pages import options_of, page
from tests.parks.factories_parks import make_area, make_industry

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")


def add_milestones(park, count: int, start: int = 0) -> None:
    """`count` published milestones of `park` over three decades (bulk: one query)."""
    Milestone.objects.bulk_create(
        Milestone(park=park, title=f"大事{n:04d}", date=date(1995 + n % 30, 1 + n % 12, 1), status=Status.PUBLISHED)
        for n in range(start, start + count)
    )


def queries_of(client, url, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        page(client, url, params)
    return [query["sql"] for query in queries.captured_queries]


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


# --- the timeline -------------------------------------------------------------------------------


def test_the_timeline_runs_the_same_queries_with_few_milestones_and_many(client, django_assert_max_num_queries):
    park = make_park()
    SiteSettings.load()
    add_milestones(park, 3)
    url = reverse("parks:milestone-list")
    few = queries_of(client, url)
    add_milestones(park, 300, start=100)
    with django_assert_max_num_queries(len(few)):
        html = page(client, url)
    assert options_of(html, "decade") == ["", "1990", "2000", "2010", "2020"]
    with django_assert_max_num_queries(len(few)):
        page(client, url, {"decade": "2010", "page": "2"})


def test_the_timeline_calls_no_python_date_function_in_sql(client):
    """Django's ExtractYear and dates() are Python functions on SQLite, called once per row read;
    the timeline's year is plain SQL (parks.models.Year), so no query names one."""
    add_milestones(make_park(), 5)
    for params in ({}, {"decade": "2000"}, {"year_from": "2000", "year_to": "2010"}):
        for sql in queries_of(client, reverse("parks:milestone-list"), params):
            assert "django_date" not in sql, sql


def test_a_decade_is_its_ten_years_by_the_year_the_timeline_sorts_on(client):
    park = make_park()
    make_milestone(park=park, title="九十年代末", date=date(1999, 12, 31), date_precision=DatePrecision.DAY)
    make_milestone(park=park, title="新世纪", date=date(2000, 1, 1), date_precision=DatePrecision.YEAR)
    make_milestone(park=park, title="草稿", date=date(1995, 1, 1), status=Status.DRAFT)
    assert [m.title for m in Milestone.objects.published().in_decade(1990)] == ["九十年代末"]
    assert [m.title for m in Milestone.objects.published().in_decade(2000)] == ["新世纪"]
    assert Milestone.objects.published().years() == [1999, 2000]
    html = page(client, reverse("parks:milestone-list"), {"decade": "1990"})
    assert "九十年代末" in html and "新世纪" not in html and "草稿" not in html


@sqlite_only
@pytest.mark.parametrize("params", [{}, {"decade": "2000"}, {"page": "2"}])
def test_the_timeline_is_read_along_its_order_index_without_sorting_it(client, params):
    """A page of the timeline, its count and its decades walk parks_milestone_order_idx: without
    it SQLite sorts every published milestone for each page (and computes each one's year)."""
    add_milestones(make_park(), 30)
    found = [sql for sql in queries_of(client, reverse("parks:milestone-list"), params) if 'FROM "parks_milestone"' in sql]
    assert len(found) == 3, found  # decades, count, rows
    for sql in found:
        plan = plan_of(sql)
        assert "parks_milestone_order_idx" in plan and "TEMP B-TREE" not in plan, (sql, plan)
    if "decade" in params:
        assert "<expr>>? AND <expr><?" in plan_of(found[-1])  # a range of the index, not a filter


@sqlite_only
def test_the_latest_milestones_are_read_newest_first_from_the_order_indexes(client):
    """The park page's latest milestones (one park) and the home page's (every park) walk the
    order indexes backwards and stop after the few they show."""
    park = make_park()
    add_milestones(park, 30)
    park_page = [sql for sql in queries_of(client, park.get_absolute_url()) if 'FROM "parks_milestone"' in sql]
    home = [sql for sql in queries_of(client, reverse("portal:home")) if 'FROM "parks_milestone"' in sql]
    for sql, index in [(park_page[0], "parks_milestone_park_order_idx"), (home[0], "parks_milestone_order_idx")]:
        plan = plan_of(sql)
        assert f"{index} (" in plan and "TEMP B-TREE" not in plan, (sql, plan)


# --- the indicators page ------------------------------------------------------------------------


@pytest.fixture
def rankings_data():
    """Two parks' indicators: rankings of several years (one a draft), and other metrics."""
    first, second = make_park(name="甲园区"), make_park(name="乙园区")
    rank = make_metric(name="综合排名", category=MetricCategory.RANKING, unit="位")
    other_rank = make_metric(name="创新排名", category=MetricCategory.RANKING, unit="位")
    output = make_metric(name="工业总产值", category=MetricCategory.ECONOMY)
    make_indicator(park=first, metric=rank, year=2016, value="50")
    make_indicator(park=first, metric=rank, year=2018, value="45")
    make_indicator(park=first, metric=other_rank, year=2018, value="30")
    make_indicator(park=first, metric=rank, year=2019, value="40", status=Status.DRAFT)
    make_indicator(park=second, metric=rank, year=2017, value="99")
    make_indicator(park=first, metric=output, year=2020, value="1829.84")
    return {"first": first, "second": second}


def test_the_rankings_read_from_the_rows_are_the_latest_year_of_each_park(rankings_data):
    rows = list(Indicator.objects.published().select_related("metric", "park"))
    expected = list(Indicator.objects.published().rankings().latest_year())
    assert [row.pk for row in latest_rankings(rows)] == [row.pk for row in expected]
    assert sorted((row.park.name, row.year) for row in expected) == [("乙园区", 2017), ("甲园区", 2018), ("甲园区", 2018)]


@pytest.mark.parametrize("params", [{}, {"year": "2020"}, {"category": "economy"}, {"metric": "bu-cun-zai"}])
def test_the_indicators_page_shows_the_same_rankings_and_dataset_however_it_is_filtered(client, rankings_data, params):
    html = page(client, reverse("parks:indicator-list"), params)
    ranking = html[html.index('class="ranking"') : html.index("</section>", html.index('class="ranking"'))]
    assert "第45位" in ranking and "第99位" in ranking and "第30位" in ranking
    assert "第50位" not in ranking and "第40位" not in ranking
    dataset = html[html.index('"@type": "Dataset"') :]
    assert '"temporalCoverage": "2016/2020"' in dataset, dataset[:600]


def test_the_indicators_page_reads_rankings_and_dataset_from_its_rows_unless_narrowed(client, rankings_data):
    SiteSettings.load()
    url = reverse("parks:indicator-list")
    page(client, url)
    whole = queries_of(client, url)
    assert len(whole) == 4, whole  # site settings, years, metrics, every row
    assert len(queries_of(client, url, {"year": "2018"})) == 4
    assert len(queries_of(client, url, {"category": "economy"})) == 6  # + rankings, + the Dataset's rows


def test_the_indicators_page_runs_the_same_queries_with_few_rows_and_many(client, django_assert_max_num_queries):
    SiteSettings.load()
    park = make_park()
    metrics = [make_metric(name=f"指标{n}") for n in range(3)]
    for metric in metrics:
        make_indicator(park=park, metric=metric, year=2017)
    url = reverse("parks:indicator-list")
    few = queries_of(client, url)
    for metric in metrics:
        for year in range(2000, 2017):
            make_indicator(park=park, metric=metric, year=year)
    with django_assert_max_num_queries(len(few)):
        page(client, url)


def test_the_metric_options_are_named_by_name_and_unit(client):
    make_indicator(metric=make_metric(name="工业总产值", unit="亿元", slug="gong-ye-zong-chan-zhi"))
    make_indicator(metric=make_metric(name="专利授权量", unit="件", slug="zhuan-li"))
    html = page(client, reverse("parks:indicator-list"))
    assert '<option value="gong-ye-zong-chan-zhi">工业总产值（亿元）</option>' in html
    assert "专利授权量（件）" in html


# --- the park page and the other lists ----------------------------------------------------------


def test_the_park_page_caps_the_other_parks_and_badges_the_samples(client):
    park = make_park(name="本园区", ordering=0)
    Park.objects.bulk_create(
        Park(name=f"示例园区{n:03d}", slug=f"park-{n}", status=Status.PUBLISHED, ordering=n + 1, is_sample=n % 2 == 0)
        for n in range(PARK_PAGE_ROWS + 10)
    )
    html = page(client, park.get_absolute_url())
    others = html[html.index('id="park-others"') :]
    others = others[: others.index("</section>")]
    assert others.count("<li>") == PARK_PAGE_ROWS
    assert "示例园区000" in others and f"示例园区{PARK_PAGE_ROWS:03d}" not in others
    assert others.count('class="sample-badge"') == PARK_PAGE_ROWS // 2  # every other one is a sample
    # The first park is the zone (its JSON-LD names the site's zone), whatever the cap.
    assert SiteSettings.load().zone_name in html[html.index("application/ld+json") :]


def test_a_later_park_is_not_described_as_the_zone(client):
    make_park(name="第一园区", ordering=0)
    later = make_park(name="后来园区", ordering=5)
    html = page(client, later.get_absolute_url())
    data = html[html.index("application/ld+json") :]
    assert '"name": "后来园区"' in data


@pytest.mark.parametrize(
    ("url_name", "add"),
    [
        ("parks:honour-list", lambda park, n: make_honour(park=park, name=f"荣誉{n}")),
        ("parks:area-list", lambda park, n: make_area(park=park, name=f"片区{n}")),
        ("parks:industry-list", lambda park, n: make_industry(park=park, name=f"产业{n}")),
    ],
)
def test_the_lists_run_the_same_queries_with_few_rows_and_many(client, django_assert_max_num_queries, url_name, add):
    SiteSettings.load()
    park = make_park()
    for n in range(3):
        add(park, n)
    url = reverse(url_name)
    few = queries_of(client, url)
    for n in range(3, 60):
        add(park, n)
    with django_assert_max_num_queries(len(few)):
        page(client, url)
