"""The page cache: anonymous pages served from the shared cache, and never stale.

Why a page cache of our own rather than Django's per-site cache (UpdateCacheMiddleware /
FetchFromCacheMiddleware): Django's entries live until a timeout, so an edit shows only when it
runs out. Here freshness never depends on a timeout:

- **A content generation.** Every entry's key holds the current *generation*, a number kept in
  the shared cache. Any save, delete or link change of a content model (the portal's and every
  section's, site settings and friendly links included; not users, the search index, sessions,
  login attempts or revisions) bumps it with `cache.incr` — atomic, and seen at once by every
  process on the same Redis — *after its transaction commits* (a request between the bump and
  the commit would otherwise render the old rows under the new number). The next request reads
  the new number and misses; entries of old generations are never read again and expire.
- **Scheduled changes.** A row published with a future `published_at` becomes public when the
  time passes, without a save. With each generation is kept the earliest future instant at which
  any content row's date-time says something changes (`published_at`, a cycle's nomination
  window, the search index's `public_from`: every non-automatic DateTimeField of a content model,
  so a section adding one is followed without registering it) and the next local midnight (for
  date fields: a result announced "today", the year's sample data). A request at or after that
  instant bumps the generation first, so the first request after the time passes is fresh.
- **Who is served from it.** Only anonymous GET and HEAD requests without a session or message
  cookie: staff (who see drafts as previews) and a visitor with a session (a nomination just
  sent) are always served by the view, and their pages never stored. Stored are only GET
  responses with status 200, HTML/XML/JSON, that set no cookie (a page that used its CSRF token
  sets the CSRF cookie: the nomination form; the status lookup is `never_cache`), have no
  `private`/`no-store`/`no-cache`, vary on nothing but Cookie and Accept-Language, and left the
  session untouched.
- **The key** is the scheme, host, path and query (its parameters in a fixed order, each
  parameter's values in their own order, as the view reads them), the language and the 关怀版
  cookie, hashed. One cache round trip reads the generation, a second one the page and the
  generation's schedule.
- **Conditional GET.** Stored pages carry an ETag from their content and
  `Cache-Control: public, max-age=0, must-revalidate`: a browser or proxy revalidates every time
  (so nothing depends on a timeout there either) and Django's ConditionalGetMiddleware answers
  304 when the ETag (or Last-Modified) still matches. Last-Modified is the generation's time,
  sent only once that second has passed (HTTP dates count whole seconds: a second change within
  the same second would otherwise look unmodified).
- **Failure.** When the cache errors (Redis down), the request is served by the view as if the
  page cache were off and the error is logged; never a 500.

Writes that bypass model signals (raw SQL, `queryset.update()`, `bulk_create`) do not bump:
call `bump()` after them (on commit). Every process bumps when it starts (a deploy may bring other
templates). `PORTAL_PAGE_CACHE` (settings) switches the whole thing.
"""

import datetime
import functools
import hashlib
import logging
import math
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import models, transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag
from django.utils.functional import empty
from django.utils.http import http_date

from . import care_mode

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# Memory, not freshness: an entry is never served after its generation has passed.
PAGE_SECONDS = 24 * 60 * 60
STATE_SECONDS = 7 * 24 * 60 * 60
HEADER = "X-Page-Cache"

# The apps whose rows public pages show, and their models that no public page shows.
CONTENT_APPS = frozenset({"portal", "parks", "talent", "innovation"})
IGNORED_MODELS = frozenset({"portal.user", "portal.searchentry"})

STORED_TYPES = frozenset({"text/html", "application/xml", "text/xml", "application/json"})
ALLOWED_VARY = frozenset({"cookie", "accept-language"})
REFUSED_CACHE_CONTROL = frozenset({"private", "no-store", "no-cache"})


def enabled() -> bool:
    return getattr(settings, "PORTAL_PAGE_CACHE", False)


def _cache():
    return caches["default"]


# --- the generation and its schedule ---------------------------------------------------------


def _state_key(generation: int) -> str:
    return f"page-cache:state:{generation}"


def _initial_generation() -> int:
    """A fresh counter starts from the clock (milliseconds): after the cache was emptied, new
    numbers never meet entries written under old ones in a cache that kept some."""
    return int(time.time() * 1000)


def _watched(model) -> bool:
    """A content model whose rows public pages show. An automatic many-to-many table counts as
    the model that declares the field (portal.User's groups are a user's, not content)."""
    declaring = model._meta.auto_created or model
    return model._meta.app_label in CONTENT_APPS and declaring._meta.label_lower not in IGNORED_MODELS


@functools.cache
def _scheduled_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Each content model with its date-times an editor sets (not auto_now/auto_now_add, not
    users'): the instants at which a row can change what pages show without being saved."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in CONTENT_APPS or model._meta.label_lower == "portal.user":
            continue
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateTimeField) and not (field.auto_now or field.auto_now_add)
        ]
        if names:
            found.append((model, names))
    return found


def next_change(now: datetime.datetime) -> datetime.datetime:
    """The earliest instant after `now` at which a page may change without a save: the next
    future date-time of any content row, or the next local midnight, whichever comes first."""
    local = timezone.localtime(now)
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=local.tzinfo)
    # Over the whole table, drafts too: a draft's time passing costs one spare bump, no query
    # per parent chain. One query per model.
    candidates = [midnight]
    for model, names in _scheduled_fields():
        aggregates = {name: Min(name, filter=Q(**{f"{name}__gt": now})) for name in names}
        candidates += [value for value in model._base_manager.aggregate(**aggregates).values() if value is not None]
    return min(candidates)


def _state(now: datetime.datetime) -> tuple[float, float]:
    """(when this generation began, when it stops being current at the latest), as timestamps."""
    return now.timestamp(), next_change(now).timestamp()


def bump() -> tuple[int, tuple[float, float]] | None:
    """Start a new generation (every cached page is out of date) and store its schedule;
    returns (generation, schedule), or None when the cache failed (logged)."""
    cache = _cache()
    try:
        try:
            generation = cache.incr(GENERATION_KEY)
        except ValueError:  # no counter yet (or the cache was emptied)
            cache.add(GENERATION_KEY, _initial_generation(), timeout=None)
            generation = cache.incr(GENERATION_KEY)
        state = _state(timezone.now())
        cache.set(_state_key(generation), state, STATE_SECONDS)
    except Exception:
        logger.exception("Page cache: could not start a new generation; pages may be served stale.")
        return None
    return generation, state


class _Batch:
    """One bump for everything one transaction changed: each change registers `run` on commit
    (a rolled-back savepoint drops its own registrations), the first to run bumps."""

    done = False

    def run(self):
        if not self.done:
            self.done = True
            bump()


def _changed(sender, using=None, **kwargs):
    if not enabled() or not _watched(sender):
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: only once the links are written
    connection = transaction.get_connection(using)
    batch = connection.__dict__.get("_page_cache_batch")
    if batch is None or batch.done:
        batch = connection._page_cache_batch = _Batch()
    transaction.on_commit(batch.run, using=using, robust=True)


def connect_signals() -> None:
    post_save.connect(_changed, dispatch_uid="portal.page_cache.post_save")
    post_delete.connect(_changed, dispatch_uid="portal.page_cache.post_delete")
    m2m_changed.connect(_changed, dispatch_uid="portal.page_cache.m2m_changed")


# --- requests ----------------------------------------------------------------------------------


def _may_use(request) -> bool:
    """Anonymous GET/HEAD without a session or message cookie and without credentials."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def page_key(request, generation: int) -> str:
    query = sorted(request.GET.lists(), key=lambda item: item[0])
    material = repr(
        (
            request.scheme,
            request.get_host(),
            request.path,
            query,
            translation.get_language(),
            care_mode.is_on(request),
        )
    )
    return f"page-cache:page:{generation}:{hashlib.sha256(material.encode()).hexdigest()[:40]}"


def _storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming or response.cookies:
        return False
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if content_type not in STORED_TYPES and not content_type.endswith(("+xml", "+json")):
        return False
    control = {part.split("=", 1)[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if control & REFUSED_CACHE_CONTROL:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    if not vary <= ALLOWED_VARY:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or session.session_key):
        return False
    # Without a session cookie nobody is signed in; asked only if the page asked already (HTML
    # pages do), as asking reads the session and would add `Vary: Cookie` to a feed.
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    return wrapped is None or wrapped is empty or not user.is_authenticated


def _last_modified(response, state) -> None:
    """The generation's start, once that second is over (see the module's docstring)."""
    began = state[0]
    if timezone.now().timestamp() >= math.floor(began) + 1:
        response.headers["Last-Modified"] = http_date(began)


class PageCacheMiddleware:
    """Serves and stores anonymous pages (see the module's docstring).

    Placed after LocaleMiddleware (the key needs the language) and before everything else that
    runs per page: on a hit, common/CSRF/auth/messages/CSP and the view are skipped, and the
    stored response already holds the headers they added. ConditionalGetMiddleware sits above,
    turning a matching If-None-Match / If-Modified-Since into 304 for hits and misses alike."""

    def __init__(self, get_response):
        self.get_response = get_response
        if enabled():
            # A process starting may be a new release (other templates) or follow writes made
            # while the page cache was off or that bypassed signals: nothing stored before counts.
            bump()

    def __call__(self, request):
        if not enabled() or not _may_use(request):
            return self.get_response(request)
        request.get_host()  # a refused host is answered 400 as usual, not logged as a cache error
        try:
            generation, state, key, entry = self.lookup(request)
        except Exception:
            logger.warning("Page cache: lookup failed; serving %s uncached.", request.path, exc_info=True)
            return self.get_response(request)
        if entry is not None:
            return self.replay(entry, state)
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        if not response.has_header("ETag"):
            set_response_etag(response)
        try:
            _cache().set(key, (response.content, list(response.items())), PAGE_SECONDS)
        except Exception:
            logger.warning("Page cache: could not store %s.", request.path, exc_info=True)
            return response
        response.headers[HEADER] = "miss"
        _last_modified(response, state)
        return response

    def lookup(self, request):
        """(generation, its schedule, the page's key, the stored entry or None)."""
        cache = _cache()
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, _initial_generation(), timeout=None)
            generation = cache.get(GENERATION_KEY)
        key = page_key(request, generation)
        found = cache.get_many([key, _state_key(generation)])
        state = found.get(_state_key(generation))
        now = timezone.now()
        if state is None:  # a new counter, or the schedule was evicted: compute it once
            state = _state(now)
            cache.add(_state_key(generation), state, STATE_SECONDS)
        if now.timestamp() >= state[1]:  # a scheduled change is due: no page of this generation
            bumped = bump()
            if bumped is None:
                raise RuntimeError("could not start a new generation")
            generation, state = bumped
            return generation, state, page_key(request, generation), None
        return generation, state, key, found.get(key)

    def replay(self, entry, state):
        content, headers = entry
        response = HttpResponse(content)
        for name, value in headers:
            response.headers[name] = value
        response.headers[HEADER] = "hit"
        _last_modified(response, state)
        return response
