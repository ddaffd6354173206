"""The innovation landing page stays the same size and query count however many rows there are:
each list shows its first rows and links to the whole list (issue 11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innovation.models import CapitalStage
from innovation.views import HOME_COOPERATION_COUNT, HOME_PLATFORM_COUNT, HOME_STAGE_ENTERPRISE_COUNT
from tests.innovation.factories_innovation import make_cooperation, make_enterprise, make_partner, make_platform

pytestmark = pytest.mark.django_db

HOME = "innovation:innovation-home"


def add_rows(n, start=0):
    partner = make_partner(name=f"大学{start}")
    for i in range(start, start + n):
        make_platform(name=f"平台{i:03d}", partners=[partner])
        make_enterprise(name=f"公司{i:03d}", capital_stage=CapitalStage.IPO_PROCESS)
        make_cooperation(title=f"合作{i:03d}", partners=[partner])


def test_landing_page_shows_the_first_rows_of_each_list_and_links_to_the_rest(client):
    add_rows(3 * HOME_PLATFORM_COUNT)
    content = client.get(reverse(HOME)).content.decode()
    platforms = [f"平台{i:03d}" for i in range(3 * HOME_PLATFORM_COUNT)]
    assert sum(name in content for name in platforms) == HOME_PLATFORM_COUNT
    assert all(name in content for name in platforms[:HOME_PLATFORM_COUNT])  # the first by their ordering
    assert sum(f"合作{i:03d}" in content for i in range(3 * HOME_PLATFORM_COUNT)) == HOME_COOPERATION_COUNT
    # A stage names all its enterprises in its count, shows the first few and links to the rest.
    assert f"（{3 * HOME_PLATFORM_COUNT} 家）" in content
    assert sum(f"公司{i:03d}" in content for i in range(3 * HOME_PLATFORM_COUNT)) == HOME_STAGE_ENTERPRISE_COUNT
    more = f'{reverse("innovation:enterprise-list")}?stage={CapitalStage.IPO_PROCESS}">更多</a>'
    assert more in content
    assert f'href="{reverse("innovation:platform-list")}"' in content


def test_a_stage_with_few_enterprises_shows_them_all_without_a_more_link(client):
    add_rows(2)
    content = client.get(reverse(HOME)).content.decode()
    assert "公司000" in content and "公司001" in content and "（2 家）" in content
    assert ">更多</a>" not in content


def test_landing_page_neither_grows_nor_runs_more_queries_with_rows(client, django_assert_max_num_queries):
    add_rows(HOME_PLATFORM_COUNT + HOME_STAGE_ENTERPRISE_COUNT)
    with CaptureQueriesContext(connection) as few:
        small = client.get(reverse(HOME)).content
    add_rows(3 * (HOME_PLATFORM_COUNT + HOME_STAGE_ENTERPRISE_COUNT), start=100)
    with django_assert_max_num_queries(len(few)):
        large = client.get(reverse(HOME)).content
    assert abs(len(large) - len(small)) < 200  # only the counts' digits may differ
