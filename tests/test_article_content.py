"""End to end: every fact of the article's park, photo and article content reaches a public page.

The content is loaded once for the module (load_initial_data inside a transaction that is rolled
back afterwards), every public page is fetched through the test client, and each test checks
that the facts of one part of the inventory appear as text on the page a reader would open.
Expectations come from the fixtures themselves, plus a list of the article's literal facts so a
fixture that lost one would fail here too.
"""

import datetime
import html
import io
import json
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from parks.models import HonourLevel, IndustryRole, ParkLevel
from portal.dates import format_precise_date
from portal.management.commands.load_initial_data import fixture_files, read_records
from portal.templatetags.portal_tags import figure

MAX_PAGES = 30


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def fetch_all_pages(client, url):
    """The text of `url` and of every further page its pagination links to."""
    texts = []
    for number in range(1, MAX_PAGES + 1):
        separator = "&" if "?" in url else "?"
        page_url = url if number == 1 else f"{url}{separator}{urlencode({'page': number})}"
        response = client.get(page_url)
        assert response.status_code == 200, f"{page_url} answered {response.status_code}"
        body = response.content.decode("utf-8")
        texts.append(body)
        if f"page={number + 1}" not in body:
            break
    return normalise("\n".join(texts))


@pytest.fixture(scope="module")
def records():
    by_model = {}
    for record in read_records(fixture_files()):
        by_model.setdefault(record["model"], []).append(record)
    return by_model


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker, tmp_path_factory, records):
    """{page key: normalised HTML, or the exception that page raised}."""
    article_slug = records["portal.article"][0]["fields"]["slug"]
    urls = {
        "home": lambda: reverse("portal:home"),
        "photos": lambda: reverse("portal:photo-list"),
        "articles": lambda: reverse("portal:article-list"),
        "article": lambda: reverse("portal:article-detail", kwargs={"slug": article_slug}),
        "park": lambda: reverse("parks:park-home"),
        "areas": lambda: reverse("parks:area-list"),
        "milestones": lambda: reverse("parks:milestone-list"),
        "industries": lambda: reverse("parks:industry-list"),
        "honours": lambda: reverse("parks:honour-list"),
        "indicators": lambda: reverse("parks:indicator-list"),
    }
    for metric in records["parks.metric"]:
        slug = metric["fields"]["slug"]
        urls[f"metric:{slug}"] = lambda slug=slug: reverse("parks:indicator-list") + "?" + urlencode({"metric": slug})

    result = {}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            call_command("load_initial_data", stdout=io.StringIO(), stderr=io.StringIO())
            client = Client()
            for key, make_url in urls.items():
                try:
                    result[key] = fetch_all_pages(client, make_url())
                except Exception as error:  # noqa: BLE001 - reported by the test that reads the page
                    result[key] = error
            transaction.set_rollback(True)
    return result


def page(pages, key) -> str:
    text = pages[key]
    if isinstance(text, Exception):
        pytest.fail(f"page {key!r} could not be rendered: {type(text).__name__}: {text}")
    return text


def missing_from(text: str, expected) -> list[str]:
    """Items of `expected` not in `text`; an item may be a tuple of acceptable spellings."""
    missing = []
    for item in expected:
        options = item if isinstance(item, tuple) else (item,)
        options = tuple(normalise(option) for option in options if option)
        if options and not any(option in text for option in options):
            missing.append(" | ".join(options))
    return missing


def number_spellings(value) -> tuple[str, ...]:
    number = Decimal(str(value))
    plain = format(number.normalize(), "f")
    return (figure(number), plain)


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def test_site_settings_and_featured_photos_on_home(pages, records):
    site = records["portal.sitesettings"][0]["fields"]
    text = page(pages, "home")
    expected = [site["portal_name"], site["zone_name"], site["tagline"], site["description"]]
    expected += [photo["fields"]["caption"] for photo in records["portal.photo"] if photo["fields"]["featured"]]
    assert missing_from(text, expected) == []


def test_park_profile_page(pages, records):
    park = records["parks.park"][0]["fields"]
    text = page(pages, "park")
    expected = [
        park["name"],
        park["summary"],
        format_precise_date(_date(park["approved_on"]), park["approved_on_precision"]),
        park["approval_body"],
        number_spellings(park["planned_area"]),
        park["area_unit"],
        str(ParkLevel(park["level"]).label),
        format_precise_date(_date(park["upgraded_on"]), park["upgraded_on_precision"]),
        park["upgrade_body"],
    ]
    for item in records["parks.profileitem"]:
        expected += [item["fields"]["text"], item["fields"]["description"]]
    assert missing_from(text, expected) == []


def test_areas_page(pages, records):
    text = page(pages, "areas")
    expected = []
    for area in records["parks.area"]:
        fields = area["fields"]
        expected += [fields["name"], fields["role"], fields["description"]]
        expected.append(format_precise_date(_date(fields["date"]), fields["date_precision"]))
    assert missing_from(text, expected) == []


def test_area_dates_say_what_they_mark(pages, records):
    """The core area dates from the zone's founding (1992年9月); 2005 is when it matured and
    官塘片区 was entered, 2008 the merger: each date is shown with what it marks."""
    text = page(pages, "areas")
    areas = {area["fields"]["name"]: area["fields"] for area in records["parks.area"]}
    assert (areas["原核心区"]["date"], areas["原核心区"]["date_precision"]) == ("1992-09-01", "month")
    assert "1992年9月</time>设立" in text and "2005年</time>起进驻" in text and "2008年</time>合并" in text
    assert "2005年起，原核心区开发基本成熟" in text  # the maturing stays, as what it is
    milestones = {m["fields"]["title"]: (m["fields"]["date"], m["fields"]["date_precision"]) for m in records["parks.milestone"]}
    assert milestones["经广西壮族自治区政府批准成立"] == ("1992-09-01", "month")
    assert milestones["经国务院批准升级为国家高新区"] == ("2010-09-01", "month")
    assert milestones["与柳东新区合并"] == ("2008-01-01", "year")


def test_regional_role_has_its_place_on_the_profile(pages, records):
    text = page(pages, "park")
    assert "区域地位与带动作用" in text
    assert "在我国西南少数民族地区发挥强有力的经济科技辐射带动作用" in text
    assert "广西中部经济升级的发动机和创新创业领头羊" in text


def test_history_page(pages, records):
    text = page(pages, "milestones")
    expected = []
    for milestone in records["parks.milestone"]:
        fields = milestone["fields"]
        expected += [fields["title"], fields["body"], format_precise_date(_date(fields["date"]), fields["date_precision"])]
    assert missing_from(text, expected) == []


def test_industries_page(pages, records):
    text = page(pages, "industries")
    expected = []
    for industry in records["parks.industry"]:
        fields = industry["fields"]
        expected += [fields["name"], str(IndustryRole(fields["role"]).label), fields["description"]]
    assert missing_from(text, expected) == []


def test_honours_page(pages, records):
    text = page(pages, "honours")
    expected = []
    for honour in records["parks.honour"]:
        fields = honour["fields"]
        expected += [fields["name"], str(HonourLevel(fields["level"]).label)]
        expected += [fields[name] for name in ("awarded_by", "stage", "holder", "distinction", "description")]
    assert missing_from(text, expected) == []


def test_every_indicator_on_its_metric_page(pages, records):
    indicators = {}
    for indicator in records["parks.indicator"]:
        indicators.setdefault(indicator["fields"]["metric"], []).append(indicator["fields"])
    problems = {}
    for metric in records["parks.metric"]:
        fields = metric["fields"]
        text = page(pages, f"metric:{fields['slug']}")
        expected = [fields["name"], fields["unit"]]
        for row in indicators.get(metric["pk"], []):
            expected.append(number_spellings(row["value"]))
            if row["yoy_change"] is not None:
                expected.append(number_spellings(abs(Decimal(row["yoy_change"]))))
            expected += [row["scope_note"], row["note"], str(row["year"])]
            if row["as_of"]:
                expected.append(format_precise_date(_date(row["as_of"]), row["as_of_precision"]))
        missing = missing_from(text, expected)
        if missing:
            problems[fields["name"]] = missing
    assert problems == {}


def test_indicator_list_reaches_every_metric(pages, records):
    text = page(pages, "indicators")
    assert missing_from(text, [metric["fields"]["name"] for metric in records["parks.metric"]]) == []


def test_gallery_shows_caption_credit_and_alt_text(pages, records):
    text = page(pages, "photos")
    expected = []
    for photo in records["portal.photo"]:
        fields = photo["fields"]
        expected += [fields["caption"], fields["alt_text"]]
        if fields["credit"]:
            expected.append(f"{fields['credit']}/摄")
    assert missing_from(text, expected) == []


def test_article_list_and_detail(pages, records):
    article = records["portal.article"][0]["fields"]
    assert missing_from(page(pages, "articles"), [article["title"]]) == []
    text = page(pages, "article")
    expected = [article["column"], article["title"], article["subtitle"], article["author"]]
    expected += paragraphs(article["lead"])
    for section in records["portal.articlesection"]:
        expected.append(section["fields"]["heading"])
        expected += paragraphs(section["fields"]["body"])
    for photo in records["portal.photo"]:
        if photo["pk"] in article["photos"]:
            expected.append(photo["fields"]["caption"])
            if photo["fields"]["credit"]:
                expected.append(f"{photo['fields']['credit']}/摄")
    assert missing_from(text, expected) == []


# The article's facts, spelled out, with the page a reader finds each on: a fixture that lost
# or garbled one fails here even if every page shows what the fixtures hold.
INVENTORY = {
    "park": [
        "柳州高新区",
        "1992年9月",
        "广西壮族自治区政府",
        "1.1",
        "平方公里",
        "国家级",
        "2010年9月",
        "国务院",
        "发展高新技术产业的基地",
        "利用高新技术改造和提升传统产业的示范区",
        "推动柳州乃至广西新型工业化进程",
        "特区式管理",
        "“三位一体”运作模式",
        "“112+1”组织架构",
        "一带一路",
        "创新驱动发展战略",
        "西江—珠江经济带",
        "粤桂黔高铁经济带",
        "互联网+",
    ],
    "areas": ["原核心区", "官塘片区", "柳东新区", "一区多园", "一套人马、两块牌子", "合署办公", "市一级经济和行政管理权限"],
    "milestones": [
        "1992年9月",
        "2005年",
        "2008年",
        "2010年9月",
        "2010年",
        "一区多园",
        "官塘片区",
        "柳东新区",
        "一套人马、两块牌子",
        "国务院",
        "广西柳州汽车城",
        "十二五",
    ],
    "industries": ["汽车", "基石", "高端装备制造", "电子信息", "新材料", "生物医药", "节能环保", "战略性新兴产业"],
    "honours": [
        "十佳最具投资竞争力园区",
        "国家级知识产权试点园区",
        "通过国家验收",
        "国家知识产权示范园区",
        "国家知识产权局",
        "广西唯一",
        "“产城融合”示范区建设单位",
        "广西第二批可持续发展实验区创建单位",
        "汽车整车及关键零部件创新型产业集群",
        "国家第三批创新型产业集群试点",
        "科技部",
        "创新型特色园区",
        "广西壮族自治区",
        "自治区中小企业公共服务示范平台",
        "国际科技园协会",
        "IASP",
        "在广西的首家会员单位",
        "西班牙",
        "73个国家",
        "406家",
    ],
    "indicators": [
        "工业总产值",
        ("1,829.84", "1829.84"),
        "9.19",
        "一区多园口径",
        "工业增加值",
        "444.62",
        "4.86",
        "营业总收入",
        ("1,872.45", "1872.45"),
        "9.15",
        "固定资产投资",
        "438.16",
        "16.01",
        "内资到位",
        "120.8",
        "31.05",
        "外资到位",
        ("9,651", "9651"),
        "万美元",
        "13.02",
        "全国156家国家级高新区及苏州工业园中排位45",
        "有效高企",
        "79",
        "280",
        "柳州市",
        "32",
        "国家级知识产权示范企业",
        "国家级知识产权优势企业",
        "自治区级知识产权优势企业",
        "33",
        "贯标企业",
        "中国专利优秀奖",
        "广西专利金、银奖",
        "17",
        "专利申报量",
        "684",
        "2012",
        ("1,610", "1610"),
        "2017年11月",
        "万人有效发明专利拥有量",
        "21",
    ],
    "photos": [
        "严把质量关",
        "罗秋宁/摄",
        "生产协奏曲",
        "韦明凤/摄",
        "机器人组装汽车生产线",
        "柳州高科技浪漫城堡",
        "活力运动场",
        "柳州摩天轮",
        "占位图",
    ],
    "article": [
        "园区巡礼",
        "提速增效 超常发展",
        "柳州高新区成区域经济“排头兵”",
        "廖婧",
        "“智”汇高新 人才高地新魅力",
        "优化均衡 产业结构新升级",
        "科技引领 创新驱动新跃迁",
        "高效务实 服务双创新生态",
        "合纵连横 产学研平台新跨越",
        "增强合作 协同发展新路径",
        "实行“一套人马、两块牌子”，合署办公",
        "2017年全年新增孵化企业103家",
        "国际合作技术中心项目，旨在",
        "由柳州城市职业学院、上汽通用五菱印尼汽车有限公司、印尼西卡朗西部国立第一职业学校合作共建的印尼中上汽通用五菱汽车教育培训基地揭牌成立",
        "严把质量关",
        "罗秋宁/摄",
        "生产协奏曲",
        "韦明凤/摄",
        "柳州摩天轮",
    ],
}


@pytest.mark.parametrize("key", sorted(INVENTORY))
def test_inventory_facts_are_on_their_pages(pages, key):
    assert missing_from(page(pages, key), INVENTORY[key]) == []


def test_repaired_article_has_no_page_break_fragments(pages):
    text = page(pages, "article")
    assert "两块牌 子" not in text and "两块牌</p>" not in text
    assert "2017年全 年" not in text
    assert "<p>用五菱印尼" not in text


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def test_fixture_files_are_valid_json():
    for path in fixture_files():
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), list)
