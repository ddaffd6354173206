"""关怀版 (elder-friendly mode): a display preference kept in a cookie.

The header's switch posts to `portal:care-mode`, which sets or clears the cookie and sends the
reader back to the page they were on. Every page reads the preference through the
`care_mode` context processor; `<html class="care-mode">` turns on static/css/care.css.
Pages look different with and without the cookie, so HTML responses say `Vary: Cookie`.
"""

from django.utils.cache import patch_vary_headers

COOKIE_NAME = "care_mode"
COOKIE_VALUE = "on"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365  # a year: the preference survives visits


def is_on(request) -> bool:
    return request.COOKIES.get(COOKIE_NAME) == COOKIE_VALUE


def set_preference(response, *, on: bool):
    """Remember (or forget) the preference. Not HttpOnly: nothing secret, and a page may read it."""
    if on:
        response.set_cookie(COOKIE_NAME, COOKIE_VALUE, max_age=COOKIE_MAX_AGE, samesite="Lax")
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response


class VaryOnCookieMiddleware:
    """Adds `Vary: Cookie` to every HTML page, whose look depends on the care-mode cookie.

    Django's session middleware adds it too, but only when a template happens to touch the
    session (base.html's staff link does today); this keeps shared caches right without that."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Cookie",))
        return response
