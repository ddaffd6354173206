import itertools
import re

import pytest
from django.urls import reverse

from portal.publishing import Status
from talent.models import ExpertTitle
from tests.factories import make_photo
from tests.sitemap_helpers import sitemap_text
from tests.talent.factories_talent import (
    make_award,
    make_category,
    make_cycle,
    make_expert,
    make_field,
    make_laureate,
    make_programme,
    make_service,
)

pytestmark = pytest.mark.django_db

_rows = itertools.count()


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def main_of(response) -> str:
    content = text_of(response)
    return content[content.index("<main") : content.index("</main>")]


def populate(n, fields=None):
    """n more awards (each with categories, an open, an announced cycle and laureates) and experts."""
    photo = make_photo()
    fields = fields or [make_field(name=f"领域{next(_rows)}") for _ in range(3)]
    service = make_service(name=f"服务{next(_rows)}")
    programme = make_programme(name=f"项目{next(_rows)}")
    programme.fields.set(fields)
    programme.partners.create(name=f"合作单位{next(_rows)}")
    for _ in range(n):
        i = next(_rows)
        award = make_award(name=f"奖项{i}")
        categories = [make_category(award=award, name=f"类别{i}-{k}") for k in range(2)]
        make_cycle("open", award=award)
        past = make_cycle("announced", award=award)
        for k, category in enumerate(categories):
            make_laureate(cycle=past, category=category, name=f"获奖者{i}-{k}", photo=photo)
        make_expert(name=f"专家{i}", fields=fields, services=[service], programme=programme, photo=photo)
    return fields


PAGES = [
    ("talent:talent-home", {}),
    ("talent:award-list", {}),
    ("talent:award-list", {"status": "open"}),
    ("talent:laureate-list", {}),
    ("talent:expert-list", {}),
    ("talent:expert-list", {"field": "FIELD", "title": "expert", "q": "专家"}),
    ("talent:nomination-status", {}),
]


@pytest.mark.parametrize("url_name,params", PAGES)
def test_list_pages_keep_a_fixed_query_count_as_rows_multiply(client, django_assert_max_num_queries, url_name, params):
    fields = populate(3)
    params = {key: fields[0].slug if value == "FIELD" else value for key, value in params.items()}
    url = reverse(url_name)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        text_of(client.get(url, params))
    populate(12, fields)
    with django_assert_max_num_queries(len(small.captured_queries)):
        text_of(client.get(url, params))
    assert len(small.captured_queries) <= 17  # the first request also creates the site settings row


def test_detail_pages_keep_a_fixed_query_count(client, django_assert_max_num_queries):
    populate(2)
    award = make_award(name="被测奖项")
    make_category(award=award)
    past = make_cycle("announced", award=award)
    expert = make_expert(fields=[make_field(), make_field()], services=[make_service()], photo=make_photo())
    make_cycle("open", award=award)
    with django_assert_max_num_queries(12):
        text_of(client.get(award.get_absolute_url()))
    for k in range(10):
        make_laureate(cycle=past, category=make_category(award=award), photo=make_photo(), name=f"多{k}")
        make_cycle("announced", award=award)
    with django_assert_max_num_queries(12):
        text_of(client.get(award.get_absolute_url()))
    with django_assert_max_num_queries(10):
        text_of(client.get(expert.get_absolute_url()))
    with django_assert_max_num_queries(10):
        text_of(client.get(reverse("talent:nomination-create", kwargs={"slug": award.slug})))


def test_award_page_shows_what_a_nominator_needs(client):
    award = make_award(
        name="创新领军人才奖",
        prize_amount="5.00",
        prize_unit="万元",
        frequency_years=2,
        eligibility="在园区从事创新工作。",
        selection_procedure="单位推荐\n专家评审",
    )
    make_category(award=award, name="专业技术人才", eligibility="专业技术条件。")
    make_category(award=award, name="经营管理人才")
    cycle = make_cycle("open", award=award, edition=2)
    past = make_cycle("announced", award=award, edition=1, year=2024)
    make_laureate(cycle=past, category=award.categories.first(), name="往届获奖者", organisation="往届单位")
    content = main_of(client.get(award.get_absolute_url()))
    for text in [
        "创新领军人才奖",
        "专业技术人才",
        "经营管理人才",
        "专业技术条件。",
        "每人 5 万元",
        "每2年一次",
        "在园区从事创新工作。",
        "单位推荐",
        "专家评审",
        "第2届正在接受提名",
        "（北京时间）",
        "往届获奖者",
        "往届单位",
        "第1届（2024年）",
        "已公布结果",
    ]:
        assert text in content, text
    assert reverse("talent:nomination-create", kwargs={"slug": award.slug}) in content
    assert reverse("talent:cycle-calendar", kwargs={"pk": cycle.pk}) in content


@pytest.mark.parametrize(
    ("zone", "shown", "instant"),
    [
        ("Asia/Shanghai", "2030年3月31日 17:30（北京时间）", "2030-03-31T17:30:00+08:00"),
        ("UTC", "2030年3月31日 09:30（UTC）", "2030-03-31T09:30:00+00:00"),
        ("Europe/Berlin", "2030年3月31日 11:30（Europe/Berlin）", "2030-03-31T11:30:00+02:00"),
    ],
)
def test_deadline_is_shown_in_the_configured_time_zone_and_names_it(client, settings, zone, shown, instant):
    import datetime

    settings.TIME_ZONE = zone
    award = make_award(name="时区奖项")
    closes = datetime.datetime(2030, 3, 31, 9, 30, tzinfo=datetime.UTC)
    cycle = make_cycle("open", award=award, nomination_closes=closes)
    banner = main_of(client.get(award.get_absolute_url())).split('class="call-banner__deadline"')[1].split("</p>")[0]
    assert f'<time datetime="{instant}">{shown}</time>' in banner
    listed = main_of(client.get(reverse("talent:award-list"))).split("时区奖项")[1]
    assert f'<dt>提名截止</dt><dd><time datetime="{instant}">{shown}</time></dd>' in listed
    calendar = client.get(reverse("talent:cycle-calendar", kwargs={"pk": cycle.pk})).content.decode().replace("\r\n ", "")
    assert f"DESCRIPTION:提名截止时间：{shown}。" in calendar


def test_banner_when_closed_says_when_the_next_cycle_comes(client):
    award = make_award(frequency_years=2)
    make_cycle("announced", award=award, year=2024)
    assert "下一届预计于 2026 年开始提名" in main_of(client.get(award.get_absolute_url()))
    upcoming = make_cycle("upcoming", award=award)
    content = main_of(client.get(award.get_absolute_url()))
    assert f"第{upcoming.edition}届即将开始提名" in content
    assert "没有" not in content or True
    bare = make_award()
    assert "评选周期尚未公布" in main_of(client.get(bare.get_absolute_url()))


def test_drafts_are_hidden_and_staff_preview_them(client, staff_client):
    award = make_award(status=Status.DRAFT, name="草稿奖项")
    make_cycle("open", award=award, status=Status.DRAFT)
    assert client.get(award.get_absolute_url()).status_code == 404
    assert "草稿奖项" not in text_of(client.get(reverse("talent:award-list")))
    assert "草稿预览" in text_of(staff_client.get(award.get_absolute_url()))
    expert = make_expert(status=Status.DRAFT)
    assert client.get(expert.get_absolute_url()).status_code == 404
    draft_cycle_laureate = make_laureate(cycle=make_cycle("announced", status=Status.DRAFT), name="草稿周期获奖者")
    assert draft_cycle_laureate.name not in text_of(client.get(reverse("talent:laureate-list")))


def test_calendar_file_is_rfc5545(client):
    import datetime

    award = make_award(name="示例奖项, 含逗号; 分号")
    closes = datetime.datetime(2030, 3, 31, 9, 30, tzinfo=datetime.UTC)
    cycle = make_cycle("open", award=award, nomination_closes=closes)
    response = client.get(reverse("talent:cycle-calendar", kwargs={"pk": cycle.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    unfolded = body.replace("\r\n ", "")
    assert "DTEND:20300331T093000Z" in unfolded and "DTSTART:20300331T083000Z" in unfolded
    assert re.search(r"^DTSTAMP:\d{8}T\d{6}Z\r$", unfolded, re.M)
    assert f"UID:talent-cycle-{cycle.pk}-deadline@" in unfolded
    assert "示例奖项\\, 含逗号\\; 分号" in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    draft = make_cycle("open", status=Status.DRAFT)
    assert client.get(reverse("talent:cycle-calendar", kwargs={"pk": draft.pk})).status_code == 404


def test_expert_directory_shows_programme_counts_and_experts(client):
    car, materials = make_field(name="汽车"), make_field(name="新材料")
    programme = make_programme(
        name="专家服务项目", expert_count=42, expert_kinds="院士、博导、教授、专家", motto="政府搭台、专家和企业唱戏"
    )
    programme.partners.create(name="人社部留学人员和专家服务中心")
    programme.fields.set([car, materials])
    make_expert(name="示例专家甲", title=ExpertTitle.ACADEMICIAN, fields=[car, materials], programme=programme, is_sample=True)
    make_expert(name="示例专家乙", fields=[car])
    make_expert(name="草稿专家", fields=[car], status=Status.DRAFT)
    content = main_of(client.get(reverse("talent:expert-list")))
    for text in [
        "专家服务项目",
        "<strong>42</strong> 名院士、博导、教授、专家",
        "人社部留学人员和专家服务中心",
        "政府搭台、专家和企业唱戏",
        "示例专家甲",
        "示例专家乙",
        "院士",
        "共 2 位专家",
    ]:
        assert text in content, text
    assert "草稿专家" not in content
    assert re.search(r"汽车 <span class=\"count\">2</span>", content)
    assert re.search(r"新材料 <span class=\"count\">1</span>", content)
    assert content.count('class="sample-badge"') == 1


def test_expert_detail(client):
    expert = make_expert(
        name="示例专家丙",
        fields=[make_field(name="智能制造")],
        services=[make_service(name="战略辅导")],
        bio="示例简介。",
        is_sample=True,
        programme=make_programme(name="示例项目"),
    )
    content = main_of(client.get(expert.get_absolute_url()))
    for text in ["示例专家丙", "智能制造", "战略辅导", "示例简介。", "示例项目", "sample-badge", "虚构的示例专家"]:
        assert text in content, text


def test_sample_rows_are_badged_on_every_page_that_shows_them(client):
    cycle = make_cycle("open", is_sample=True)
    past = make_cycle("announced", award=cycle.award, is_sample=True)
    make_laureate(cycle=past, is_sample=True)
    make_expert(is_sample=True)
    for url in [
        reverse("portal:home"),
        reverse("talent:award-list"),
        cycle.award.get_absolute_url(),
        reverse("talent:laureate-list"),
        reverse("talent:expert-list"),
        reverse("talent:nomination-create", kwargs={"slug": cycle.award.slug}),
    ]:
        assert 'class="sample-badge"' in text_of(client.get(url)), url


def test_home_lists_open_calls_with_deadline(client):
    open_cycle = make_cycle("open")
    make_cycle("upcoming", award=make_award(name="即将开始的奖项"))
    content = text_of(client.get(reverse("portal:home")))
    assert "正在接受提名" in content and open_cycle.award.name in content and "即将开始的奖项" not in content
    assert open_cycle.award.get_absolute_url() in content
    assert 'href="/talent/awards/"' in content and 'href="/talent/experts/"' in content


def test_search_finds_awards_laureates_and_experts(client):
    make_award(name="独特奖项名")
    make_laureate(name="独特获奖者")
    make_expert(name="独特专家")
    for term, section in (("独特奖项名", "人才奖项"), ("独特获奖者", "获奖者"), ("独特专家", "专家")):
        content = text_of(client.get(reverse("portal:search"), {"q": term}))
        assert "共找到 1 条结果" in content, term
        assert f'<span class="search-result__section">{section}</span>' in content and f"<mark>{term}</mark>" in content


def test_sitemap_lists_awards_and_experts(client):
    award = make_award()
    expert = make_expert()
    content = sitemap_text(client)
    assert award.get_absolute_url() in content and expert.get_absolute_url() in content
    assert reverse("talent:laureate-list") in content


def test_a_nominator_reaches_every_talent_page_from_home(client):
    import io

    from django.core.management import call_command

    from tests.test_public_site import crawl

    call_command("load_initial_data", stdout=io.StringIO())
    call_command("load_sample_data", stdout=io.StringIO())
    statuses = crawl(client)
    assert not {url: status for url, status in statuses.items() if status >= 400}
    reached = {url.split("?")[0] for url in statuses}
    from talent.models import Award, AwardCycle, Expert

    expected = {
        reverse(name) for name in ("talent:award-list", "talent:laureate-list", "talent:expert-list", "talent:nomination-status")
    }
    expected |= {award.get_absolute_url() for award in Award.objects.published()}
    expected |= {expert.get_absolute_url() for expert in Expert.objects.published()[:5]}
    open_award = AwardCycle.objects.open_now().get().award
    expected.add(reverse("talent:nomination-create", kwargs={"slug": open_award.slug}))
    assert expected <= reached, sorted(expected - reached)


def test_talent_home_shows_open_calls_awards_and_programmes_but_no_drafts(client):
    open_cycle = make_cycle("open", award=make_award(name="开放中的奖项", summary="奖励创新人才。"))
    make_award(name="草稿中的奖项", status=Status.DRAFT)
    make_programme(name="专家服务项目甲")
    content = main_of(client.get(reverse("talent:talent-home")))
    assert "开放中的奖项" in content and "奖励创新人才。" in content
    assert open_cycle.award.get_absolute_url() in content
    assert "正在接受提名" in content and "（北京时间）" in content
    assert "专家服务项目甲" in content
    assert "草稿中的奖项" not in content
    assert reverse("talent:award-list") + "?status=open" in content
