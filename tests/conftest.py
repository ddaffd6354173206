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


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks (--dist loadgroup)
def pytest_collection_modifyitems(items):
    """A module whose tests share a module-scoped fixture (content loaded once, servers started
    once, the fuzzer whose last test counts what the others sent) runs on one xdist worker: the
    fixture is built once, not on every worker, and the module's tests see one another as in a
    run without workers. The rest of the suite is spread test by test."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs.values() if info else ()
        if any(definition.scope == "module" for chain in definitions for definition in chain):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
