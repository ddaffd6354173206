"""The portal as production runs it: gunicorn with two worker processes sharing a real Redis.

Shows that the rate limits hold across processes (with the default process-local cache each
worker would count alone), and that an oversized or rate-limited POST is answered before its
body has been sent. Needs Debian's redis-server (`make redis-deps`): the module starts a private
server on a free port, without persistence, and stops it. The site runs on a temporary SQLite
file whatever database the suite uses: what is under test is the shared cache.
"""

import re
import socket
import time
import urllib.parse

import pytest

from tests import servers

# Its own PostgreSQL/SQLite file, Redis and app servers: the suite's database does not matter.
pytestmark = pytest.mark.own_servers

LOOKUP = "/talent/nominations/status/"
LOOKUP_RATE = 4


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with servers.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def site(redis_url, tmp_path_factory):
    """gunicorn, two sync workers, production settings (plain HTTP) on Redis; its address and
    the file its access log (worker pid, request line, status) goes to."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    env = servers.production_env(
        DJANGO_CACHE_URL=redis_url,
        DATABASE_URL=f"sqlite:///{workdir / 'portal.sqlite3'}",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        PORTAL_PRIVATE_ROOT=str(workdir / "private"),
        PORTAL_LOOKUP_RATE=f"{LOOKUP_RATE}/h",
    )
    collect = servers.start_manage("collectstatic", "--noinput", "-v0", env=env)
    servers.manage("migrate", "--noinput", "-v0", env=env)
    servers.finish_manage(collect)
    with servers.gunicorn_servers(env, workdir, count=1, workers=2) as (port,):
        yield port, workdir / "0" / "access.log"


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=20)


def read_response(sock: socket.socket) -> tuple[int, str]:
    """Status and the raw response, read until the server closes (sync workers close after each)."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    raw = b"".join(chunks).decode("utf-8", "replace")
    return int(raw.split(" ", 2)[1]), raw


def request(port: int, raw: bytes) -> tuple[int, str]:
    try:
        sock = connect(port)
    except ConnectionRefusedError:
        return 0, ""
    sock.sendall(raw)
    return read_response(sock)


def lookup_post(token: str, **headers) -> bytes:
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "reference": "NOM-2026-AAAAAA", "email": "me@example.com"}
    ).encode()
    head = {
        "Host": "127.0.0.1",
        "Cookie": f"csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(body)),
        **headers,
    }
    return f"POST {LOOKUP} HTTP/1.1\r\n".encode() + "".join(f"{k}: {v}\r\n" for k, v in head.items()).encode() + b"\r\n" + body


@pytest.fixture(scope="module")
def csrf_token(site):
    """The lookup form's CSRF cookie, which the same client sends back with its token."""
    port, _ = site
    status, raw = request(port, f"GET {LOOKUP} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert status == 200
    return re.search(r"Set-Cookie: csrftoken=([^;]+)", raw).group(1)


def test_the_rate_limit_holds_across_two_gunicorn_workers(site, csrf_token):
    """Each round holds one worker on a half-sent request while the other serves a whole one,
    then completes the first: both workers serve every round, new connection each request."""
    port, access_log = site
    statuses = []
    for _ in range(3):
        held = connect(port)
        post = lookup_post(csrf_token)
        held.sendall(post[:20])
        time.sleep(0.3)  # the first worker has accepted it and waits for the rest
        statuses.append(request(port, post)[0])
        held.sendall(post[20:])
        statuses.append(read_response(held)[0])

    assert statuses == [200] * LOOKUP_RATE + [429] * (6 - LOOKUP_RATE)
    served = [line.split(" ", 1)[0] for line in access_log.read_text().splitlines() if f"POST {LOOKUP}" in line]
    assert len(served) == 6 and len(set(served)) == 2, served


def test_an_oversized_post_is_refused_before_its_body_is_sent(site, csrf_token):
    """200 MiB announced, a few bytes sent: gunicorn's worker answers 413 at once (reading the
    body would wait for bytes that never come, and time out)."""
    port, _ = site
    sock = connect(port)
    sock.sendall(lookup_post(csrf_token, **{"Content-Length": str(200 * 1024 * 1024)})[:-20])
    status, raw = read_response(sock)
    assert status == 413 and "提交的内容过大" in raw


def test_a_limited_client_is_refused_before_its_body_is_sent(site, csrf_token):
    port, _ = site
    for _ in range(LOOKUP_RATE + 1):  # limited already, whichever test ran first
        request(port, lookup_post(csrf_token))
    sock = connect(port)
    post = lookup_post(csrf_token)
    sock.sendall(post[: post.index(b"\r\n\r\n") + 4])  # the headers, not the body
    status, raw = read_response(sock)
    assert status == 429 and "操作过于频繁" in raw


def test_a_chunked_post_is_refused_with_411(site, csrf_token):
    """A chunked body has no length to check first (and Django would read it as empty)."""
    port, _ = site
    head = lookup_post(csrf_token).split(b"\r\n\r\n")[0].replace(b"Content-Length", b"Transfer-Encoding")
    head = re.sub(rb"Transfer-Encoding: \d+", b"Transfer-Encoding: chunked", head)
    sock = connect(port)
    sock.sendall(head + b"\r\n\r\n10\r\n")  # the first chunk announced, never sent
    status, _ = read_response(sock)
    assert status == 411
