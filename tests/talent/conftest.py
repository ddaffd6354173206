import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Nomination documents go to a per-test directory, never the real private storage."""
    settings.NOMINATION_UPLOAD_ROOT = tmp_path / "private"
    return settings.NOMINATION_UPLOAD_ROOT


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()
