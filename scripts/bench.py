"""Benchmark the served portal: `make bench`, or `.venv/bin/python scripts/bench.py --help`.

For each database (SQLite, PostgreSQL) and data scale (N=1, N=10) the bench builds a scratch
site in a temporary directory (migrate, collectstatic, load_initial_data, then
`generate_demo_data --scale N --seed 1`, or load_sample_data for N=1 while that command does not
exist), starts a private redis-server and, for each page-cache setting (PORTAL_PAGE_CACHE=off|on),
gunicorn with two sync workers and production settings on 127.0.0.1. It then loads every public
page type with wrk (scripts/bench_report.lua) for --duration seconds and prints, page by page:
requests per second, p50/p95/p99 latency, errors (non-2xx/3xx answers and socket errors), the
server CPU time per request (the workers' utime+stime from /proc/<pid>/stat, before and after,
divided by the requests served), SQL queries per request and HTML bytes (both measured
in-process with django.test.Client against the same database), and the bytes of the images a
browser would fetch for the page: once as a browser that accepts only JPEG/PNG (the <img> src),
once as one that accepts the types of --accept (the first matching <picture><source>). Time
from starting gunicorn to the first 200 on "/" is the cold start. The results, the machine and
the command go to --output (docs/performance.md); its "Before and after" section is kept.

The page list comes from the registry, not from a list here: every page of the navigation
(sitemap.xml's "pages": home, section homes, lists), each list again with a typical filter, one
detail page of every model in sitemap.xml, the shell's search (a 2-character query), site map,
sitemap.xml (the index and one page of its biggest section) and feed, and every argument-less
page of an "api" namespace once there is one.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the project on the path

from scripts.servers import BASE_DIR, ServerError, free_port, gunicorn_command, start_redis, stop, wait_until  # noqa: E402

LUA_SCRIPT = Path(__file__).resolve().parent / "bench_report.lua"
SEARCH_QUERY = "创新"  # two characters, as people type them
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CACHE_VARIABLE = "PORTAL_PAGE_CACHE"
BEFORE_AFTER_HEADING = "## Before and after"
# Fewer requests than this served in --duration: the page is measured one request at a time.
SLOW_PAGE_REQUESTS = 5
# Argument-less URL names that are not public page types: health check, robots, favicon,
# OpenSearch description, the 关怀版 switch (POST), the page after a nomination.
NOT_PAGES = {
    "healthz",
    "robots-txt",
    "opensearch",
    "portal:care-mode",
    "talent:nomination-submitted",
}


class BenchError(ServerError):
    """A step of the bench could not run; the message says what to do."""


@dataclass
class Page:
    """One page the bench loads: a name ("talent:expert-list ?field"), its kind and address."""

    name: str
    kind: str
    path: str


# --- Pure helpers (tests/test_bench.py) ---------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """The nearest-rank p-th percentile of `values` (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least the first
    return ordered[int(rank) - 1]


def parse_wrk_output(text: str) -> dict:
    """The numbers of bench_report.lua's BENCH_JSON line, with latencies in ms and errors summed."""
    match = re.search(r"^BENCH_JSON (\{.*\})$", text, re.MULTILINE)
    if match is None:
        raise BenchError(f"wrk printed no BENCH_JSON line:\n{text}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["status_errors"] + socket_errors,
    }


def stat_fields(stat: str) -> list[str]:
    """The fields of a /proc/<pid>/stat line after the command name (which may hold spaces and
    parentheses): index 0 is the state (field 3 of proc(5))."""
    return stat[stat.rindex(")") + 2 :].split()


def cpu_ticks(stat: str) -> int:
    """utime + stime (fields 14 and 15 of proc(5)) of a /proc/<pid>/stat line, in clock ticks."""
    fields = stat_fields(stat)
    return int(fields[11]) + int(fields[12])


def parent_pid(stat: str) -> int:
    return int(stat_fields(stat)[1])


def read_stat(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers, given the master)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := read_stat(int(entry.name))) and parent_pid(stat) == parent:
            children.append(int(entry.name))
    return sorted(children)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far, in seconds."""
    return sum(cpu_ticks(stat) for pid in pids if (stat := read_stat(pid))) / CLOCK_TICKS


def cpu_ms_per_request(before: float, after: float, requests: int) -> float:
    return (after - before) * 1000 / requests if requests else 0.0


class ImageFinder(HTMLParser):
    """The images a browser fetches for a page: each <img>'s src, or inside <picture> the srcset
    of the first <source> whose type is in `accept` (the candidate as wide as the <img>'s width,
    else the first). Lazy images count too: a reader scrolling the page fetches them."""

    def __init__(self, accept: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.accept = accept
        self.urls: list[str] = []
        self.sources: list[dict] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.sources = []
        elif tag == "source" and self.sources is not None:
            self.sources.append(attrs)
        elif tag == "img":
            self.urls.append(self.choose(attrs))

    def handle_endtag(self, tag):
        if tag == "picture":
            self.sources = None

    def choose(self, img: dict) -> str:
        for kind in self.accept:
            for source in self.sources or ():
                if source.get("type") == kind and source.get("srcset"):
                    return srcset_candidate(source["srcset"], img.get("width"))
        return img.get("src") or ""


def srcset_candidate(srcset: str, width: str | None) -> str:
    """The URL in `srcset` ("a.webp 320w, b.webp 640w") described as `width` wide, else the first."""
    candidates = [part.split() for part in srcset.split(",") if part.strip()]
    for candidate in candidates:
        if width and len(candidate) > 1 and candidate[1] == f"{width}w":
            return candidate[0]
    return candidates[0][0]


def image_urls(html: str, accept: tuple[str, ...] = ()) -> list[str]:
    """The distinct images (same-site URLs, in page order) a browser accepting `accept` fetches."""
    finder = ImageFinder(accept)
    finder.feed(html)
    return list(dict.fromkeys(url for url in finder.urls if url and not url.startswith(("data:", "http:", "https:"))))


# --- The page list (in-process, Django set up) ---------------------------------------------------
def first_public_row(model):
    """The row a detail page is measured on: the first public one that is not a sample, else the
    first public one."""
    from portal.models import without_samples

    rows = model.objects.published().order_by("pk")
    return without_samples(rows).first() or rows.first()


def typical_filter(view_class) -> str:
    """A query string for a list: its first choice filter set to its first value (the choices
    come from the data), else a 2-character keyword."""
    filterset_class = view_class.filterset_class
    filterset = filterset_class(queryset=filterset_class._meta.model.objects.published())
    for name, field in filterset.form.fields.items():
        if name == "q":
            continue
        for value, _label in getattr(field, "choices", ()):
            if str(value):
                return f"{name}={value}"
    return "q=" + SEARCH_QUERY


def argumentless_url_names(patterns=None, namespace: str = "") -> list[str]:
    """Every named URL without arguments that is not a redirect, with its namespace ("talent:award-list")."""
    from django.urls import URLPattern, get_resolver
    from django.views.generic import RedirectView

    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            redirect = view_class is not None and issubclass(view_class, RedirectView)
            if pattern.name and not pattern.pattern.regex.groups and not redirect:
                names.append(namespace + pattern.name)
        elif pattern.namespace != "admin":
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += argumentless_url_names(pattern.url_patterns, inner)
    return names


def page_list(first_row=first_public_row) -> list[Page]:
    """Every public page type, from the registry (see the module's docstring)."""
    from django.urls import resolve, reverse

    from portal.registry import registry
    from portal.sitemaps import NavPagesSitemap

    section_homes = {nav.items[0].url_name for nav in registry.section_navs.values() if nav.items}
    pages = []
    for url_name in NavPagesSitemap().items():
        path = reverse(url_name)
        view_class = getattr(resolve(path).func, "view_class", None)
        if getattr(view_class, "filterset_class", None):
            pages.append(Page(url_name, "list", path))
            pages.append(Page(f"{url_name} ?filter", "list, filtered", f"{path}?{typical_filter(view_class)}"))
        else:
            kind = "home" if url_name == "portal:home" else "section home" if url_name in section_homes else "page"
            pages.append(Page(url_name, kind, path))
    for model in registry.sitemap_models:
        row = first_row(model)
        if row is not None:
            pages.append(Page(f"{model._meta.label_lower} detail", "detail", row.get_absolute_url()))
    pages.append(Page("portal:search", "search", f"{reverse('portal:search')}?q={SEARCH_QUERY}"))
    pages.append(Page("portal:site-map", "site map", reverse("portal:site-map")))
    pages.append(Page("sitemap.xml", "sitemap", reverse("sitemap-index")))
    # The index's biggest section, one full page of it (portal.sitemaps.SITEMAP_LIMIT addresses).
    pages.append(Page("sitemap section", "sitemap", reverse("sitemap-section", kwargs={"section": "portal-photo"})))
    pages.append(Page("portal:article-feed", "feed", reverse("portal:article-feed")))
    listed = {page.name for page in pages}
    api_names = [name for name in argumentless_url_names() if name.startswith("api:") and name not in listed]
    pages += [Page(name, "api", reverse(name)) for name in api_names]
    return [Page(page.name, page.kind, quote_path(page.path)) for page in pages]


def quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/?=&#%:;,+-_.~")


def unlisted_pages(pages: list[Page]) -> list[str]:
    """Argument-less URL names that are neither in `pages` nor known not to be pages: a new page
    type the bench misses (tests/test_bench.py fails on any)."""
    from django.urls import reverse

    listed = {page.path.partition("?")[0] for page in pages}
    return [name for name in argumentless_url_names() if quote_path(reverse(name)) not in listed and name not in NOT_PAGES]


def probe(output: Path) -> None:
    """Write every page's status, SQL queries, HTML bytes and image URLs as JSON to `output`.

    Runs in a subprocess with the site's environment. The second request is the one counted:
    the first fills what a long-running worker keeps (templates, first-use caches)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    measured = []
    for page in page_list():
        client.get(page.path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        html = response.content.decode("utf-8", "replace")
        measured.append(
            {
                **asdict(page),
                "status": response.status_code,
                "queries": len(queries),
                "html_bytes": len(response.content),
                "images_plain": image_urls(html),
                "images_modern": image_urls(html, tuple(os.environ["BENCH_ACCEPT"].split(","))),
            }
        )
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    output.write_text(json.dumps({"pages": measured, "database": database, "unlisted": unlisted_pages(page_list())}))


# --- Servers and the scratch site -----------------------------------------------------------------
def http_get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    """Status and body of GET `path` (0 when nothing answers yet)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()


def site_env(workdir: Path, static_root: Path, database_url: str, redis_url: str) -> dict:
    """Production settings on plain HTTP, the scratch database, media and the private Redis."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "PORTAL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_HTTPS="false",
        DJANGO_SERVE_MEDIA="true",
        DJANGO_CACHE_URL=redis_url,
        DJANGO_LOG_LEVEL="WARNING",
        PORTAL_API_RATE="100000000/min",  # the API's per-client throttle would answer the load tool 429
        DATABASE_URL=database_url,
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        PORTAL_PRIVATE_ROOT=str(workdir / "private"),
    )
    return env


def manage(env: dict, *command: str) -> None:
    """Run a management command; its report is not shown (its errors are)."""
    subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)


def has_command(env: dict, name: str) -> bool:
    found = subprocess.run([sys.executable, "manage.py", "help", name], cwd=BASE_DIR, env=env, capture_output=True)
    return found.returncode == 0


def load_data(env: dict, scale: int) -> str:
    """Migrate and load the content of scale N; what was loaded."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_initial_data", "-v0")
    if has_command(env, "generate_demo_data"):
        manage(env, "generate_demo_data", "--scale", str(scale), "--seed", "1")
        return f"load_initial_data + generate_demo_data --scale {scale} --seed 1"
    if scale == 1:
        manage(env, "load_sample_data", "-v0")
        return "load_initial_data + load_sample_data (generate_demo_data does not exist yet)"
    raise BenchError(f"N={scale} needs `manage.py generate_demo_data --scale {scale}`, which does not exist yet")


def start_gunicorn(env: dict, workdir: Path) -> tuple[subprocess.Popen, int, dict]:
    """gunicorn (2 sync workers, no control socket to share with other gunicorns) on a free port,
    and its cold start: the seconds from its start to the first 200 on /healthz (a worker has
    loaded the site) and on / (the first page rendered); then both workers are up."""
    port = free_port()
    error_log = workdir / f"gunicorn-{port}.log"
    command = gunicorn_command(port, 2, error_log)
    started = time.monotonic()
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    try:
        cold_start = {}
        for path in ("/healthz", "/"):
            wait_until(lambda path=path: http_get(port, path, timeout=10)[0] == 200, f"gunicorn serving {path}", server)
            cold_start[path] = time.monotonic() - started
        wait_until(lambda: len(child_pids(server.pid)) >= 2, "gunicorn's second worker", server)
    except ServerError as error:
        stop(server)
        raise BenchError(f"{error}: see {error_log}:\n{error_log.read_text()[-3000:]}") from None
    return server, port, cold_start


def image_bytes(port: int, urls: list[str], sizes: dict) -> int:
    """Total bytes of the images (fetched once each through the site, remembered in `sizes`)."""
    for url in urls:
        if url not in sizes:
            status, body = http_get(port, url)
            sizes[url] = len(body) if status == 200 else 0
    return sum(sizes[url] for url in urls)


def load_page(port: int, page: dict, args, workers: list[int]) -> dict:
    """wrk on one page for args.duration seconds, with the workers' CPU time around it; with
    --repeat K, K such runs and the one that used the least CPU per request (a neighbour on a
    shared machine only ever adds CPU time, so the lowest is the page's own cost)."""
    for _ in range(3):  # warm both workers (once is enough for a page taking seconds)
        sent = time.monotonic()
        http_get(port, page["path"], timeout=300)
        if time.monotonic() - sent > 1:
            break
    runs = []
    for _ in range(args.repeat):
        before = cpu_seconds(workers)
        command = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s", "-s", str(LUA_SCRIPT)]
        result = subprocess.run([*command, f"http://127.0.0.1:{port}{page['path']}"], capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchError(f"wrk failed on {page['path']}: {result.stderr or result.stdout}")
        after = cpu_seconds(workers)
        stats = parse_wrk_output(result.stdout)
        if stats["requests"] < SLOW_PAGE_REQUESTS:
            wait_idle(workers)  # the requests wrk left unfinished
            return load_slow_page(port, page, workers)
        runs.append({**stats, "cpu_ms": cpu_ms_per_request(before, after, stats["requests"])})
    return min(runs, key=lambda run: run["cpu_ms"])


def wait_idle(workers: list[int], timeout: float = 120) -> None:
    """Wait until the workers use no CPU for half a second."""
    deadline, used = time.monotonic() + timeout, cpu_seconds(workers)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if (now := cpu_seconds(workers)) == used:
            return
        used = now


def load_slow_page(port: int, page: dict, workers: list[int], count: int = 3) -> dict:
    """A page too slow for wrk's duration: `count` requests one after another."""
    latencies, errors = [], 0
    before, started = cpu_seconds(workers), time.monotonic()
    for _ in range(count):
        sent = time.monotonic()
        status, _body = http_get(port, page["path"], timeout=300)
        latencies.append((time.monotonic() - sent) * 1000)
        errors += not 200 <= status < 400
    elapsed, after = time.monotonic() - started, cpu_seconds(workers)
    return {
        "requests": count,
        "rps": count / elapsed,
        **{f"p{p}_ms": percentile(latencies, p) for p in (50, 95, 99)},
        "errors": errors,
        "cpu_ms": cpu_ms_per_request(before, after, count),
        "sequential": True,
    }


# --- One database × scale, in its own process (under scripts/with-postgres.sh for PostgreSQL) -----
COLUMNS = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "CPU ms/req", "SQL", "HTML KB", "img KB", "img KB (modern)")


def row_values(row: dict) -> list[str]:
    return [
        f"{row['rps']:.1f}*" if row.get("sequential") else f"{row['rps']:.0f}",
        f"{row['p50_ms']:.1f}",
        f"{row['p95_ms']:.1f}",
        f"{row['p99_ms']:.1f}",
        str(row["errors"]),
        f"{row['cpu_ms']:.1f}",
        str(row["queries"]),
        f"{row['html_bytes'] / 1024:.1f}",
        f"{row['image_bytes_plain'] / 1024:.0f}",
        f"{row['image_bytes_modern'] / 1024:.0f}",
    ]


def print_row(name: str, values: list[str]) -> None:
    cells = (f"{value:>{max(len(column), 7)}}" for value, column in zip(values, COLUMNS, strict=True))
    print(f"{name[:44]:<44} " + " ".join(cells), flush=True)


def cold_start_text(cold_start: dict) -> str:
    return ", ".join(f"{seconds:.2f} s on {path}" for path, seconds in cold_start.items())


def run_cache_setting(env: dict, workdir: Path, cache: str, args) -> dict:
    """Probe and load every page with the page cache `cache`."""
    env = {**env, CACHE_VARIABLE: cache, "BENCH_ACCEPT": args.accept}
    flush_redis(env["DJANGO_CACHE_URL"])
    probe_file = workdir / f"probe-{cache}.json"
    subprocess.run([sys.executable, __file__, "--_probe", str(probe_file)], cwd=BASE_DIR, env=env, check=True)
    probed = json.loads(probe_file.read_text())
    pages = [page for page in probed["pages"] if not args.pages or re.search(args.pages, f"{page['name']} {page['path']}")]
    if probed["unlisted"]:
        print(f"bench: pages not in the page list (add them, or to NOT_PAGES): {', '.join(probed['unlisted'])}", flush=True)
    server, port, cold_start = start_gunicorn(env, workdir)
    rows, sizes = [], {}
    try:
        workers = child_pids(server.pid)
        print(f"\n--- page cache {cache}: cold start {cold_start_text(cold_start)}; workers {workers}", flush=True)
        print_row("page", list(COLUMNS))
        for page in pages:
            row = {**page, **load_page(port, page, args, workers)}
            row["image_bytes_plain"] = image_bytes(port, page["images_plain"], sizes)
            row["image_bytes_modern"] = image_bytes(port, page["images_modern"], sizes)
            rows.append(row)
            print_row(page["name"], row_values(row))
        restarted = child_pids(server.pid) != workers
    finally:
        stop(server)
    return {
        "cache": cache,
        "cold_start": cold_start,
        "rows": rows,
        "database": probed["database"],
        "unlisted": probed["unlisted"],
        "workers_restarted": restarted,
    }


def cache_setting_exists() -> bool:
    """Whether the portal reads PORTAL_PAGE_CACHE at all (else "on" runs like "off")."""
    return any(CACHE_VARIABLE in path.read_text() for path in (BASE_DIR / "portal").rglob("*.py"))


def run_one(database: str, scale: int, args) -> dict:
    """Build the scratch site for one database × scale and run every cache setting on it."""
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    redis_server = None
    try:
        if database == "postgres":
            database_url = os.environ.get("DATABASE_URL", "")
            if not database_url.startswith("postgres"):
                raise BenchError("the PostgreSQL run needs DATABASE_URL (run under scripts/with-postgres.sh)")
        else:
            database_url = f"sqlite:///{workdir / 'portal.sqlite3'}"
        redis_server, redis_url = start_redis(workdir)
        env = site_env(workdir, Path(args._static), database_url, redis_url)
        print(f"\n=== {database}, N={scale}: loading data", flush=True)
        started = time.monotonic()
        data = load_data(env, scale)
        load_seconds = time.monotonic() - started
        runs = [run_cache_setting(env, workdir, cache, args) for cache in args.cache]
        return {"database": database, "scale": scale, "data": data, "load_seconds": load_seconds, "runs": runs}
    finally:
        if redis_server is not None:
            stop(redis_server)
        shutil.rmtree(workdir, ignore_errors=True)


# --- The orchestrator ------------------------------------------------------------------------------
def collect_static(static_root: Path) -> None:
    env = site_env(static_root.parent, static_root, f"sqlite:///{static_root.parent / 'static.sqlite3'}", "")
    env.pop("DJANGO_CACHE_URL")
    manage(env, "collectstatic", "--noinput", "-v0")


def run_step(database: str, scale: int, args, static_root: Path, result_file: Path) -> dict:
    """run_one in a subprocess (a throwaway PostgreSQL cluster around it for "postgres")."""
    command = [sys.executable, __file__, "--_one", f"{database}:{scale}", "--_result", str(result_file)]
    command += ["--_static", str(static_root)]
    command += ["--cache", ",".join(args.cache), "--duration", str(args.duration), "--connections", str(args.connections)]
    command += ["--repeat", str(args.repeat)]
    command += ["--accept", args.accept] + (["--pages", args.pages] if args.pages else [])
    if database == "postgres":
        command = [str(BASE_DIR / "scripts" / "with-postgres.sh"), *command]
    if subprocess.run(command, cwd=BASE_DIR).returncode != 0:
        error = result_file.read_text() if result_file.exists() else "see the output above"
        return {"database": database, "scale": scale, "error": error}
    return json.loads(result_file.read_text())


def command_output(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (result.stdout + result.stderr).strip().splitlines()[0] if (result.stdout + result.stderr).strip() else "?"


def machine() -> dict:
    """What the numbers were measured on."""
    import django
    import gunicorn

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    os_release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    os_name = re.search(r'^PRETTY_NAME="?(.*?)"?$', os_release, re.MULTILINE)
    return {
        "CPU": model.group(1) if model else platform.processor(),
        "cores": str(os.cpu_count()),
        "RAM": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "?",
        "OS": f"{os_name.group(1) if os_name else platform.system()}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.__version__,
        "gunicorn": gunicorn.__version__,
        "wrk": command_output(["wrk", "-v"]).split(" [")[0],
        "Redis": command_output(["redis-server", "--version"]).split(" sha=")[0],
        "load (1 min) at start": f"{os.getloadavg()[0]:.1f}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def step_title(database: str, scale: int) -> str:
    return f"### {'SQLite' if database == 'sqlite' else 'PostgreSQL'} · N={scale}"


def results_markdown(step: dict, page_cache_read: bool, info: dict, command: str) -> str:
    title = step_title(step["database"], step["scale"])
    if "error" in step:
        return f"{title}\n\nNot measured: {step['error'].strip()}"
    measured = f"Measured {info['date']} (load average {info['load (1 min) at start']} at the start) with `{command}`."
    parts = [title, f"{measured}\nData: {step['data']} ({step['load_seconds']:.0f} s to load)."]
    for run in step["runs"]:
        unread = run["cache"] == "on" and not page_cache_read
        note = f" ({CACHE_VARIABLE} is not read by the portal yet: same as off)" if unread else ""
        restarted = " A worker restarted during the run: its CPU time is missing." if run["workers_restarted"] else ""
        parts.append(
            f"**Page cache {run['cache']}**{note} · {run['database']} · cold start (gunicorn start → first 200): "
            f"{cold_start_text(run['cold_start'])}.{restarted}"
        )
        rows = [[row["name"], f"`{row['path']}`", *row_values(row)] for row in run["rows"]]
        parts.append(markdown_table(["page", "path", *COLUMNS], rows))
    return "\n\n".join(parts)


def result_blocks(text: str) -> dict[str, str]:
    """The "### <database> · N=<scale>" blocks of a report's Results section, by title."""
    section = re.search(r"^## Results\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    blocks = re.findall(r"^(### .+?)\n(.*?)(?=^### |\Z)", section.group(1) if section else "", re.MULTILINE | re.DOTALL)
    return {title: f"{title}\n{body}".rstrip() for title, body in blocks}


def block_order(title: str) -> tuple:
    scale = re.search(r"N=([\d.]+)", title)
    return ("PostgreSQL" in title, float(scale.group(1)) if scale else 0, title)


def merged_results(old_text: str, steps: list[dict], page_cache_read: bool, info: dict, command: str) -> dict[str, str]:
    """The report's result blocks: this run's, and the earlier ones of other databases and scales
    (a step that failed now keeps its earlier numbers)."""
    blocks = result_blocks(old_text)
    for step in steps:
        title = step_title(step["database"], step["scale"])
        if "error" not in step or title not in blocks or "Not measured" in blocks[title]:
            blocks[title] = results_markdown(step, page_cache_read, info, command)
    return dict(sorted(blocks.items(), key=lambda item: block_order(item[0])))


def kept_before_after(output: Path) -> str:
    """The "Before and after" section of the existing report (others append to it), or a start."""
    text = output.read_text() if output.exists() else ""
    match = re.search(rf"^{re.escape(BEFORE_AFTER_HEADING)}\n.*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if match:
        return match.group(0).rstrip() + "\n"
    return (
        f"{BEFORE_AFTER_HEADING}\n\n"
        "Each change that moves these numbers adds a row here: what changed, the page, the numbers before\n"
        "and after (same machine, same command).\n\n"
        "| change | page | before | after |\n|---|---|---|---|\n"
    )


METHOD = """\
- gunicorn, 2 sync workers, production settings (DJANGO_DEBUG=false, plain HTTP, media served by
  Django, Redis as the cache) on 127.0.0.1; the load tool (wrk, 1 thread, keep-alive; sync workers
  close each connection) runs on the same machine.
- Each page: up to 3 warm-up requests, then wrk for the duration (with --repeat K, K runs, of
  which the one with the least CPU per request is kept: other work on a shared machine only
  adds CPU time). **req/s** and **p50/p95/p99** are wrk's; a **req/s** marked * means fewer
  than 5 requests finished under load in the duration, so the page was measured with 3 requests
  one after another. **errors** are non-2xx/3xx answers plus socket errors; **CPU ms/req** is
  the workers' utime+stime (/proc/<pid>/stat) over the run divided by the requests served (the database server's and
  Redis's CPU are not in it).
- **SQL** (queries per request) and **HTML KB** (uncompressed) are measured in-process with
  django.test.Client on the same database: the second request of the page, the first having
  warmed what a running worker keeps.
- **img KB**: the images a browser fetches for the page (each distinct <img> on it, lazy ones
  included): as a browser taking the <img> src (JPEG/PNG); **img KB (modern)**: as one accepting
  the types in --accept, taking the first matching <picture><source> (the candidate as wide as
  the <img>), else the <img> src.
- Lists are measured without and with a typical filter (their first choice filter, first value);
  search with a 2-character query; a detail page on each model of sitemap.xml (its first public
  row that is not a sample)."""


def write_report(output: Path, steps: list[dict], info: dict, command: str) -> None:
    """The report, with this run's results merged into the earlier ones (see merged_results)."""
    old_text = output.read_text() if output.exists() else ""
    blocks = merged_results(old_text, steps, cache_setting_exists(), info, command)
    runs = [title.removeprefix("### ") for title, block in blocks.items() if "Not measured" not in block]
    parts = [
        "# Performance",
        "Written by `make bench` (scripts/bench.py); the targets are in issue 11. Compare numbers\n"
        "measured on the same machine only, and on an idle one: the load tool runs on the same box.",
        "## Reproduce\n\n```\nmake bench\n```\n\n"
        "That runs every database, scale and page-cache setting (about 25 minutes on an idle machine).\n"
        "`make bench BENCH_ARGS='--databases sqlite --scales 1 --cache off'` narrows it; the results of the\n"
        "other databases and scales already here are kept. Each block below names the command that\n"
        f"measured it. Measured here: {', '.join(runs) or 'nothing yet'}.",
        "## Machine\n\n" + markdown_table(list(info), [list(info.values())]),
        "## Method\n\n" + METHOD,
        "## Results\n\n" + "\n\n".join(blocks.values()),
        kept_before_after(output),
    ]
    output.write_text("\n\n".join(part.rstrip() for part in parts) + "\n")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    csv = lambda text: [item.strip() for item in text.split(",") if item.strip()]  # noqa: E731
    scales = lambda text: [int(item) for item in csv(text)]  # noqa: E731

    def positive(text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
        return int(text)

    parser.add_argument("--scales", type=scales, default=[1, 10], help="data scales N (default 1,10)")
    parser.add_argument("--databases", type=csv, default=["sqlite", "postgres"], help="sqlite,postgres (default both)")
    parser.add_argument("--cache", type=csv, default=["off", "on"], help=f"{CACHE_VARIABLE} settings (default off,on)")
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per page (default 3)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument(
        "--repeat",
        type=positive,
        default=1,
        help="wrk runs per page; the one using the least CPU per request is kept (default 1)",
    )
    parser.add_argument("--pages", help="only pages whose name or path matches this regular expression")
    parser.add_argument("--accept", default="image/avif,image/webp", help="image types the modern browser accepts, in order")
    report = BASE_DIR / "docs" / "performance.md"
    help_output = "the report (default docs/performance.md); its other databases' and scales' results are kept"
    parser.add_argument("--output", type=Path, default=report, help=help_output)
    for hidden in ("--_one", "--_result", "--_static", "--_probe"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if unknown := set(args.databases) - {"sqlite", "postgres"}:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    if unknown := set(args.cache) - {"off", "on"}:
        parser.error(f"unknown cache setting(s): {', '.join(sorted(unknown))}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    # Stopped (kill, Ctrl-C): servers stopped and scratch directories removed on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if args._probe:
        probe(Path(args._probe))
        return 0
    if args._one:
        database, scale = args._one.split(":")
        try:
            result = run_one(database, int(scale), args)
        except (ServerError, subprocess.CalledProcessError) as error:
            Path(args._result).write_text(str(error))
            print(f"bench: {database}, N={scale}: {error}", file=sys.stderr)
            return 1
        Path(args._result).write_text(json.dumps(result))
        return 0
    if shutil.which("wrk") is None:
        print("bench: wrk is missing: `make bench` installs it as root (apt-get install wrk)", file=sys.stderr)
        return 1
    command = shlex.join([".venv/bin/python", "scripts/bench.py", *(sys.argv[1:] if argv is None else argv)])
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as shared:
        static_root = Path(shared) / "static"
        collect_static(static_root)
        steps = []
        for database in args.databases:
            for scale in args.scales:
                info = machine()  # the date and the load average as each step starts
                steps.append(run_step(database, scale, args, static_root, Path(shared) / f"{database}-{scale}.json"))
                write_report(args.output, steps[-1:], info, command)  # what is measured so far is kept
    print(f"\nWrote {args.output}")
    failed = [step for step in steps if "error" in step]
    for step in failed:
        print(f"bench: {step['database']}, N={step['scale']} not measured: {step['error'].strip()}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
