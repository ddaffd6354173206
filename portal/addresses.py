"""Addresses of rows, reversed once per URL name and kept per process: a list page shows dozens
of rows, and a `reverse()` for each cost more than the rest of the row's markup. Models'
`get_absolute_url()` use these; the result is what `reverse()` gives."""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

SLUG_PLACEHOLDER = "slug-placeholder"
_addresses: dict[tuple, str | tuple[str, str]] = {}


def _key(url_name: str, kind: str) -> tuple:
    # The prefix (SCRIPT_NAME) and the URLconf (a request's own, or a test's override) change
    # what reverse() gives, so they are part of the key.
    return (url_name, kind, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)


def page_url(url_name: str) -> str:
    """reverse(url_name) for a page without arguments (a list a row's anchor points into)."""
    key = _key(url_name, "page")
    url = _addresses.get(key)
    if url is None:
        url = _addresses[key] = reverse(url_name)
    return url


def detail_url(url_name: str, slug: str) -> str:
    """reverse(url_name, kwargs={"slug": slug}) for a row's own page (slugs need no quoting)."""
    key = _key(url_name, "slug")
    parts = _addresses.get(key)
    if parts is None:
        before, after = reverse(url_name, kwargs={"slug": SLUG_PLACEHOLDER}).split(SLUG_PLACEHOLDER)
        parts = _addresses[key] = (before, after)
    return f"{parts[0]}{slug}{parts[1]}"
