"""Refuse a POST before its body is read: too large (413) or from a rate-limited client (429).

Django reads a request body whole the first time anything touches request.POST or
request.FILES — CsrfViewMiddleware does so in process_view, before any view — so a limit checked
in the view only answers after a 200 MiB upload has been received and spooled to disk. This
middleware sits before CsrfViewMiddleware and decides from the headers alone: the declared
Content-Length against the URL's largest body (settings.PORTAL_MAX_REQUEST_BYTES), and the
view's rate limit (settings.PORTAL_EARLY_RATE_LIMITS), read without counting, so the view's
own check stays the one that counts. The client's address comes from the same setting as the
rate limits (portal.ratelimits).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.module_loading import import_string

from .ratelimits import over_limit


def max_request_bytes(match) -> int | None:
    """The largest body accepted for the resolved URL: by URL name, then by namespace (the
    admin), else Django's own cap on form data (None: no limit)."""
    limits = settings.PORTAL_MAX_REQUEST_BYTES
    for name in (match.view_name, match.namespace):
        if name in limits:
            return limits[name]
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    @staticmethod
    def will_be_limited(request, group: str, rate_setting: str) -> bool:
        """Whether the view's next count goes over the limit; the rate is read at request time
        because it is part of django-ratelimit's counter key."""
        return over_limit(request, group, getattr(settings, rate_setting), increment=False)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if "HTTP_TRANSFER_ENCODING" in request.META:
            # A chunked body has no size to check up front, and Django would read it as empty.
            # Browsers always send Content-Length for a form.
            return render(request, "411.html", status=411)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return render(request, "400.html", status=400)
        limit = max_request_bytes(request.resolver_match)
        if limit is not None and length > limit:
            return render(request, "413.html", {"limit": limit}, status=413)
        early = settings.PORTAL_EARLY_RATE_LIMITS.get(request.resolver_match.view_name)
        if request.method == "POST" and early and self.will_be_limited(request, *early):
            return import_string(settings.PORTAL_RATELIMITED_RESPONSE)(request)
        return None
