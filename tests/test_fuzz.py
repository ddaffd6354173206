"""Fuzzing as a test: at least 2,000 generated requests against every public URL pattern, query
parameter and form, within a time budget, and not one answer is a server error (5xx) or shows a
visitor's input unescaped.

How it runs:
- the article's content and the sample data are loaded once for the module (in a transaction
  rolled back at its end), so detail pages and the open nomination form exist;
- the walk: every URL pattern is read from the resolver (tests/fuzz_strategies.py), the site is
  crawled from its home page and sitemap to find real path values (slugs, pks) and its forms,
  and every pattern is requested once;
- Hypothesis then sends, for each pattern (EXAMPLES_PER_ROUTE times), generated path values,
  methods, query strings (its FilterSet's parameters, the usual ones and any others), headers
  and cookies; raw query strings that are not UTF-8 and junk paths; and every form found,
  with text, numbers, dates, uploaded files, markup payloads and bodies in other encodings;
- every answer is checked: status < 500; no `<fzN>` marker, raw, in a page (HTML or XML); an
  HTML page says its charset; a redirect stays on this site.

Budget: FUZZ_BUDGET_SECONDS (default 150; an idle 2-core machine uses about 50) of wall time
from the start of the module. When it runs out before 2,000 requests, the remaining examples
send nothing and the last test fails saying so: slow fuzzing is a failure, never a silent skip.
Seed: FUZZ_SEED, else fixed under CI=true (reproducible runs) and random locally; it is
printed and repeated in every failure message.
Rate limits are lifted while fuzzing (else every form would answer 429 after a few requests);
one test keeps them on.
"""

import io
import logging
import os
import random
import re
import time
from collections import Counter, defaultdict
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal import care_mode
from tests import fuzz_strategies as fz
from tests.test_public_site import LINK

# budget: `make test` runs this module alone, after the parallel workers, which would eat its budget.
pytestmark = [pytest.mark.django_db, pytest.mark.budget]

REQUIRED_REQUESTS = 2000
BUDGET_SECONDS = float(os.environ.get("FUZZ_BUDGET_SECONDS") or 150)
SEED = int(os.environ.get("FUZZ_SEED") or (20261128 if os.environ.get("CI") == "true" else random.randrange(2**32)))
CRAWL_LIMIT = 300
ROUTES = sorted(fz.public_routes(), key=lambda route: route.route)
EXAMPLES_PER_ROUTE = 20
MIN_ROUTES = 45  # the site had 50 public patterns when this test was written
GENERIC_PARAMETERS = {"page": ["1", "2", "0", "last"], "q": [], "format": ["csv", "json", "html", "xml"], "year": []}
LOC = re.compile(r"<loc>([^<]+)</loc>")
# The cookies the site reads: the session's, CSRF's, the messages', the language's, 关怀版's.
COOKIE_NAMES = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages", settings.LANGUAGE_COOKIE_NAME]
COOKIE_NAMES += [care_mode.COOKIE_NAME]

fuzz_settings = hypothesis_settings(
    deadline=None,
    database=None,  # no stored examples: the seed reproduces a run
    derandomize=False,  # the seed decides, also under Hypothesis' CI profile (which derandomizes)
    print_blob=False,
    # The module's content and client are shared by every example on purpose; the strategies
    # make big values on purpose.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def reproduce() -> str:
    return f"(FUZZ_SEED={SEED} reproduces this run)"


class Fuzzer:
    """Sends each request through the test client, checks its answer and counts it; sends
    nothing once the budget is spent."""

    def __init__(self, budget: float):
        self.started = time.monotonic()
        self.budget = budget
        self.sent = 0
        self.hits = Counter()  # route -> requests
        self.statuses = Counter()
        self.answers = defaultdict(Counter)  # (method, path) of a form -> statuses
        self.notes = []  # progress lines, shown by the `progress` fixture

    def note(self, text: str) -> None:
        self.notes.append(f"fuzz {self.elapsed:5.1f} s, {self.sent:4d} requests: {text}")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def out_of_time(self) -> bool:
        return self.elapsed > self.budget

    def send(self, client, method: str, path: str, *, route=None, **kwargs):
        """`client.<method>(path, **kwargs)`; with `body=`, that body as is (client.generic
        would otherwise re-encode it in the charset its Content-Type names)."""
        if self.out_of_time:
            return None
        if "body" in kwargs:
            response = client.generic(method.upper(), path, kwargs["body"], **{k: v for k, v in kwargs.items() if k != "body"})
        else:
            response = getattr(client, method)(path, **kwargs)
        self.sent += 1
        self.statuses[response.status_code] += 1
        if route is None:
            route = route_of(path)
        if route is not None:
            self.hits[route] += 1
        check(response, f"{method.upper()} {path} {kwargs!r:.2000}")
        return response


def route_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def check(response, request: str) -> None:
    """What no answer may do, whatever was asked."""
    where = f"{request} {reproduce()}"
    assert response.status_code < 500, f"{response.status_code} for {where}"
    content_type = response.get("Content-Type", "")
    if "html" in content_type or "xml" in content_type or not content_type:
        found = fz.MARKER.search(body(response))
        assert not found, f"unescaped input {found.group().decode()!r} reflected in the answer to {where}"
    if "html" in content_type:
        assert "charset=" in content_type, f"no charset in {content_type!r} for {where}"
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        parts = urlsplit(location)
        offsite = parts.netloc not in ("", "testserver") or location.startswith(("//", "/\\"))
        assert not offsite, f"redirect off the site to {location!r} for {where}"


class Site:
    """The public URL patterns and what the crawl found: real path values and the forms."""

    def __init__(self, fuzzer: Fuzzer):
        self.fuzzer = fuzzer
        self.routes = ROUTES
        self.by_route = {route.route: route for route in self.routes}
        self.real = defaultdict(list)  # route -> [{keyword: value}] found in links
        self.forms = {}  # FormSpec.key -> FormSpec
        self.parameters = {route.route: {**GENERIC_PARAMETERS, **fz.filter_parameters(route)} for route in self.routes}

    def crawl(self, client) -> None:
        """Every internal page reachable from the home page and the sitemap (up to
        CRAWL_LIMIT), each one a checked request; real path values and forms are noted."""
        queue, seen = ["/", "/sitemap.xml"], set()
        while queue and len(seen) < CRAWL_LIMIT:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = self.fuzzer.send(client, "get", url)
            if response is None or response.status_code != 200:
                continue
            self.note(url)
            text = body(response).decode("utf-8", "replace")
            for form in fz.forms_in(text, url):
                self.forms.setdefault(form.key, form)
            for link in LINK.findall(text) + LOC.findall(text):
                parts = urlsplit(urljoin(url, link.replace("&amp;", "&")))
                if parts.netloc not in ("", "testserver") or parts.path.startswith(("/admin/", "/static/", "/media/")):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    def note(self, url: str) -> None:
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            return
        values = {key: str(value) for key, value in match.captured_kwargs.items()}
        if values and values not in self.real[match.route]:
            self.real[match.route].append(values)

    def real_values(self, route: fz.Route) -> list[dict]:
        """Values found for this route's own links, else for any route with the same keywords
        (the legacy /park/<slug>/ is linked from nowhere, yet parks have slugs)."""
        found = self.real.get(route.route)
        if found:
            return found
        keywords = {keyword for keyword, _converter in route.converters}
        return [values for other in self.real.values() for values in other if set(values) == keywords]

    def walk(self, client) -> None:
        """Every pattern once, with a real value where one was found."""
        for route in self.routes:
            real = self.real_values(route)
            values = real[0] if real else {keyword: "0" for keyword, _converter in route.converters}
            self.fuzzer.send(client, "get", route.url(values), route=route.route)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    fuzzer = Fuzzer(BUDGET_SECONDS)
    fuzzer.note(f"seed {SEED}, budget {BUDGET_SECONDS:.0f} s for at least {REQUIRED_REQUESTS} requests")
    files = tmp_path_factory.mktemp("fuzz")
    lifted = override_settings(
        MEDIA_ROOT=files / "media",
        NOMINATION_UPLOAD_ROOT=files / "private",
        NOMINATION_MAX_UPLOAD_BYTES=8 * 1024,  # the size limit, reached by small files
        RATELIMIT_NOMINATION_RATE="1000000/s",
        RATELIMIT_LOOKUP_RATE="1000000/s",
    )
    # Hundreds of 404s, 400s (an over-long redirect) and unreadable PDFs are the point: quiet
    # them; a server error still shows (django.request logs it at ERROR).
    quiet = {"django.request": logging.ERROR, "django.security": logging.CRITICAL, "pypdf": logging.CRITICAL}
    levels = {name: logging.getLogger(name).level for name in quiet}
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)
    with django_db_blocker.unblock(), lifted, transaction.atomic():
        cache.clear()
        try:
            call_command("load_initial_data", stdout=io.StringIO())
            call_command("load_sample_data", stdout=io.StringIO())
            fuzzer.note("content loaded")
            site = Site(fuzzer)
            client = Client()
            site.crawl(client)
            site.walk(client)
            fuzzer.note(f"crawled {len(site.real)} patterns' links, {len(site.forms)} forms; walked {len(site.routes)} patterns")
            yield site
        finally:
            transaction.set_rollback(True)
            cache.clear()
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)


@pytest.fixture(autouse=True)
def media_root(site):
    """Overrides tests/conftest.py's fresh directory per test: the module's photos stay."""
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def progress(site, request, capsys):
    """A line per test on the terminal (even under -q): time and requests so far."""
    yield
    items = request.session.items
    following = items[items.index(request.node) + 1 :][:1]
    if following and following[0].originalname == request.node.originalname:
        return  # one line for a parametrized test, after its last case
    site.fuzzer.note(f"{request.node.originalname} done")
    with capsys.disabled():
        print("", *site.fuzzer.notes, sep="\n", end="")
    site.fuzzer.notes.clear()


def test_the_walk_finds_every_public_url_pattern_and_real_values(site):
    routes = set(site.by_route)
    assert len(routes) >= MIN_ROUTES, sorted(routes)
    # A sample of what must be there, across the URLconf's includes.
    assert {
        "",
        "care-mode/",
        "search/",
        "sitemap.xml",
        "opensearch.xml",
        "articles/feed/",
        "park/<slug:slug>/",
        "talent/awards/<slug:slug>/nominate/",
        "talent/cycles/<int:pk>/deadline.ics",
        "innovation/platforms/<slug:slug>/",
        "parks/indicators/",
    } <= routes
    assert not any(route.startswith(("admin/", "media/")) for route in routes)
    with_converters = [route for route in site.routes if route.converters]
    assert with_converters and all(site.real_values(route) for route in with_converters), [
        route.route for route in with_converters if not site.real_values(route)
    ]
    assert site.fuzzer.hits.keys() >= routes, sorted(routes - site.fuzzer.hits.keys())
    kinds = {(form.method, urlsplit(form.action).path) for form in site.forms.values()}
    assert {("POST", "/care-mode/"), ("GET", "/search/"), ("POST", "/talent/nominations/status/")} <= kinds
    assert any(form.multipart for form in site.forms.values()), "no upload form found (the nomination form)"


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (HttpResponse("fine", status=503), "503 for"),
        (HttpResponse("<p><fz42></p>"), "unescaped input '<fz42'"),
        (HttpResponse("<loc><fz7></loc>", content_type="application/xml"), "unescaped input"),
        (HttpResponse("<p>fine</p>", content_type="text/html"), "no charset"),
        (HttpResponseRedirect("//evil.example/"), "redirect off the site"),
        (HttpResponseRedirect("https://evil.example/"), "redirect off the site"),
    ],
)
def test_the_checks_catch_what_they_look_for(response, problem):
    with pytest.raises(AssertionError, match=re.escape(problem)):
        check(response, "GET /")


def test_the_checks_let_escaped_input_and_local_redirects_through():
    check(HttpResponse("<p>&lt;fz42&gt; &#x27;</p>"), "GET /")
    check(HttpResponse('{"q": "<fz42>"}', content_type="application/json"), "GET /")  # not markup
    check(HttpResponseRedirect("/parks/?q=%3Cfz1%3E"), "GET /")


def test_rate_limits_answer_429_not_an_error(site):
    """With the limits on, as in production, a burst against the limited forms is turned away
    (429) after the allowed number, and nothing fails."""
    limited = sorted((form for form in site.forms.values() if form.method == "POST"), key=lambda form: form.key)
    client = Client()
    statuses = Counter()
    cache.clear()
    with override_settings(RATELIMIT_NOMINATION_RATE="2/h", RATELIMIT_LOOKUP_RATE="2/h"):
        for form in limited:
            for _attempt in range(4):
                response = client.post(form.action, {"reference": "NOM-0", "email": "a@b.c"})
                check(response, f"POST {form.action}")
                statuses[form.action, response.status_code] += 1
    cache.clear()
    refused = {action for action, status in statuses if status == 429}
    assert any("/nominations/status/" in action for action in refused), statuses
    assert any("/nominate/" in action for action in refused), statuses


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"/{route.route}")
@hypothesis_settings(fuzz_settings, max_examples=EXAMPLES_PER_ROUTE)
@seed(SEED)
@given(data=st.data())
def test_no_page_fails_or_reflects_on_generated_paths_and_query_strings(site, route, data):
    """Each pattern with values for its path (real or junk), a method, and a query string of its
    FilterSet's parameters, the usual ones (page, q, format, year) and any others."""
    generated = st.fixed_dictionaries({keyword: fz.path_values(converter) for keyword, converter in route.converters})
    real = site.real_values(route)
    path = route.url(data.draw(st.one_of(st.sampled_from(real), generated) if real else generated))
    method = data.draw(st.sampled_from(["get"] * 8 + ["head", "post", "options", "put", "delete"]))
    query = data.draw(fz.query_params(site.parameters[route.route]))
    headers = data.draw(fz.headers(COOKIE_NAMES))
    client = Client()
    if method in ("get", "head", "options"):
        site.fuzzer.send(client, method, path, route=route.route, data=query, **headers)
    else:
        encoded, content_type = data.draw(fz.form_bodies(query))
        site.fuzzer.send(client, method, path, route=route.route, body=encoded, content_type=content_type, **headers)


@hypothesis_settings(fuzz_settings, max_examples=300)
@seed(SEED)
@given(data=st.data())
def test_no_page_fails_on_raw_query_strings_or_junk_paths(site, data):
    """Query strings as raw bytes (not UTF-8, broken percent-encoding), and paths no pattern
    matches, or that a converter's pattern matches but no row has."""
    route = data.draw(st.sampled_from(site.routes))
    real = site.real_values(route)
    path = route.url(data.draw(st.sampled_from(real))) if real else route.url({})
    if data.draw(st.booleans()):
        path = data.draw(fz.junk_paths)
    query = data.draw(fz.raw_query_strings(sorted(site.parameters[route.route])))
    site.fuzzer.send(Client(), "get", path, QUERY_STRING=query)


@st.composite
def forms(draw, site):
    """Half the time a form that writes (POST), else any form."""
    every = sorted(site.forms.values(), key=lambda form: form.key)
    posts = [form for form in every if form.method == "POST"]
    return draw(st.one_of(st.sampled_from(posts), st.sampled_from(every)))


def reloaded(site, client, form):
    """The form as its page renders it now (a new one-time token in its hidden fields), as a
    browser loads it before sending it; the form as crawled if the page no longer has it."""
    response = site.fuzzer.send(client, "get", form.page)
    if response is not None and response.status_code == 200:
        for fresh in fz.forms_in(body(response).decode(), form.page):
            if fresh.key == form.key:
                return fresh
    return form


@hypothesis_settings(fuzz_settings, max_examples=600)
@seed(SEED)
@given(data=st.data())
def test_no_form_fails_or_reflects_on_generated_input(site, data):
    """Every form the crawl found (nomination with its PDF upload, status lookup, search,
    filters, 关怀版 switch), filled with generated values; no CSRF token needed by the client."""
    form = data.draw(forms(site))
    client = Client()
    if form.method == "POST" and data.draw(st.booleans()):
        form = reloaded(site, client, form)
    values = data.draw(fz.form_data(form.fields))
    if form.method == "GET":
        values = {name: value for name, value in values.items() if not hasattr(value, "read")}
        response = site.fuzzer.send(client, "get", form.action, data=values)
    elif form.multipart:
        response = site.fuzzer.send(client, "post", form.action, data=values)
    else:
        encoded, content_type = data.draw(fz.form_bodies(values))
        response = site.fuzzer.send(client, "post", form.action, body=encoded, content_type=content_type)
    if response is not None:
        site.fuzzer.answers[form.method, urlsplit(form.action).path][response.status_code] += 1


# --- what the fuzz found once, kept as plain tests ------------------------------------------


def test_a_media_name_too_long_for_the_file_system_is_not_found(site):
    """/media/<256 characters> made the file system refuse the name (ENAMETOOLONG): a 500."""
    response = Client().get("/media/" + "0" * 256)
    assert response.status_code == 404


def test_the_fuzz_sent_enough_requests_within_the_budget(site):
    """Runs last: the count and the clock over the whole module."""
    fuzzer = site.fuzzer
    fuzzer.note(f"statuses {dict(sorted(fuzzer.statuses.items()))}")
    fuzzer.note(f"{len(fuzzer.hits)} patterns, {min(fuzzer.hits[route] for route in site.by_route)} requests or more each")
    for (method, path), statuses in sorted(fuzzer.answers.items()):
        fuzzer.note(f"form {method} {path}: {dict(sorted(statuses.items()))}")
    assert fuzzer.sent >= REQUIRED_REQUESTS, (
        f"only {fuzzer.sent} of {REQUIRED_REQUESTS} requests within the budget of {BUDGET_SECONDS:.0f} s "
        f"(FUZZ_BUDGET_SECONDS): the site or the machine is too slow; this is a failure, not a skip. "
        f"Run the whole module, not one test of it. {reproduce()}"
    )
    unfuzzed = sorted(set(site.by_route) - {route for route, count in fuzzer.hits.items() if count >= 5})
    assert not unfuzzed, f"patterns sent fewer than 5 requests: {unfuzzed}"
    # The forms were really exercised: each answered, and each upload form accepted a submission.
    posts = {(form.method, urlsplit(form.action).path): form for form in site.forms.values() if form.method == "POST"}
    assert posts.keys() <= fuzzer.answers.keys(), sorted(posts.keys() - fuzzer.answers.keys())
    for key, form in posts.items():
        assert not form.multipart or any(300 <= status < 400 for status in fuzzer.answers[key]), (key, fuzzer.answers[key])
