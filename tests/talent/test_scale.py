"""The talent pages do not grow with the row count (issue 11): bounded choices, a capped laureate
list, the same queries with few rows and with many, and (SQLite) a laureate page read in order
from an index instead of sorting every laureate."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from talent import filters as talent_filters
from talent import views as talent_views
from talent.filters import CHOICES_SHOWN, institution_choices, laureate_years
from talent.models import Expert, ExpertField, Laureate
from talent.views import (
    AWARD_CYCLES_WITH_LAUREATES,
    AWARD_LAUREATES_PER_CYCLE,
    DIRECTORY_COUNT_CAP,
    CappedPaginator,
    DirectoryPaginator,
    ExpertListView,
    LaureateListView,
    hidden_experts,
)
from tests.pages import options_of, page, select_of
from tests.talent.factories_talent import make_award, make_category, make_cycle, make_expert, make_field, make_laureate

pytestmark = pytest.mark.django_db


def selected_of(html: str, name: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select_of(html, name))


def add_experts(count: int, start: int = 0) -> None:
    """`count` published experts, each at an institution of its own (bulk: one query)."""
    Expert.objects.bulk_create(
        Expert(name=f"专家{n}", slug=f"expert-{n}", institution=f"单位{n:05d}", status="published")
        for n in range(start, start + count)
    )


# --- experts ----------------------------------------------------------------------------------


def test_the_institution_choices_stay_bounded_and_keep_the_chosen_one(client):
    url = reverse("talent:expert-list")
    add_experts(CHOICES_SHOWN + 20)
    make_expert(name="甲", institution="大单位")
    make_expert(name="乙", institution="大单位")
    html = page(client, url)
    institutions = options_of(html, "institution")
    assert len(institutions) == CHOICES_SHOWN + 1  # 全部 and CHOICES_SHOWN institutions
    assert "大单位" in institutions  # the most named one is offered
    # An institution only one expert names, last by name: not among the shown ones, yet chosen
    # from the address it is shown, selected, and it filters.
    html = page(client, url, {"institution": f"单位{CHOICES_SHOWN + 19:05d}"})
    assert selected_of(html, "institution") == [f"单位{CHOICES_SHOWN + 19:05d}"]
    assert len(options_of(html, "institution")) == CHOICES_SHOWN + 1
    assert "共 1 位专家" in html
    add_experts(200, start=1000)
    assert len(options_of(page(client, url), "institution")) == CHOICES_SHOWN + 1


@pytest.mark.parametrize("value", ["\x00", "x" * 500, "不存在的单位"])
def test_a_bad_chosen_institution_is_answered_cleanly(client, value):
    add_experts(3)
    html = page(client, reverse("talent:expert-list"), {"institution": value})
    assert len(options_of(html, "institution")) == 4


def test_the_expert_list_keeps_its_queries_and_size_as_experts_multiply(client):
    url = reverse("talent:expert-list")
    add_experts(30)
    page(client, url)  # the first request stores the site settings' defaults
    with CaptureQueriesContext(connection) as few:
        small = page(client, url)
    add_experts(600, start=1000)
    with CaptureQueriesContext(connection) as many:
        large = page(client, url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(large) < len(small) * 1.1


def test_the_field_counts_count_public_experts_only(client):
    """Counted as every link less the links of experts that are not public: a draft and a
    scheduled expert count nowhere, and a field only they have is not listed."""
    cars, materials, hidden_only = make_field(name="汽车"), make_field(name="材料"), make_field(name="仅草稿")
    make_expert(fields=[cars, materials])
    make_expert(fields=[cars], is_sample=True)
    make_expert(fields=[cars, hidden_only], status="draft")
    make_expert(fields=[materials, hidden_only], published_at=timezone.now() + datetime.timedelta(days=1))
    html = page(client, reverse("talent:expert-list"))
    counts = re.search(r'<ul class="field-counts".*?</ul>', html, re.S).group(0)
    found = dict(re.findall(r'>([^<>]+?) <span class="count">(\d+)</span>', counts))
    assert found == {"汽车": "2", "材料": "1"}


# --- awards and laureates ---------------------------------------------------------------------


def many_categories(count: int):
    award = make_award(name="大奖", ordering=0)
    return [make_category(award=award, name=f"类别{n:03d}", ordering=n) for n in range(count)]


@pytest.mark.parametrize("url_name", ["talent:award-list", "talent:laureate-list"])
def test_the_category_choices_stay_bounded_and_keep_the_chosen_one(client, url_name):
    categories = many_categories(CHOICES_SHOWN + 10)
    cycle = make_cycle("announced", award=categories[0].award)
    last = categories[-1]
    make_laureate(cycle=cycle, category=last, name="最后类别的获奖者")
    url = reverse(url_name)
    shown = options_of(page(client, url), "category")
    assert len(shown) == CHOICES_SHOWN + 1
    assert shown[1] == categories[0].slug  # the first in the award's order
    assert last.slug not in shown
    html = page(client, url, {"category": last.slug})
    assert selected_of(html, "category") == [last.slug]
    assert len(options_of(html, "category")) == CHOICES_SHOWN + 1
    assert "最后类别的获奖者" in html or url_name == "talent:award-list"
    assert "大奖" in html


@pytest.mark.parametrize("value", ["\x00", "no-such", "a" * 300])
def test_a_bad_chosen_category_is_answered_cleanly(client, value):
    many_categories(3)
    response = client.get(reverse("talent:laureate-list"), {"category": value})
    assert response.status_code == 200


def add_cycle_with_laureates(award, categories, year: int, count: int):
    cycle = make_cycle("announced", award=award, year=year)
    Laureate.objects.bulk_create(
        Laureate(cycle=cycle, category=categories[n % len(categories)], name=f"获奖者{year}-{n}", status="published")
        for n in range(count)
    )


def test_the_laureate_list_keeps_its_queries_and_size_as_cycles_multiply(client):
    def add_awards(count):
        for _n in range(count):
            make_category(award=make_award(), name="类别")

    award = make_award(name="年年奖", ordering=0)
    categories = [make_category(award=award, name=f"类别{k}") for k in range(3)]
    for year in (2019, 2020):
        add_cycle_with_laureates(award, categories, year, 25)
    add_awards(CHOICES_SHOWN)  # the category choices are full already
    url = reverse("talent:laureate-list")
    page(client, url)  # the first request stores the site settings' defaults
    with CaptureQueriesContext(connection) as few:
        small = page(client, url)
    for year in range(2000, 2019):
        add_cycle_with_laureates(award, categories, year, 60)
    add_awards(80)
    with CaptureQueriesContext(connection) as many:
        large = page(client, url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(large) < len(small) * 1.1  # more years in the year choices, nothing else
    assert "获奖者2020-" in large  # newest year first


def test_the_laureate_list_pages_over_the_first_rows_only(client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 6)
    monkeypatch.setattr(LaureateListView, "paginate_by", 2)
    award = make_award()
    categories = [make_category(award=award)]
    add_cycle_with_laureates(award, categories, 2024, 5)
    add_cycle_with_laureates(award, categories, 2023, 5)
    url = reverse("talent:laureate-list")
    with CaptureQueriesContext(connection) as queries:
        html = page(client, url)
    assert "第 1 / 3 页" in html
    assert "最新的 6 位获奖者" in html  # says where the rest are
    count = next(query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"])
    assert "LIMIT 7" in count  # counted up to one past the cap, never the whole table
    assert "第 3 / 3 页" in page(client, url, {"page": "40"})
    # A filter narrows below the cap: every row is reachable and no note is shown.
    html = page(client, url, {"year": "2023"})
    assert "第 1 / 3 页" in html and "最新的 6 位获奖者" not in html


def test_the_laureate_year_choices_are_the_years_with_public_laureates(client):
    award = make_award()
    categories = [make_category(award=award)]
    add_cycle_with_laureates(award, categories, 2021, 2)
    make_cycle("announced", award=award, year=2022)  # no laureates yet
    draft = make_cycle("announced", award=award, year=2023, status="draft")
    make_laureate(cycle=draft, category=categories[0])
    assert options_of(page(client, reverse("talent:laureate-list")), "year") == ["", "2021"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_laureate_page_is_read_newest_year_first_from_the_cycles_index(client):
    """Without statistics SQLite would start from the laureates' status index, which matches
    them all, and sort every one; the year range makes it walk the cycles by year instead."""
    award = make_award()
    add_cycle_with_laureates(award, [make_category(award=award)], 2024, 3)
    with CaptureQueriesContext(connection) as queries:
        page(client, reverse("talent:laureate-list"))
    rows = next(
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "talent_laureate"."id"') and "LIMIT" in q["sql"]
    )
    rows = rows[rows.index("SELECT") :]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + rows)
        plan = [row[3] for row in cursor.fetchall()]
    assert "talent_cycle_status_year" in plan[0], plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_the_award_list_reads_no_cycle_rows_beyond_the_current_ones(client):
    award = make_award(name="多届奖")
    for edition in range(1, 16):
        make_cycle("announced", award=award, edition=edition, year=2000 + edition)
    open_cycle = make_cycle("open", award=award, edition=99)
    with CaptureQueriesContext(connection) as queries:
        html = page(client, reverse("talent:award-list"))
    assert "提名截止" in html  # the current cycle's deadline, from the annotations
    assert f"第{open_cycle.edition}届" in html
    assert not any('"talent_awardcycle"."award_id" IN' in q["sql"] for q in queries.captured_queries)


# --- sitemaps: real rows only -------------------------------------------------------------------


def plans_of(client, urls, table: str) -> list[str]:
    """SQLite's plan of every query of `table` that the pages at `urls` run."""
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            assert client.get(url).status_code == 200
    found = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
    plans = []
    with connection.cursor() as cursor:
        for sql in found:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plans.append(" / ".join(row[3] for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
@pytest.mark.parametrize(
    ("table", "sitemap", "make"),
    [("talent_expert", "/sitemap-talent-expert.xml", make_expert), ("talent_award", "/sitemap-talent-award.xml", make_award)],
)
def test_the_sitemaps_read_real_rows_from_their_partial_indexes(client, table, sitemap, make):
    """sitemap.xml's count and newest change, a sitemap page and the HTML site map's first rows
    walk the partial indexes of real rows (`*_real_pk`, `*_real_order`): with the status index
    they would step over every published 示例 row, most of the table in a demo."""
    make(name="真实行")
    make(name="示例行", is_sample=True)
    plans = plans_of(client, ["/sitemap.xml", sitemap, reverse("portal:site-map")], table)
    assert len(plans) >= 3, plans  # the section page counts its rows too
    assert all(f"{table}_real_" in plan and "TEMP B-TREE" not in plan for plan in plans), plans


# --- the award page -----------------------------------------------------------------------------


def add_past_cycles(award, categories, years, laureates_each: int) -> None:
    """Announced cycles of `award`, one a year, each with `laureates_each` published laureates."""
    for year in years:
        cycle = make_cycle(
            "announced",
            award=award,
            edition=year - 1990,
            year=year,
            nomination_opens=datetime.datetime(year, 3, 1, tzinfo=datetime.UTC),
            nomination_closes=datetime.datetime(year, 5, 1, tzinfo=datetime.UTC),
            announcement_date=datetime.date(year, 9, 1),
        )
        Laureate.objects.bulk_create(
            Laureate(cycle=cycle, category=categories[n % len(categories)], name=f"获奖者{year}-{n:03d}", status="published")
            for n in range(laureates_each)
        )


def test_the_award_page_lists_the_newest_cycles_laureates_and_links_to_the_rest(client, django_assert_max_num_queries):
    award = make_award(name="历届奖", slug="li-jie-jiang")
    categories = [make_category(award=award, name=f"类别{k}") for k in range(2)]
    add_past_cycles(award, categories, range(2016, 2020), AWARD_LAUREATES_PER_CYCLE + 10)
    url = award.get_absolute_url()
    page(client, url)  # the first request stores the site settings' defaults
    with CaptureQueriesContext(connection) as few:
        small = page(client, url)
    shown = AWARD_CYCLES_WITH_LAUREATES * AWARD_LAUREATES_PER_CYCLE
    assert small.count('class="laureate"') == shown
    # Ten times the laureates in the same cycles: the same queries, the same page but its counts.
    Laureate.objects.bulk_create(
        Laureate(cycle=cycle, category=categories[0], name=f"后加获奖者{n:03d}", status="published")
        for cycle in award.cycles.all()
        for n in range(10 * AWARD_LAUREATES_PER_CYCLE)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        more = page(client, url)
    assert more.count('class="laureate"') == shown and len(more) < len(small) * 1.02
    # Sixteen older editions and a newer one with two laureates: a heading and a link each.
    add_past_cycles(award, categories, range(2000, 2016), 3 * AWARD_LAUREATES_PER_CYCLE)
    add_past_cycles(award, categories, [2020], 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = page(client, url)
    assert large.count('class="laureate"') == 2 + (AWARD_CYCLES_WITH_LAUREATES - 1) * AWARD_LAUREATES_PER_CYCLE
    assert "获奖者2020-001" in large and "获奖者2019-000" in large and "获奖者2017-" not in large
    # Every cycle not listed in full links to the laureate list of its award and year, which has them all.
    link = f"{reverse('talent:laureate-list')}?award=li-jie-jiang&amp;year=2003"
    assert f'<a href="{link}">查看第13届全部 {3 * AWARD_LAUREATES_PER_CYCLE} 位获奖者</a>' in large
    listed = page(client, reverse("talent:laureate-list"), {"award": "li-jie-jiang", "year": "2003", "page": "5"})
    assert "获奖者2003-089" in listed and "获奖者2004-" not in listed
    assert "查看第30届全部" not in large  # both laureates of the newest cycle are listed


# --- the expert directory's counts and choices stop at a cap -------------------------------------


def add_linked_experts(count: int, field, start: int = 0, **kwargs) -> None:
    """`count` experts linked to `field` (bulk: two queries)."""
    kwargs.setdefault("status", "published")
    experts = Expert.objects.bulk_create(
        Expert(name=f"领域专家{n}", slug=f"field-expert-{n}", institution="领域单位", **kwargs)
        for n in range(start, start + count)
    )
    Expert.fields.through.objects.bulk_create(Expert.fields.through(expert=expert, expertfield=field) for expert in experts)


def field_chips(html: str) -> dict:
    counts = re.search(r'<ul class="field-counts".*?</ul>', html, re.S).group(0)
    return dict(re.findall(r'>([^<>]+?) <span class="count">([^<]+)</span>', counts))


def test_the_directory_counts_up_to_its_cap_and_says_so(client, monkeypatch):
    """Past the cap the count says "超过" (never a wrong number), the 示例 note says there are
    some without a number, and the pages reach the cap; a filter below the cap is exact."""
    monkeypatch.setattr(DirectoryPaginator, "cap", 4)
    monkeypatch.setattr(ExpertListView, "paginate_by", 2)
    add_experts(4)
    make_expert(name="示例甲", institution="甲单位", is_sample=True)
    url = reverse("talent:expert-list")
    html = page(client, url)
    assert "名录中超过 4 位专家，这里列出前 4 位，其中包括标注“示例”的虚构专家" in html
    assert "第 1 / 2 页" in html
    filtered = page(client, url, {"institution": "甲单位"})
    assert "名录中共 1 位专家，其中 1 位是标注“示例”的虚构专家，仅用于演示。" in filtered


def test_the_field_counts_stop_at_the_cap_and_leave_out_experts_not_public(client, monkeypatch):
    """A field with more public experts than the cap says "超过"; one whose links reach past the
    cap only through drafts and scheduled experts is counted exactly."""
    monkeypatch.setattr(talent_views, "DIRECTORY_COUNT_CAP", 3)
    many, exact = make_field(name="多"), make_field(name="恰好")
    add_linked_experts(4, many)
    add_linked_experts(3, exact, start=100)
    add_linked_experts(2, exact, start=200, status="draft")
    add_linked_experts(1, exact, start=300, published_at=timezone.now() + datetime.timedelta(days=1))
    assert field_chips(page(client, reverse("talent:expert-list"))) == {"多": "超过 3", "恰好": "3"}


def test_hidden_experts_are_exactly_the_experts_not_public():
    """field_counts takes off the links of `hidden_experts`: the complement of published()."""
    make_expert(name="公开")
    make_expert(name="草稿", status="draft")
    make_expert(name="定时", published_at=timezone.now() + datetime.timedelta(hours=1))
    make_expert(name="草稿且定时", status="draft", published_at=timezone.now() + datetime.timedelta(hours=1))
    public = set(Expert.objects.published().values_list("name", flat=True))
    hidden = set(hidden_experts().values_list("name", flat=True))
    assert public == {"公开"} and hidden == {"草稿", "定时", "草稿且定时"}


def test_the_expert_list_keeps_its_queries_with_samples_drafts_and_many_fields(client):
    """The directory with 示例 experts, drafts and fields whose counts pass the cap runs the same
    queries as a small one."""
    cars = make_field(name="汽车")
    url = reverse("talent:expert-list")
    add_linked_experts(3, cars)
    page(client, url)
    with CaptureQueriesContext(connection) as few:
        small = page(client, url)
    add_linked_experts(DIRECTORY_COUNT_CAP + 5, cars, start=1000, is_sample=True)
    add_linked_experts(20, make_field(name="材料"), start=5000, status="draft")
    with CaptureQueriesContext(connection) as many:
        large = page(client, url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert f"名录中超过 {DIRECTORY_COUNT_CAP} 位专家" in large and "名录中共 3 位专家" in small
    assert field_chips(large) == {"汽车": f"超过 {DIRECTORY_COUNT_CAP}"}
    # The field choices and the field counts read the fields once.
    fields_read = [q for q in many.captured_queries if q["sql"].startswith('SELECT "talent_expertfield"."id"')]
    assert len(fields_read) == 1
    assert set(options_of(large, "field")) == {"", *ExpertField.objects.values_list("slug", flat=True)}


def test_the_institutions_are_ranked_among_the_first_experts_and_checked_against_all(client, monkeypatch):
    """Ranked among the directory's first experts only; an institution named beyond them shows
    when chosen; a real expert anywhere keeps an institution plain; an institution only a
    scheduled expert names is never offered."""
    monkeypatch.setattr(talent_filters, "INSTITUTIONS_RANKED_AMONG", 3)
    for n in range(3):
        make_expert(name=f"甲{n}", institution="靠前单位", ordering=0, is_sample=True)
    make_expert(name="乙", institution="靠后单位", ordering=9)
    make_expert(name="丙", institution="靠前单位", ordering=9)  # real, beyond the ranked ones
    make_expert(name="丁", institution="定时单位", ordering=0, published_at=timezone.now() + datetime.timedelta(days=1))
    assert institution_choices() == [("靠前单位", "靠前单位")]
    assert institution_choices("靠后单位") == [("靠前单位", "靠前单位"), ("靠后单位", "靠后单位")]
    assert institution_choices("定时单位") == [("靠前单位", "靠前单位")]
    assert institution_choices("没有的单位") == [("靠前单位", "靠前单位")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_institution_ranking_reads_the_directory_index_alone():
    """The first experts' institutions come from `talent_expert_directory` without a table row
    (before it, every public expert's institution was grouped)."""
    add_experts(5)
    with CaptureQueriesContext(connection) as queries:
        institution_choices()
    ranking = queries.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + ranking)
        plan = [row[3] for row in cursor.fetchall()]
    assert any("COVERING INDEX talent_expert_directory" in step for step in plan), plan


# --- the laureate years: one lookup a year ----------------------------------------------------------


def test_the_laureate_years_leave_out_hidden_awards_cycles_and_laureates(client):
    award, hidden_award = make_award(), make_award(status="draft")
    category = make_category(award=award)
    add_cycle_with_laureates(award, [category], 2019, 1)
    add_cycle_with_laureates(hidden_award, [make_category(award=hidden_award)], 2020, 1)
    later = make_cycle("announced", award=award, year=2021)
    make_laureate(cycle=later, category=category, published_at=timezone.now() + datetime.timedelta(days=1))
    empty = make_cycle("announced", award=award, year=2022)
    make_laureate(cycle=empty, category=category, status="draft")
    add_cycle_with_laureates(make_award(), [make_category()], 2023, 0)
    assert laureate_years() == [2019]


def test_the_laureate_years_keep_their_query_as_cycles_multiply(django_assert_num_queries):
    award = make_award()
    categories = [make_category(award=award)]
    add_cycle_with_laureates(award, categories, 2020, 2)
    with django_assert_num_queries(1):
        assert laureate_years() == [2020]
    for n in range(12):
        other = make_award()
        add_cycle_with_laureates(other, [make_category(award=other)], 2000 + n % 4, 1)
    with django_assert_num_queries(1):
        assert laureate_years() == [2020, 2003, 2002, 2001, 2000]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_laureate_years_skip_through_the_cycles_year_index():
    """One index lookup a year (the recursive step's MAX), never a walk of every public cycle."""
    award = make_award()
    add_cycle_with_laureates(award, [make_category(award=award)], 2020, 1)
    with CaptureQueriesContext(connection) as queries:
        laureate_years()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
        plan = [row[3] for row in cursor.fetchall()]
    assert "SEARCH talent_awardcycle USING COVERING INDEX talent_cycle_status_year (status=? AND year<?)" in plan, plan
    assert not any(step.startswith("SCAN talent_") for step in plan), plan


# --- the award cards ------------------------------------------------------------------------------


def test_the_award_list_keeps_its_queries_as_awards_multiply(client):
    """The cards' kicker and badges are written in the loop (no include per card)."""
    real = make_award(name="真实奖")
    make_cycle("open", award=real, is_sample=True)
    make_category(award=real, name="专业类")
    url = reverse("talent:award-list")
    page(client, url)
    with CaptureQueriesContext(connection) as few:
        small = page(client, url)
    assert "正在接受提名" in small and 'class="sample-badge"' in small and "专业类" in small
    for n in range(25):
        award = make_award(is_sample=n % 2 == 0)
        make_category(award=award)
        make_cycle("upcoming", award=award)
    with CaptureQueriesContext(connection) as many:
        page(client, url)
        page(client, url, {"status": "upcoming"})
    assert len(many.captured_queries) == 2 * len(few.captured_queries)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_field_page_walks_the_directory_and_asks_each_expert_link(client):
    """`?field=` asks each expert's link in the (expert, field) index as the directory is walked
    in its order, so the page stops at its last row: `pk IN (…)` first listed every expert of
    the field (a LIST SUBQUERY)."""
    cars = make_field(name="汽车")
    add_linked_experts(3, cars)
    with CaptureQueriesContext(connection) as queries:
        html = page(client, reverse("talent:expert-list"), {"field": cars.slug})
    assert "名录中共 3 位专家" in html
    rows = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "talent_expert"."id"'))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + rows)
        plan = " / ".join(row[3] for row in cursor.fetchall())
    assert "talent_expert_directory" in plan and "LIST SUBQUERY" not in plan and "TEMP B-TREE" not in plan, plan
