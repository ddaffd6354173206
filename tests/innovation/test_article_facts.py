"""End to end: every innovation fact of the article is loaded by load_initial_data and can be
reached from the home page by clicking.

The content is loaded once for the module (inside a transaction rolled back afterwards); the
site is crawled from the home page, following links into the innovation section (filters and
pagination included), and the text of every innovation page reached is checked for the facts:
both what the fixture holds and a list of the article's literal wording, so a fixture that lost
a fact fails here too.
"""

import html
import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from innovation.models import PartnerKind, PlatformKind
from portal.management.commands.load_initial_data import fixture_files, read_records
from portal.templatetags.portal_tags import figure

LINK = re.compile(r'href="([^"#]+)')
PAGE_LIMIT = 400

ARTICLE_FACTS = [
    # platforms, partners and states
    "柳州市—上海交通大学智能制造技术研究院",
    "积极推进建设",
    "汽车制造高端数字装备与技术研究中心",
    "华中科技大学",
    "加速推进",
    "柳东新区—热科院农产品所科技创新成果转化转移中心",
    "中国热带农业科学院农产品加工研究所",
    "广东工业大学网络安全技术实验室",
    "正式对外运营",
    "国际合作技术中心",
    "湖大艾盛",
    "湖南大学",
    "汽车车身国家重点实验室",
    "湖南大学智能激光制造重点实验室",
    "深圳大族激光",
    "定制装备和激光加工服务",
    "柳职院协同创新研究院",
    "新鹏机器人",
    "轻子机器视觉",
    "东风柳汽",
    "国信优易大数据产业基地",
    "将正式签署合作协议",
    "上海漕河泾柳东创新创业园",
    "揭牌",
    "创业导师",
    # enterprises and deals
    "广西升禾环保科技有限公司",
    "广西升禾智慧环卫系统五年许可项目",
    "<strong>4000</strong> 万元",
    "广西知识产权交易中心",
    "目前成交金额最高的单个项目",
    # capital market
    "《柳东新区鼓励企业进入区域性股权交易市场管理办法（试行）》",
    "柳东新区管理委员会办公室",
    "储备一批、培育一批、挂牌一批",
    "新三板",
    "完成股改挂牌培育",
    '<strong>8</strong> <span class="key-figure__unit">家</span>',
    "区域性股权交易市场挂牌",
    '<strong>20</strong> <span class="key-figure__unit">家</span>',
    "一阳科技",
    "达迪通信",
    "日高控股",
    "IPO上市程序中",
    # 双创 figures
    "新增孵化企业",
    "<strong>103</strong>",
    "新增孵化项目",
    "<strong>86</strong>",
    "通过市级众创空间认定",
    "通过市级孵化器认定",
    "创业孵化基地获批",
    "小微企业创业创新服务平台获批",
    "<strong>16</strong>",
    "众创空间获批",
    "科技企业孵化器获批",
    "科技成果转化完成",
    "<strong>13</strong>",
    # events 2017
    "第六届中国创新创业大赛柳州东新区（柳州高新区）分区赛",
    "第五届柳州市大学生创新创业大赛暨3D打印创新创业智造大赛",
    "第二届创客文化节",
    "2017年",
    # international cooperation
    "印尼中上汽通用五菱汽车教育培训基地",
    "柳州城市职业学院",
    "上汽通用五菱印尼汽车有限公司",
    "印尼西卡朗西部国立第一职业学校",
    "揭牌成立",
    "广西第一所在境外设立分院的高职院校",
    "柳州职业技术学院",
    "乌克兰基辅国立大学",
    "三所乌克兰一流高校",
    "达成初步合作意向",
    "新材料",
    "先进制造",
    "国际科技园协会（IASP）",
    "广西的首家会员单位",
    "西班牙",
    "在 73 个国家有 406 家会员单位",
]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def crawl(client, start="/"):
    """{url: html} of every innovation page reachable from `start` (plus the start page)."""
    seen, queue, pages = set(), deque([start]), {}
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        content = response.content.decode()
        pages[url] = content
        for href in LINK.findall(content):
            target = urlsplit(urljoin(url, href.replace("&amp;", "&")))
            if target.netloc or not target.path.startswith("/innovation/"):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


@pytest.fixture(scope="module")
def records():
    return [record for record in read_records(fixture_files()) if record["model"].startswith("innovation.")]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """(pages reached from the home page, the text of the innovation pages among them)."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            call_command("load_initial_data", stdout=io.StringIO(), stderr=io.StringIO())
            pages = crawl(Client())
            transaction.set_rollback(True)
    text = normalise("\n".join(content for url, content in pages.items() if url.startswith("/innovation/")))
    return pages, text


def test_the_innovation_section_is_reached_from_the_home_page(site):
    pages, _text = site
    reached = {urlsplit(url).path for url in pages}
    for path in [
        "/innovation/",
        "/innovation/platforms/",
        "/innovation/partners/",
        "/innovation/enterprises/",
        "/innovation/events/",
        "/innovation/achievements/",
        "/innovation/cooperations/",
    ]:
        assert path in reached, path


def test_every_fact_of_the_article_is_on_a_reachable_page(site):
    _pages, text = site
    missing = [fact for fact in ARTICLE_FACTS if normalise(fact) not in text]
    assert missing == []


def test_every_loaded_row_is_on_a_reachable_page(site, records):
    _pages, text = site
    missing = []
    for record in records:
        fields = record["fields"]
        if fields.get("status", "published") != "published":
            continue
        for key in (
            "name",
            "title",
            "label",
            "summary",
            "body",
            "state_note",
            "agreement",
            "distinction",
            "partner_note",
            "venue",
        ):
            value = fields.get(key)
            if value:
                for paragraph in value.split("\n\n"):
                    if normalise(paragraph) not in text:
                        missing.append(f"{record['model']} {record['pk']} {key}: {paragraph[:40]}")
        if record["model"] == "innovation.innovationfigure":
            value = f'<strong>{figure(fields["value"])}</strong> <span class="key-figure__unit">{fields["unit"]}</span>'
            if value not in text:
                missing.append(f"figure {fields['label']}: {value}")
    assert missing == []


def test_each_platform_page_links_to_its_partners_and_back(site, records):
    pages, _text = site
    partners = {record["pk"]: record["fields"] for record in records if record["model"] == "innovation.partnerinstitution"}
    for record in records:
        if record["model"] != "innovation.platform":
            continue
        platform_url = f"/innovation/platforms/{record['fields']['slug']}/"
        assert platform_url in pages, platform_url
        for partner_pk in record["fields"]["partners"]:
            partner_url = f"/innovation/partners/{partners[partner_pk]['slug']}/"
            assert f'href="{partner_url}"' in pages[platform_url], (platform_url, partner_url)
            assert partner_url in pages, partner_url
            assert f'href="{platform_url}"' in pages[partner_url], (partner_url, platform_url)


def test_partner_and_platform_kinds_match_the_article(records):
    partners = {
        record["fields"]["name"]: record["fields"] for record in records if record["model"] == "innovation.partnerinstitution"
    }
    platforms = {record["fields"]["name"]: record["fields"] for record in records if record["model"] == "innovation.platform"}
    assert partners["乌克兰基辅国立大学"]["country"] == "乌克兰"
    assert partners["国际科技园协会（IASP）"]["kind"] == PartnerKind.ASSOCIATION
    assert partners["国际科技园协会（IASP）"]["member_count"] == 406
    assert partners["国际科技园协会（IASP）"]["member_country_count"] == 73
    assert partners["上汽通用五菱印尼汽车有限公司"]["country"] == "印度尼西亚"
    assert platforms["湖南大学智能激光制造重点实验室"]["kind"] == PlatformKind.KEY_LABORATORY
    assert platforms["上海漕河泾柳东创新创业园"]["state"] == "inaugurated"
    assert platforms["国际合作技术中心"]["state"] == ""  # the article does not say


def test_loading_twice_changes_nothing(django_db_blocker, django_db_setup, tmp_path_factory):
    from innovation.models import Platform

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            call_command("load_initial_data", stdout=io.StringIO(), stderr=io.StringIO())
            platform = Platform.objects.get(pk=1)
            platform.state_note = "编辑改过"
            platform.save()
            output = io.StringIO()
            call_command("load_initial_data", stdout=output, stderr=io.StringIO())
            platform.refresh_from_db()
            assert platform.state_note == "编辑改过"
            assert "Rows written: 0 of" in output.getvalue()
            transaction.set_rollback(True)


def test_iasp_is_an_international_organisation_not_a_spanish_partner(site):
    pages, _text = site
    partner = normalise(pages["/innovation/partners/iasp/"])
    assert "<dt>性质</dt><dd>国际组织</dd>" in partner and "<dt>总部</dt><dd>西班牙</dd>" in partner
    assert "<dt>国家</dt>" not in partner
    for list_page in ("/innovation/partners/", "/innovation/cooperations/"):
        choices = re.search(r'<select name="country"[^>]*>(.*?)</select>', pages[list_page], re.S).group(1)
        assert "西班牙" not in choices and "乌克兰" in choices, list_page
    card = pages["/innovation/cooperations/"].split('id="iasp"')[1].split("</li>")[0]
    assert "<dt>国家</dt>" not in card


def test_the_first_overseas_branch_is_shown_on_the_college_page(site):
    pages, _text = site
    college = pages["/innovation/partners/liu-zhou-cheng-shi-zhi-ye-xue-yuan/"]
    assert '<p class="partner__distinction">广西第一所在境外设立分院的高职院校</p>' in college


def test_no_enterprise_card_holds_only_a_name(site):
    pages, _text = site
    cards = re.findall(r'<li class="card enterprise">(.*?)</li>', pages["/innovation/enterprises/"], re.S)
    assert len(cards) == 6
    for card in cards:
        assert re.search(r'class="(facts[^"]*|card__body|note)"', card), card
    assert "其“广西升禾智慧环卫系统五年许可项目”" in pages["/innovation/enterprises/"]
