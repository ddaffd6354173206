import datetime
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from portal.dates import DatePrecision, format_precise_date, normalise_precise_date
from portal.models import Photo, PhotoTag, SiteSettings
from portal.slugs import pinyin_slug
from portal.templatetags.portal_tags import figure, signed_percent
from tests.factories import make_article, make_image, make_photo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (datetime.date(1992, 9, 1), DatePrecision.MONTH, "1992年9月"),
        (datetime.date(2005, 1, 1), DatePrecision.YEAR, "2005年"),
        (datetime.date(2010, 9, 15), DatePrecision.DAY, "2010年9月15日"),
        (None, DatePrecision.DAY, ""),
    ],
)
def test_precise_dates_render_only_what_is_known(value, precision, expected):
    assert format_precise_date(value, precision) == expected


def test_precise_dates_are_stored_at_the_start_of_their_period():
    assert normalise_precise_date(datetime.date(2005, 7, 9), DatePrecision.YEAR) == datetime.date(2005, 1, 1)
    assert normalise_precise_date(datetime.date(1992, 9, 30), DatePrecision.MONTH) == datetime.date(1992, 9, 1)


def test_pinyin_slug_keeps_chinese_meaning():
    assert pinyin_slug("柳州高新区") == "liu-zhou-gao-xin-qu"
    assert pinyin_slug("“112+1”组织架构") == "112-1-zu-zhi-jia-gou"
    assert pinyin_slug("！？。") == "item"


def test_chinese_titles_get_unique_non_empty_slugs():
    first = make_article(title="提速增效 超常发展")
    second = make_article(title="提速增效 超常发展")
    punctuation_only = make_article(title="——")
    assert first.slug == "ti-su-zeng-xiao-chao-chang-fa-zhan"
    assert second.slug == "ti-su-zeng-xiao-chao-chang-fa-zhan-2"
    assert punctuation_only.slug == "item"


def test_a_saved_slug_is_kept_when_the_title_changes():
    article = make_article(title="旧标题")
    article.title = "新标题"
    article.save()
    article.refresh_from_db()
    assert article.slug == "jiu-biao-ti"


def test_tag_slug_from_chinese_name():
    assert PhotoTag.objects.create(name="汽车产业").slug == "qi-che-chan-ye"


def test_photo_renditions_are_made_once_and_stored():
    photo = make_photo(image=make_image(size=(2000, 1000)))
    assert set(photo.renditions) == {"source", "thumb", "card", "full"}
    assert photo.renditions["full"]["width"] == 1280
    assert photo.renditions["full"]["height"] == 640
    for name in ("thumb", "card", "full"):
        assert default_storage.exists(photo.renditions[name]["name"])
    renditions_before = dict(photo.renditions)
    photo.caption = "改过的说明"
    photo.save()
    assert photo.renditions == renditions_before


def test_photo_srcset_lists_every_rendition_with_its_width():
    photo = make_photo(image=make_image(size=(1600, 1200)))
    assert photo.srcset.count("w") >= 3
    assert "320w" in photo.srcset and "640w" in photo.srcset and "1280w" in photo.srcset


def test_small_images_are_never_enlarged():
    photo = make_photo(image=make_image(size=(200, 100)))
    assert photo.renditions["full"]["width"] == 200


def test_exif_orientation_is_applied_to_renditions():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when displayed
    photo = make_photo(image=make_image(size=(800, 400), exif=exif))
    card = photo.renditions["card"]
    assert card["height"] > card["width"]
    with Image.open(Path(default_storage.path(card["name"]))) as image:
        assert image.height > image.width


def test_credit_renders_with_the_photographer_suffix():
    assert make_photo(credit="罗秋宁").credit_display == "罗秋宁/摄"
    assert make_photo(credit="").credit_display == ""


def test_site_settings_is_a_singleton():
    first = SiteSettings.load()
    SiteSettings(portal_name="另一个").save()
    assert SiteSettings.objects.count() == 1
    assert SiteSettings.load().pk == first.pk == 1


def test_published_manager_hides_drafts_and_future_rows():
    from django.utils import timezone

    shown = make_photo()
    make_photo(status="draft")
    make_photo(published_at=timezone.now() + datetime.timedelta(days=1))
    assert list(Photo.objects.published()) == [shown]


@pytest.mark.parametrize(("value", "expected"), [("1829.8400", "1829.84"), ("9651", "9651"), ("120.80", "120.8"), ("45", "45")])
def test_figures_drop_meaningless_zeros(value, expected):
    assert figure(value) == expected


def test_signed_percent():
    assert signed_percent("9.19") == "+9.19%"
    assert signed_percent("-3.50") == "−3.5%"
    assert signed_percent(None) == ""
