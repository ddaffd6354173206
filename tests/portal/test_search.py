"""Site search as a visitor uses it, and the index behind it (portal.search).

The index holds every public text of every section; each space-separated word must occur, as a
substring; results name their section, show the hits marked in context, and come in a fixed
number of queries. Rows appear and disappear with their publishing state, their parents', and
the related rows their text reads, without a rebuild.
"""

import datetime
import io
import re
import xml.etree.ElementTree as ElementTree
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion import create_revision
from reversion.models import Version

from innovation.models import FigureGroup, Platform, PlatformKind
from parks.models import ProfileItem
from portal.models import ArticleSection, PhotoTag, SearchEntry, SiteSettings
from portal.publishing import Status
from portal.search import MAX_QUERY_LENGTH
from talent.models import AwardCycle, Expert, ExpertProgramme, ProgrammePartner
from tests.factories import make_article, make_honour, make_indicator, make_metric, make_milestone, make_park, make_photo
from tests.innovation.factories_innovation import (
    make_achievement,
    make_cooperation,
    make_enterprise,
    make_event,
    make_figure,
    make_partner,
    make_platform,
    make_policy,
    make_qualification,
    make_tech_field,
)
from tests.parks.factories_parks import make_area, make_industry, make_profile_item
from tests.talent.factories_talent import (
    make_award,
    make_category,
    make_cycle,
    make_expert,
    make_field,
    make_laureate,
    make_programme,
)

pytestmark = pytest.mark.django_db

ARTICLE = ("文章", "提速增效 超常发展")
RESULT = re.compile(r'<li class="search-result">(.*?)</li>', re.S)
TITLE = re.compile(r'<h2 class="search-result__title"><a href="[^"]*">(.*?)</a>')
SECTION = re.compile(r'<span class="search-result__section">(.*?)</span>')
TAG = re.compile(r"<[^>]+>")


@pytest.fixture
def article_content():
    call_command("load_initial_data", stdout=io.StringIO())


def search_page(client, query, **params):
    response = client.get(reverse("portal:search"), {"q": query, **params})
    assert response.status_code == 200
    return response


def shown(response) -> list[dict]:
    """The results as the page shows them, in order: section label, title as read, and HTML."""
    results = []
    for html in RESULT.findall(response.content.decode()):
        title = unescape(TAG.sub("", TITLE.search(html).group(1)))
        results.append({"section": SECTION.search(html).group(1), "title": title, "html": html})
    return results


def found(client, query, **params) -> list[tuple[str, str]]:
    """(section, title) of each result on the page, best first."""
    return [(result["section"], result["title"]) for result in shown(search_page(client, query, **params))]


def result_for(client, query, section, title) -> dict:
    """The one result `title` of `section` for `query` (fails if it is not listed)."""
    results = [row for row in shown(search_page(client, query)) if (row["section"], row["title"]) == (section, title)]
    assert len(results) == 1, (query, section, title, found(client, query))
    return results[0]


# --- the article's words ---------------------------------------------------------------------

# word -> a row that contains it (section label, title); the article contains all but 罗秋宁.
ARTICLE_WORDS = [
    ("智能", "创新平台", "柳州市—上海交通大学智能制造技术研究院"),
    ("汽车", "产业", "汽车"),
    ("孵化", "双创数据", "新增孵化企业"),
    ("专利", "经济指标", "专利申报量 截至2017年11月"),
    ("印尼", "对外合作", "印尼中上汽通用五菱汽车教育培训基地"),
    ("上海交通", "合作机构", "上海交通大学"),
    ("罗秋宁", "图片", "严把质量关"),
    ("知识产权", "荣誉", "国家级知识产权试点园区"),
    ("新材料", "产业", "新材料"),
    ("平台", "荣誉", "自治区中小企业公共服务示范平台"),
]


@pytest.mark.parametrize(("word", "section", "title"), ARTICLE_WORDS, ids=[word for word, *_ in ARTICLE_WORDS])
def test_each_word_of_the_article_finds_the_rows_that_contain_it(client, article_content, word, section, title):
    result = result_for(client, word, section, title)
    assert f"<mark>{word}</mark>" in result["html"]
    if word != "罗秋宁":
        article = result_for(client, word, *ARTICLE)
        assert re.search(rf"…?[^<]+<mark>{word}</mark>", article["html"]), "the hit is shown with its context"


def test_the_photo_credit_finds_the_photo(client, article_content):
    """罗秋宁 took 严把质量关: the credit is indexed as the page shows it (罗秋宁/摄)."""
    assert found(client, "罗秋宁") == [("图片", "严把质量关")]
    assert "<mark>罗秋宁</mark>/摄" in result_for(client, "罗秋宁", "图片", "严把质量关")["html"]


def test_a_section_name_finds_the_section_rows(client, article_content):
    results = found(client, "平台")
    platforms = sorted(title for section, title in results if section == "创新平台")
    assert platforms == sorted(Platform.objects.published().values_list("name", flat=True))
    assert len(platforms) > 5


def test_latin_text_is_matched_whatever_its_case_and_width(client, article_content):
    for query in ("iasp", "IASP", "Iasp", "ＩＡＳＰ"):
        result = result_for(client, query, "合作机构", "国际科技园协会（IASP）")
        assert "<mark>IASP</mark>" in result["html"], query


# --- every public text ------------------------------------------------------------------------

PROBE = "检索探针"


def _platform_partner():
    make_platform(name="平台甲", partners=[make_partner(name=f"机构{PROBE}")])
    return "创新平台", "平台甲"


def _cooperation_country():
    make_cooperation(title="合作甲", partners=[make_partner(name="机构乙", country=f"国{PROBE}")])
    return "对外合作", "合作甲"


def _programme_partner():
    programme = make_programme(name="项目甲")
    ProgrammePartner.objects.create(programme=programme, name=f"单位{PROBE}")
    return "专家服务项目", "项目甲"


def _article_section():
    article = make_article(title="文章甲", sections=0)
    ArticleSection.objects.create(article=article, heading="小标题", body=f"正文{PROBE}正文")
    return "文章", "文章甲"


def _cycle():
    make_cycle("announced", award=make_award(name="奖项甲"), edition=7, year=2031, notes=PROBE)
    return "评选周期", "奖项甲 第7届（2031年）"


# Where each public text lives: a row holding PROBE in that text -> (section, title) found.
TEXTS = {
    "park-summary": lambda: (make_park(name="园区甲", summary=PROBE), ("园区", "园区甲"))[1],
    "park-profile-item": lambda: (make_profile_item(park=make_park(name="园区乙"), text=PROBE), ("园区", "园区乙"))[1],
    "area": lambda: (make_area(name="片区甲", description=PROBE), ("园区片区", "片区甲"))[1],
    "milestone": lambda: (make_milestone(title="大事甲", body=PROBE), ("发展历程", "大事甲"))[1],
    "industry": lambda: (make_industry(name="产业甲", description=PROBE), ("产业", "产业甲"))[1],
    "metric-name": lambda: (make_indicator(metric=make_metric(name=f"指标{PROBE}")), ("经济指标", f"指标{PROBE} 2017年"))[1],
    "metric-description": lambda: (
        make_indicator(metric=make_metric(name="指标甲", description=PROBE)),
        ("经济指标", "指标甲 2017年"),
    )[1],
    "indicator-scope": lambda: (
        make_indicator(metric=make_metric(name="指标乙"), scope_note=PROBE),
        ("经济指标", "指标乙 2017年"),
    )[1],
    "indicator-note": lambda: (make_indicator(metric=make_metric(name="指标丙"), note=PROBE), ("经济指标", "指标丙 2017年"))[1],
    "honour": lambda: (make_honour(name="荣誉甲", holder=PROBE), ("荣誉", "荣誉甲"))[1],
    "award": lambda: (make_award(name="奖项乙", organiser=PROBE), ("人才奖项", "奖项乙"))[1],
    "award-category": lambda: (make_category(award=make_award(name="奖项丙"), name=PROBE), ("人才奖项", "奖项丙"))[1],
    "cycle": _cycle,
    "laureate": lambda: (make_laureate(name="获奖者甲", citation=PROBE), ("获奖者", "获奖者甲"))[1],
    "expert-field": lambda: (make_expert(name="专家甲", fields=[make_field(name=PROBE)]), ("专家", "专家甲"))[1],
    "expert-institution": lambda: (make_expert(name="专家乙", institution=PROBE), ("专家", "专家乙"))[1],
    "programme": lambda: (make_programme(name="项目乙", outcomes=PROBE), ("专家服务项目", "项目乙"))[1],
    "programme-partner": _programme_partner,
    "platform-partner": _platform_partner,
    "platform-tech-field": lambda: (
        make_platform(name="平台乙", tech_fields=[make_tech_field(name=PROBE)]),
        ("创新平台", "平台乙"),
    )[1],
    "partner": lambda: (make_partner(name="机构丙", description=PROBE), ("合作机构", "机构丙"))[1],
    "enterprise-qualification": lambda: (
        make_enterprise(name="企业甲", qualifications=[make_qualification(name=PROBE)]),
        ("企业", "企业甲"),
    )[1],
    "figure": lambda: (make_figure(label="数据甲", note=PROBE), ("双创数据", "数据甲"))[1],
    "event": lambda: (make_event(name="大赛甲", organisers=PROBE), ("双创活动", "大赛甲"))[1],
    "achievement": lambda: (make_achievement(title="项目丙", parties=PROBE), ("创新成果", "项目丙"))[1],
    "cooperation-country": _cooperation_country,
    "policy": lambda: (make_policy(title="办法甲", notice_title=PROBE), ("扶持政策", "办法甲"))[1],
    "article-lead": lambda: (make_article(title="文章乙", lead=PROBE), ("文章", "文章乙"))[1],
    "article-section": _article_section,
    "photo-caption": lambda: (make_photo(caption=f"图片{PROBE}"), ("图片", f"图片{PROBE}"))[1],
    "photo-credit": lambda: (make_photo(caption="图片甲", credit=PROBE), ("图片", "图片甲"))[1],
    "photo-tag": lambda: (make_photo(caption="图片乙", tags=[PhotoTag.objects.create(name=PROBE)]), ("图片", "图片乙"))[1],
}


@pytest.mark.parametrize("text", sorted(TEXTS))
def test_every_public_text_is_found(client, text):
    section, title = TEXTS[text]()
    result = result_for(client, PROBE, section, title)
    assert f"<mark>{PROBE}</mark>" in result["html"]


LABELS = {
    "platform-kind": (lambda: make_platform(name="平台丙", kind=PlatformKind.INCUBATOR), "孵化器", ("创新平台", "平台丙")),
    "figure-group": (lambda: make_figure(label="数据乙", group=FigureGroup.CAPITAL_MARKET), "资本市场", ("双创数据", "数据乙")),
    "section-name": (lambda: make_partner(name="甲大学"), "合作机构", ("合作机构", "甲大学")),
}


@pytest.mark.parametrize("label", sorted(LABELS))
def test_labels_of_a_row_and_of_its_section_are_found(client, label):
    make_row, query, expected = LABELS[label]
    make_row()
    assert found(client, query) == [expected]


# --- words and ranking ------------------------------------------------------------------------


def test_every_word_must_occur_in_any_order(client):
    make_photo(caption="机器人组装汽车生产线")
    make_photo(caption="机器人焊接")
    make_article(title="汽车城")
    assert found(client, "机器人 汽车") == [("图片", "机器人组装汽车生产线")]
    assert found(client, "汽车   机器人") == [("图片", "机器人组装汽车生产线")]
    result = shown(search_page(client, "汽车 机器人"))[0]
    assert "<mark>机器人</mark>组装<mark>汽车</mark>生产线" in result["html"]


def test_title_hits_come_first_then_more_hits_then_newer_dates(client):
    make_milestone(title="大事", body="园区一次提到风电。", date=datetime.date(2015, 1, 1))
    make_milestone(title="大事", body="风电，风电，还是风电。", date=datetime.date(2001, 1, 1))
    make_milestone(title="风电项目落户", date=datetime.date(1999, 1, 1))
    make_milestone(title="又一件大事", body="园区一次提到风电。", date=datetime.date(2016, 1, 1))
    results = shown(search_page(client, "风电"))
    assert [(row["title"], re.search(r'__date">([^<]+)', row["html"]).group(1)) for row in results] == [
        ("风电项目落户", "1999年"),
        ("大事", "2001年"),
        ("又一件大事", "2016年"),
        ("大事", "2015年"),
    ]


def test_a_result_shows_its_date_only_when_the_row_has_one(client):
    make_milestone(title="探针大事", date=datetime.date(1992, 9, 1), date_precision="month")
    make_partner(name="探针机构")
    results = {row["title"]: row["html"] for row in shown(search_page(client, "探针"))}
    assert '<span class="search-result__date">1992年9月</span>' in results["探针大事"]
    assert "search-result__date" not in results["探针机构"]


def test_the_excerpt_is_the_text_around_the_first_hit(client):
    body = "前文" * 100 + "风电" + "后文" * 100 + "风电"
    make_milestone(title="大事", body=body)
    html = shown(search_page(client, "风电"))[0]["html"]
    excerpt = unescape(TAG.sub("", re.search(r'__excerpt">(.*?)</p>', html, re.S).group(1)))
    assert excerpt.startswith("…前文") and excerpt.endswith("后文…")
    assert len(excerpt) < 130
    assert html.count("<mark>风电</mark>") == 1  # the second hit is beyond the excerpt


def test_text_is_escaped_and_only_hits_are_marked(client):
    make_photo(caption="<script>alert(1)</script>探针 & <b>粗体</b>")
    content = search_page(client, "探针").content.decode()
    assert "<script>alert(1)</script>" not in content and "<b>粗体" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>探针</mark> &amp; &lt;b&gt;粗体&lt;/b&gt;" in content
    assert "&lt;mark&gt;" not in search_page(client, "script>").content.decode()


def test_percent_and_underscore_are_matched_literally(client):
    make_photo(caption="增速达50%以上")
    make_photo(caption="增速达500以上")
    make_photo(caption="代号a_b")
    make_photo(caption="代号axb")
    assert found(client, "50%") == [("图片", "增速达50%以上")]
    assert found(client, "a_b") == [("图片", "代号a_b")]
    assert found(client, "%%") == [] and found(client, "__") == []


def test_sample_rows_carry_the_sample_badge(client):
    make_expert(name="探针专家甲", is_sample=True)
    make_expert(name="探针专家乙")
    results = {row["title"]: row["html"] for row in shown(search_page(client, "探针专家"))}
    assert 'class="sample-badge"' in results["探针专家甲"]
    assert 'class="sample-badge"' not in results["探针专家乙"]


# --- what the page says ------------------------------------------------------------------------


def test_no_match_says_so(client):
    make_article(title="提速增效 超常发展")
    response = search_page(client, "不存在的词")
    assert shown(response) == []
    assert "没有找到与“不存在的词”相关的内容" in response.content.decode()


@pytest.mark.parametrize("query", ["", " ", "\u3000\t", "汽", " a ", "%"])
def test_a_query_too_short_explains_what_to_type_and_runs_no_search(client, query, django_assert_max_num_queries):
    make_photo(caption="汽车")
    SiteSettings.load()
    with django_assert_max_num_queries(1):  # the site settings only
        response = search_page(client, query)
    assert "请输入至少两个字的关键词" in response.content.decode()
    assert "results" not in response.context


def test_the_query_stays_in_the_box_and_long_queries_are_cut(client):
    content = search_page(client, "汽车 孵化").content.decode()
    assert 'name="q" value="汽车 孵化"' in content
    response = search_page(client, "长" * 500)
    assert response.context["query"] == "长" * MAX_QUERY_LENGTH
    assert f'value="{"长" * MAX_QUERY_LENGTH}"' in response.content.decode()


ODD_QUERIES = [
    "\x00",
    "汽\x00车",
    "%",
    "_",
    "%%",
    "__",
    "%_%",
    "\\",
    "'; DROP TABLE portal_searchentry; --",
    '"<>&',
    "<script>alert(1)</script>",
    "长" * 1000,
    "a " * 200,
    "。，、！？",
    "()[]{}*+?|^$.",
    "𝕀𝔸𝕊ℙ 😀",
    "\u200b\u200b",
    "e\u0301",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_are_answered(client, query):
    make_photo(caption="100%合格 a_b")
    for params in ({"q": query}, {"q": query, "page": "abc"}, {"q": query, "page": "-1"}, {"q": query, "page": "99999"}):
        assert client.get(reverse("portal:search"), params).status_code == 200


def test_results_are_paginated_keeping_the_query(client):
    for index in range(25):
        make_milestone(title=f"分页探针 {index:02d}", date=datetime.date(2000 + index, 1, 1))
    first = search_page(client, "分页探针")
    assert len(shown(first)) == 20
    content = first.content.decode()
    assert "?q=%E5%88%86%E9%A1%B5%E6%8E%A2%E9%92%88&amp;page=2" in content
    assert "共找到 25 条结果" in content
    second = search_page(client, "分页探针", page=2)
    assert [row["title"] for row in shown(second)] == [f"分页探针 {index:02d}" for index in range(4, -1, -1)]
    assert 'value="分页探针"' in second.content.decode()


def test_results_are_counted_by_section(client):
    make_platform(name="探针平台甲")
    make_platform(name="探针平台乙")
    make_partner(name="探针机构")
    response = search_page(client, "探针")
    assert response.context["sections"] == [{"section": "创新平台", "count": 2}, {"section": "合作机构", "count": 1}]
    assert '创新平台 <span class="count">2</span>' in response.content.decode()


# --- visibility --------------------------------------------------------------------------------


def test_drafts_and_children_of_drafts_are_never_found(client):
    make_article(title="探针草稿文章", status=Status.DRAFT)
    make_area(name="探针片区", park=make_park(status=Status.DRAFT))
    make_laureate(name="探针获奖者", cycle=make_cycle("announced", award=make_award(status=Status.DRAFT)))
    make_achievement(title="探针成果", enterprise=make_enterprise(status=Status.DRAFT))
    make_platform(name="探针平台", partners=[make_partner(name="草稿机构探针", status=Status.DRAFT)])
    assert found(client, "探针") == [("创新平台", "探针平台")]
    assert "草稿机构" not in search_page(client, "探针").content.decode()


def test_scheduled_rows_appear_when_their_time_comes_without_reindexing(client, monkeypatch):
    now = timezone.now()
    make_article(title="探针已到时间", published_at=now - datetime.timedelta(hours=1))
    make_article(title="探针定时文章", published_at=now + datetime.timedelta(hours=1))
    make_area(name="探针定时园区的片区", park=make_park(published_at=now + datetime.timedelta(hours=2)))
    assert found(client, "探针") == [("文章", "探针已到时间")]
    indexed = list(SearchEntry.objects.order_by("pk").values_list("pk", "indexed_at"))

    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=1, minutes=1))
    assert sorted(found(client, "探针")) == [("文章", "探针定时文章"), ("文章", "探针已到时间")]
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=3))
    assert ("园区片区", "探针定时园区的片区") in found(client, "探针")
    assert list(SearchEntry.objects.order_by("pk").values_list("pk", "indexed_at")) == indexed


# --- keeping the index current ------------------------------------------------------------------


def test_a_saved_row_is_found_by_its_new_text_only(client):
    platform = make_platform(name="探针旧名称")
    platform.name = "探针新名称"
    platform.save()
    assert found(client, "探针") == [("创新平台", "探针新名称")]


def test_unpublishing_or_deleting_a_row_removes_it(client):
    article = make_article(title="探针文章")
    photo = make_photo(caption="探针图片")
    article.status = Status.DRAFT
    article.save()
    assert found(client, "探针") == [("图片", "探针图片")]
    photo.delete()
    assert found(client, "探针") == []
    article.status = Status.PUBLISHED
    article.save()
    assert found(client, "探针") == [("文章", "探针文章")]
    assert SearchEntry.objects.count() == 1


def test_a_parent_unpublished_or_scheduled_hides_its_children_and_back(client):
    park = make_park(name="园区")
    make_area(name="探针片区", park=park)
    make_milestone(title="探针大事", park=park)
    park.status = Status.DRAFT
    park.save()
    assert found(client, "探针") == []
    park.status = Status.PUBLISHED
    park.published_at = timezone.now() + datetime.timedelta(days=1)
    park.save()
    assert found(client, "探针") == []
    park.published_at = timezone.now() - datetime.timedelta(days=1)
    park.save()
    assert sorted(found(client, "探针")) == [("发展历程", "探针大事"), ("园区片区", "探针片区")]
    park.delete()
    assert found(client, "探针") == [] and not SearchEntry.objects.filter(title="园区").exists()


def test_linking_and_unlinking_related_rows_reindexes_from_either_side(client):
    platform = make_platform(name="平台甲")
    partner = make_partner(name="探针机构")
    platform.partners.add(partner)
    assert ("创新平台", "平台甲") in found(client, "探针机构")
    platform.partners.remove(partner)
    assert ("创新平台", "平台甲") not in found(client, "探针机构")
    partner.platforms.add(platform)
    assert ("创新平台", "平台甲") in found(client, "探针机构")
    partner.platforms.clear()
    assert ("创新平台", "平台甲") not in found(client, "探针机构")
    platform.partners.set([partner])
    platform.partners.clear()
    assert ("创新平台", "平台甲") not in found(client, "探针机构")


def test_renaming_or_unpublishing_a_related_row_reindexes_the_rows_that_name_it(client):
    partner = make_partner(name="探针旧机构")
    make_platform(name="平台甲", partners=[partner])
    make_cooperation(title="合作甲", partners=[partner])
    partner.name = "探针新机构"
    partner.save()
    assert sorted(found(client, "探针新机构")) == [("创新平台", "平台甲"), ("合作机构", "探针新机构"), ("对外合作", "合作甲")]
    assert found(client, "探针旧机构") == []
    partner.status = Status.DRAFT
    partner.save()
    assert found(client, "探针新机构") == []


def test_children_and_reference_rows_reindex_what_reads_them(client):
    article = make_article(title="文章甲", sections=0)
    section = ArticleSection.objects.create(article=article, heading="小标题", body="正文")
    section.body = "探针正文"
    section.save()
    assert found(client, "探针正文") == [("文章", "文章甲")]
    section.delete()
    assert found(client, "探针正文") == []

    metric = make_metric(name="指标甲")
    make_indicator(metric=metric, year=2017)
    metric.name = "探针指标"
    metric.save()
    assert found(client, "探针指标") == [("经济指标", "探针指标 2017年")]

    field = make_field(name="领域甲")
    make_expert(name="专家甲", fields=[field])
    field.name = "探针领域"
    field.save()
    assert found(client, "探针领域") == [("专家", "专家甲")]


def test_a_child_moved_to_another_row_leaves_the_first(client):
    first, second = make_park(name="园区甲"), make_park(name="园区乙")
    item = make_profile_item(park=first, text="探针条目")
    item.park = second
    item.save()
    assert found(client, "探针条目") == [("园区", "园区乙")]
    ProfileItem.objects.filter(pk=item.pk).delete()
    assert found(client, "探针条目") == []


# --- the command and the loaders ----------------------------------------------------------------


def entries():
    return sorted(SearchEntry.objects.values_list("content_type", "object_id", "title", "search_text", "url", "public_from"))


def test_rebuild_reports_each_source_and_can_be_repeated(client):
    make_article(title="文章甲")
    make_platform(name="平台甲")
    make_platform(name="平台乙", status=Status.DRAFT)
    before = entries()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    output = out.getvalue()
    assert "  文章 (portal.article): 1\n" in output
    assert "  创新平台 (innovation.platform): 1\n" in output
    assert "  图片 (portal.photo): 0\n" in output
    assert re.search(r"Search index rebuilt: 2 entries from \d+ sources \(2 before\)\.", output)
    assert entries() == before
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert entries() == before


def test_rebuild_catches_up_with_changes_that_bypass_signals(client):
    article = make_article(title="文章甲")
    type(article).objects.filter(pk=article.pk).update(title="探针文章")
    assert found(client, "探针") == []
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found(client, "探针") == [("文章", "探针文章")]


def test_loading_and_removing_sample_data_leaves_the_index_current(client, article_content):
    call_command("load_sample_data", stdout=io.StringIO())
    experts = found(client, "示例专家 01")
    assert experts == [("专家", "示例专家 01")]
    assert 'class="sample-badge"' in shown(search_page(client, "示例专家 01"))[0]["html"]
    cycle = AwardCycle.objects.get(pk=9002)  # placed relative to today: its year varies
    assert ("评选周期", str(cycle)) in found(client, "创新领军人才奖")
    call_command("remove_sample_data", stdout=io.StringIO())
    assert found(client, "示例专家") == []
    assert SearchEntry.objects.filter(is_sample=True).count() == 0


def test_loading_the_article_indexes_it(client, article_content):
    assert SearchEntry.objects.count() > 50
    assert found(client, "提速增效")[0] == ARTICLE


# --- cost ------------------------------------------------------------------------------------------


def search_queries(client, query="示例") -> int:
    SiteSettings.load()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:search"), {"q": query}).status_code == 200
    return len(queries)


def test_a_search_runs_the_same_few_queries_with_ten_times_the_rows(client, article_content):
    call_command("load_sample_data", stdout=io.StringIO())
    with_sample = search_queries(client)
    assert with_sample <= 3  # site settings, counts per section, one page of entries

    rows = SearchEntry.objects.count()
    Expert.objects.bulk_create(
        Expert(name=f"示例专家 批量{n}", slug=f"sample-bulk-{n}", institution="示例大学", status=Status.PUBLISHED)
        for n in range(10 * rows)
    )
    ExpertProgramme.objects.bulk_create(
        ExpertProgramme(name=f"示例项目 {n}", slug=f"sample-programme-{n}", status=Status.PUBLISHED) for n in range(50)
    )
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert SearchEntry.objects.count() >= 10 * rows
    assert search_queries(client) == with_sample
    assert search_queries(client, "示例 专家 大学") == with_sample


# --- OpenSearch --------------------------------------------------------------------------------

OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_opensearch_description_is_linked_from_every_page_and_parses(client):
    settings = SiteSettings.load()
    settings.portal_name = "柳州高新区门户"
    settings.save()
    home = client.get(reverse("portal:home")).content.decode()
    link = re.search(r'<link rel="search" type="application/opensearchdescription\+xml" title="([^"]+)" href="([^"]+)">', home)
    assert link.groups() == ("柳州高新区门户", "/opensearch.xml")

    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == "柳州高新区门户"
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    templates = {url.get("type"): url.get("template") for url in root.findall(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == "http://testserver/search/?q={searchTerms}"
    assert templates["application/opensearchdescription+xml"] == "http://testserver/opensearch.xml"


def test_search_pages_stay_out_of_search_engines(client):
    assert "Disallow: /search/" in client.get("/robots.txt").content.decode()


def test_a_row_restored_from_its_history_is_found_again(client):
    with create_revision():
        article = make_article(title="探针文章")
    version = Version.objects.get_for_object(article).get()
    article.delete()
    assert found(client, "探针") == []
    version.revert()  # the admin's "recover deleted": a raw save
    assert found(client, "探针") == [("文章", "探针文章")]
