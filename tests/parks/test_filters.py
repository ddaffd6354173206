import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from parks.models import HonourLevel, IndustryRole, MetricCategory
from portal.dates import DatePrecision
from tests.factories import make_honour, make_indicator, make_metric, make_milestone, make_park
from tests.parks.factories_parks import make_area, make_industry

pytestmark = pytest.mark.django_db


def get(client, url_name, params=None):
    response = client.get(reverse(url_name), params or {})
    assert response.status_code == 200
    content = response.content.decode()
    return content[content.index("<h1") : content.index("</main>")]


@pytest.fixture
def timeline():
    park = make_park()
    make_milestone(park=park, title="批准成立", date=date(1992, 9, 1), date_precision=DatePrecision.MONTH)
    make_milestone(park=park, title="进驻官塘片区", date=date(2005, 1, 1), date_precision=DatePrecision.YEAR)
    make_milestone(park=park, title="与柳东新区合并", date=date(2008, 1, 1), date_precision=DatePrecision.YEAR)
    make_milestone(park=park, title="升级为国家高新区", date=date(2010, 9, 1), date_precision=DatePrecision.MONTH)


@pytest.fixture
def indicators():
    park = make_park()
    output = make_metric(name="工业总产值", category=MetricCategory.ECONOMY)
    ranking = make_metric(name="国家高新区排名", category=MetricCategory.RANKING, unit="位")
    make_indicator(park=park, metric=output, year=2016, value="1675.9")
    make_indicator(park=park, metric=output, year=2017, value="1829.84")
    make_indicator(park=park, metric=ranking, year=2017, value="45")
    return {"output": output, "ranking": ranking}


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"decade": "2000"}, ["进驻官塘片区", "与柳东新区合并"], ["批准成立", "升级为国家高新区"]),
        ({"decade": "1990"}, ["批准成立"], ["进驻官塘片区", "升级为国家高新区"]),
        ({"year_from": "2006"}, ["与柳东新区合并", "升级为国家高新区"], ["批准成立", "进驻官塘片区"]),
        ({"year_to": "2005"}, ["批准成立", "进驻官塘片区"], ["与柳东新区合并"]),
        ({"year_from": "2005", "year_to": "2008"}, ["进驻官塘片区", "与柳东新区合并"], ["批准成立", "升级为国家高新区"]),
        ({"q": "柳东"}, ["与柳东新区合并"], ["批准成立"]),
    ],
)
def test_timeline_filters_narrow(client, timeline, params, shown, hidden):
    content = get(client, "parks:milestone-list", params)
    for title in shown:
        assert title in content, title
    for title in hidden:
        assert title not in content, title


def test_decade_choices_come_from_the_published_timeline(client, timeline):
    content = get(client, "parks:milestone-list")
    assert re.findall(r'<option value="(\d+)">', content) == ["1990", "2000", "2010"]


def test_indicator_filters_narrow_by_metric_category_and_year(client, indicators):
    by_metric = get(client, "parks:indicator-list", {"metric": indicators["ranking"].slug})
    assert "国家高新区排名</h4>" in by_metric and "工业总产值</h4>" not in by_metric
    by_category = get(client, "parks:indicator-list", {"category": MetricCategory.ECONOMY})
    assert "工业总产值</h4>" in by_category and "国家高新区排名</h4>" not in by_category
    by_year = get(client, "parks:indicator-list", {"year": "2016"})
    table = by_year[by_year.index("<table") : by_year.index("</table>")]
    assert "1675.9" in table and "1829.84" not in table and "国家高新区排名" not in table


def test_honours_filter_by_level_and_text(client):
    make_honour(name="国际科技园协会会员", level=HonourLevel.INTERNATIONAL, awarded_by="IASP")
    make_honour(name="可持续发展实验区创建单位", level=HonourLevel.PROVINCIAL)
    by_level = get(client, "parks:honour-list", {"level": HonourLevel.INTERNATIONAL})
    assert "国际科技园协会会员" in by_level and "可持续发展实验区创建单位" not in by_level
    by_text = get(client, "parks:honour-list", {"q": "iasp"})  # case-insensitive substring
    assert "国际科技园协会会员" in by_text and "可持续发展实验区创建单位" not in by_text


def test_industries_filter_by_role(client):
    park = make_park()
    make_industry(park=park, name="汽车", role=IndustryRole.PILLAR)
    make_industry(park=park, name="生物医药", role=IndustryRole.STRATEGIC)
    content = get(client, "parks:industry-list", {"role": IndustryRole.STRATEGIC})
    assert "生物医药" in content and "汽车</h3>" not in content


def test_areas_filter_by_text(client):
    make_area(name="官塘片区", role="进驻片区")
    make_area(name="原核心区", role="核心区")
    content = get(client, "parks:area-list", {"q": "进驻"})
    assert "官塘片区" in content and "原核心区" not in content


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("parks:milestone-list", {"year_from": "abc"}),
        ("parks:milestone-list", {"year_to": "99999"}),
        ("parks:milestone-list", {"decade": "1234"}),
        ("parks:indicator-list", {"year": "abc"}),
        ("parks:indicator-list", {"metric": "nonexistent"}),
        ("parks:indicator-list", {"metric": "\x00"}),
        ("parks:honour-list", {"q": "长" * 500}),
        ("parks:indicator-list", {"category": "nope"}),
        ("parks:honour-list", {"level": "zzz"}),
        ("parks:industry-list", {"role": "zzz"}),
    ],
)
def test_bad_filter_values_answer_with_a_message(client, timeline, indicators, url_name, params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    content = response.content.decode()
    assert "筛选条件有误" in content and "field-error" in content


@pytest.mark.parametrize(
    "url_name", ["parks:area-list", "parks:milestone-list", "parks:industry-list", "parks:indicator-list", "parks:honour-list"]
)
@pytest.mark.parametrize("page", ["999", "x", "-1", "0", ""])
def test_bad_page_numbers_show_a_real_page(client, timeline, indicators, url_name, page):
    response = client.get(reverse(url_name), {"page": page})
    assert response.status_code == 200


def test_out_of_range_page_shows_the_last_page(client):
    park = make_park()
    for year in range(1992, 2017):
        make_milestone(park=park, title=f"第{year}年大事", date=date(year, 1, 1))
    content = get(client, "parks:milestone-list", {"page": "999"})
    assert "第2016年大事" in content and "第 2 / 2 页" in content


@pytest.mark.parametrize("url_name", ["parks:milestone-list", "parks:honour-list", "parks:indicator-list"])
def test_empty_results_say_so(client, url_name, timeline):
    params = {
        "milestone-list": {"q": "没有这样的事"},
        "honour-list": {"q": "没有这样的荣誉"},
        "indicator-list": {"category": MetricCategory.INTELLECTUAL_PROPERTY},
    }[url_name.split(":")[1]]
    content = get(client, url_name, params)
    assert "没有符合筛选条件的内容" in content


def test_pagination_keeps_the_filters(client):
    park = make_park()
    for year in range(1992, 2020):
        make_milestone(park=park, title=f"大事{year}", date=date(year, 1, 1))
    make_milestone(park=park, title="不相关", date=date(2000, 1, 1), body="无关")
    content = get(client, "parks:milestone-list", {"year_from": "1992", "q": "大事"})
    next_link = unescape(re.search(r'<a rel="next" href="([^"]+)"', content).group(1))
    assert "year_from=1992" in next_link and "q=" in next_link and "page=2" in next_link
    second = client.get(reverse("parks:milestone-list") + next_link).content.decode()
    assert "大事2019" in second and "不相关" not in second
    previous = unescape(re.search(r'<a rel="prev" href="([^"]+)"', second).group(1))
    assert "year_from=1992" in previous and "page=1" in previous
