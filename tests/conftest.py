import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files and renditions go to a per-test directory, never the real media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_client(django_user_model):
    """A client logged in as a superuser; separate from the anonymous `client` fixture."""
    from django.test import Client

    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    staff = Client()
    staff.force_login(user)
    return staff
