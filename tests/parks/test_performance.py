"""A park's page reads each block with one plain query and caps its lists, so it neither grows
nor runs more queries with the rows (issue 11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.models import MetricCategory, Park
from parks.views import LATEST_MILESTONE_COUNT, PARK_PAGE_ROWS
from portal.models import SiteSettings
from portal.publishing import Status
from tests.factories import make_honour, make_indicator, make_metric, make_milestone, make_park
from tests.parks.factories_parks import make_area, make_industry, make_profile_item

pytestmark = pytest.mark.django_db


def add_rows(park, n, start=0):
    for i in range(start, start + n):
        make_area(park=park, name=f"片区{i:03d}", ordering=i)
        make_industry(park=park, name=f"产业{i:03d}", ordering=i)
        make_honour(park=park, name=f"荣誉{i:03d}")
        make_milestone(park=park, title=f"大事{i:03d}")
        if i < 3:  # the profile's items are the park's own text, not a list of rows
            make_profile_item(park=park, text=f"条目{i}")
    # The section factories make a park of their own for every row (setdefault); a zone's parks
    # are a handful, listed in full under 其他园区, so keep only this one.
    Park.objects.exclude(pk=park.pk).delete()


def test_park_page_caps_its_lists(client):
    park = make_park()
    add_rows(park, PARK_PAGE_ROWS + 5)
    content = client.get(park.get_absolute_url()).content.decode()
    for label in ("片区", "产业", "荣誉"):
        assert sum(f"{label}{i:03d}" in content for i in range(PARK_PAGE_ROWS + 5)) == PARK_PAGE_ROWS, label
    assert sum(f"大事{i:03d}" in content for i in range(PARK_PAGE_ROWS + 5)) == LATEST_MILESTONE_COUNT
    assert "片区000" in content and "产业000" in content  # the first by their ordering


def test_key_figures_and_rankings_each_show_their_own_latest_year(client):
    park = make_park()
    figure = make_metric(name="营业收入")
    ranking = make_metric(name="综合排名", category=MetricCategory.RANKING, unit="位")
    make_indicator(park=park, metric=figure, year=2018, value="1111", featured=True)
    make_indicator(park=park, metric=figure, year=2019, value="2222", featured=True)
    make_indicator(park=park, metric=figure, year=2020, value="3333", featured=False)  # not a key figure
    make_indicator(park=park, metric=figure, year=2021, value="4444", featured=True, status=Status.DRAFT)
    make_indicator(park=park, metric=ranking, year=2020, value="55")
    make_indicator(park=park, metric=ranking, year=2017, value="99")
    other = make_park(name="别的园区")
    make_indicator(park=other, metric=figure, year=2022, value="7777", featured=True)
    content = client.get(park.get_absolute_url()).content.decode()
    assert "主要经济指标（2019年）" in content and "<strong>2222</strong>" in content
    rankings = content[content.index('class="ranking"') :]
    assert "2020" in rankings[:400] and "2017" not in rankings[:400]
    for hidden in ("1111", "3333", "4444", "7777"):
        assert f"<strong>{hidden}</strong>" not in content


def test_park_page_neither_grows_nor_runs_more_queries_with_rows(client, django_assert_max_num_queries):
    park = make_park()
    SiteSettings.load()
    add_rows(park, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(park.get_absolute_url())
    add_rows(park, 3 * PARK_PAGE_ROWS, start=100)
    with django_assert_max_num_queries(len(few)):
        large = client.get(park.get_absolute_url()).content
    add_rows(park, PARK_PAGE_ROWS, start=500)
    assert abs(len(client.get(park.get_absolute_url()).content) - len(large)) < 100
