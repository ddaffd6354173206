"""Per-client rate limits (django-ratelimit on the shared cache), in one place.

The client is the address the proxy reports (RATELIMIT_IP_META_KEY, e.g. nginx's X-Real-IP),
else REMOTE_ADDR; django-axes uses the same address for its lockouts. A request without that
header (a misconfigured proxy, a direct hit on gunicorn) is counted under REMOTE_ADDR instead of
failing, and a cache that cannot be reached (Redis down) lets the request through and logs an
error: the forms still validate everything, so an outage of the cache must not become a 500.
"""

import logging

from django.conf import settings
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address as the rate limits see it (AXES_CLIENT_IP_CALLABLE too)."""
    key = settings.RATELIMIT_IP_META_KEY
    return (request.META.get(key) if key else None) or request.META.get("REMOTE_ADDR") or ""


def client_key(group, request) -> str:
    """django-ratelimit's key callable: one counter per client address."""
    return client_ip(request)


def over_limit(request, group: str, rate: str, *, increment: bool) -> bool:
    """Whether this client is over `rate` for `group`. With increment=True this request is
    counted (the view); with increment=False the counter is only read (the early check in
    portal.middleware, before the body is received): over when the next count would exceed it."""
    try:
        usage = get_usage(request, group=group, key=client_key, rate=rate, method=ALL, increment=increment)
    except Exception:  # noqa: BLE001 - any cache backend error (redis.ConnectionError, socket errors…)
        logger.exception("Rate-limit cache unreachable; letting the request through (group %s).", group)
        return False
    if usage is None:
        return False
    return usage["should_limit"] if increment else usage["count"] >= usage["limit"]
