"""The shell's fragments (top navigation, footer) are rendered once per process for what they
show, so a settings change is on the very next page; the settings cost one query (issue 11)."""

import pytest
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal.models import FriendlyLink, SiteSettings
from portal.registry import registry

pytestmark = pytest.mark.django_db


def test_a_settings_change_is_in_the_footer_on_the_next_request(client):
    site = SiteSettings.load()
    site.phone = "0772-1111111"
    site.save()
    assert "0772-1111111" in client.get(reverse("portal:home")).content.decode()
    site.phone = "0772-2222222"
    site.save()
    content = client.get(reverse("portal:article-list")).content.decode()
    assert "0772-2222222" in content and "0772-1111111" not in content
    FriendlyLink.objects.create(site=site, name="新的友情链接", url="https://example.com/", ordering=1)
    assert "新的友情链接" in client.get(reverse("portal:article-list")).content.decode()
    FriendlyLink.objects.filter(site=site).delete()
    assert "新的友情链接" not in client.get(reverse("portal:article-list")).content.decode()


def test_the_navigation_marks_the_page_shown_in_both_copies(client):
    section_home = registry.nav[0].url_name
    current = f'href="{reverse(section_home)}" aria-current="page"'
    assert client.get(reverse(section_home)).content.decode().count(current) >= 2  # the narrow and the wide nav
    assert current not in client.get(reverse("portal:article-list")).content.decode()


def test_settings_load_is_one_query_with_links(django_assert_num_queries):
    site = SiteSettings.load()
    FriendlyLink.objects.create(site=site, name="甲", url="https://a.example/", ordering=2)
    FriendlyLink.objects.create(site=site, name="乙", url="https://b.example/", ordering=1)
    with django_assert_num_queries(1):
        loaded = SiteSettings.load()
        assert [link.name for link in loaded.friendly_links] == ["乙", "甲"]


@pytest.mark.parametrize("value", ["", "1", "2", "4", ["1"], None])
def test_plain_select_writes_the_markup_of_django_select(value):
    from django import forms

    from portal.filters import PlainSelect

    choices = [(None, _("全部")), ("组", [("1", "x<y"), ("3", "三")]), ("2", 'B&"'), ("4", mark_safe("<b>四</b>"))]
    attrs = {"required": True, "disabled": False, "class": "k", "id": "id_n"}
    assert PlainSelect(attrs=attrs, choices=choices).render("n", value) == forms.Select(attrs=attrs, choices=choices).render(
        "n", value
    )


def test_the_sample_badge_tag_writes_the_badge_template_once_per_language():
    """`{% sample_badge x %}` is includes/_sample_badge.html for a sample, nothing otherwise,
    rendered once and kept (a list badges each card without an include per card)."""
    from django.template import engines
    from django.template.loader import render_to_string
    from django.test.signals import template_rendered

    from portal.templatetags import portal_tags

    template = engines["django"].from_string(
        "{% load portal_tags %}[{% sample_badge yes %}][{% sample_badge no %}][{% sample_badge %}]"
    )
    badge = render_to_string("includes/_sample_badge.html", {"sample": True})
    assert "示例" in badge
    assert template.render({"yes": True, "no": False}) == f"[{badge}][][{badge}]"
    portal_tags._fragments.clear()
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        template.render({"yes": True, "no": False})
        template.render({"yes": True, "no": None})
    finally:
        template_rendered.disconnect(record)
    assert rendered.count("includes/_sample_badge.html") == 1
