"""An editor's round trip in a real browser: log in, edit a caption, see it on the gallery."""

import pytest
from django.urls import reverse

from tests.factories import make_photo

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"


def test_editor_changes_a_caption_and_the_gallery_shows_it(live_server, transactional_db, django_user_model, open_page):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    make_photo(caption="旧的图片说明", credit="示例摄影师")
    make_photo(caption="另一张图片")
    page, problems = open_page("desktop")

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))

    page.goto(live_server.url + reverse("admin:portal_photo_changelist"))
    changelist = page.locator("#result_list")
    assert changelist.get_by_text("另一张图片").is_visible()
    assert changelist.locator("img").first.evaluate("img => img.complete && img.naturalWidth > 0"), "no thumbnail"
    changelist.get_by_role("link", name="旧的图片说明").click()

    page.wait_for_selector("#id_caption")
    assert page.input_value("#id_caption") == "旧的图片说明"
    page.fill("#id_caption", "新的图片说明")
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + reverse("admin:portal_photo_changelist"))
    assert page.locator(".messagelist .success").is_visible()

    page.goto(live_server.url + reverse("portal:photo-list"))
    captions = page.locator("main figcaption")
    assert captions.filter(has_text="新的图片说明").first.is_visible()
    assert captions.filter(has_text="示例摄影师/摄").first.is_visible()
    assert captions.filter(has_text="旧的图片说明").count() == 0

    assert not problems.report(page)
