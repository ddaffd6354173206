"""The indicators page: one year's table by theme, each metric's years, ranks as ranks, and the
table as CSV and JSON."""

import csv
import io
import json
import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from parks.models import MetricCategory
from portal.dates import DatePrecision
from portal.models import SiteSettings
from tests.factories import make_indicator, make_metric, make_park

pytestmark = pytest.mark.django_db

URL = reverse("parks:indicator-list")


def main_of(response) -> str:
    assert response.status_code == 200
    content = response.content.decode()
    return content[content.index("<h1") : content.index("</main>")]


def table_of(html: str) -> str:
    return html[html.index("<table") : html.index("</table>") + len("</table>")]


def cells(fragment: str) -> list[str]:
    """The text of each cell of a table row, tags removed."""
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", fragment, re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", cell))).strip() for cell in found]


def body_rows(html: str) -> list[list[str]]:
    """The table's rows of figures (not its header or theme rows), as lists of cell texts."""
    rows = re.findall(r"<tr>(.*?)</tr>", table_of(html).split("</thead>")[1], re.S)
    return [cells(row) for row in rows]


@pytest.fixture
def data():
    """A small copy of the article's indicators: two years of output, a ranking, the patent series."""
    park = make_park()
    output = make_metric(name="工业总产值", unit="亿元", category=MetricCategory.ECONOMY, ordering=10)
    investment = make_metric(name="固定资产投资", unit="亿元", category=MetricCategory.INVESTMENT, ordering=40)
    ranking = make_metric(
        name="国家级高新区排位", unit="位", category=MetricCategory.RANKING, higher_is_better=False, ordering=70
    )
    patents = make_metric(name="专利申报量", unit="件", category=MetricCategory.INTELLECTUAL_PROPERTY, ordering=180)
    make_indicator(park=park, metric=output, year=2016, value="1675.9", yoy_change="-3.5")
    make_indicator(
        park=park, metric=output, year=2017, value="1829.84", yoy_change="9.19", scope_note="一区多园口径", note="公开备注"
    )
    make_indicator(park=park, metric=investment, year=2017, value="438.16", yoy_change="0")
    make_indicator(park=park, metric=ranking, year=2017, value="45", note="全国156家国家级高新区及苏州工业园中排位45。")
    make_indicator(park=park, metric=patents, year=2012, value="684")
    make_indicator(
        park=park, metric=patents, year=2017, value="1610", as_of=date(2017, 11, 1), as_of_precision=DatePrecision.MONTH
    )
    return {"output": output, "investment": investment, "ranking": ranking, "patents": patents}


# --- the table ------------------------------------------------------------------------------


def test_the_table_shows_the_latest_year_grouped_by_theme(client, data):
    html = main_of(client.get(URL))
    assert "2017年主要指标</h2>" in html
    assert re.search(r'<option value="2017" selected>', html)  # the year the table defaulted to, as chosen
    themes = re.findall(r'<th scope="rowgroup" colspan="5"><span>([^<]+)</span>', table_of(html))
    assert themes == ["经济运行", "投资与招商", "综合排名", "知识产权"]
    assert body_rows(html) == [
        ["工业总产值", "1829.84 亿元", "增长 +9.19%", "一区多园口径", "公开备注"],
        ["固定资产投资", "438.16 亿元", "持平", "", ""],
        ["国家级高新区排位", "第45位 / 156", "—", "", "全国156家国家级高新区及苏州工业园中排位45。"],
        ["专利申报量", "1610 件 截至2017年11月", "—", "", ""],
    ]
    assert "1675.9" not in table_of(html) and "684" not in table_of(html)


def test_the_year_filter_picks_the_table_and_a_fall_is_said_in_words(client, data):
    html = main_of(client.get(URL, {"year": "2016"}))
    assert body_rows(html) == [["工业总产值", "1675.9 亿元", "下降 −3.5%", "", ""]]
    assert '<td class="num yoy yoy--down">' in table_of(html)
    html = main_of(client.get(URL, {"year": "2012"}))
    assert body_rows(html) == [["专利申报量", "684 件", "—", "", ""]]


def test_the_category_filter_narrows_the_table_and_the_charts(client, data):
    html = main_of(client.get(URL, {"category": MetricCategory.INTELLECTUAL_PROPERTY}))
    assert [row[0] for row in body_rows(html)] == ["专利申报量"]
    assert "专利申报量</h4>" in html and "工业总产值</h4>" not in html


def test_the_default_year_is_the_latest_the_filtered_metrics_have(client):
    park = make_park()
    make_indicator(park=park, metric=make_metric(name="工业总产值"), year=2017)
    make_indicator(park=park, metric=make_metric(name="专利", category=MetricCategory.INTELLECTUAL_PROPERTY), year=2012)
    html = main_of(client.get(URL, {"category": MetricCategory.INTELLECTUAL_PROPERTY}))
    assert "2012年主要指标</h2>" in html and [row[0] for row in body_rows(html)] == ["专利"]


def test_a_years_table_is_never_split_and_scrolls_in_its_own_labelled_box(client):
    park = make_park()
    for i in range(30):
        make_indicator(park=park, metric=make_metric(name=f"指标{i:02d}", ordering=i), year=2017)
    html = main_of(client.get(URL))
    assert len(body_rows(html)) == 30 and 'rel="next"' not in html
    wrapper = re.search(r'<div class="table-wrap[^"]*"([^>]*)>\s*<table', html).group(1)
    assert 'tabindex="0"' in wrapper and 'role="region"' in wrapper and "aria-labelledby" in wrapper
    assert "左右滑动查看更多" in html


@pytest.mark.parametrize("year", ["abc", "1850", "2015", "99999999999999999999", "\x00", ""])
def test_bad_years_answer_with_a_message_not_an_error(client, data, year):
    response = client.get(URL, {"year": year})
    assert response.status_code == 200
    if year:
        assert "筛选条件有误" in response.content.decode()
    for kind in ("csv", "json"):
        assert client.get(URL, {"year": year, "format": kind}).status_code == 200


# --- ranks and charts -----------------------------------------------------------------------


def test_ranks_are_ranks_never_bars(client, data):
    html = main_of(client.get(URL))
    series = html[html.index('id="series-guo-jia-ji-gao-xin-qu-pai-wei') :]
    series = series[: series.index("</section>")]
    assert "<svg" not in series and "<rect" not in series
    assert '<strong class="rank">第45位 / 156</strong>' in series
    assert '<strong class="ranking__value">第45位 / 156</strong>' in html  # the callout above the table


def test_a_rank_without_a_stated_total_is_shown_alone(client):
    ranking = make_metric(name="排位", unit="位", category=MetricCategory.RANKING)
    make_indicator(metric=ranking, year=2017, value="45", note="")
    html = main_of(client.get(URL))
    assert body_rows(html)[0][1] == "第45位"


def test_each_metric_has_a_chart_across_its_years_and_a_single_year_just_its_value(client, data):
    html = main_of(client.get(URL))
    patents = html[html.index('id="series-zhuan-li-shen-bao-liang') :]
    svg = re.search(r"<svg.*?</svg>", patents, re.S).group(0)
    labels = re.findall(r'<text class="chart__label"[^>]*>([^<]+)</text>', svg)
    values = re.findall(r'<text class="chart__value"[^>]*>([^<]+)</text>', svg)
    assert labels == ["2012", "2017", "截至11月"] and values == ["684", "1610"]
    output = html[html.index('id="series-gong-ye-zong-chan-zhi') :]
    assert re.findall(r'<text class="chart__label"[^>]*>([^<]+)</text>', output.split("</svg>")[0]) == ["2016", "2017"]
    investment = html[html.index('id="series-gu-ding-zi-chan-tou-zi') :]
    investment = investment[: investment.index("</section>")]
    assert "<svg" not in investment and "<strong>438.16</strong> 亿元" in investment
    assert html.count("<svg") == 2


# --- downloads ------------------------------------------------------------------------------


def test_the_page_links_to_its_downloads_with_its_filters(client, data):
    html = main_of(client.get(URL, {"category": MetricCategory.ECONOMY}))
    links = [unescape(link) for link in re.findall(r'<a href="(\?[^"]*format=[^"]*)" download>', html)]
    assert len(links) == 2
    for link in links:
        assert "category=economy" in link and "year=2017" in link


def test_the_csv_is_the_table_with_a_bom_and_chinese_headers(client, data):
    html = main_of(client.get(URL))
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"indicators-2017.csv\"; filename*=UTF-8''")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["类别", "指标", "年份", "截至", "数值", "单位", "参与排位总数", "同比", "统计口径", "备注"]
    assert [row[1] for row in rows[1:]] == [row[0] for row in body_rows(html)]  # the table's rows, in its order
    assert rows[1] == ["经济运行", "工业总产值", "2017", "", "1829.84", "亿元", "", "增长 +9.19%", "一区多园口径", "公开备注"]
    assert rows[3][1:7] == ["国家级高新区排位", "2017", "", "45", "位", "156"]
    assert rows[4][1:6] == ["专利申报量", "2017", "2017年11月", "1610", "件"]


def test_the_csv_follows_the_year_and_filters(client, data):
    response = client.get(URL, {"format": "csv", "year": "2016", "category": MetricCategory.ECONOMY})
    assert 'filename="indicators-2016-economy.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[:5] for row in rows[1:]] == [["经济运行", "工业总产值", "2016", "", "1675.9"]]


def test_the_json_has_the_same_fields(client, data):
    response = client.get(URL, {"format": "json"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="indicators-2017.json"' in response["Content-Disposition"]
    assert "工业总产值".encode() in response.content  # written as Chinese, not \\u escapes
    document = json.loads(response.content)
    assert document["year"] == 2017 and document["filters"] == {"year": 2017}
    assert [column["label"] for column in document["columns"]][:2] == ["类别", "指标"]
    assert [row["metric"] for row in document["rows"]] == ["工业总产值", "固定资产投资", "国家级高新区排位", "专利申报量"]
    assert document["rows"][0]["yoy_change"] == "增长 +9.19%" and document["rows"][2]["rank_total"] == 156
    csv_rows = list(csv.reader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode("utf-8-sig"))))
    keys = [column["key"] for column in document["columns"]]
    assert [[str(row[key]) for key in keys] for row in document["rows"]] == csv_rows[1:]


@pytest.mark.parametrize("params", [{}, {"format": "csv"}, {"format": "json"}, {"year": "2016", "category": "economy"}])
def test_the_page_and_its_downloads_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, params):
    park = make_park()
    SiteSettings.load()
    for count in (3, 20):
        for i in range(count):
            metric = make_metric(name=f"指标{count}-{i}", category=list(MetricCategory)[i % len(MetricCategory)])
            for year in (2015, 2016, 2017):
                make_indicator(park=park, metric=metric, year=year, yoy_change="1.5")
        with django_assert_max_num_queries(7):  # the page's 6 (tests/parks/test_views.py) + the footer's links
            assert client.get(URL, params).status_code == 200
