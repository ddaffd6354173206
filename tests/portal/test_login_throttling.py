"""Admin sign-in throttling (django-axes): a username is locked out from one address after
AXES_FAILURE_LIMIT wrong passwords, with a Chinese page; the unlock command lifts it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)


def sign_in(client, username, password, **request):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **request)


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def fail_until_locked(client, settings, username="editor", **request):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong-password", **request)


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, editor, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "editor", "wrong-password").status_code == 200  # the form again
    assert sign_in(client, "editor", "wrong-password").status_code == 429

    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂时锁定" in page and "连续 5 次密码错误" in page and "请在 15 分钟后再试" in page
    assert '<meta name="robots" content="noindex">' in page
    assert not signed_in(client)


def test_unlock_command_lets_the_editor_in_again(client, editor, settings):
    fail_until_locked(client, settings)
    assert sign_in(client, "editor", PASSWORD).status_code == 429

    call_command("axes_reset_username", "editor")

    assert sign_in(client, "editor", PASSWORD).status_code == 302
    assert signed_in(client)


def test_lockout_is_per_username_and_address(client, editor, django_user_model, settings):
    django_user_model.objects.create_superuser("colleague", "colleague@example.com", PASSWORD)
    fail_until_locked(client, settings, REMOTE_ADDR="203.0.113.7")
    assert sign_in(client, "editor", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429

    # The same person from another address, and another person from the same address.
    assert sign_in(client, "editor", PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302
    client.logout()
    assert sign_in(client, "colleague", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_lockout_reads_the_client_address_the_rate_limits_use(client, editor, settings):
    """Behind nginx every request comes from 127.0.0.1: the address is the proxy's header
    (DJANGO_RATELIMIT_IP_META_KEY), so one client's failures do not lock out everyone."""
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    fail_until_locked(client, settings, REMOTE_ADDR="127.0.0.1", headers={"x-real-ip": "203.0.113.7"})
    assert sign_in(client, "editor", PASSWORD, REMOTE_ADDR="127.0.0.1", headers={"x-real-ip": "203.0.113.7"}).status_code == 429
    assert sign_in(client, "editor", PASSWORD, REMOTE_ADDR="127.0.0.1", headers={"x-real-ip": "198.51.100.2"}).status_code == 302
