"""Photo uploads through the admin: real images pass, everything else gets a form error."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.models import Photo
from tests.factories import make_image

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:portal_photo_add")


def photo_form(image, **overrides):
    data = {
        "image": image,
        "caption": "严把质量关",
        "credit": "罗秋宁",
        "alt_text": "质检员检查零件",
        "section": "industry",
        "ordering": 0,
        "status": "published",
        "published_at_0": "2018-01-01",
        "published_at_1": "08:00:00",
    }
    data.update(overrides)
    return data


def test_a_real_image_is_accepted_with_renditions(staff_client):
    response = staff_client.post(ADD_URL, photo_form(make_image(size=(1600, 900))))
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get()
    assert photo.width == 1600 and photo.height == 900
    assert photo.renditions["card"]["width"] == 640


def test_a_text_file_named_jpg_is_refused(staff_client):
    fake = SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg")
    response = staff_client.post(ADD_URL, photo_form(fake))
    assert response.status_code == 200
    assert not Photo.objects.exists()
    assert "image" in response.context["adminform"].form.errors


def test_an_oversized_file_is_refused_with_a_clear_message(staff_client, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 10_000
    response = staff_client.post(ADD_URL, photo_form(make_image(size=(300, 300), image_format="PNG", name="big.png", noise=True)))
    assert response.status_code == 200
    assert "图片文件过大" in response.content.decode()
    assert not Photo.objects.exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_decompression_bomb_is_refused_without_decoding(staff_client):
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, format="PNG")  # 144 million pixels in a few kB
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = staff_client.post(ADD_URL, photo_form(bomb))
    assert response.status_code == 200
    assert "像素过多" in response.content.decode()
    assert not Photo.objects.exists()


def test_alt_text_is_required(staff_client):
    response = staff_client.post(ADD_URL, photo_form(make_image(), alt_text=""))
    assert response.status_code == 200
    assert "alt_text" in response.context["adminform"].form.errors


def test_caption_and_credit_are_prefilled_from_exif(staff_client):
    exif = Image.Exif()
    exif[0x010E] = "Production line"  # ImageDescription
    exif[0x013B] = "Wei Mingfeng"  # Artist
    response = staff_client.post(ADD_URL, photo_form(make_image(exif=exif), caption="", credit=""))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.caption == "Production line"
    assert photo.credit == "Wei Mingfeng"


def test_without_caption_or_exif_the_form_asks_for_a_caption(staff_client):
    response = staff_client.post(ADD_URL, photo_form(make_image(), caption=""))
    assert response.status_code == 200
    assert "请填写图片说明" in response.content.decode()
