"""A photo's width and height are stored when it is saved (or loaded by load_initial_data, or by
the migration for older rows), and never read from its file when a row is loaded: a page that
lists photos opens no file, and a file missing from storage is no 500 (issue 11)."""

import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

from portal.models import Photo
from tests.factories import make_image, make_photo

pytestmark = pytest.mark.django_db


def forget_dimensions(photo):
    """The photo as loaddata leaves it: no width or height stored."""
    Photo.objects.filter(pk=photo.pk).update(width=None, height=None)


def test_a_saved_photo_stores_the_dimensions_of_its_file():
    photo = make_photo(image=make_image(size=(640, 480)))
    assert Photo.objects.values_list("width", "height").get(pk=photo.pk) == (640, 480)


def test_saving_a_photo_without_dimensions_fills_them_in():
    photo = make_photo(image=make_image(size=(640, 480)))
    forget_dimensions(photo)
    photo = Photo.objects.get(pk=photo.pk)
    assert (photo.width, photo.height) == (None, None)  # loading read nothing

    photo.caption = "新的说明"
    photo.save()

    assert Photo.objects.values_list("width", "height").get(pk=photo.pk) == (640, 480)


def test_a_new_file_brings_its_own_dimensions():
    photo = make_photo(image=make_image(size=(640, 480)))
    photo.image = make_image("other.jpg", size=(300, 500))
    photo.save()
    assert Photo.objects.values_list("width", "height").get(pk=photo.pk) == (300, 500)


def test_a_photo_whose_file_is_missing_still_saves():
    photo = make_photo()
    forget_dimensions(photo)
    default_storage.delete(photo.image.name)
    photo = Photo.objects.get(pk=photo.pk)
    photo.caption = "文件已丢失"
    photo.save()
    assert Photo.objects.values_list("width", "height").get(pk=photo.pk) == (None, None)


def test_loading_photos_opens_no_file():
    """Django's ImageField opens the file of every row loaded without dimensions (post_init)."""
    photos = [make_photo() for _ in range(3)]
    for photo in photos:
        forget_dimensions(photo)
    with mock.patch.object(FileSystemStorage, "open", side_effect=AssertionError("a file was opened")) as opened:
        loaded = list(Photo.objects.all()) + [Photo.objects.get(pk=photos[0].pk)]
    assert not opened.called
    assert all(photo.width is None for photo in loaded)


def test_pages_show_a_photo_whose_file_is_missing(client):
    photo = make_photo(featured=True)
    make_photo(featured=True)  # the first leads the home page, the others are in its photo block
    forget_dimensions(photo)
    default_storage.delete(photo.image.name)

    for url in (reverse("portal:home"), reverse("portal:photo-list"), photo.get_absolute_url(), "/api/v1/photos/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert photo.caption in response.content.decode(), url


def test_the_migration_fills_the_dimensions_of_files_that_exist():
    kept = make_photo(image=make_image(size=(640, 480)))
    lost = make_photo()
    for photo in (kept, lost):
        forget_dimensions(photo)
    default_storage.delete(lost.image.name)

    migration = importlib.import_module("portal.migrations.0010_photo_stored_dimensions")
    migration.fill_dimensions(apps, schema_editor=None)

    assert Photo.objects.values_list("width", "height").get(pk=kept.pk) == (640, 480)
    assert Photo.objects.values_list("width", "height").get(pk=lost.pk) == (None, None)
