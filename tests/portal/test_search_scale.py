"""Site search at scale: the work of a query does not grow with the index (portal.search).

A query reads the postings (`SearchTerm`: pairs of adjacent characters) of one pair of its
terms newest first from an index, checks each entry with the substring match, and stops at the
newest MAX_RESULTS + 1 matches: the same few queries with few rows and with many, no scan of a
whole table, the same results as a scan of every entry, and an honest "more than" when more
entries match than are listed. The postings follow their entry on every save, unpublish and
delete.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import search
from portal.models import SearchEntry, SearchTerm, SiteSettings
from portal.publishing import Status
from talent.models import Expert
from tests.factories import make_article, make_milestone, make_park, make_photo
from tests.innovation.factories_innovation import make_partner, make_platform

pytestmark = pytest.mark.django_db


def page(client, query, **params) -> str:
    response = client.get(reverse("portal:search"), {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def postings() -> set[tuple[str, str]]:
    """(entry title, pair) of every posting."""
    return set(SearchTerm.objects.values_list("entry__title", "gram"))


def expected_postings() -> set[tuple[str, str]]:
    """What the postings must be: every pair of every entry's normalised text, with its date."""
    assert not SearchTerm.objects.exclude(recency=0).exclude(entry__date__isnull=False).exists()
    return {(entry.title, gram) for entry in SearchEntry.objects.all() for gram in search.grams(entry.search_text)}


def scanned(terms: list[str]) -> set[int]:
    """The entries a scan of every entry finds (what search did before the postings)."""
    entries = SearchEntry.objects.filter(public_from__lte=timezone.now())
    for term in terms:
        entries = entries.filter(search_text__contains=term)
    return set(entries.values_list("pk", flat=True))


def search_queries(client, query) -> list[str]:
    SiteSettings.load()
    with CaptureQueriesContext(connection) as queries:
        page(client, query)
    return [query["sql"] for query in queries]


def full_scans(queries: list[str]) -> list[str]:
    """The steps of SQLite's plans that read a whole search table (none on PostgreSQL: its
    planner chooses by statistics, so the plan is only checked on SQLite)."""
    if connection.vendor != "sqlite":
        return []
    steps = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            steps += [row[3] for row in cursor.fetchall() if row[3].startswith("SCAN portal_search")]
    return steps


# --- the same results as a scan ------------------------------------------------------------------


def test_the_pairs_of_a_text_skip_whitespace():
    assert search.grams("创新 园区\nab") == {"创新", "园区", "ab"}
    assert search.grams("园") == set() and search.grams("") == set()


QUERIES = ["园区", "创新园区", "园区 创新", "园", "创 新", "iasp", "as", "2017", "17", "第2", "a_b", "%", "园 区域"]


def test_every_kind_of_query_finds_what_a_scan_of_every_entry_finds(client):
    make_photo(caption="柳州高新区创新园区 IASP 会员")
    make_photo(caption="园区创新", credit="摄影：张 a_b")
    make_photo(caption="创新之园，区域发展")
    make_article(title="2017年园区大事", lead="第2季度")
    make_partner(name="Iasp Asia 合作")
    make_platform(name="区园创新平台")
    for query in QUERIES:
        _query, terms = search.parse_query(query)
        found = search.find(terms)
        assert set(found.ranked) == scanned(terms), query
        assert not found.more and not found.partial


# --- bounded work -----------------------------------------------------------------------------------


def add_experts(start: int, count: int) -> None:
    Expert.objects.bulk_create(
        Expert(name=f"规模专家 {n}", slug=f"scale-{n}", institution="规模大学", status=Status.PUBLISHED)
        for n in range(start, start + count)
    )
    call_command("rebuild_search_index", stdout=io.StringIO())


@pytest.mark.parametrize("query", ["规模", "规模 大学", "规模专家 1", "模 学"])
def test_a_search_runs_the_same_queries_and_reads_no_whole_table_with_many_more_entries(client, query):
    add_experts(0, 5)
    few = search_queries(client, query)
    add_experts(5, 300)
    assert SearchEntry.objects.count() > 300
    many = search_queries(client, query)
    assert len(many) == len(few) <= 4
    assert full_scans(many) == []


def test_a_frequent_term_lists_the_newest_and_says_there_are_more(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    park = make_park(name="公园")
    for year in range(2001, 2008):
        make_milestone(title=f"频繁大事 {year}", park=park, date=datetime.date(year, 1, 1))
    content = page(client, "频繁")
    assert "找到超过 3 条结果，下面只列出其中最新的 3 条" in content
    assert "共找到" not in content and "7 条" not in content
    listed = [year for year in range(2001, 2008) if f"<mark>频繁</mark>大事 {year}</a>" in content]
    assert listed == [2005, 2006, 2007]
    assert '发展历程 <span class="count">3</span>' in content

    monkeypatch.setattr(search, "MAX_RESULTS", 7)
    content = page(client, "频繁")
    assert "共找到 7 条结果" in content and "超过" not in content


def test_a_query_of_single_characters_says_when_older_entries_were_not_read(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_SCANNED_ENTRIES", 2)
    make_partner(name="甲乙机构")
    make_partner(name="甲方")
    make_partner(name="乙方")
    content = page(client, "甲 乙")
    assert "在最新的 2 条内容中找到" in content and "更早的内容没有查找" in content
    monkeypatch.setattr(search, "MAX_SCANNED_ENTRIES", 10)
    assert "共找到 1 条结果" in page(client, "甲 乙")


# --- the postings follow their entry ------------------------------------------------------------


def test_postings_follow_edits_unpublishing_and_deletes(client):
    platform = make_platform(name="探针旧名")
    photo = make_photo(caption="探针图片")
    assert ("探针旧名", "旧名") in postings()
    assert postings() == expected_postings()

    platform.name = "探针新名"
    platform.save()
    assert ("探针新名", "新名") in postings() and not any(gram == "旧名" for _title, gram in postings())
    assert postings() == expected_postings()
    assert "探针<mark>新名</mark>" in page(client, "新名") and "探针" not in page(client, "旧名")

    platform.status = Status.DRAFT
    platform.save()
    assert not any(title == "探针新名" for title, _gram in postings())
    assert "探针新名" not in page(client, "探针")

    photo.delete()
    assert SearchTerm.objects.count() == 0 and SearchEntry.objects.count() == 0
    assert "没有找到" in page(client, "探针")


def test_postings_follow_the_rows_a_text_reads(client):
    partner = make_partner(name="旧机构")
    make_platform(name="平台甲", partners=[partner])
    partner.name = "新机构"
    partner.save()
    assert ("平台甲", "新机") in postings() and ("平台甲", "旧机") not in postings()
    assert postings() == expected_postings()


def test_rebuild_writes_the_same_postings_and_can_be_repeated(client):
    make_platform(name="平台甲")
    make_milestone(title="大事甲", date=datetime.date(2010, 5, 1))
    before = postings()
    assert before == expected_postings()
    SearchTerm.objects.all().delete()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert postings() == before
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert postings() == before
    recency = SearchTerm.objects.filter(entry__title="大事甲").order_by().values_list("recency", flat=True).distinct()
    assert list(recency) == [datetime.date(2010, 5, 1).toordinal()]
