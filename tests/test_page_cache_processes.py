"""The page cache across processes: gunicorn with two workers on one private Redis and one
database, production settings, page cache on.

Each check asks both workers for a page (one connection held half-sent, so the other worker
serves the second request: every round reaches both), after warming them until both serve it
from the cache. A change is made by a third process (`manage.py shell`, as an editor's save in
another app server would be); the very next request to each worker shows it. A scheduled
article shows on the first requests after its time, with no save and no cache timeout.

Needs Debian's redis-server (`make redis-deps`): skipped without it, failed in CI.
"""

import datetime
import socket
import textwrap
import time

import pytest

from tests import servers

# Its own PostgreSQL/SQLite file, Redis and app servers: the suite's database does not matter.
pytestmark = pytest.mark.own_servers

SLUG = "cached-article"
TITLE = "缓存里的文章"
# Seconds from now to the scheduled time: a shell starts, then every page is checked and warmed,
# on a machine shared with another xdist worker (15 s ran out there).
DELAY = 30
# The articles' page of sitemap.xml (the index at /sitemap.xml lists it, see portal.sitemaps).
ARTICLE_SITEMAP = "/sitemap-portal-article.xml"
PAGES = ["/", "/articles/", f"/articles/{SLUG}/", "/articles/feed/", ARTICLE_SITEMAP, "/sitemap/", "/sitemap.xml"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(port, environment, access log) of the running portal."""
    workdir = tmp_path_factory.mktemp("page-cache")
    with servers.redis_server(tmp_path_factory.mktemp("redis")) as redis_url:
        env = servers.production_env(
            DJANGO_CACHE_URL=redis_url,
            PORTAL_PAGE_CACHE="on",
            DATABASE_URL=f"sqlite:///{workdir / 'portal.sqlite3'}",
            DJANGO_STATIC_ROOT=str(workdir / "static"),
            DJANGO_MEDIA_ROOT=str(workdir / "media"),
            PORTAL_PRIVATE_ROOT=str(workdir / "private"),
        )
        servers.manage("migrate", "--noinput", "-v0", env=env)
        servers.manage("collectstatic", "--noinput", "-v0", env=env)
        shell(
            env,
            f"""
            Article.objects.create(
                title={TITLE!r}, slug={SLUG!r}, lead="两个工作进程，一个缓存。", status=Status.PUBLISHED,
                published_at=timezone.now() - datetime.timedelta(days=1),
            )
            """,
        )
        with servers.gunicorn_servers(env, workdir / "gunicorn", count=1, workers=2) as (port,):
            yield port, env, workdir / "gunicorn" / "0" / "access.log"


def shell(env, code: str):
    """Run `code` in a process of its own, with the portal's models at hand."""
    prelude = (
        "import datetime\nfrom django.utils import timezone\n"
        "from portal.models import Article, SiteSettings\nfrom portal.publishing import Status\n"
    )
    return servers.manage("shell", "-c", prelude + textwrap.dedent(code), env=env)


def raw_get(url: str) -> bytes:
    return f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()


def read_response(sock: socket.socket) -> tuple[dict[str, str], str]:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {"status": lines[0].split(" ", 2)[1]}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers, body.decode("utf-8", "replace")


def from_both_workers(site, url: str) -> list[tuple[dict[str, str], str]]:
    """`url` from each worker: one request is held half-sent by one worker while the other
    worker serves a second, then completed. The access log confirms two different workers."""
    port, _env, access_log = site
    request = raw_get(url)
    held = socket.create_connection(("127.0.0.1", port), timeout=20)
    held.sendall(request[:10])
    time.sleep(0.3)  # a worker has accepted it and waits for the rest
    other = socket.create_connection(("127.0.0.1", port), timeout=20)
    other.sendall(request)
    responses = [read_response(other)]
    held.sendall(request[10:])
    responses.append(read_response(held))

    def logged():
        return [line for line in access_log.read_text().splitlines() if f'"GET {url} HTTP/1.1"' in line]

    servers.wait_for(lambda: len(logged()) >= 2, "the access log")
    workers = {line.split(" ", 1)[0] for line in logged()[-2:]}
    assert len(workers) == 2, logged()[-2:]
    for headers, _body in responses:
        assert headers["status"] == "200", (url, headers)
    return responses


def warm(site, url: str):
    """Until both workers serve `url` from the shared cache."""
    from_both_workers(site, url)
    responses = from_both_workers(site, url)
    assert [headers.get("x-page-cache") for headers, _ in responses] == ["hit", "hit"], url


def each_worker_shows(site, url: str, present: str = "", absent: str = ""):
    for headers, body in from_both_workers(site, url):
        assert headers.get("x-page-cache") in ("hit", "miss"), (url, headers)
        if present:
            assert present in body, (url, present)
        if absent:
            assert absent not in body, (url, absent)


def test_an_edit_through_another_process_shows_on_the_next_request_to_each_worker(site):
    for url in PAGES[:4]:
        warm(site, url)
    shell(site[1], f"article = Article.objects.get(slug={SLUG!r}); article.title = '改过的标题'; article.save()")
    for url in PAGES[:4]:
        each_worker_shows(site, url, present="改过的标题", absent=TITLE)


def test_unpublish_and_publish_show_on_the_next_request_to_each_worker(site):
    pages = ["/", "/articles/", ARTICLE_SITEMAP, "/sitemap/"]
    for url in pages:
        warm(site, url)
    shell(site[1], f"article = Article.objects.get(slug={SLUG!r}); article.status = Status.DRAFT; article.save()")
    for url in pages:
        each_worker_shows(site, url, absent=SLUG)
    for url in pages:
        warm(site, url)
    shell(site[1], f"article = Article.objects.get(slug={SLUG!r}); article.status = Status.PUBLISHED; article.save()")
    for url in pages:
        each_worker_shows(site, url, present=SLUG)


def test_a_site_settings_change_shows_on_the_next_request_to_each_worker(site):
    for url in PAGES:
        warm(site, url)
    shell(site[1], "site = SiteSettings.load(); site.portal_name = '改名以后的门户'; site.save()")
    for url in ["/", "/articles/", f"/articles/{SLUG}/", "/articles/feed/", "/sitemap/"]:
        each_worker_shows(site, url, present="改名以后的门户")


def test_a_scheduled_article_shows_on_the_first_requests_after_its_time(site):
    pages = ["/", "/articles/", "/articles/feed/", ARTICLE_SITEMAP]
    for url in pages:
        warm(site, url)
    due = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=DELAY)
    shell(
        site[1],
        f"""
        Article.objects.create(
            title="定时发布的文章", slug="scheduled-article", lead="到点就出现。", status=Status.PUBLISHED,
            published_at=datetime.datetime.fromisoformat({due.isoformat()!r}),
        )
        """,
    )
    for url in pages:
        each_worker_shows(site, url, absent="scheduled-article")
        warm(site, url)  # cached before the time: the time passing alone must end them
    remaining = (due - datetime.datetime.now(datetime.UTC)).total_seconds()
    assert remaining > 0, "the setup took longer than the schedule: raise DELAY"
    time.sleep(remaining + 0.05)
    for url in pages:
        each_worker_shows(site, url, present="scheduled-article")


def test_a_conditional_get_is_answered_304_by_either_worker(site):
    port = site[0]
    warm(site, "/articles/")
    (headers, _), _ = from_both_workers(site, "/articles/")
    for _ in range(2):
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        sock.sendall(raw_get("/articles/").replace(b"\r\n\r\n", f"\r\nIf-None-Match: {headers['etag']}\r\n\r\n".encode()))
        response, body = read_response(sock)
        assert response["status"] == "304" and body == ""
