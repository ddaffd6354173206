import re

import pytest
from django.urls import reverse

from talent.models import ExpertTitle
from tests.talent.factories_talent import make_award, make_category, make_cycle, make_expert, make_field, make_laureate

pytestmark = pytest.mark.django_db


def names(response, pattern=r'class="card__title">(?:<a [^>]*>)?([^<]+)<'):
    assert response.status_code == 200
    return sorted(re.findall(pattern, response.content.decode()))


# --- awards -----------------------------------------------------------------------------------


def test_award_filters_by_current_cycle_phase_category_and_frequency(client):
    open_award = make_award(name="开放奖", frequency_years=2)
    make_cycle("announced", award=open_award)
    make_cycle("open", award=open_award)
    upcoming_award = make_award(name="待开奖", frequency_years=1)
    make_cycle("upcoming", award=upcoming_award)
    announced_award = make_award(name="公布奖", frequency_years=2)
    make_cycle("announced", award=announced_award)
    review_award = make_award(name="评审奖", frequency_years=3)
    make_cycle("review", award=review_award)
    tech = make_category(award=open_award, name="专业技术人才")
    make_category(award=open_award, name="经营管理人才")
    make_category(award=upcoming_award, name="专业技术人才")

    url = reverse("talent:award-list")
    assert names(client.get(url, {"status": "open"})) == ["开放奖"]
    assert names(client.get(url, {"status": "upcoming"})) == ["待开奖"]
    assert names(client.get(url, {"status": "announced"})) == ["公布奖"]
    assert names(client.get(url, {"status": "review"})) == ["评审奖"]
    assert names(client.get(url, {"category": tech.slug})) == ["开放奖"]
    assert names(client.get(url, {"frequency": "2"})) == ["公布奖", "开放奖"]
    assert names(client.get(url, {"q": "待开"})) == ["待开奖"]
    # Filters combine, and survive pagination links.
    assert names(client.get(url, {"status": "open", "frequency": "1"})) == []
    assert "没有符合筛选条件的内容" in client.get(url, {"status": "open", "frequency": "1"}).content.decode()


@pytest.mark.parametrize("params", [{"status": "nope"}, {"category": "\x00"}, {"category": "no-such"}, {"frequency": "x"}])
def test_award_bad_filter_values_are_answered_with_a_message(client, params):
    make_award(name="某奖")
    response = client.get(reverse("talent:award-list"), params)
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


# --- laureates --------------------------------------------------------------------------------


def test_laureate_filters_by_year_category_organisation_and_search(client):
    award = make_award()
    tech, manager = make_category(award=award, name="专业技术人才"), make_category(award=award, name="经营管理人才")
    c2022 = make_cycle("announced", award=award, year=2022)
    c2024 = make_cycle("announced", award=award, year=2024)
    make_laureate(cycle=c2022, category=tech, name="甲", organisation="示例汽车公司", citation="电池")
    make_laureate(cycle=c2024, category=tech, name="乙", organisation="示例大学")
    make_laureate(cycle=c2024, category=manager, name="丙", organisation="示例汽车公司")
    url = reverse("talent:laureate-list")
    assert names(client.get(url)) == ["丙", "乙", "甲"]
    assert names(client.get(url, {"year": "2024"})) == ["丙", "乙"]
    assert names(client.get(url, {"category": manager.slug})) == ["丙"]
    assert names(client.get(url, {"organisation": "汽车"})) == ["丙", "甲"]
    assert names(client.get(url, {"q": "电池"})) == ["甲"]
    assert names(client.get(url, {"year": "2022", "organisation": "汽车"})) == ["甲"]
    response = client.get(url, {"year": "1999"})
    assert "筛选条件有误" in response.content.decode()


# --- experts ----------------------------------------------------------------------------------


def test_expert_filters_by_field_title_institution_and_search(client):
    car, materials, smart = make_field(name="汽车"), make_field(name="新材料"), make_field(name="智能制造")
    make_expert(name="专家甲", fields=[car, materials, smart], title=ExpertTitle.ACADEMICIAN, institution="示例大学")
    make_expert(name="专家乙", fields=[car], title=ExpertTitle.PROFESSOR, institution="示例研究院", bio="轻量化")
    make_expert(name="专家丙", fields=[materials], title=ExpertTitle.PROFESSOR, institution="示例大学")
    url = reverse("talent:expert-list")
    assert names(client.get(url, {"field": car.slug})) == ["专家乙", "专家甲"]  # 专家甲 once, not three times
    assert names(client.get(url, {"title": "professor"})) == ["专家丙", "专家乙"]
    assert names(client.get(url, {"institution": "示例大学"})) == ["专家丙", "专家甲"]
    assert names(client.get(url, {"q": "轻量化"})) == ["专家乙"]
    assert names(client.get(url, {"field": materials.slug, "title": "professor", "institution": "示例大学"})) == ["专家丙"]
    content = client.get(url, {"field": car.slug}).content.decode()
    assert "共 2 位专家" in content


@pytest.mark.parametrize(
    "params", [{"field": "no-such"}, {"field": "\x00"}, {"title": "dean"}, {"institution": "不存在的单位"}, {"page": "abc"}]
)
def test_expert_bad_input_never_fails(client, params):
    make_expert(fields=[make_field()])
    response = client.get(reverse("talent:expert-list"), params)
    assert response.status_code == 200


def test_m2m_field_filter_neither_duplicates_rows_nor_multiplies_queries(client, django_assert_num_queries):
    fields = [make_field(name=f"领域{i}") for i in range(4)]
    for i in range(5):
        make_expert(name=f"专家{i}", fields=fields)
    url = reverse("talent:expert-list")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        response = client.get(url, {"field": fields[0].slug})
    assert len(names(response)) == 5
    for i in range(5, 30):
        make_expert(name=f"专家{i}", fields=fields)
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url, {"field": fields[0].slug})
    assert len(names(response)) == 20  # one page, no duplicates
    assert "共 30 位专家" in response.content.decode()
