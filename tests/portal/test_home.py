"""The home page and the site frame: lead photo, 要闻 and 通知公告, quick entries, site settings in
the footer, the print stylesheet, and the article's honest date (page, card, feed, search, JSON-LD)."""

import datetime
import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from portal.dates import DatePrecision
from portal.models import FriendlyLink, SearchEntry, SiteSettings
from portal.registry import registry
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def home(client) -> str:
    return client.get(reverse("portal:home")).content.decode()


def section_of(html: str, css_class: str) -> str:
    """The <section> or <footer> whose class list starts with `css_class`."""
    match = re.search(rf'<(section|footer|div) class="{css_class}[^"]*".*?</\1>', html, re.S)
    assert match, f"no {css_class} on the page"
    return match.group(0)


# --- lead photo -----------------------------------------------------------------------------------


def test_the_first_featured_photo_leads_the_home_page_with_caption_and_credit(client):
    make_photo(caption="不推荐的图片", featured=False, ordering=0)
    make_photo(caption="首页大图", credit="罗秋宁", featured=True, ordering=1)
    make_photo(caption="第二张推荐", featured=True, ordering=2)
    lead = section_of(home(client), "hero")
    assert "首页大图" in lead and "罗秋宁/摄" in lead
    assert "第二张推荐" not in lead and "不推荐的图片" not in lead
    assert 'loading="lazy"' not in lead  # above the fold
    assert "占位图" not in lead


def test_a_placeholder_lead_photo_says_it_is_one(client):
    make_photo(caption="柳州摩天轮", featured=True, is_placeholder=True)
    assert "占位图：原文未附图片文件" in section_of(home(client), "hero")


def test_without_a_featured_photo_the_lead_is_the_zone_name_only(client):
    make_photo(caption="草稿图片", featured=True, status="draft")
    lead = section_of(home(client), "hero")
    assert "<h1" in lead and "<figure" not in lead


def test_the_lead_photo_is_not_repeated_in_the_photo_block(client):
    make_photo(caption="首页大图", featured=True, ordering=1)
    make_photo(caption="第二张推荐", featured=True, ordering=2)
    photos = section_of(home(client), "home-block home-block--photos")
    assert "第二张推荐" in photos and "首页大图" not in photos


# --- 要闻 and 通知公告 -----------------------------------------------------------------------------


def test_news_lists_articles_and_notices_list_the_notice_column(client):
    make_article(title="园区要闻一则", column="园区巡礼")
    make_article(title="申报通知一则", column="通知公告")
    make_article(title="草稿通知", column="通知公告", status="draft")
    html = home(client)
    news = section_of(html, "home-block home-block--articles")
    notices = section_of(html, "home-block home-block--notices")
    assert "园区要闻一则" in news and "申报通知一则" not in news
    assert "申报通知一则" in notices and "园区要闻一则" not in notices and "草稿通知" not in notices


def test_notices_say_when_there_are_none_and_follow_the_settings_column(client):
    make_article(title="园区要闻一则", column="园区巡礼")
    assert "暂无通知公告" in home(client)
    settings = SiteSettings.load()
    settings.notice_column = "园区巡礼"
    settings.save()
    notices = section_of(home(client), "home-block home-block--notices")
    assert "园区要闻一则" in notices


# --- quick entries --------------------------------------------------------------------------------


def test_quick_entries_come_from_the_registry_in_their_order(client):
    labels = [str(item.label) for item in registry.quick_links]
    assert labels == ["人才奖项申报/提名", "提名进度查询", "专家服务", "创新平台"]
    quick = section_of(home(client), "home-block home-block--quick")
    for item in registry.quick_links:
        assert f'href="{reverse(item.url_name)}"' in quick
    assert quick.index("人才奖项申报/提名") < quick.index("创新平台")


# --- site settings in the footer ------------------------------------------------------------------


def test_the_footer_shows_only_the_site_facts_that_are_filled_in(client):
    SiteSettings.load()
    footer = section_of(home(client), "site-footer")
    for label in ("主办单位", "承办单位", "电话", "办公时间", "友情链接", "网站标识码"):
        assert label not in footer


def test_the_footer_shows_host_contact_records_and_friendly_links_in_order(client):
    settings = SiteSettings.load()
    settings.host_organisation = "示例高新区管委会"
    settings.operator_organisation = "示例信息中心"
    settings.address = "示例路1号"
    settings.phone = "0000-0000000"
    settings.email = "office@example.org"
    settings.office_hours = "工作日 9:00—17:00"
    settings.icp_number = "桂ICP备00000000号"
    settings.public_security_number = "桂公网安备 45020000000000号"
    settings.site_code = "0000000000"
    settings.save()
    FriendlyLink.objects.create(site=settings, name="第二个链接", url="https://two.example.org/", ordering=2)
    FriendlyLink.objects.create(site=settings, name="第一个链接", url="https://one.example.org/", ordering=1)
    footer = section_of(home(client), "site-footer")
    for text in (
        "主办单位：示例高新区管委会",
        "承办单位：示例信息中心",
        "示例路1号",
        "mailto:office@example.org",
        "工作日 9:00—17:00",
    ):
        assert text in footer
    assert 'href="https://beian.miit.gov.cn/"' in footer
    assert 'href="https://beian.gov.cn/portal/registerSystemInfo?recordcode=45020000000000"' in footer
    assert "网站标识码：0000000000" in footer
    assert footer.index("第一个链接") < footer.index("第二个链接")


def test_friendly_links_cost_no_query_of_their_own(client, django_assert_num_queries):
    settings = SiteSettings.load()
    FriendlyLink.objects.create(site=settings, name="链接", url="https://example.org/")
    with django_assert_num_queries(1):
        loaded = SiteSettings.load()
        assert [link.name for link in loaded.friendly_links] == ["链接"]


def test_the_nomination_form_points_at_the_host_contact(client):
    settings = SiteSettings.load()
    settings.host_organisation = "示例高新区管委会"
    settings.phone = "0000-0000000"
    settings.save()
    html = render_to_string("talent/nomination_form.html", {"site": settings})
    assert "请联系主办单位（示例高新区管委会，电话：" in html


# --- print stylesheet -----------------------------------------------------------------------------


def test_every_page_links_the_print_stylesheet(client):
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print\.css" media="print">', home(client))


# --- the article's honest date --------------------------------------------------------------------

LOADED_DAY = "2026年11月28日"


def test_an_article_without_a_known_date_shows_no_day(client):
    published = datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)
    article = make_article(title="日期不详的文章", published_at=published)
    detail = client.get(article.get_absolute_url()).content.decode()
    listing = client.get(reverse("portal:article-list")).content.decode()
    assert LOADED_DAY not in detail and LOADED_DAY not in listing and LOADED_DAY not in home(client)
    assert "原文未注明发表日期" in detail
    cards = re.search(r'<ul class="card-list">.*?</ul>', listing, re.S).group(0)
    assert "日期不详的文章" in cards and "<time" not in cards


def test_an_article_shows_its_own_date_as_precisely_as_known(client):
    article = make_article(
        title="有出处的文章", source="示例月刊", issue="2018年第1期", date=datetime.date(2018, 1, 1), date_precision="month"
    )
    detail = client.get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2018-01">2018年1月</time>' in detail
    assert "来源：《示例月刊》2018年第1期 · 园区巡礼" in detail
    assert "2018年1月</time>" in section_of(home(client), "home-block home-block--articles")


def test_the_feed_dates_only_articles_known_to_the_day(client):
    make_article(title="日期不详的文章")
    make_article(title="只知道月份的文章", date=datetime.date(2018, 1, 1), date_precision=DatePrecision.MONTH)
    make_article(title="知道哪一天的文章", date=datetime.date(2018, 1, 15), date_precision=DatePrecision.DAY)
    feed = client.get(reverse("portal:article-feed")).content.decode()
    items = re.findall(r"<item>.*?</item>", feed, re.S)
    dated = {re.search(r"<title>(.*?)</title>", item).group(1): "<pubDate>" in item for item in items}
    assert dated == {"日期不详的文章": False, "只知道月份的文章": False, "知道哪一天的文章": True}
    assert "15 Jan 2018" in feed


def test_search_and_json_ld_use_the_articles_own_date_never_published_at(client):
    unknown = make_article(title="日期不详的文章")
    known = make_article(title="知道月份的文章", date=datetime.date(2018, 1, 1), date_precision=DatePrecision.MONTH)
    assert SearchEntry.objects.get(object_id=unknown.pk, title=unknown.title).date_display == ""
    entry = SearchEntry.objects.get(object_id=known.pk, title=known.title)
    assert (entry.date, entry.date_display) == (datetime.date(2018, 1, 1), "2018年1月")

    def article_node(article):
        html = client.get(article.get_absolute_url()).content.decode()
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        nodes = data.get("@graph", [data])
        return next(node for node in nodes if node.get("@type") == "Article")

    assert "datePublished" not in article_node(unknown)
    assert article_node(known)["datePublished"] == "2018-01"
