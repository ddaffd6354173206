"""The talent and innovation resources of the open-data API (talent/api.py, innovation/api.py):
what is particular to them. The rules every resource shares (published rows, samples, stable
pages, CSV) are tested for them too, in tests/portal/test_api.py through its FACTORIES."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from innovation.views import (
    AchievementListView,
    CooperationListView,
    EnterpriseListView,
    EventListView,
    PartnerListView,
    PlatformListView,
)
from portal.publishing import Status
from portal.registry import registry
from talent.views import AwardListView, ExpertListView, LaureateListView
from tests.factories import make_photo
from tests.innovation.factories_innovation import (
    make_achievement,
    make_cooperation,
    make_enterprise,
    make_figure,
    make_partner,
    make_platform,
    make_qualification,
    make_tech_field,
)
from tests.talent.factories_talent import (
    make_award,
    make_category,
    make_cycle,
    make_expert,
    make_field,
    make_laureate,
    make_nomination,
    make_programme,
    make_service,
)

pytestmark = pytest.mark.django_db

RESOURCES = dict(registry.api_resources)
ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    settings.NOMINATION_UPLOAD_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


def results(client, prefix: str, **params) -> list[dict]:
    response = client.get(f"/api/v1/{prefix}/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("prefix", "page"),
    [
        ("talent/awards", AwardListView),
        ("talent/laureates", LaureateListView),
        ("talent/experts", ExpertListView),
        ("innovation/platforms", PlatformListView),
        ("innovation/partners", PartnerListView),
        ("innovation/enterprises", EnterpriseListView),
        ("innovation/events", EventListView),
        ("innovation/achievements", AchievementListView),
        ("innovation/cooperation", CooperationListView),
    ],
)
def test_each_resource_filters_as_its_page(prefix, page):
    assert issubclass(RESOURCES[prefix].filterset_class, page.filterset_class)


# --- awards: state and deadlines ------------------------------------------------------------


def test_an_award_says_whether_it_is_open_and_until_when_with_the_offset(client):
    award = make_award()
    make_cycle("announced", award=award)
    open_cycle = make_cycle("open", award=award, nomination_closes=datetime.datetime(2099, 12, 1, 9, 0, tzinfo=datetime.UTC))
    closed = make_award()
    make_cycle("review", award=closed)
    rows = {row["slug"]: row for row in results(client, "talent/awards")}

    shown = rows[award.slug]
    assert shown["is_open"] is True and shown["current_phase"] == "open"
    assert shown["nomination_deadline"] == "2099-12-01T17:00:00+08:00"  # 09:00 UTC is 17:00 in Beijing
    assert [cycle["phase"] for cycle in shown["cycles"]] == ["open", "announced"]  # newest first
    for cycle in shown["cycles"]:
        assert ISO_WITH_OFFSET.fullmatch(cycle["nomination_opens"]) and ISO_WITH_OFFSET.fullmatch(cycle["nomination_closes"])
    assert shown["cycles"][0]["id"] == open_cycle.pk and shown["cycles"][0]["is_open"] is True

    assert rows[closed.slug]["is_open"] is False
    assert rows[closed.slug]["current_phase"] == "review" and rows[closed.slug]["nomination_deadline"] is None
    assert [row["slug"] for row in results(client, "talent/awards", status="open")] == [award.slug]


def test_an_award_without_cycles_has_no_phase(client):
    make_award()
    (row,) = results(client, "talent/awards")
    assert row["cycles"] == [] and row["current_phase"] is None and row["is_open"] is False


def test_unpublished_cycles_and_staff_notes_of_an_award_are_not_shown(client):
    award = make_award(source_note="内部：出处待核")
    make_cycle("open", award=award, status=Status.DRAFT)
    (row,) = results(client, "talent/awards")
    assert row["cycles"] == [] and row["is_open"] is False
    assert "出处待核" not in client.get("/api/v1/talent/awards/").content.decode()


# --- laureates ------------------------------------------------------------------------------


def test_laureates_only_under_published_cycles_and_awards(client):
    shown = make_laureate()
    make_laureate(cycle=make_cycle("announced", status=Status.DRAFT))
    make_laureate(cycle=make_cycle("announced", award=make_award(status=Status.DRAFT)))
    scheduled_award = make_award(published_at=timezone.now() + datetime.timedelta(days=3))
    make_laureate(cycle=make_cycle("announced", award=scheduled_award))
    rows = results(client, "talent/laureates")
    assert [row["id"] for row in rows] == [shown.pk]
    assert rows[0]["award"] == shown.cycle.award.slug and rows[0]["year"] == shown.cycle.year


def test_laureates_filter_by_year_as_on_their_page(client):
    old = make_laureate(cycle=make_cycle("announced", year=2015))
    make_laureate(cycle=make_cycle("announced", year=2019))
    assert [row["id"] for row in results(client, "talent/laureates", year=2015)] == [old.pk]


# --- experts ----------------------------------------------------------------------------------


def test_an_expert_shows_exactly_the_public_fields(client):
    expert = make_expert(
        fields=[make_field(name="汽车")],
        services=[make_service(name="技术咨询")],
        programme=make_programme(),
        photo=make_photo(),
        bio="从事汽车研究。",
    )
    row = client.get(f"/api/v1/talent/experts/{expert.slug}/").json()
    assert set(row) == {
        *("slug", "name", "title", "title_label", "institution", "fields", "services", "programme", "bio"),
        *("photo", "is_sample", "page_url"),
    }
    assert row["fields"] == ["汽车"] and row["services"] == ["技术咨询"]
    assert row["programme"] == expert.programme.slug and row["photo"] == expert.photo.slug
    for staff_only in ("status", "published_at", "created_at", "updated_at", "ordering", "id"):
        assert staff_only not in row


def test_an_expert_does_not_name_an_unpublished_programme_or_photo(client):
    expert = make_expert(programme=make_programme(status=Status.DRAFT), photo=make_photo(status=Status.DRAFT))
    row = client.get(f"/api/v1/talent/experts/{expert.slug}/").json()
    assert row["programme"] is None and row["photo"] is None


def test_the_expert_directory_downloads_as_csv(client):
    make_expert(name="王五", fields=[make_field(name="新材料"), make_field(name="机械")])
    lines = client.get("/api/v1/talent/experts/?format=csv").content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("slug,name,title,")
    assert "王五" in lines[1] and ("新材料、机械" in lines[1] or "机械、新材料" in lines[1])


# --- nominations: never --------------------------------------------------------------------------


def test_nominations_are_never_exposed(client):
    nomination = make_nomination(nominee_name="隐秘被提名人", nominator_email="secret-nominator@example.com")
    make_laureate(cycle=nomination.cycle, category=nomination.category)
    assert not any("nomination" in prefix for prefix in RESOURCES)
    assert client.get("/api/v1/talent/nominations/").status_code == 404
    schema = client.get("/api/v1/schema/?format=json").content.decode()
    assert "nominee" not in schema and "nominator_email" not in schema and "reviewer_notes" not in schema
    for prefix in RESOURCES:
        if prefix.startswith("talent/"):
            body = client.get(f"/api/v1/{prefix}/?include_samples=1").content.decode()
            assert "隐秘被提名人" not in body and "secret-nominator" not in body and nomination.reference not in body


# --- sample rows ------------------------------------------------------------------------------


def test_talent_rows_that_show_sample_content_come_only_when_asked_for(client):
    real_award = make_award()
    real_category = make_category(award=real_award)
    sample_category = make_category(award=real_award, is_sample=True)
    real_cycle = make_cycle("announced", award=real_award)
    sample_cycle = make_cycle("open", award=real_award, is_sample=True)
    fact = make_laureate(cycle=real_cycle, category=real_category)
    in_sample_cycle = make_laureate(cycle=sample_cycle, category=real_category)
    in_sample_category = make_laureate(cycle=real_cycle, category=sample_category)
    under_sample_award = make_laureate(cycle=make_cycle("announced", award=make_award(is_sample=True)))

    (award,) = results(client, "talent/awards")
    assert [cycle["id"] for cycle in award["cycles"]] == [real_cycle.pk]
    assert [category["slug"] for category in award["categories"]] == [real_category.slug]
    assert award["is_open"] is False  # the open cycle is a sample one
    assert [row["id"] for row in results(client, "talent/laureates")] == [fact.pk]
    assert client.get(f"/api/v1/talent/laureates/{in_sample_cycle.pk}/").status_code == 404

    with_samples = {row["id"]: row for row in results(client, "talent/laureates", include_samples=1)}
    assert set(with_samples) == {fact.pk, in_sample_cycle.pk, in_sample_category.pk, under_sample_award.pk}
    assert with_samples[fact.pk]["is_sample"] is False
    assert all(with_samples[pk]["is_sample"] for pk in (in_sample_cycle.pk, in_sample_category.pk, under_sample_award.pk))
    award = next(row for row in results(client, "talent/awards", include_samples=1) if row["slug"] == real_award.slug)
    assert {cycle["id"] for cycle in award["cycles"]} == {real_cycle.pk, sample_cycle.pk} and award["is_open"] is True


def test_a_sample_photo_of_a_real_expert_is_named_only_when_asked_for(client):
    expert = make_expert(photo=make_photo(is_sample=True))
    assert client.get(f"/api/v1/talent/experts/{expert.slug}/").json()["photo"] is None
    assert client.get(f"/api/v1/talent/experts/{expert.slug}/?include_samples=1").json()["photo"] == expert.photo.slug


def test_innovation_links_name_only_public_rows(client):
    public, draft, sample = make_partner(), make_partner(status=Status.DRAFT), make_partner(is_sample=True)
    platform = make_platform(partners=[public, draft, sample])
    assert client.get(f"/api/v1/innovation/platforms/{platform.slug}/").json()["partners"] == [public.slug]
    with_samples = client.get(f"/api/v1/innovation/platforms/{platform.slug}/?include_samples=1").json()
    assert sorted(with_samples["partners"]) == sorted([public.slug, sample.slug])


def test_an_achievement_of_a_sample_enterprise_comes_only_when_asked_for(client):
    fact = make_achievement(enterprise=make_enterprise())
    unattached = make_achievement()
    of_sample = make_achievement(enterprise=make_enterprise(is_sample=True))
    assert sorted(row["id"] for row in results(client, "innovation/achievements")) == sorted([fact.pk, unattached.pk])
    assert of_sample.pk in [row["id"] for row in results(client, "innovation/achievements", include_samples=1)]


def test_innovation_staff_notes_are_not_published(client):
    make_cooperation(source_note="内部核对：不要公开")
    make_figure(source_note="内部核对：不要公开")
    for prefix in ("innovation/cooperation", "innovation/figures"):
        assert "内部核对" not in client.get(f"/api/v1/{prefix}/").content.decode()
        assert "内部核对" not in client.get(f"/api/v1/{prefix}/?format=csv").content.decode("utf-8-sig")


# --- query counts with linked rows -----------------------------------------------------------------


def award_with_links():
    award = make_award()
    for _ in range(2):
        make_category(award=award)
    for phase in ("announced", "open"):
        make_cycle(phase, award=award)
    return award


def expert_with_links():
    return make_expert(
        fields=[make_field(), make_field()], services=[make_service()], programme=make_programme(), photo=make_photo()
    )


def laureate_with_links():
    return make_laureate(photo=make_photo())


def platform_with_links():
    return make_platform(partners=[make_partner(), make_partner()], tech_fields=[make_tech_field()], photos=[make_photo()])


def enterprise_with_links():
    return make_enterprise(qualifications=[make_qualification()], incubated_at=[make_platform()])


def cooperation_with_links():
    return make_cooperation(partners=[make_partner(country="德国"), make_partner()], tech_fields=[make_tech_field()])


@pytest.mark.parametrize(
    ("prefix", "factory"),
    [
        ("talent/awards", award_with_links),
        ("talent/experts", expert_with_links),
        ("talent/laureates", laureate_with_links),
        ("innovation/platforms", platform_with_links),
        ("innovation/enterprises", enterprise_with_links),
        ("innovation/cooperation", cooperation_with_links),
        ("innovation/achievements", lambda: make_achievement(enterprise=make_enterprise())),
    ],
)
def test_linked_rows_do_not_add_queries_per_row(client, prefix, factory, django_assert_max_num_queries):
    factory()
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/v1/{prefix}/").status_code == 200
    for _ in range(4):
        factory()
    for params in ("", "?include_samples=1", *(("?format=csv",) if RESOURCES[prefix].tabular else ())):
        with django_assert_max_num_queries(len(few)):
            response = client.get(f"/api/v1/{prefix}/{params}")
        assert response.status_code == 200
    assert client.get(f"/api/v1/{prefix}/").json()["count"] == 5


@pytest.mark.parametrize(
    ("prefix", "factory"),
    [
        ("talent/awards", award_with_links),
        ("talent/experts", expert_with_links),
        ("talent/laureates", laureate_with_links),
        ("innovation/platforms", platform_with_links),
        ("innovation/cooperation", cooperation_with_links),
    ],
)
def test_downloads_carry_the_linked_rows(client, prefix, factory):
    factory()
    factory()
    listed = client.get(f"/api/v1/{prefix}/").json()["results"]
    response = client.get(f"/api/v1/{prefix}/?download=1")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    for row in listed:
        for value in row.values():
            if isinstance(value, list) and value and isinstance(value[0], str):
                assert value[0] in body
