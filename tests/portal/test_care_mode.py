"""关怀版: the header switch sets or clears a year-long cookie and returns to the same page;
pages read it into <html class="care-mode"> and say Vary: Cookie."""

import pytest
from django.urls import reverse

from portal import care_mode

pytestmark = pytest.mark.django_db

SWITCH = "portal:care-mode"


def test_switching_on_sets_a_year_long_lax_cookie_and_returns_to_the_page(client):
    response = client.post(reverse(SWITCH), {"mode": "on", "next": "/parks/indicators/?year=2024"})
    assert response.status_code == 302
    assert response["Location"] == "/parks/indicators/?year=2024"
    cookie = response.cookies[care_mode.COOKIE_NAME]
    assert cookie.value == "on"
    assert cookie["max-age"] == 60 * 60 * 24 * 365
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


def test_switching_off_clears_the_cookie(client):
    client.cookies[care_mode.COOKIE_NAME] = "on"
    response = client.post(reverse(SWITCH), {"mode": "off", "next": "/talent/"})
    assert response["Location"] == "/talent/"
    cookie = response.cookies[care_mode.COOKIE_NAME]
    assert cookie.value == "" and cookie["max-age"] == 0
    assert 'class="care-mode"' not in client.get("/talent/").content.decode()


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "parks/", ""],
)
def test_a_next_address_off_the_site_goes_home(client, target):
    response = client.post(reverse(SWITCH), {"mode": "on", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert response.cookies[care_mode.COOKIE_NAME].value == "on"


def test_missing_or_odd_input_is_answered_without_an_error(client):
    response = client.post(reverse(SWITCH), {"mode": "loud" * 100, "next": "/" + "长" * 5000})
    assert response.status_code == 302
    assert response.cookies[care_mode.COOKIE_NAME].value == ""
    assert client.post(reverse(SWITCH)).status_code == 302


def test_a_get_changes_nothing(client):
    response = client.get(reverse(SWITCH), {"mode": "on", "next": "/"})
    assert response.status_code == 405
    assert care_mode.COOKIE_NAME not in response.cookies


def test_page_is_marked_and_the_switch_pressed_only_with_the_cookie(client):
    standard = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="zh-hans">' in standard
    assert 'aria-pressed="false"' in standard and 'name="mode" value="on"' in standard
    assert 'name="next" value="/"' in standard

    client.cookies[care_mode.COOKIE_NAME] = "on"
    response = client.get(reverse("parks:indicator-list"), {"year": "2024"})
    content = response.content.decode()
    assert '<html lang="zh-hans" class="care-mode">' in content
    assert 'aria-pressed="true"' in content and 'name="mode" value="off"' in content
    assert 'name="next" value="/parks/indicators/?year=2024"' in content
    assert "css/care.css" in content


def test_pages_vary_on_cookie_but_feeds_and_robots_do_not_need_to(client):
    assert "Cookie" in client.get(reverse("portal:home"))["Vary"]
    assert "Cookie" not in client.get(reverse("robots-txt")).get("Vary", "")
