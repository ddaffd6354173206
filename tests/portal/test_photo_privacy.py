"""Photo originals are public files under MEDIA_ROOT: none may keep the place it was taken.

An upload is stored without GPS, camera and other private metadata (orientation, caption and
copyright kept) under a random name that no rendition name or page leads to; photos stored
before this are brought into the same form by migration 0005 / `privatize_photo_originals`.
"""

import importlib
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import ExifTags, Image

from portal.images import RENDITION_FORMATS, build_renditions, rendition_files
from portal.models import Photo
from tests.factories import make_photo

pytestmark = pytest.mark.django_db

GPS_MARKER = b"GPS-MARKER-7f3a"
SERIAL = "SERIAL-5150-XK"
MAKE = "PrivacyCam Maker"
LATITUDE = (24.0, 19.0, 47.1234)
LONGITUDE = (109.0, 24.0, 11.5678)
PRIVATE_BYTES = (GPS_MARKER, SERIAL.encode(), MAKE.encode(), b"XMP-MARKER-91")
ORIGINAL_NAME = re.compile(r"^photos/originals/[0-9a-f]{32}\.(jpg|png|webp)$")


def exif_with_gps() -> Image.Exif:
    """EXIF as a phone writes it: where (GPS IFD), with what (make, model, serial), plus the tags kept."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = "PC-1"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Copyright] = "Copyright Liuzhou Park"
    exif[ExifTags.Base.ImageDescription] = "Assembly line"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = LONGITUDE
    gps[ExifTags.GPS.GPSProcessingMethod] = b"ASCII\x00\x00\x00" + GPS_MARKER
    return exif


def image_bytes(image_format="JPEG", size=(900, 600)) -> bytes:
    buffer = io.BytesIO()
    extra = {"comment": b"camera comment"} if image_format == "JPEG" else {}
    Image.new("RGB", size, (40, 120, 60)).save(
        buffer, format=image_format, exif=exif_with_gps(), xmp=b"<x:xmpmeta>XMP-MARKER-91</x:xmpmeta>", **extra
    )
    content = buffer.getvalue()
    assert GPS_MARKER in content  # the test image really carries what must go
    return content


def gps_upload(name="dsc-0042-home.jpg", image_format="JPEG"):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[image_format]
    return SimpleUploadedFile(name, image_bytes(image_format), content_type=content_type)


def media_files(media_root) -> dict[str, bytes]:
    root = Path(media_root)
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def assert_nothing_private_is_served(media_root):
    """Every file under MEDIA_ROOT (all of it is public) is free of GPS and camera data."""
    files = media_files(media_root)
    assert files
    for name, content in files.items():
        for marker in PRIVATE_BYTES:
            assert marker not in content, (name, marker)
        with Image.open(io.BytesIO(content)) as image:
            exif = image.getexif()
            assert ExifTags.IFD.GPSInfo not in exif, name
            assert not exif.get_ifd(ExifTags.IFD.GPSInfo), name
            assert ExifTags.Base.Make not in exif and ExifTags.IFD.Exif not in exif, name
            assert "xmp" not in image.info and "comment" not in image.info, name


def assert_kept_tags(photo):
    with default_storage.open(photo.image.name, "rb") as file, Image.open(file) as image:
        exif = image.getexif()
        assert exif[ExifTags.Base.Orientation] == 6
        assert exif[ExifTags.Base.Copyright] == "Copyright Liuzhou Park"
        assert exif[ExifTags.Base.ImageDescription] == "Assembly line"
        assert image.size == (900, 600)


def rendition_names(photo) -> list[str]:
    """Every rendition file of `photo`: the JPEG of each size and its other formats."""
    return rendition_files(photo.renditions)


def admin_upload(staff_client, upload):
    response = staff_client.post(
        reverse("admin:portal_photo_add"),
        {
            "image": upload,
            "caption": "",
            "credit": "罗秋宁",
            "alt_text": "装配线",
            "section": "industry",
            "ordering": 0,
            "status": "published",
            "published_at_0": "2018-01-01",
            "published_at_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Photo.objects.get()


@pytest.mark.parametrize("how", ["admin", "model"])
def test_an_uploaded_original_is_stored_without_gps_under_a_random_name(how, staff_client, client, media_root):
    if how == "admin":
        photo = admin_upload(staff_client, gps_upload())
        assert photo.caption == "Assembly line"  # read from the upload before it was stripped
    else:
        photo = make_photo(image=gps_upload())

    assert ORIGINAL_NAME.match(photo.image.name), photo.image.name
    assert "dsc-0042" not in photo.image.name
    assert_nothing_private_is_served(media_root)
    assert_kept_tags(photo)

    token = Path(photo.image.name).stem
    for name in rendition_names(photo):
        assert token not in name and "dsc-0042" not in name
        assert default_storage.exists(name)
    assert len(media_files(media_root)) == 1 + 3 * (1 + len(RENDITION_FORMATS))  # the original and the renditions only

    original_url = default_storage.url(photo.image.name)
    for url in (photo.get_absolute_url(), reverse("portal:photo-list"), reverse("portal:home")):
        page = client.get(url).content.decode()
        assert original_url not in page and token not in page, url
    assert default_storage.url(photo.renditions["full"]["name"]) in client.get(photo.get_absolute_url()).content.decode()


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_png_and_webp_originals_lose_their_gps_too(image_format, media_root):
    photo = make_photo(image=gps_upload(f"home.{image_format.lower()}", image_format))

    assert ORIGINAL_NAME.match(photo.image.name)
    assert_nothing_private_is_served(media_root)
    assert_kept_tags(photo)


def test_two_renditions_of_the_same_file_share_no_name(media_root):
    first = make_photo(image=gps_upload())
    second = make_photo(image=gps_upload())

    assert first.image.name != second.image.name
    assert not set(rendition_names(first)) & set(rendition_names(second))
    assert build_renditions(first.image)["card"]["name"] != first.renditions["card"]["name"]


# -- photos stored before originals were private -----------------------------------------------


def old_style_photo(name="photos/2024/05/dsc-0042-home.jpg", **kwargs):
    """A photo as the portal stored it before: the upload unchanged at its own name, renditions
    named after it."""
    saved = default_storage.save(name, io.BytesIO(image_bytes()))
    photo = make_photo(image=saved, **kwargs)
    old_renditions = {"source": saved}
    for size, data in photo.renditions.items():
        if size == "source":
            continue
        old_name = f"renditions/dsc-0042-home-0123456789ab-{size}.jpg"
        default_storage.save(old_name, default_storage.open(data["name"]))
        for name in [data["name"], *data.pop("formats").values()]:  # JPEG only, then
            default_storage.delete(name)
        old_renditions[size] = {**data, "name": old_name}
    Photo.objects.filter(pk=photo.pk).update(renditions=old_renditions)
    photo.refresh_from_db()
    assert GPS_MARKER in default_storage.open(saved).read()
    return photo


def test_the_command_strips_and_renames_old_originals_and_deletes_the_old_files(media_root, django_capture_on_commit_callbacks):
    photo = old_style_photo()
    old_files = [photo.image.name, *rendition_names(photo)]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("privatize_photo_originals", stdout=io.StringIO())

    photo.refresh_from_db()
    assert ORIGINAL_NAME.match(photo.image.name)
    assert photo.renditions["source"] == photo.image.name
    assert all(not default_storage.exists(name) for name in old_files)
    assert all("dsc-0042" not in name for name in media_files(media_root))
    assert_nothing_private_is_served(media_root)
    assert_kept_tags(photo)

    before = media_files(media_root)
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("privatize_photo_originals", stdout=output)
    assert media_files(media_root) == before
    assert "0 originals made private" in output.getvalue() and "1 already private" in output.getvalue()


def test_the_migration_makes_existing_originals_private(media_root, django_capture_on_commit_callbacks):
    photo = old_style_photo()
    migration = importlib.import_module("portal.migrations.0005_photo_originals_private")

    with django_capture_on_commit_callbacks(execute=True):
        migration.privatize_originals(apps, None)

    photo.refresh_from_db()
    assert ORIGINAL_NAME.match(photo.image.name)
    assert_nothing_private_is_served(media_root)


def test_a_drawn_placeholder_keeps_its_file_and_gets_new_rendition_names(media_root, django_capture_on_commit_callbacks):
    """load_initial_data finds placeholders by their fixture name; they carry no metadata."""
    name = "photos/article/placeholder.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 200, 200)).save(buffer, format="JPEG")
    default_storage.save(name, buffer)
    photo = make_photo(image=name, is_placeholder=True)
    Photo.objects.filter(pk=photo.pk).update(
        renditions={**photo.renditions, "thumb": {**photo.renditions["thumb"], "name": "renditions/placeholder-1-thumb.jpg"}}
    )
    default_storage.save("renditions/placeholder-1-thumb.jpg", buffer)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("privatize_photo_originals", stdout=io.StringIO())

    photo.refresh_from_db()
    assert photo.image.name == name
    assert all("placeholder" not in rendition for rendition in rendition_names(photo))
    assert not default_storage.exists("renditions/placeholder-1-thumb.jpg")


def test_a_real_photo_still_marked_placeholder_is_made_private(media_root, django_capture_on_commit_callbacks):
    photo = old_style_photo(is_placeholder=True)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("privatize_photo_originals", stdout=io.StringIO())

    photo.refresh_from_db()
    assert ORIGINAL_NAME.match(photo.image.name)
    assert_nothing_private_is_served(media_root)


def test_unused_old_files_are_deleted_only_when_asked(media_root, django_capture_on_commit_callbacks):
    photo = make_photo(image=gps_upload())
    unused = default_storage.save("photos/2023/01/replaced-upload.jpg", io.BytesIO(image_bytes()))
    unused_rendition = default_storage.save("renditions/replaced-upload-0123456789ab-card.jpg", io.BytesIO(image_bytes()))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("privatize_photo_originals", stdout=io.StringIO())
    assert default_storage.exists(unused) and default_storage.exists(unused_rendition)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("privatize_photo_originals", "--delete-unused", stdout=io.StringIO())
    assert not default_storage.exists(unused) and not default_storage.exists(unused_rendition)
    assert sorted(media_files(media_root)) == sorted([photo.image.name, *rendition_names(photo)])
    assert_nothing_private_is_served(media_root)


def test_an_unreadable_original_is_reported_and_the_others_are_still_made_private(media_root, django_capture_on_commit_callbacks):
    broken = make_photo(image=gps_upload())
    Photo.objects.filter(pk=broken.pk).update(
        image=default_storage.save("photos/2022/02/broken.jpg", io.BytesIO(b"not an image"))
    )
    photo = old_style_photo()
    errors = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("privatize_photo_originals", stdout=io.StringIO(), stderr=errors)

    assert "1 originals cannot be read" in errors.getvalue()
    broken.refresh_from_db()
    photo.refresh_from_db()
    assert broken.image.name == "photos/2022/02/broken.jpg"
    assert ORIGINAL_NAME.match(photo.image.name)


def test_a_truncated_image_is_refused_with_a_form_error(staff_client):
    content = image_bytes()
    upload = SimpleUploadedFile("cut.jpg", content[: len(content) * 2 // 3], content_type="image/jpeg")
    response = staff_client.post(reverse("admin:portal_photo_add"), {"image": upload, "caption": "x", "alt_text": "y"})

    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors
    assert not Photo.objects.exists()
