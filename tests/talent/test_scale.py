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

from talent.filters import CHOICES_SHOWN
from talent.models import Expert, Laureate
from talent.views import AWARD_CYCLES_WITH_LAUREATES, AWARD_LAUREATES_PER_CYCLE, CappedPaginator, LaureateListView
from tests.talent.factories_talent import make_award, make_category, make_cycle, make_expert, make_field, make_laureate

pytestmark = pytest.mark.django_db


def page(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def options_of(html: str, name: str) -> list[str]:
    """The option values of the <select name=…> on the page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def selected_of(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


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
    rows = next(q["sql"] for q in queries.captured_queries if 'FROM "talent_laureate"' in q["sql"] and "LIMIT" in q["sql"])
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
