"""`manage.py generate_demo_data`: proportional counts, every row a sample (flagged where the model
has `is_sample`, otherwise found by its generated slug), the same seed giving the same rows, a
re-run replacing rather than adding, pages rendering with the data, search finding it, and
`remove_sample_data` putting every table back as it was (files still used by other photos kept)."""

import io

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from innovation import demo as innovation_demo
from innovation.models import Achievement, Enterprise, PartnerInstitution, Platform, TechField
from parks import demo as parks_demo
from parks.models import Area, Milestone, Park
from portal import demo as portal_demo
from portal import page_cache
from portal.demo import DEMO_SLUG_PREFIX, photo_files
from portal.models import Article, Photo, SearchTerm
from portal.publishing import Status
from talent import demo as talent_demo
from talent.models import Award, AwardCategory, AwardCycle, Expert, Laureate
from tests.factories import make_photo

pytestmark = pytest.mark.django_db

SCALE = 0.05


@pytest.fixture(autouse=True)
def small_pool(monkeypatch):
    """Two pool images instead of six: each goes through Photo.save() and its renditions."""
    monkeypatch.setattr(portal_demo, "POOL_SIZE", 2)


def generate(scale=SCALE, seed=3) -> str:
    out = io.StringIO()
    call_command("generate_demo_data", scale=scale, seed=seed, stdout=out)
    return out.getvalue()


def remove() -> str:
    out = io.StringIO()
    call_command("remove_sample_data", stdout=out)
    return out.getvalue()


def expected(per_scale: int) -> int:
    return max(1, round(per_scale * SCALE))


def table_counts() -> dict:
    return {model._meta.db_table: model._default_manager.count() for model in apps.get_models(include_auto_created=True)}


def snapshot() -> dict:
    """What a reader sees of the generated rows (no primary keys, timestamps or file names)."""
    return {
        "experts": list(Expert.objects.order_by("slug").values_list("slug", "name", "title", "institution", "bio", "status")),
        "laureates": list(
            Laureate.objects.order_by("cycle__award__slug", "cycle__edition", "ordering", "name").values_list(
                "cycle__award__name", "cycle__edition", "category__name", "name", "organisation", "citation", "status"
            )
        ),
        "cycles": list(AwardCycle.objects.order_by("award__slug", "edition").values_list("award__name", "edition", "year")),
        "platforms": list(
            Platform.objects.order_by("slug", "partners__name").values_list("slug", "name", "kind", "summary", "partners__name")
        ),
        "enterprises": list(
            Enterprise.objects.order_by("slug", "qualifications__name").values_list("slug", "name", "qualifications__name")
        ),
        "articles": list(
            Article.objects.order_by("slug", "sections__ordering").values_list("slug", "title", "lead", "sections__heading")
        ),
        "photos": list(Photo.objects.order_by("slug").values_list("slug", "caption", "credit", "section", "status")),
        "parks": list(Milestone.objects.order_by("park__slug", "title", "date").values_list("park__slug", "title", "date")),
    }


def test_counts_are_proportional_to_the_scale():
    output = generate()

    assert Expert.objects.count() == expected(talent_demo.PER_SCALE["experts"]) == 50
    assert AwardCycle.objects.count() == expected(talent_demo.PER_SCALE["cycles"])
    assert Laureate.objects.count() == expected(talent_demo.PER_SCALE["laureates"]) == 250
    assert Platform.objects.count() == expected(innovation_demo.PER_SCALE["platforms"]) == 25
    assert Enterprise.objects.count() == expected(innovation_demo.PER_SCALE["enterprises"]) == 10
    assert PartnerInstitution.objects.count() == expected(innovation_demo.PER_SCALE["partners"])
    assert Achievement.objects.count() == expected(innovation_demo.PER_SCALE["achievements"])
    assert Photo.objects.count() == expected(portal_demo.PER_SCALE["photos"]) == 100
    assert Article.objects.count() == expected(portal_demo.PER_SCALE["articles"]) == 10
    assert Park.objects.count() == expected(parks_demo.PER_SCALE["parks"])
    assert Area.objects.count() == Park.objects.count() * parks_demo.PER_PARK["areas"]
    # Relations: laureates of the award's own categories, in announced cycles; linked platforms.
    assert not Laureate.objects.exclude(category__award=F("cycle__award")).exists()
    assert Platform.objects.filter(partners__isnull=False).distinct().count() == Platform.objects.count()
    assert Achievement.objects.filter(enterprise__slug__startswith=DEMO_SLUG_PREFIX).count() == Achievement.objects.count()
    # Progress per model and the summary table.
    assert "talent.laureate: 250 rows" in output
    assert "rows/s" in output and "Search index:" in output


def test_every_generated_row_is_a_sample():
    generate()

    for model in (Expert, Award, AwardCategory, AwardCycle, Laureate, Photo, Article, Park):
        assert model.objects.count() > 0
        assert not model.objects.filter(is_sample=False).exists(), model
    for model in (Expert, Award, AwardCategory, Platform, Enterprise, PartnerInstitution, Photo, Article, Park, Area):
        assert not model.objects.exclude(slug__startswith=DEMO_SLUG_PREFIX).exists(), model
    # Mostly published in the past; some drafts.
    assert Expert.objects.published().count() > Expert.objects.count() * 0.8
    assert Article.objects.filter(status=Status.DRAFT).count() < Article.objects.count()


def test_the_same_seed_gives_the_same_rows_and_a_rerun_replaces_them():
    generate(seed=3)
    first, counts = snapshot(), table_counts()

    generate(seed=3)

    assert snapshot() == first
    assert table_counts() == counts  # removed and written again, not added
    generate(seed=4)
    assert snapshot()["experts"] != first["experts"]


def test_public_pages_render_with_the_generated_data(client):
    generate()
    expert = Expert.objects.published().first()
    platform = Platform.objects.published().first()
    article = Article.objects.published().first()
    award = Award.objects.published().first()
    photo = Photo.objects.published().first()
    urls = [
        reverse("portal:home"),
        reverse("talent:expert-list"),
        expert.get_absolute_url(),
        reverse("talent:laureate-list"),
        award.get_absolute_url(),
        reverse("innovation:platform-list"),
        platform.get_absolute_url(),
        reverse("innovation:enterprise-list"),
        reverse("portal:article-list"),
        article.get_absolute_url(),
        reverse("portal:photo-list"),
        photo.get_absolute_url(),
        reverse("parks:milestone-list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert expert.name in client.get(expert.get_absolute_url()).content.decode()


def test_search_finds_a_generated_row(client):
    generate()
    platform = Platform.objects.published().filter(published_at__lte=timezone.now()).first()

    response = client.get(reverse("portal:search"), {"q": platform.name})

    assert platform.get_absolute_url() in response.content.decode()


def test_remove_sample_data_restores_every_table_and_keeps_shared_files():
    real = make_photo(caption="真实图片")
    before = table_counts()
    generate()
    pool_files = photo_files(Photo.objects.filter(slug__startswith=DEMO_SLUG_PREFIX))
    shared_image = next(iter(pool_files))
    # An editor's photo reusing a pool file: that file and its renditions must survive removal.
    survivor = make_photo(caption="沿用示例文件")
    Photo.objects.filter(pk=survivor.pk).update(
        image=shared_image, renditions=Photo.objects.filter(image=shared_image).first().renditions
    )
    assert all(default_storage.exists(name) for names in pool_files.values() for name in names)

    output = remove()

    after = table_counts()
    # Everything as before, plus the editor's photo (and its search entry with its postings).
    postings = SearchTerm.objects.filter(entry__title="沿用示例文件").count()
    assert after == {
        **before,
        "portal_photo": before["portal_photo"] + 1,
        "portal_searchentry": before["portal_searchentry"] + 1,
        "portal_searchterm": before["portal_searchterm"] + postings,
    }
    assert Photo.objects.filter(pk=real.pk).exists()
    assert all(default_storage.exists(name) for name in pool_files[shared_image])
    gone = [name for image, names in pool_files.items() if image != shared_image for name in names]
    assert gone and not any(default_storage.exists(name) for name in gone)
    assert "Sample data removed" in output


def test_remove_deletes_in_bulk(django_assert_max_num_queries):
    generate()
    assert TechField.objects.exists()

    with django_assert_max_num_queries(150):  # not one query per row: 400+ rows go
        remove()

    assert not Laureate.objects.exists() and not Photo.objects.exists() and not TechField.objects.exists()


def test_generating_and_removing_start_a_new_page_cache_generation(settings):
    """Bulk inserts and the paused deletes send no signals: each command bumps the generation once."""
    settings.PORTAL_PAGE_CACHE = True
    page_cache.bump()
    generation = caches["default"].get(page_cache.GENERATION_KEY)

    generate()
    after_generate = caches["default"].get(page_cache.GENERATION_KEY)
    remove()

    assert generation < after_generate < caches["default"].get(page_cache.GENERATION_KEY)
