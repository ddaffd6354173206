import itertools
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parks.models import HonourLevel, IndustryRole, MetricCategory, ProfileItemKind
from portal.dates import DatePrecision
from portal.models import SiteSettings
from portal.publishing import Status
from tests.factories import make_honour, make_indicator, make_metric, make_milestone, make_park, make_photo
from tests.parks.factories_parks import make_area, make_industry, make_profile_item
from tests.sitemap_helpers import sitemap_text

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "parks:area-list",
    "parks:milestone-list",
    "parks:industry-list",
    "parks:indicator-list",
    "parks:honour-list",
]


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def headings(html: str) -> list[str]:
    return re.findall(r"<h[1-3][^>]*>([^<]+)</h[1-3]>", html)


def main_of(response) -> str:
    """The page's own content: after its <h1>, before the footer."""
    content = text_of(response)
    return content[content.index("<h1") : content.index("</main>")]


_rows = itertools.count()


def populate(park, n):
    """n more rows of every park model (with photos where they have them)."""
    photo = make_photo()
    for _ in range(n):
        i = next(_rows)
        make_profile_item(park=park, kind=list(ProfileItemKind)[i % 3], text=f"条目{i}")
        make_area(park=park, name=f"片区{i}", photo=photo, date=date(2005, 1, 1), date_precision=DatePrecision.YEAR)
        make_milestone(park=park, title=f"大事{i}", date=date(1992 + i % 30, 1, 1), photo=photo)
        make_industry(park=park, name=f"产业{i}", role=list(IndustryRole)[i % 2])
        make_honour(park=park, name=f"荣誉{i}", level=list(HonourLevel)[i % 4], date=date(2017, 1, 1))
        metric = make_metric(name=f"指标{park.pk}-{i}", category=list(MetricCategory)[i % len(MetricCategory)])
        for year in (2016, 2017):
            make_indicator(park=park, metric=metric, year=year, value=f"{i}.5", yoy_change="1.5", featured=True)


# --- the park profile -----------------------------------------------------------------


def test_park_home_shows_the_first_published_park_with_its_profile(client):
    make_park(name="草稿园区", ordering=0, status=Status.DRAFT)
    park = make_park(
        name="柳州高新区",
        ordering=0,  # tests.factories.make_park is called for every make_milestone/make_honour too
        approval_body="广西壮族自治区政府",
        approved_on=date(1992, 9, 1),
        planned_area="1.10",
        level="national",
        upgraded_on=date(2010, 9, 1),
        upgrade_body="国务院",
        photo=make_photo(caption="柳州摩天轮", credit=""),
    )
    make_park(name="后一个园区", ordering=2)
    make_profile_item(park=park, kind=ProfileItemKind.MISSION, text="发展高新技术产业的基地")
    make_profile_item(park=park, kind=ProfileItemKind.MANAGEMENT, text="特区式管理")
    make_profile_item(park=park, kind=ProfileItemKind.OPPORTUNITY, text="西江—珠江经济带")
    make_area(park=park, name="官塘片区", role="进驻片区")
    make_industry(park=park, name="汽车", role=IndustryRole.PILLAR)
    make_industry(park=park, name="新材料", role=IndustryRole.STRATEGIC)
    make_milestone(park=park, title="升级为国家高新区", date=date(2010, 9, 1), date_precision=DatePrecision.MONTH)
    make_honour(park=park, name="国家知识产权示范园区", distinction="广西唯一")
    content = text_of(client.get(reverse("parks:park-home")))
    assert "<h1>柳州高新区</h1>" in content and "草稿园区" not in content
    for text in [
        "1992年9月",
        "广西壮族自治区政府",
        "1.1 平方公里",
        "国家级",
        "2010年9月升级",
        "国务院",
        "使命定位",
        "发展高新技术产业的基地",
        "管理模式",
        "特区式管理",
        "发展机遇",
        "西江—珠江经济带",
        "官塘片区",
        "支柱（基石）产业",
        "汽车",
        "战略性新兴产业",
        "新材料",
        "升级为国家高新区",
        "国家知识产权示范园区",
        "广西唯一",
        "柳州摩天轮",
    ]:
        assert text in content, text
    for name in LIST_PAGES:
        assert f'href="{reverse(name)}"' in content, name


def test_park_home_without_a_park_is_an_empty_state_not_a_404(client):
    make_park(status=Status.DRAFT)
    content = text_of(client.get(reverse("parks:park-home")))
    assert "园区概况尚未发布" in content


def test_park_detail_is_the_same_profile_for_a_given_park(client):
    park = make_park(name="另一个高新区", summary="这是概述。")
    content = text_of(client.get(reverse("parks:park-detail", kwargs={"slug": park.slug})))
    assert "<h1>另一个高新区</h1>" in content and "这是概述。" in content


def test_draft_park_is_404_for_the_public_and_a_preview_for_staff(client, staff_client):
    park = make_park(status=Status.DRAFT)
    url = reverse("parks:park-detail", kwargs={"slug": park.slug})
    assert client.get(url).status_code == 404
    content = text_of(staff_client.get(url))
    assert park.name in content and "草稿预览" in content


def test_park_page_shows_key_figures_of_the_latest_year_and_the_ranking(client):
    park = make_park()
    output = make_metric(name="工业总产值", unit="亿元")
    make_indicator(park=park, metric=output, year=2016, value="1675.9", featured=True)
    make_indicator(
        park=park, metric=output, year=2017, value="1829.84", yoy_change="9.19", featured=True, scope_note="一区多园口径"
    )
    ranking = make_metric(name="国家高新区排名", category=MetricCategory.RANKING, unit="位", higher_is_better=False)
    make_indicator(park=park, metric=ranking, year=2017, value="45", note="156家国家级高新区及苏州工业园中")
    content = text_of(client.get(park.get_absolute_url()))
    assert "1829.84" in content and "+9.19%" in content and "一区多园口径" in content
    assert "1675.9" not in content  # only the latest year is a key figure
    assert 'class="ranking"' in content and '<strong class="ranking__value">第45位 / 156</strong>' in content
    assert "156家国家级高新区及苏州工业园中" in content


def test_draft_children_and_draft_photos_stay_hidden_on_the_park_page(client):
    park = make_park(photo=make_photo(caption="草稿图片", status=Status.DRAFT))
    make_area(park=park, name="草稿片区", status=Status.DRAFT)
    make_milestone(park=park, title="草稿大事", status=Status.DRAFT)
    make_honour(park=park, name="草稿荣誉", status=Status.DRAFT)
    make_industry(park=park, name="草稿产业", status=Status.DRAFT)
    make_indicator(park=park, metric=make_metric(name="草稿指标"), featured=True, status=Status.DRAFT)
    content = text_of(client.get(park.get_absolute_url()))
    for text in ["草稿图片", "草稿片区", "草稿大事", "草稿荣誉", "草稿产业", "草稿指标"]:
        assert text not in content, text


# --- the lists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "make", "field"),
    [
        ("parks:area-list", make_area, "name"),
        ("parks:milestone-list", make_milestone, "title"),
        ("parks:industry-list", make_industry, "name"),
        ("parks:honour-list", make_honour, "name"),
    ],
)
def test_lists_show_published_rows_only(client, url_name, make, field):
    make(**{field: "已发布的条目"})
    make(**{field: "草稿条目", "status": Status.DRAFT})
    make(**{field: "定时条目", "published_at": timezone.now() + timedelta(days=1)})
    content = text_of(client.get(reverse(url_name)))
    assert "已发布的条目" in content
    assert "草稿条目" not in content and "定时条目" not in content


def test_indicator_list_shows_published_values_only(client):
    metric = make_metric(name="工业增加值")
    make_indicator(metric=metric, year=2017, value="444.62")
    make_indicator(metric=metric, year=2016, value="424.01", status=Status.DRAFT)
    content = text_of(client.get(reverse("parks:indicator-list")))
    assert "444.62" in content and "424.01" not in content


def test_timeline_renders_each_date_as_precisely_as_it_is_known(client):
    park = make_park()
    make_milestone(park=park, title="批准成立", date=date(1992, 9, 1), date_precision=DatePrecision.MONTH)
    make_milestone(park=park, title="一区多园", date=date(2005, 1, 1), date_precision=DatePrecision.YEAR)
    make_milestone(park=park, title="升级", date=date(2010, 9, 1), date_precision=DatePrecision.MONTH)
    content = main_of(client.get(reverse("parks:milestone-list")))
    assert ">1992年9月</time>" in content
    assert ">2005年</time>" in content
    assert ">2010年9月</time>" in content
    assert headings(content) == ["发展历程", "1990年代", "批准成立", "2000年代", "一区多园", "2010年代", "升级"]


def test_area_list_shows_the_merger_date_and_role(client):
    make_area(
        name="柳东新区",
        role="合并新区",
        date=date(2008, 1, 1),
        date_precision=DatePrecision.YEAR,
        description="一套人马、两块牌子",
    )
    content = text_of(client.get(reverse("parks:area-list")))
    assert "柳东新区" in content and "合并新区" in content and "2008年" in content and "一套人马、两块牌子" in content


def has_filter_form(response) -> bool:
    return 'class="filter-form"' in main_of(response)


def test_a_short_list_with_nothing_to_choose_shows_no_filter_form(client, settings):
    park = make_park()
    make_area(park=park, name="河西片区")
    make_area(park=park, name="柳东片区")
    url = reverse("parks:area-list")
    assert not has_filter_form(client.get(url))  # one page and a text field only
    assert not has_filter_form(client.get(url, {"page": "1"}))  # a page number is no filter
    narrowed = client.get(url, {"q": "柳东"})
    assert has_filter_form(narrowed)
    assert "柳东片区" in main_of(narrowed) and "河西片区" not in main_of(narrowed)
    nothing = client.get(url, {"q": "不存在"})
    assert has_filter_form(nothing) and "没有符合筛选条件的内容。" in main_of(nothing)
    for i in range(settings.PORTAL_PAGE_SIZE - 1):
        make_area(park=park, name=f"新片区{i}")
    assert has_filter_form(client.get(url))  # more than one page


def test_the_filter_form_shows_when_a_field_offers_choices_or_a_value_is_refused(client):
    milestones = reverse("parks:milestone-list")
    assert not has_filter_form(client.get(milestones))  # no rows, so no decade to choose
    refused = client.get(milestones, {"year_from": "公元"})
    assert has_filter_form(refused) and "field-error" in main_of(refused)
    make_milestone(title="批准成立", date=date(1992, 9, 1))
    assert has_filter_form(client.get(milestones))  # the decade 1990 is a choice
    make_honour(name="国家级高新区")
    assert has_filter_form(client.get(reverse("parks:honour-list")))  # levels are fixed choices


def test_industries_are_grouped_pillar_first(client):
    park = make_park()
    make_industry(park=park, name="节能环保", role=IndustryRole.STRATEGIC)
    make_industry(park=park, name="汽车", role=IndustryRole.PILLAR)
    content = main_of(client.get(reverse("parks:industry-list")))
    assert headings(content) == ["产业布局", "支柱（基石）产业", "汽车", "战略性新兴产业", "节能环保"]


def test_honours_show_level_awarding_body_stage_holder_distinction_and_date(client):
    make_honour(
        name="国家第三批创新型产业集群试点",
        level=HonourLevel.NATIONAL,
        awarded_by="科技部",
        stage="获批",
        holder="汽车整车及关键零部件创新型产业集群",
        distinction="广西唯一",
        date=date(2017, 1, 1),
        date_precision=DatePrecision.YEAR,
    )
    content = text_of(client.get(reverse("parks:honour-list")))
    expected = [
        "国家第三批创新型产业集群试点",
        "国家级",
        "科技部",
        "获批",
        "汽车整车及关键零部件创新型产业集群",
        "广西唯一",
        "2017年",
    ]
    for text in expected:
        assert text in content, text


# The indicators page's table, charts and downloads: tests/parks/test_indicators.py.


def test_the_chart_writes_every_value_as_text(client):
    park = make_park()
    metric = make_metric(name="营业总收入", unit="亿元")
    values = {2013: "1200.5", 2014: "1350", 2015: "1499.99", 2016: "1715.4", 2017: "1872.45"}
    for year, value in values.items():
        make_indicator(park=park, metric=metric, year=year, value=value)
    content = text_of(client.get(reverse("parks:indicator-list")))
    svg = re.search(r"<svg.*?</svg>", content, re.S).group(0)
    texts = re.findall(r'<text class="chart__value"[^>]*>([^<]+)</text>', svg)
    assert texts == list(values.values())
    assert "<title" in svg and 'role="img"' in svg and "aria-labelledby" in svg
    assert "style=" not in svg


@pytest.mark.parametrize("count", [2, 40])
def test_the_chart_handles_few_points_and_many(client, count):
    park = make_park()
    metric = make_metric(name="示例序列")
    for offset in range(count):
        make_indicator(park=park, metric=metric, year=1980 + offset, value=str(10 + offset))
    content = text_of(client.get(reverse("parks:indicator-list")))
    svg = re.search(r"<svg.*?</svg>", content, re.S).group(0)
    assert svg.count("<rect") == count
    for offset in range(count):
        assert f">{10 + offset}</text>" in svg


# --- photos, home blocks, search, sitemap ----------------------------------------------


def test_photos_render_as_figures_with_caption_and_credit(client):
    photo = make_photo(caption="严把质量关", credit="罗秋宁", alt_text="质检员检查零件")
    park = make_park(photo=photo)
    make_milestone(park=park, photo=photo)
    make_area(park=park, photo=photo)
    for url in [park.get_absolute_url(), reverse("parks:milestone-list"), reverse("parks:area-list")]:
        content = text_of(client.get(url))
        assert "<figure" in content and 'alt="质检员检查零件"' in content
        assert "严把质量关" in content and "罗秋宁/摄" in content


def test_home_page_shows_key_figures_and_latest_milestones(client):
    park = make_park()
    metric = make_metric(name="外资到位", unit="万美元")
    make_indicator(park=park, metric=metric, year=2016, value="8540", featured=True)
    make_indicator(park=park, metric=metric, year=2017, value="9651", yoy_change="13.02", featured=True)
    make_indicator(park=park, metric=make_metric(name="不展示的指标"), year=2017, featured=False)
    make_milestone(park=park, title="广西柳州汽车城落户", date=date(2010, 1, 1))
    content = text_of(client.get(reverse("portal:home")))
    assert "外资到位" in content and "9651" in content and "万美元" in content and "+13.02%" in content
    assert "8540" not in content and "不展示的指标" not in content
    assert "广西柳州汽车城落户" in content


def test_home_blocks_hide_themselves_when_empty(client):
    content = text_of(client.get(reverse("portal:home")))
    assert "home-block--key-figures" not in content and "home-block--milestones" not in content


def test_search_finds_park_content(client):
    make_milestone(title="与柳东新区合并")
    make_honour(name="草稿里的柳东", status=Status.DRAFT)
    make_indicator(metric=make_metric(name="内资到位"))
    content = text_of(client.get(reverse("portal:search"), {"q": "柳东"}))
    assert "与<mark>柳东</mark>新区合并" in content and "草稿里的" not in content
    assert '<span class="search-result__section">发展历程</span>' in content
    content = text_of(client.get(reverse("portal:search"), {"q": "内资"}))
    assert "<mark>内资</mark>到位 2017年" in content
    assert '<span class="search-result__section">经济指标</span>' in content


def test_sitemap_lists_the_park_pages(client):
    park = make_park()
    draft = make_park(status=Status.DRAFT)
    content = sitemap_text(client)
    assert reverse("parks:indicator-list") in content and park.get_absolute_url() in content
    assert draft.get_absolute_url() not in content


def test_the_top_navigation_stays_short_and_the_park_page_links_everywhere(client):
    make_park()
    content = text_of(client.get(reverse("parks:park-home")))
    nav = re.search(r'<div class="wrap site-nav__wide">(.*?)</div>', content, re.S).group(1)
    assert reverse("parks:park-home") in nav and reverse("parks:milestone-list") in nav
    assert reverse("parks:honour-list") not in nav


# --- query budgets ------------------------------------------------------------------------

# Each page's SQL queries, the same whatever the number of rows. Every page reads the site
# settings (1); lists add a count and their rows (2) and any filter choices read from the data;
# the profile reads the park, the other parks, one query per list (profile items, areas,
# industries, latest milestones, honours) and one for the latest key figures and rankings.
QUERY_BUDGETS = {
    "parks:park-home": 9,
    "parks:park-detail": 9,
    "parks:area-list": 3,
    "parks:milestone-list": 4,  # + decades present
    "parks:industry-list": 3,
    # All years' rows in one query, no count; + years, metrics. The rankings and the Dataset are
    # read from those rows unless a metric or category narrows them (then 2 more: test_scale).
    "parks:indicator-list": 4,
    "parks:honour-list": 3,
}


@pytest.mark.parametrize("url_name", QUERY_BUDGETS)
def test_every_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, url_name):
    park = make_park()
    url = reverse(url_name, kwargs={"slug": park.slug} if url_name == "parks:park-detail" else None)
    SiteSettings.load()  # created by the first request otherwise, which would count here
    populate(park, 3)
    with django_assert_max_num_queries(QUERY_BUDGETS[url_name]):
        text_of(client.get(url))
    populate(park, 15)
    with django_assert_max_num_queries(QUERY_BUDGETS[url_name]):
        text_of(client.get(url))
