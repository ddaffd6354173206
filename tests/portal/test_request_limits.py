"""portal.middleware.RequestLimitsMiddleware: an oversized or rate-limited POST is refused from
its headers, before anything (CsrfViewMiddleware first) reads the body."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.talent.factories_talent import make_cycle

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


class UnreadBody:
    """A request body that counts every read: the refused requests must leave it untouched."""

    def __init__(self):
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return b""

    readline = read


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def browser():
    """A client held to CSRF, with its cookie, like a browser that loaded the form:
    CsrfViewMiddleware then reads the body to find the form's token."""
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("talent:nomination-status"))
    assert "csrftoken" in browser.cookies
    return browser


def post_headers(url, client, length, **extra):
    body = UnreadBody()
    response = client.post(
        url,
        **{"wsgi.input": body, "CONTENT_LENGTH": str(length), "CONTENT_TYPE": "multipart/form-data; boundary=x"},
        **extra,
    )
    return response, body


def test_an_oversized_nomination_is_refused_unread_with_413(browser, settings):
    cycle = make_cycle("open")
    url = reverse("talent:nomination-create", kwargs={"slug": cycle.award.slug})
    response, body = post_headers(url, browser, 200 * MiB)
    assert response.status_code == 413
    assert body.reads == 0
    page = response.content.decode()
    assert "提交的内容过大" in page and "超过了 15.0\xa0MB 的上限" in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_limit_follows_the_url(browser, staff_client, settings):
    lookup = reverse("talent:nomination-status")
    assert post_headers(lookup, browser, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)[0].status_code == 413
    # The admin takes a photo (PORTAL_MAX_UPLOAD_BYTES) plus its form: not refused by size.
    photo_add = reverse("admin:portal_photo_add")
    response, _ = post_headers(photo_add, staff_client, settings.PORTAL_MAX_UPLOAD_BYTES + MiB)
    assert response.status_code != 413
    over = settings.PORTAL_MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    assert post_headers(photo_add, staff_client, over)[0].status_code == 413


def test_a_rate_limited_client_is_refused_before_its_body_is_read(client, browser, settings):
    settings.RATELIMIT_LOOKUP_RATE = "2/h"
    lookup = reverse("talent:nomination-status")
    for _ in range(2):
        assert client.post(lookup, {"reference": "NOM-2026-AAAAAA", "email": "me@example.com"}).status_code == 200
    response, body = post_headers(lookup, browser, 1000)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode() and response["Retry-After"] == "3600"
    assert body.reads == 0
    # Another client still gets through to the view (and CSRF, which refuses this token-less post).
    assert post_headers(lookup, browser, 1000, REMOTE_ADDR="10.0.0.2")[0].status_code == 403


def test_the_early_check_only_peeks(client, settings):
    """The view counts; the middleware's look at the counter adds nothing to it."""
    settings.RATELIMIT_LOOKUP_RATE = "2/h"
    lookup = reverse("talent:nomination-status")
    data = {"reference": "NOM-2026-AAAAAA", "email": "me@example.com"}
    assert [client.post(lookup, data).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        ({"HTTP_TRANSFER_ENCODING": "chunked"}, 411, "提交缺少内容长度"),
        ({"CONTENT_LENGTH": "abc"}, 400, "请求有误"),
        ({"CONTENT_LENGTH": "-5"}, 400, "请求有误"),
    ],
)
def test_a_body_without_a_usable_length_is_refused_unread(browser, headers, status, says):
    body = UnreadBody()
    response = browser.post(reverse("talent:nomination-status"), **{"wsgi.input": body, **headers})
    assert response.status_code == status
    assert says in response.content.decode()
    assert body.reads == 0


def test_ordinary_posts_still_pass(client):
    response = client.post(reverse("talent:nomination-status"), {"reference": "NOM-2026-AAAAAA", "email": "me@example.com"})
    assert response.status_code == 200 and "没有找到" in response.content.decode()


def test_a_missing_proxy_header_counts_the_peer_address_instead_of_failing(client, settings):
    """DJANGO_RATELIMIT_IP_META_KEY names a header the request lacks (a direct hit on gunicorn):
    the limit still holds, on REMOTE_ADDR, and nothing answers 500."""
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.RATELIMIT_LOOKUP_RATE = "2/h"
    url = reverse("talent:nomination-status")
    statuses = [client.post(url, {"reference": "NOM-2026-AAAAAA", "email": "a@example.com"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # A client behind the proxy has its own counter.
    assert client.post(url, {"reference": "x", "email": "a@example.com"}, HTTP_X_REAL_IP="203.0.113.9").status_code == 200


def test_an_unreachable_rate_limit_cache_lets_the_request_through(client, caplog):
    """Redis down: the forms keep working (and the outage is logged) rather than answering 500."""
    nothing_listens = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    url = reverse("talent:nomination-status")
    with override_settings(CACHES=nothing_listens):
        response = client.post(url, {"reference": "NOM-2026-AAAAAA", "email": "a@example.com"})
    assert response.status_code == 200
    assert "Rate-limit cache unreachable" in caplog.text
