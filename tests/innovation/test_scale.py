"""The innovation section at scale (issue 11).

Generated rows are 示例 rows: flagged, badged wherever they show, their pages and the lists
showing them carry the banner and `noindex`, they are in no sitemap, their choices say "（示例）"
and `remove_sample_data` deletes them.

The pages do not grow with the row count: the partner and platform dropdowns offer at most
CHOICE_LIMIT rows (and the current choice), a partner's card and page and a platform's page
list a capped number of linked rows and link to the rest, with the same queries for few rows as
for many, and so do the list pages whose cards show linked rows (read only in the fields shown);
(SQLite) a list page is read in order from an index instead of sorting every row, a list
filtered by kind from the kind index, a dropdown's first options along the list index, the
cooperation countries from the cooperations outwards, the sitemaps read the real rows from
indexes of their own (never the samples) and the home page's capital-market stages read their
counts and first rows from the stage index.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innovation import demo
from innovation.filters import CHOICE_LIMIT, cooperation_countries, partners_with_platforms, platforms_with_enterprises
from innovation.models import Achievement, CapitalStage, Enterprise, PartnerInstitution, Platform
from innovation.views import CARD_PLATFORM_COUNT, HOME_STAGE_ENTERPRISE_COUNT, PAGE_LINKED_COUNT, capital_pipeline
from portal.demo import DemoRun
from portal.models import without_samples
from portal.publishing import Status
from portal.sitemaps import PublishedSitemap
from tests.innovation.factories_innovation import (
    make_achievement,
    make_cooperation,
    make_enterprise,
    make_partner,
    make_platform,
    make_qualification,
    make_tech_field,
)
from tests.pages import page, select_of
from tests.sitemap_helpers import sitemap_text
from tests.test_samples import BANNER, NOINDEX, main_html

pytestmark = pytest.mark.django_db

BADGE = 'class="sample-badge"'


def badged(html: str, name: str) -> bool:
    """Whether `name` is directly followed by a badge (closing tags and spaces between)."""
    return bool(re.search(re.escape(name) + r'(?:\s*</[a-z0-9]+>)*\s*<span class="sample-badge"', html))


def options_of(html: str, name: str) -> list[str]:
    """The non-empty option values of the <select name=…> on the page."""
    return [value for value in re.findall(r'<option value="([^"]*)"', select_of(html, name)) if value]


def remove_samples() -> None:
    call_command("remove_sample_data", stdout=io.StringIO())


# --- 示例 rows -----------------------------------------------------------------------------


def test_every_generated_innovation_row_is_a_sample_and_remove_sample_data_deletes_them():
    real = make_enterprise(name="真实企业", incubated_at=[make_platform(name="真实平台", partners=[make_partner()])])
    demo.generate(DemoRun(scale=0.02, seed=1))

    for model in (PartnerInstitution, Platform, Enterprise, Achievement):
        assert model.objects.filter(is_sample=True).exists(), model
    for model in (PartnerInstitution, Platform, Enterprise):
        assert list(model.objects.filter(is_sample=False)) == list(model.objects.exclude(slug__startswith="demo--"))
    assert not Achievement.objects.filter(is_sample=False).exists()
    remove_samples()
    for model in (PartnerInstitution, Platform, Enterprise, Achievement):
        assert not model.objects.filter(is_sample=True).exists(), model
    assert Enterprise.objects.get() == real and Platform.objects.get().name == "真实平台"


def sample_rows() -> dict:
    """A real and a sample row of each model, the sample ones linked to each other."""
    partner = make_partner(name="示例大学甲", is_sample=True)
    platform = make_platform(name="示例平台甲", is_sample=True, partners=[partner])
    enterprise = make_enterprise(name="示例企业甲", is_sample=True, incubated_at=[platform])
    make_achievement(title="示例成果甲", is_sample=True, enterprise=enterprise)
    real_partner = make_partner(name="真实大学")
    real_platform = make_platform(name="真实平台", partners=[real_partner])
    real_enterprise = make_enterprise(name="真实企业", incubated_at=[real_platform])
    make_achievement(title="真实成果", enterprise=real_enterprise)
    return {
        "partner": (partner, real_partner),
        "platform": (platform, real_platform),
        "enterprise": (enterprise, real_enterprise),
    }


LISTS = {"partner": "innovation:partner-list", "platform": "innovation:platform-list", "enterprise": "innovation:enterprise-list"}


@pytest.mark.parametrize("kind", list(LISTS))
def test_a_sample_row_is_badged_and_its_pages_are_noindexed(client, kind):
    sample, real = sample_rows()[kind]
    html = page(client, sample.get_absolute_url())
    assert badged(main_html(html), sample.name) and NOINDEX in html and BANNER in html
    html = page(client, real.get_absolute_url())
    assert not badged(main_html(html), real.name) and NOINDEX not in html and BANNER not in html
    listing = page(client, reverse(LISTS[kind]))
    assert badged(main_html(listing), sample.name) and not badged(main_html(listing), real.name)
    assert NOINDEX in listing and BANNER in listing
    only_real = page(client, reverse(LISTS[kind]), {"q": "真实"})
    assert BADGE not in main_html(only_real) and NOINDEX not in only_real and BANNER not in only_real


def test_sample_achievements_and_linked_samples_are_badged(client):
    sample_rows()
    listing = page(client, reverse("innovation:achievement-list"))
    assert badged(main_html(listing), "示例成果甲") and not badged(main_html(listing), "真实成果")
    assert NOINDEX in listing
    platform = Platform.objects.get(name="示例平台甲")
    html = main_html(page(client, platform.get_absolute_url()))
    assert badged(html, "示例大学甲") and badged(html, "示例企业甲")
    home = page(client, reverse("innovation:innovation-home"))
    assert badged(main_html(home), "示例平台甲") and badged(main_html(home), "示例成果甲")
    assert NOINDEX in home and BANNER in home


def test_sample_rows_are_in_no_sitemap(client):
    rows = sample_rows()
    addresses = sitemap_text(client)
    for sample, real in rows.values():
        assert real.slug in addresses and sample.slug not in addresses


def test_choices_name_sample_rows(client):
    sample_rows()
    platforms = select_of(page(client, reverse("innovation:platform-list")), "partner")
    assert "示例大学甲（示例）</option>" in platforms and "真实大学</option>" in platforms
    enterprises = select_of(page(client, reverse("innovation:enterprise-list")), "platform")
    assert "示例平台甲（示例）</option>" in enterprises and "真实平台</option>" in enterprises


def test_remove_sample_data_deletes_flagged_rows_children_first():
    sample_rows()
    remove_samples()
    assert list(PartnerInstitution.objects.values_list("name", flat=True)) == ["真实大学"]
    assert list(Platform.objects.values_list("name", flat=True)) == ["真实平台"]
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["真实企业"]
    assert list(Achievement.objects.values_list("title", flat=True)) == ["真实成果"]


# --- bounded dropdowns ----------------------------------------------------------------------


def add_incubating_platforms(count: int, start: int = 0) -> list:
    """`count` platforms, each with a published enterprise incubated there."""
    platforms = Platform.objects.bulk_create(
        Platform(name=f"孵化器{i:04d}", slug=f"fu-hua-qi-{i}", kind="incubator", status=Status.PUBLISHED)
        for i in range(start, start + count)
    )
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(name=f"企业{i:04d}", slug=f"qi-ye-{i}", status=Status.PUBLISHED) for i in range(start, start + count)
    )
    Enterprise.incubated_at.through.objects.bulk_create(
        Enterprise.incubated_at.through(enterprise=enterprise, platform=platform)
        for enterprise, platform in zip(enterprises, platforms, strict=True)
    )
    return platforms


def test_enterprise_list_offers_a_bounded_platform_choice_with_the_same_queries(client, django_assert_max_num_queries):
    url = reverse("innovation:enterprise-list")
    add_incubating_platforms(3)
    with CaptureQueriesContext(connection) as few:
        small = page(client, url)
    assert len(options_of(small, "platform")) == 3
    platforms = add_incubating_platforms(3 * CHOICE_LIMIT, start=100)
    with django_assert_max_num_queries(len(few)):
        large = page(client, url)
    assert len(options_of(large, "platform")) == CHOICE_LIMIT
    assert len(select_of(large, "platform")) < 60 * CHOICE_LIMIT
    # A platform beyond the first ones is still accepted and shown as the current choice.
    last = platforms[-1]
    with django_assert_max_num_queries(len(few) + 1):
        chosen = page(client, url, {"platform": last.slug})
    assert last.slug in options_of(chosen, "platform") and len(options_of(chosen, "platform")) == CHOICE_LIMIT + 1
    assert f'<option value="{last.slug}" selected>' in chosen
    assert re.findall(r'class="card__title"><a href="[^"]*">([^<]+)<', chosen) == ["企业0189"]


def test_platform_choice_offers_only_platforms_that_narrow_the_list(client):
    make_platform(name="无企业平台")
    make_enterprise(name="草稿企业", status=Status.DRAFT, incubated_at=[make_platform(name="只有草稿企业的平台")])
    make_enterprise(name="公开企业", incubated_at=[make_platform(name="有企业的平台", slug="you-qi-ye")])
    make_platform(name="草稿平台", status=Status.DRAFT, slug="cao-gao")
    html = page(client, reverse("innovation:enterprise-list"))
    assert options_of(html, "platform") == ["you-qi-ye"]
    # An unknown, draft or odd value is refused cleanly.
    for value in ("cao-gao", "nope", "\x00", "长" * 200):
        assert client.get(reverse("innovation:enterprise-list"), {"platform": value}).status_code == 200
    # A draft platform named in the address is not offered either.
    assert options_of(page(client, reverse("innovation:enterprise-list"), {"platform": "cao-gao"}), "platform") == ["you-qi-ye"]


def test_platform_list_offers_a_bounded_partner_choice_with_the_same_queries(client, django_assert_max_num_queries):
    url = reverse("innovation:platform-list")
    for i in range(3):
        make_platform(name=f"平台{i}", partners=[make_partner(name=f"大学{i}")])
    with CaptureQueriesContext(connection) as few:
        small = page(client, url)
    assert len(options_of(small, "partner")) == 3
    partners = PartnerInstitution.objects.bulk_create(
        PartnerInstitution(name=f"机构{i:03d}", slug=f"ji-gou-{i}", kind="university", status=Status.PUBLISHED)
        for i in range(3 * CHOICE_LIMIT)
    )
    make_platform(name="大平台", partners=partners)
    make_partner(name="没有平台的大学")
    with django_assert_max_num_queries(len(few)):
        large = page(client, url)
    assert len(options_of(large, "partner")) == CHOICE_LIMIT
    assert "没有平台的大学" not in large


# --- capped linked rows ---------------------------------------------------------------------


def test_partner_cards_and_pages_list_a_capped_number_of_platforms(client, django_assert_max_num_queries):
    partner = make_partner(name="共建大学", slug="gong-jian")
    for i in range(3):
        make_platform(name=f"共建平台{i:03d}", partners=[partner])
    with CaptureQueriesContext(connection) as few_list:
        small = page(client, reverse("innovation:partner-list"))
    with CaptureQueriesContext(connection) as few_detail:
        page(client, partner.get_absolute_url())
    assert small.count("共建平台0") == 3 and "全部共建平台" not in small

    for i in range(3, 3 + PAGE_LINKED_COUNT + 5):
        make_platform(name=f"共建平台{i:03d}", partners=[partner])
    make_platform(name="草稿共建平台", partners=[partner], status=Status.DRAFT)
    with django_assert_max_num_queries(len(few_list)):
        card = main_html(page(client, reverse("innovation:partner-list")))
    assert card.count("共建平台0") == CARD_PLATFORM_COUNT
    assert f'href="{reverse("innovation:platform-list")}?partner=gong-jian">全部共建平台</a>' in card
    with django_assert_max_num_queries(len(few_detail)):
        detail = main_html(page(client, partner.get_absolute_url()))
    assert detail.count("共建平台0") == PAGE_LINKED_COUNT and "草稿共建平台" not in detail
    assert "?partner=gong-jian" in detail


def test_a_platform_page_lists_a_capped_number_of_enterprises(client, django_assert_max_num_queries):
    platform = make_platform(name="孵化基地", slug="fu-hua-ji-di")
    make_enterprise(name="孵化企业000", incubated_at=[platform])
    with CaptureQueriesContext(connection) as few:
        small = main_html(page(client, platform.get_absolute_url()))
    assert "孵化企业000" in small and "全部孵化落地企业" not in small
    for i in range(1, PAGE_LINKED_COUNT + 5):
        make_enterprise(name=f"孵化企业{i:03d}", incubated_at=[platform])
    with django_assert_max_num_queries(len(few)):
        large = main_html(page(client, platform.get_absolute_url()))
    assert large.count("孵化企业") == PAGE_LINKED_COUNT
    assert f'href="{reverse("innovation:enterprise-list")}?platform=fu-hua-ji-di">全部孵化落地企业</a>' in large


# --- list pages with linked rows -------------------------------------------------------------


def add_linked_rows(count: int, start: int = 0) -> None:
    """`count` of each list's rows, each linked to a partner, platform, field or qualification,
    so every related row a card shows is read (each read only in the fields the card shows)."""
    field, flag = make_tech_field(), make_qualification()
    for i in range(start, start + count):
        partner = make_partner(name=f"关联机构{i:03d}", country="德国", city="柏林")
        platform = make_platform(name=f"关联平台{i:03d}", partners=[partner], tech_fields=[field])
        make_enterprise(name=f"关联企业{i:03d}", incubated_at=[platform], qualifications=[flag])
        make_cooperation(title=f"关联合作{i:03d}", partners=[partner], tech_fields=[field])


LINKED_LISTS = [
    ("innovation:platform-list", "关联机构"),
    ("innovation:partner-list", "关联平台"),
    ("innovation:enterprise-list", "关联平台"),
    ("innovation:cooperation-list", "德国"),
    ("innovation:innovation-home", "德国"),
]


@pytest.mark.parametrize(("url_name", "shown"), LINKED_LISTS)
def test_list_pages_run_the_same_queries_for_few_and_many_linked_rows(client, django_assert_max_num_queries, url_name, shown):
    """The linked rows a card shows are prefetched with only the fields it shows: a field read
    that was not loaded would cost a query per card, and the page more queries with more rows."""
    url = reverse(url_name)
    add_linked_rows(2)
    with CaptureQueriesContext(connection) as few:
        assert shown in page(client, url)
    add_linked_rows(25, start=100)
    with django_assert_max_num_queries(len(few)):
        assert shown in page(client, url)


# --- indexes --------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("model", [Platform, PartnerInstitution, Enterprise, Achievement])
def test_a_list_page_is_read_in_order_from_the_list_index(model):
    sql, params = model.objects.published()[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "_list_idx" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize(
    ("url_name", "kind", "short"),
    [("innovation:platform-list", "incubator", "platform"), ("innovation:partner-list", "university", "partner")],
)
def test_a_list_filtered_by_kind_reads_that_kind_from_the_kind_index(client, url_name, kind, short):
    """`?kind=…`: the count reads that kind's index entries alone and the page walks them in order
    and stops (innovation.models.kind_order_index), instead of reading every published row."""
    make_platform(kind="incubator", partners=[make_partner(kind="university")])
    plans = query_plans(lambda: page(client, reverse(url_name), {"kind": kind}))
    count_plan, page_plan = [plan for sql, plan in plans if "WHERE" in sql and '."kind" = ' in sql][:2]
    assert f"COVERING INDEX innov_{short}_kind_idx (status=? AND kind=?)" in count_plan, count_plan
    assert f"innov_{short}_kind_idx (status=? AND kind=?)" in page_plan and "TEMP B-TREE" not in page_plan, page_plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize(("offered", "short"), [(partners_with_platforms, "partner"), (platforms_with_enterprises, "platform")])
def test_a_dropdown_reads_its_first_options_along_the_list_index(offered, short):
    """With nothing chosen, a bounded dropdown's options are the first CHOICE_LIMIT rows that narrow
    the list, read along the list index and stopped, each checked by its links' index."""
    ((_sql, plan),) = query_plans(lambda: list(offered()[:CHOICE_LIMIT].values_list("slug", "name", "is_sample")))
    assert plan.startswith(
        f"SEARCH innovation_{'partnerinstitution' if short == 'partner' else short} USING INDEX innov_{short}_list_idx"
    ), plan
    assert "TEMP B-TREE" not in plan and " SCAN " not in f" {plan}", plan


def query_plans(run) -> list[tuple[str, str]]:
    """(sql, plan) of each query `run()` makes, the plan as SQLite's EXPLAIN QUERY PLAN lines."""
    with CaptureQueriesContext(connection) as queries:
        run()
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plans.append((query["sql"], " | ".join(str(row[-1]) for row in cursor.fetchall())))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize(
    ("model", "short"), [(Platform, "platform"), (PartnerInstitution, "partner"), (Enterprise, "enterprise")]
)
def test_sitemaps_read_the_real_rows_from_their_own_indexes_not_the_samples(model, short):
    """sitemap.xml's count and newest change come from the real rows' index alone, its pages are
    read along it in primary-key order, and the site map's first rows in the list's order: none
    of them reads a 示例 row (innovation.models.real_rows_indexes)."""
    sitemap = PublishedSitemap(model)
    (count_plan,) = [plan for _sql, plan in query_plans(lambda: sitemap.summary)]
    assert f"COVERING INDEX innov_{short}_map_idx" in count_plan, count_plan
    sitemap.summary["count"] = 3  # known, so a page is one query
    ((_sql, page_plan),) = query_plans(lambda: list(sitemap.paginator.page(1).object_list))
    assert f"innov_{short}_map_idx" in page_plan and "TEMP B-TREE" not in page_plan, page_plan
    ((_sql, site_map_plan),) = query_plans(lambda: list(without_samples(model.objects.published())[:21]))
    assert f"innov_{short}_real_idx" in site_map_plan and "TEMP B-TREE" not in site_map_plan, site_map_plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_capital_pipeline_reads_counts_and_first_rows_from_the_stage_index():
    """The home page's stages: the counts from the stage index alone, each stage's first rows along
    it in order (no sort of the stage's enterprises: only of the few shown)."""
    for stage in (CapitalStage.NEEQ, CapitalStage.LISTED):
        make_enterprise(capital_stage=stage)
    (counts_sql, counts_plan), (rows_sql, rows_plan) = query_plans(capital_pipeline)
    assert "COVERING INDEX innov_enterprise_stage_idx" in counts_plan and "TEMP B-TREE" not in counts_plan, counts_plan
    assert rows_plan.count("innov_enterprise_stage_idx (status=? AND capital_stage=?)") == 2, rows_plan
    assert rows_plan.count("TEMP B-TREE") == 1 and rows_plan.endswith("USE TEMP B-TREE FOR ORDER BY"), rows_plan


def test_the_capital_pipeline_shows_each_stages_first_public_enterprises_in_order():
    listed = [make_enterprise(name=f"上市{i:02d}", capital_stage=CapitalStage.LISTED, ordering=30 - i) for i in range(12)]
    neeq = [make_enterprise(name=f"挂牌{i}", capital_stage=CapitalStage.NEEQ, ordering=i) for i in range(3)]
    make_enterprise(name="草稿上市", capital_stage=CapitalStage.LISTED, ordering=0, status=Status.DRAFT)
    make_enterprise(name="无进程", ordering=0)
    pipeline = {stage["stage"]: stage for stage in capital_pipeline()}
    assert list(pipeline) == [CapitalStage.NEEQ, CapitalStage.LISTED]  # the declared order
    assert pipeline[CapitalStage.LISTED]["count"] == 12 and pipeline[CapitalStage.NEEQ]["count"] == 3
    expected = [row.name for row in reversed(listed)][:HOME_STAGE_ENTERPRISE_COUNT]
    assert [row.name for row in pipeline[CapitalStage.LISTED]["enterprises"]] == expected
    assert [row.name for row in pipeline[CapitalStage.NEEQ]["enterprises"]] == [row.name for row in neeq]


def test_cooperation_countries_are_those_of_public_partners_of_public_cooperations():
    make_cooperation(partners=[make_partner(country="乌克兰"), make_partner(country="德国", status=Status.DRAFT)])
    make_cooperation(partners=[make_partner(country="法国")], status=Status.DRAFT)
    make_partner(country="日本")  # in no cooperation
    make_cooperation(partners=[make_partner(country="乌克兰"), make_partner(country="")])
    assert cooperation_countries() == [("乌克兰", "乌克兰")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_cooperation_countries_are_read_from_the_cooperations_outwards():
    """The country choices of the cooperation list start from the (few) public cooperations and
    read each linked partner by primary key, never every public partner."""
    make_cooperation(partners=[make_partner(country="乌克兰")])
    ((_sql, plan),) = query_plans(cooperation_countries)
    assert plan.startswith("SEARCH innovation_cooperation USING"), plan
    assert "SEARCH innovation_partnerinstitution USING INTEGER PRIMARY KEY" in plan, plan
