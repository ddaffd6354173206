"""Renditions in AVIF and WebP beside the JPEG: written once at upload, offered first in a
<picture> with the JPEG <img> as the fallback, and added to photos stored before by migration
0007 / `add_rendition_formats`."""

import importlib
import io
import random
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags, Image, ImageDraw, ImageFilter

from portal.images import RENDITION_FORMATS, RENDITIONS, rendition_files
from portal.models import Photo
from tests.factories import make_photo
from tests.portal.test_photo_privacy import admin_upload, assert_nothing_private_is_served, gps_upload, media_files

pytestmark = pytest.mark.django_db

PILLOW_FORMATS = {"avif": "AVIF", "webp": "WEBP"}


def photo_like_upload(name="assembly-line.jpg", size=(1600, 1067), seed=7) -> SimpleUploadedFile:
    """A camera-like JPEG: a sky gradient, soft shapes and sensor grain (the same every run). A
    flat test card would not show what the formats save on photographs."""
    rnd = random.Random(seed)
    width, height = size
    sky = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (sky.point(lambda v: 90 + v // 3), sky.point(lambda v: 130 + v // 4), Image.new("L", size, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rnd.randrange(width), rnd.randrange(height // 3, height), rnd.randrange(20, 200)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    image = image.filter(ImageFilter.GaussianBlur(6))
    grain = Image.frombytes("L", size, rnd.randbytes(width * height)).point(lambda v: 128 + (v - 128) // 2)
    image = Image.blend(image, grain.filter(ImageFilter.GaussianBlur(0.7)).convert("RGB"), 0.12)
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "Assembly line"  # the admin's caption, read from the upload
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def without_formats(photo) -> dict:
    """Make `photo` look stored before the formats: JSON without them and no such files."""
    old = {}
    for key, data in photo.renditions.items():
        if isinstance(data, dict):
            data = {**data}
            for name in data.pop("formats", {}).values():
                default_storage.delete(name)
        old[key] = data
    Photo.objects.filter(pk=photo.pk).update(renditions=old)
    photo.refresh_from_db()
    return old


def stored_renditions(photo) -> dict:
    """The row's renditions, read without refresh_from_db(), which opens a missing image file."""
    return Photo.objects.values_list("renditions", flat=True).get(pk=photo.pk)


class PictureParser(HTMLParser):
    """The <source> and <img> tags of every <picture> on a page, in order, with their attributes."""

    def __init__(self):
        super().__init__()
        self.pictures = []
        self._inside = None

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self._inside = []
            self.pictures.append(self._inside)
        elif self._inside is not None:
            self._inside.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "picture":
            self._inside = None


def pictures(response) -> list[list[tuple[str, dict]]]:
    assert response.status_code == 200
    parser = PictureParser()
    parser.feed(response.content.decode())
    return parser.pictures


def srcset_of(photo, format_name=None) -> str:
    parts = []
    for spec in RENDITIONS:
        data = photo.renditions[spec.name]
        name = data["formats"][format_name] if format_name else data["name"]
        parts.append(f"{default_storage.url(name)} {data['width']}w")
    return ", ".join(parts)


def test_the_formats_are_avif_then_webp():
    assert [spec.name for spec in RENDITION_FORMATS] == ["avif", "webp"]  # Pillow here has both encoders


def test_an_upload_stores_every_size_as_jpeg_avif_and_webp_smaller_than_the_jpeg(staff_client):
    photo = admin_upload(staff_client, photo_like_upload())

    for spec in RENDITIONS:
        data = photo.renditions[spec.name]
        assert data["width"] == spec.width
        assert set(data["formats"]) == {"avif", "webp"}
        jpeg_bytes = default_storage.size(data["name"])
        with default_storage.open(data["name"], "rb") as file, Image.open(file) as image:
            assert (image.format, image.size) == ("JPEG", (data["width"], data["height"]))
        for format_name, name in data["formats"].items():
            assert name == data["name"].removesuffix(".jpg") + f".{format_name}"  # beside its JPEG
            with default_storage.open(name, "rb") as file, Image.open(file) as image:
                image.load()
                assert (image.format, image.size) == (PILLOW_FORMATS[format_name], (data["width"], data["height"]))
            assert default_storage.size(name) < 0.75 * jpeg_bytes, (spec.name, format_name)


def test_formats_are_written_once_not_when_the_photo_is_saved_again(media_root):
    photo = make_photo()
    files = media_files(media_root)
    photo.caption = "新的说明"
    photo.save()
    assert media_files(media_root) == files
    assert len(files) == 1 + len(RENDITIONS) * (1 + len(RENDITION_FORMATS))


def test_no_format_carries_the_uploads_gps_or_camera(media_root):
    photo = make_photo(image=gps_upload())

    assert all(name.endswith((".jpg", ".avif", ".webp")) for name in rendition_files(photo.renditions))
    assert_nothing_private_is_served(media_root)  # opens every file, the AVIF and WebP too


def test_pages_offer_avif_then_webp_then_the_jpeg_img(client):
    photo = make_photo(featured=True)

    detail = pictures(client.get(photo.get_absolute_url()))
    gallery = pictures(client.get(reverse("portal:photo-list")))
    assert len(detail) == 1 and len(gallery) == 1
    for picture, size, sizes in ((detail[0], "full", "(max-width: 1300px) 100vw, 1280px"), (gallery[0], "card", None)):
        assert [(tag, attrs.get("type")) for tag, attrs in picture] == [
            ("source", "image/avif"),
            ("source", "image/webp"),
            ("img", None),
        ]
        (_, avif), (_, webp), (_, img) = picture
        assert avif["srcset"] == srcset_of(photo, "avif") and webp["srcset"] == srcset_of(photo, "webp")
        assert img["src"] == default_storage.url(photo.renditions[size]["name"]) and img["src"].endswith(".jpg")
        assert img["srcset"] == srcset_of(photo)
        assert img["width"] == str(photo.renditions[size]["width"]) and img["height"] == str(photo.renditions[size]["height"])
        assert img["alt"] == photo.alt_text and img["decoding"] == "async"
        assert avif["sizes"] == webp["sizes"] == img["sizes"]
        if sizes:
            assert img["sizes"] == sizes
    assert "loading" not in detail[0][2][1]  # above the fold
    assert gallery[0][2][1]["loading"] == "lazy"


def test_renditions_stored_before_the_formats_still_show_the_jpeg(client):
    photo = make_photo()
    without_formats(photo)

    assert photo.sources == []
    (picture,) = pictures(client.get(photo.get_absolute_url()))
    assert [tag for tag, _ in picture] == ["img"]
    assert picture[0][1]["src"] == default_storage.url(photo.renditions["full"]["name"])
    assert picture[0][1]["srcset"] == srcset_of(photo)


def test_the_command_adds_the_formats_beside_old_renditions_once(media_root):
    photo = make_photo(image=photo_like_upload())
    old = without_formats(photo)

    output = io.StringIO()
    call_command("add_rendition_formats", stdout=output)
    photo.refresh_from_db()

    assert "[1/1] photos checked, 1 given avif/webp" in output.getvalue()
    assert "1 given new formats, 0 already had them" in output.getvalue()
    for spec in RENDITIONS:
        data = photo.renditions[spec.name]
        assert data["name"] == old[spec.name]["name"]  # the JPEG and its URL stay
        for format_name, name in data["formats"].items():
            assert name.startswith(data["name"].removesuffix(".jpg"))
            with default_storage.open(name, "rb") as file, Image.open(file) as image:
                assert (image.format, image.size) == (PILLOW_FORMATS[format_name], (data["width"], data["height"]))
            assert default_storage.size(name) < default_storage.size(data["name"])

    files = media_files(media_root)
    renditions = photo.renditions
    output = io.StringIO()
    call_command("add_rendition_formats", stdout=output)
    photo.refresh_from_db()
    assert media_files(media_root) == files and photo.renditions == renditions
    assert "0 given new formats, 1 already had them" in output.getvalue()


def test_the_migration_adds_the_formats(media_root):
    photo = make_photo()
    without_formats(photo)
    migration = importlib.import_module("portal.migrations.0007_rendition_formats")

    migration.add_formats(apps, None)

    photo.refresh_from_db()
    assert all(set(photo.renditions[spec.name]["formats"]) == {"avif", "webp"} for spec in RENDITIONS)
    assert_nothing_private_is_served(media_root)


def test_rows_sharing_renditions_share_the_new_files(media_root):
    """Demo data copies the renditions of a few photos to many rows: one set of files for all."""
    photo = make_photo()
    old = without_formats(photo)
    copies = Photo.objects.bulk_create(
        Photo(image=photo.image.name, renditions=old, caption=f"副本 {n}", slug=f"copy-{n}", alt_text="副本") for n in range(3)
    )

    call_command("add_rendition_formats", stdout=io.StringIO())

    renditions = {row.renditions["card"]["formats"]["avif"] for row in Photo.objects.all()}
    assert len(renditions) == 1 and len(copies) == 3
    assert len(media_files(media_root)) == 1 + len(RENDITIONS) * (1 + len(RENDITION_FORMATS))


def test_without_the_original_the_formats_are_made_from_the_jpeg(media_root):
    photo = make_photo(image=gps_upload())
    without_formats(photo)
    default_storage.delete(photo.image.name)

    call_command("add_rendition_formats", stdout=io.StringIO())

    data = stored_renditions(photo)["card"]
    with default_storage.open(data["formats"]["webp"], "rb") as file, Image.open(file) as image:
        assert image.size == (data["width"], data["height"])
    assert_nothing_private_is_served(media_root)


def test_a_photo_without_any_readable_file_is_reported_and_left_alone(media_root):
    photo = make_photo()
    old = without_formats(photo)
    for name in [photo.image.name, *rendition_files(old)]:
        default_storage.delete(name)
    errors = io.StringIO()

    call_command("add_rendition_formats", stdout=io.StringIO(), stderr=errors)

    assert stored_renditions(photo) == old
    assert "1 photos have no readable image or rendition" in errors.getvalue()


@pytest.mark.parametrize("url_name", ["portal:photo-list", "detail"])
def test_the_formats_add_no_query_per_photo(client, url_name, django_assert_max_num_queries):
    """The formats come from the row's JSON: a page of many photos runs the queries one photo
    without formats did."""
    photo = make_photo(featured=True)
    url = photo.get_absolute_url() if url_name == "detail" else reverse(url_name)
    formats = photo.renditions
    without_formats(photo)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    Photo.objects.filter(pk=photo.pk).update(renditions=formats)
    Photo.objects.bulk_create(
        Photo(
            image=photo.image.name,
            renditions=formats,
            caption=f"副本 {n}",
            slug=f"copy-{n}",
            alt_text="副本",
            status=photo.status,
        )
        for n in range(11)
    )

    with django_assert_max_num_queries(len(before)):
        response = client.get(url)
    assert response.content.decode().count('type="image/avif"') == (12 if url_name == "portal:photo-list" else 1)


def test_the_command_starts_a_new_page_cache_generation(settings, monkeypatch, django_capture_on_commit_callbacks):
    """Its UPDATEs send no signal: without a bump, cached pages would go on offering the JPEG only."""
    from portal import page_cache

    bumps = []
    monkeypatch.setattr(page_cache, "bump", lambda: bumps.append(1))
    settings.PORTAL_PAGE_CACHE = True
    without_formats(make_photo())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("add_rendition_formats", stdout=io.StringIO())
    assert bumps == [1]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("add_rendition_formats", stdout=io.StringIO())
    assert bumps == [1]  # nothing changed, nothing to refresh


def test_rendition_urls_follow_the_media_url_setting(settings):
    """URLs are remembered per file name for speed, and forgotten when the media settings change."""
    photo = make_photo()
    assert photo.rendition("card")["url"].startswith(settings.MEDIA_URL)
    settings.MEDIA_URL = "https://media.example.cn/m/"
    assert photo.rendition("card")["url"].startswith("https://media.example.cn/m/renditions/")
    assert all(source["srcset"].startswith("https://media.example.cn/m/renditions/") for source in photo.sources)
