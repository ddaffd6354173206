"""An editor's round trip in a real browser: log in, edit a caption, see it on the gallery."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_photo

from .conftest import save_screenshot

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


# --- every admin page at 1366 px, in Chinese ---------------------------------------------------

ENGLISH = ("Choose", "Remove", "Add another", "Save", "History", "Filter", "Search", "Today", "Now")

VISIBLE_TEXT = """() => {
  // Text a reader sees, with what JavaScript widgets wrote: visible elements' own text nodes,
  // and the titles, placeholders and values they show.
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && parent.checkVisibility() && !parent.closest("script, style, noscript, option")) {
      parts.push(walker.currentNode.textContent);
    }
  }
  for (const element of document.querySelectorAll("[title], [placeholder], input[type=submit], input[type=button]")) {
    if (!element.checkVisibility()) continue;
    parts.push(element.getAttribute("title") || "", element.getAttribute("placeholder") || "");
    if (element.matches("input[type=submit], input[type=button]")) parts.push(element.value);
  }
  return parts.join(" ");
}"""

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def admin_pages():
    """Every registered model's list, and its change form: its first row's, or the add form if empty."""
    from django.contrib import admin

    for model in admin.site._registry:
        opts = model._meta
        yield f"{opts.app_label}.{opts.model_name} list", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            yield (
                f"{opts.app_label}.{opts.model_name}",
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]),
            )
        else:
            yield f"{opts.app_label}.{opts.model_name}", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")


@pytest.fixture
def site_content(transactional_db, settings, tmp_path):
    """The article's content and the sample rows: every admin form has rows and inlines."""
    import io

    from django.core.management import call_command

    from tests.talent.factories_talent import make_nomination

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NOMINATION_UPLOAD_ROOT = tmp_path / "private"
    call_command("load_initial_data", stdout=io.StringIO())
    call_command("load_sample_data", stdout=io.StringIO())
    make_nomination()  # nominations come only from the public form: the admin has no add form


def test_every_admin_list_and_change_form_fits_1366_px_and_speaks_chinese(
    live_server, site_content, django_user_model, open_page
):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page, problems = open_page("desktop")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))

    failures = []
    pages = list(admin_pages())
    assert len(pages) > 40
    for name, url in [("admin.index", reverse("admin:index")), *pages]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        overflow = page.evaluate(NO_SIDEWAYS_SCROLL)
        if overflow > 0:
            save_screenshot(page, f"admin-wide-{name}")
            failures.append(f"{name}: {overflow} px sideways scroll ({url})")
        text = page.evaluate(VISIBLE_TEXT)
        english = [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]
        if english:
            failures.append(f"{name}: English {english} ({url})")
        failures += [f"{name}: {line}" for line in problems.report(page)]
    page.goto(live_server.url + reverse("admin:talent_award_change", args=[1]))
    save_screenshot(page, "admin-award-change-form")
    assert not failures, "\n".join(failures)


def test_reverting_a_version_shows_the_changes_and_says_restored(live_server, transactional_db, django_user_model, open_page):
    import reversion
    from reversion.models import Version

    from tests.talent.factories_talent import make_award

    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    with reversion.create_revision():
        award = make_award(name="示例恢复奖", eligibility="在园区工作满三年的人才。", prize_amount="5.00")
    with reversion.create_revision():
        award.eligibility = "在园区工作满五年的青年人才。"
        award.prize_amount = "8"
        award.save()
    first = Version.objects.get_for_object(award).order_by("pk").first()

    page, problems = open_page("desktop")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))

    page.goto(live_server.url + reverse("admin:talent_award_history", args=[award.pk]))
    page.locator(f'a[href$="/history/{first.pk}/"]').click()
    diff = page.locator("table.revision-diff")
    diff.wait_for()
    rows = {row.locator("th").inner_text(): row for row in diff.locator("tbody tr").all()}
    assert set(rows) == {"参评条件", "每人奖金"}
    assert rows["每人奖金"].locator("td").all_inner_texts() == ["8.00", "5.00"]
    eligibility = rows["参评条件"].locator(".revision-diff__restored")
    assert eligibility.locator("del").all_inner_texts() == ["五", "青年"]
    assert eligibility.locator("ins").all_inner_texts() == ["三"]
    assert page.evaluate(NO_SIDEWAYS_SCROLL) <= 0
    save_screenshot(page, "admin-revert-form")

    page.click("input[name=_save]")
    message = page.locator(".messagelist .success")
    assert message.inner_text().startswith("已恢复“示例恢复奖”到 ")
    assert message.inner_text().endswith("恢复的字段：每人奖金、参评条件。")
    award.refresh_from_db()
    assert award.eligibility == "在园区工作满三年的人才。" and award.prize_amount == 5
    assert not problems.report(page)
