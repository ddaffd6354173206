"""Addresses a newcomer can guess: /<section>/ is the section's home, /<section>/<plural>/ a
list and /<section>/<plural>/<slug>/ one of its rows; addresses that moved redirect for good."""

import pytest
from django.urls import get_resolver, reverse

from portal.registry import registry
from tests.factories import make_park

pytestmark = pytest.mark.django_db

SECTIONS = sorted(registry.section_navs)


def named_patterns(namespace):
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    return {pattern.name: pattern for pattern in resolver.url_patterns if pattern.name}


@pytest.mark.parametrize("section", SECTIONS)
def test_section_home_is_the_section_address_and_first_in_its_nav(section):
    assert reverse(registry.section_navs[section].items[0].url_name) == f"/{section}/"


@pytest.mark.parametrize("section", SECTIONS)
def test_lists_are_plural_nouns_under_the_section_and_details_under_their_list(section):
    names = named_patterns(section)
    lists = {name.removesuffix("-list"): reverse(f"{section}:{name}") for name in names if name.endswith("-list")}
    assert lists
    for url in lists.values():
        assert url == f"/{section}/{url.split('/')[2]}/" and url.endswith("s/"), url
    for name in names:
        if name.endswith("-detail"):
            model = name.removesuffix("-detail")
            assert model in lists, f"{name} has no list to live under"
            assert reverse(f"{section}:{name}", kwargs={"slug": "x"}) == lists[model] + "x/"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/park/", "/parks/"),
        ("/park/areas/", "/parks/areas/"),
        ("/park/history/", "/parks/milestones/"),
        ("/park/history/?decade=2010", "/parks/milestones/?decade=2010"),
        ("/park/indicators/?year=2017", "/parks/indicators/?year=2017"),
        ("/park/industries/", "/parks/industries/"),
        ("/park/honours/", "/parks/honours/"),
        ("/innovation/cooperation/", "/innovation/cooperations/"),
        ("/innovation/cooperation/?scope=international", "/innovation/cooperations/?scope=international"),
        ("/talent/?status=open", "/talent/awards/?status=open"),
    ],
)
def test_moved_addresses_redirect_permanently(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_old_park_profile_address_redirects_to_the_park(client):
    park = make_park(name="旧地址园区")
    response = client.get(f"/park/{park.slug}/")
    assert response.status_code == 301
    assert response["Location"] == park.get_absolute_url() == f"/parks/parks/{park.slug}/"
    assert "旧地址园区" in client.get(response["Location"]).content.decode()


def test_talent_home_offers_the_section(client):
    response = client.get("/talent/")
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("talent:award-list") in content and reverse("talent:expert-list") in content
