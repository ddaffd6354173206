"""示例 articles, photos and parks (issue 11: `generate_demo_data` flags them): like the talent
samples (tests/test_samples.py), a flagged row is badged wherever it shows, its page and a list
page showing it carry the banner and `noindex`, it is in no sitemap or feed, and
`remove_sample_data` deletes it (a photo a real row still shows is kept)."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from parks.models import Park
from portal.models import Article, Photo
from tests.factories import make_article, make_park, make_photo
from tests.sitemap_helpers import sitemap_text
from tests.test_samples import BANNER, NOINDEX, main_html

pytestmark = pytest.mark.django_db

BADGE = 'class="sample-badge"'

MAKERS = {
    "article": lambda **kw: make_article(title=kw.pop("name"), **kw),
    "photo": lambda **kw: make_photo(caption=kw.pop("name"), **kw),
    "park": lambda **kw: make_park(name=kw.pop("name"), **kw),
}
# Where a row shows besides its own page: a list of such rows.
LISTS = {"article": "portal:article-list", "photo": "portal:photo-list", "park": "parks:park-home"}


def badged(html: str, name: str) -> bool:
    """Whether `name` is directly followed by a badge (closing tags and spaces between)."""
    return bool(re.search(re.escape(name) + r'(?:\s*</[a-z0-9]+>)*\s*<span class="sample-badge"', html))


def remove_samples():
    call_command("remove_sample_data", stdout=io.StringIO())


@pytest.mark.parametrize("kind", MAKERS)
def test_a_sample_row_is_badged_and_its_page_is_noindexed(client, kind):
    make = MAKERS[kind]
    real = make(name="真实的行")  # first in its list: a park list's page is the first park
    sample = make(name="示例的行", is_sample=True)
    html = client.get(sample.get_absolute_url()).content.decode()
    assert badged(main_html(html), "示例的行")
    assert NOINDEX in html and BANNER in html
    html = client.get(real.get_absolute_url()).content.decode()
    assert not badged(main_html(html), "真实的行")
    if kind == "park":
        # The real park's page lists the others, the sample badged.
        assert badged(main_html(html), "示例的行") and NOINDEX not in html
    else:
        assert BADGE not in main_html(html) and NOINDEX not in html and BANNER not in html
        listing = client.get(reverse(LISTS[kind])).content.decode()
        assert badged(main_html(listing), "示例的行") and not badged(main_html(listing), "真实的行")
        assert NOINDEX in listing and BANNER in listing


def test_a_sample_photo_is_badged_where_other_pages_show_it(client):
    park = make_park(name="真实园区", photo=make_photo(caption="示例照片", is_sample=True))
    html = main_html(client.get(park.get_absolute_url()).content.decode())
    assert badged(html, "示例照片") and not badged(html, "真实园区")


def test_a_list_without_samples_has_no_badge_banner_or_noindex(client):
    make_article(title="真实文章")
    make_photo(caption="真实图片")
    for url in [reverse("portal:article-list"), reverse("portal:photo-list"), "/"]:
        html = client.get(url).content.decode()
        assert BADGE not in html and BANNER not in html and NOINDEX not in html, url


@pytest.mark.parametrize("kind", MAKERS)
def test_a_sample_row_is_in_no_sitemap_or_feed(client, kind):
    real = MAKERS[kind](name="真实的行")
    sample = MAKERS[kind](name="示例的行", is_sample=True)
    text = sitemap_text(client)
    assert real.get_absolute_url() in text and sample.get_absolute_url() not in text
    if kind == "article":
        feed = client.get(reverse("portal:article-feed")).content.decode()
        assert "真实的行" in feed and "示例的行" not in feed


@pytest.mark.parametrize(("kind", "model"), [("article", Article), ("photo", Photo), ("park", Park)])
def test_remove_sample_data_deletes_flagged_rows(kind, model):
    real = MAKERS[kind](name="真实的行")
    sample = MAKERS[kind](name="示例的行", is_sample=True)
    remove_samples()
    assert model.objects.filter(pk=real.pk).exists()
    assert not model.objects.filter(pk=sample.pk).exists()


def test_remove_sample_data_deletes_a_sample_park_before_its_sample_photo_and_keeps_a_photo_in_use():
    shown_by_sample = make_photo(caption="示例园区的照片", is_sample=True)
    shown_by_real = make_photo(caption="真实园区用的示例照片", is_sample=True)
    sample_park = make_park(name="示例园区", photo=shown_by_sample, is_sample=True)
    real_park = make_park(name="真实园区", photo=shown_by_real)
    article = make_article(title="真实文章")
    article.photos.set([shown_by_sample])
    remove_samples()
    assert not Park.objects.filter(pk=sample_park.pk).exists()
    assert not Photo.objects.filter(pk=shown_by_sample.pk).exists()  # the link went with it
    assert Photo.objects.filter(pk=shown_by_real.pk).exists()  # PROTECT: the real park still shows it
    assert Park.objects.get(pk=real_park.pk).photo_id == shown_by_real.pk
    assert list(article.photos.all()) == []


def test_photos_are_removed_after_every_sections_sample_rows():
    """The portal registers first, yet any section's rows may point to a photo."""
    from portal.registry import registry

    assert {Article, Photo, Park} <= set(registry.sample_models)
    assert registry.sample_models[-1] is Photo
