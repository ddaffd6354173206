"""One visibility rule: a row is public only while every row it hangs off is public.

For every model that names `published_parents`, and every ancestor reached through them, a
published child is first shown to the public; then the ancestor is made a draft (or scheduled
in the future) and the child must appear nowhere public: list and detail pages, section and
home pages, search, filter choices, the sitemap, the feed and the deadline calendar.
"""

import datetime
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from portal.publishing import Publishable, Status
from portal.registry import registry
from talent.models import AwardCycle
from tests.factories import make_honour, make_indicator, make_metric, make_milestone, make_park, make_photo
from tests.innovation.factories_innovation import make_achievement, make_enterprise
from tests.parks.factories_parks import make_area, make_industry
from tests.sitemap_helpers import local, sitemap_pages, sitemap_urls
from tests.talent.factories_talent import make_award, make_category, make_cycle, make_expert, make_laureate

pytestmark = pytest.mark.django_db


def _cycle(marker):
    # A cycle shows as "第N届（YYYY年）" on its award's page: the year is its marker.
    return make_cycle("announced", year=int(marker)), f"（{marker}年）"


def _laureate(marker):
    return make_laureate(name=marker, cycle=make_cycle("announced", year=2093)), marker


def _indicator(marker):
    return make_indicator(metric=make_metric(name=marker), park=make_park()), marker


# model label -> factory(marker) returning (published child with published parents, text it shows)
CHILDREN = {
    "parks.area": lambda marker: (make_area(name=marker, park=make_park()), marker),
    "parks.milestone": lambda marker: (make_milestone(title=marker), marker),
    "parks.industry": lambda marker: (make_industry(name=marker, park=make_park()), marker),
    "parks.indicator": _indicator,
    "parks.honour": lambda marker: (make_honour(name=marker), marker),
    "talent.awardcategory": lambda marker: (make_category(name=marker, award=make_award()), marker),
    "talent.awardcycle": lambda marker: _cycle("2091"),
    "talent.laureate": _laureate,
    "innovation.achievement": lambda marker: (make_achievement(title=marker, enterprise=make_enterprise()), marker),
}


def models_with_parents():
    return [model for model in apps.get_models() if getattr(model, "published_parents", ())]


def ancestor_paths(model, prefix=()):
    """Every chain of `published_parents` from `model` up: ("cycle",), ("cycle", "award")…"""
    for name in model.published_parents:
        path = (*prefix, name)
        yield path
        yield from ancestor_paths(model._meta.get_field(name).related_model, path)


CASES = [
    pytest.param(model._meta.label_lower, path, how, id=f"{model._meta.label_lower}-{'.'.join(path)}-{how}")
    for model in models_with_parents()
    for path in ancestor_paths(model)
    for how in ("draft", "scheduled")
]


def follow(obj, path):
    for name in path:
        obj = getattr(obj, name)
    return obj


def hide(row, how):
    if how == "draft":
        row.status = Status.DRAFT
    else:
        row.published_at = timezone.now() + datetime.timedelta(days=30)
    row.save()


def path_of(obj):
    url = getattr(obj, "get_absolute_url", None)
    return urlsplit(url()).path if url else None


def public_urls(client, child, path, marker):
    """Every public page where the child could show, found while it is still public."""
    names = {item.url_name for item in registry.nav}
    names |= {item.url_name for nav in registry.section_navs.values() for item in nav.items}
    urls = {"/", reverse("portal:article-feed"), "/sitemap.xml"} | {reverse(name) for name in names}
    urls.add(reverse("portal:search") + "?q=" + quote(marker[:-1]))  # the page echoes the query
    urls |= {local(page) for page in sitemap_pages(client)}
    urls |= {urlsplit(loc).path for loc in sitemap_urls(client)}
    for depth in range(len(path) + 1):
        urls.add(path_of(follow(child, path[:depth])))
    if isinstance(child, AwardCycle):
        urls.add(reverse("talent:cycle-calendar", kwargs={"pk": child.pk}))
    return sorted(url for url in urls if url)


def pages_showing(client, urls, text):
    shown = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        if text in response.content.decode():
            shown[url] = response.status_code
    return shown


def test_every_model_with_parents_has_a_case():
    assert {model._meta.label_lower for model in models_with_parents()} == set(CHILDREN)


@pytest.mark.parametrize(("label", "path", "how"), CASES)
def test_child_of_a_hidden_ancestor_is_nowhere_public(client, label, path, how):
    model = apps.get_model(label)
    marker = f"可见性探针{model._meta.model_name}"
    child, text = CHILDREN[label](marker)
    urls = public_urls(client, child, path, marker)
    assert pages_showing(client, urls, text), "the child must be public before its ancestor is hidden"
    assert model.objects.published().filter(pk=child.pk).exists()

    hide(follow(child, path), how)

    assert not model.objects.published().filter(pk=child.pk).exists()
    if isinstance(child, Publishable):
        child.refresh_from_db()
        assert not child.is_published
    assert pages_showing(client, urls, text) == {}
    if isinstance(child, AwardCycle):
        assert client.get(reverse("talent:cycle-calendar", kwargs={"pk": child.pk})).status_code == 404


PHOTO_OWNERS = {
    "parks.park": lambda photo: make_park(photo=photo),
    "parks.area": lambda photo: make_area(photo=photo, park=make_park()),
    "parks.milestone": lambda photo: make_milestone(photo=photo),
    "talent.laureate": lambda photo: make_laureate(photo=photo),
    "talent.expert": lambda photo: make_expert(photo=photo),
}


def test_every_photo_foreign_key_has_a_case():
    owners = {
        model._meta.label_lower
        for model in apps.get_models()
        if any(
            getattr(field, "related_model", None) is apps.get_model("portal.photo") and field.many_to_one
            for field in model._meta.fields
        )
    }
    assert owners == set(PHOTO_OWNERS)


@pytest.mark.parametrize("label", sorted(PHOTO_OWNERS))
def test_a_draft_photo_is_not_shown_with_its_public_owner(client, label):
    photo = make_photo(caption=f"草稿图片探针{label}")
    owner = PHOTO_OWNERS[label](photo)
    urls = sorted({path_of(owner), path_of(follow(owner, ("cycle",))) if label == "talent.laureate" else "/"})
    assert pages_showing(client, urls, photo.caption)

    hide(photo, "draft")

    assert pages_showing(client, urls, photo.caption) == {}
    assert pages_showing(client, urls, photo.alt_text) == {}
