"""Real servers for the tests that need them: started on 127.0.0.1 on a free port, always stopped.

Each starter is a context manager yielding the server's address and stopping it (and deleting
its files) on the way out, whatever the test did. A missing program skips the test with the
command that installs it, except in CI (CI=true), where it fails: CI installs everything.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts import servers as shared
from scripts.servers import BASE_DIR, free_port, stop

FAST_UNSAFE = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def wait_for(condition, what: str, process: subprocess.Popen | None = None, timeout: float = 60):
    """scripts.servers.wait_until, failing the test instead of raising."""
    try:
        shared.wait_until(condition, what, process, timeout)
    except shared.ServerError as error:
        pytest.fail(str(error))


def missing(reason: str):
    """Skip the test for a missing program, or fail in CI, which installs every one."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def http_status(url: str) -> int:
    """The status a GET of `url` is answered with; 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@contextmanager
def redis_server(workdir: Path):
    """A private redis-server without persistence; yields its redis:// URL (database 0)."""
    try:
        server, url = shared.start_redis(workdir)
    except shared.MissingProgram as error:
        missing(str(error))
    except shared.ServerError as error:
        pytest.fail(str(error))
    try:
        yield url
    finally:
        stop(server)


def postgres_bindir() -> Path | None:
    """PostgreSQL's server programs, as scripts/with-postgres.sh finds them: $PG_BINDIR, the newest
    /usr/lib/postgresql/*/bin, or initdb on the PATH."""
    if os.environ.get("PG_BINDIR"):
        chosen = Path(os.environ["PG_BINDIR"])
        return chosen if (chosen / "initdb").exists() else None
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name), reverse=True)
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


@contextmanager
def postgres_server():
    """A throwaway PostgreSQL cluster (trust authentication, no fsync) with an empty database;
    yields its DATABASE_URL. As root the server runs as the unprivileged "postgres" user, as in
    scripts/with-postgres.sh; its files are in a directory of its own under the temp dir."""
    bindir = postgres_bindir()
    if bindir is None:
        missing("PostgreSQL's server programs are not installed: run `make postgres-deps` (apt-get install postgresql)")
    workdir = Path(tempfile.mkdtemp(prefix="portal-pg."))
    as_server_user = []
    if os.geteuid() == 0:
        if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode != 0:
            subprocess.run(
                ["useradd", "--system", "--home-dir", "/var/lib/postgresql", "--shell", "/bin/bash", "postgres"], check=True
            )
        shutil.chown(workdir, "postgres", "postgres")
        as_server_user = (
            ["runuser", "-u", "postgres", "--"]
            if shutil.which("runuser")
            else ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        )
    data = workdir / "data"
    pg_ctl = [*as_server_user, str(bindir / "pg_ctl"), "-D", str(data)]
    started = False
    try:
        subprocess.run(
            [
                *as_server_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "portal",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            cwd=workdir,
            check=True,
            capture_output=True,
        )
        for _ in range(5):  # a free port can be taken between the probe and the bind
            port = free_port()
            # Throwaway data: durability off for speed. The Unix socket in the private work dir.
            options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={workdir} " + FAST_UNSAFE
            result = subprocess.run(
                [*pg_ctl, "-l", str(workdir / "server.log"), "-w", "-t", "60", "-o", options, "start"],
                cwd=workdir,
                capture_output=True,
            )
            if result.returncode == 0:
                started = True
                break
        if not started:
            pytest.fail("PostgreSQL did not start: " + (workdir / "server.log").read_text(errors="replace")[-2000:])
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "portal", "portal"], check=True)
        yield f"postgres://portal@127.0.0.1:{port}/portal"
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], cwd=workdir, capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def s3_server(*buckets: str, public: tuple[str, ...] = ()):
    """moto's S3 server (moto_server, from the dev requirements) with `buckets` made; each in
    `public` gets a public-read bucket policy, as in production. Yields its endpoint URL; any
    access key is accepted."""
    binary = Path(sys.executable).parent / "moto_server"
    if not binary.exists():
        missing("moto_server is not installed: pip install -r requirements-dev.txt")
    import boto3

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(lambda: http_status(endpoint) != 0, "moto_server", server, timeout=30)
        client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        )
        for bucket in buckets:
            client.create_bucket(Bucket=bucket)
            if bucket in public:
                client.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
        yield endpoint
    finally:
        stop(server)


def public_read_policy(bucket: str) -> str:
    """The bucket policy that lets anyone read (not list) a bucket's objects (README)."""
    statement = {
        "Sid": "PublicRead",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def production_env(**settings) -> dict[str, str]:
    """The environment of a production process: this one's, without any portal configuration,
    plus production settings over plain HTTP on 127.0.0.1 and `settings`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "PORTAL_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
    )
    env.update(settings)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """manage.py in a subprocess with `env`; fails the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def start_manage(*args: str, env: dict[str, str]) -> subprocess.Popen:
    """manage.py started in the background (e.g. collectstatic while migrate runs); see finish_manage."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish_manage(process: subprocess.Popen, timeout: float = 300):
    """Wait for a start_manage() command; fails the test with its output if it failed."""
    output, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        pytest.fail(f"{' '.join(process.args[1:])} failed:\n{output}")


@contextmanager
def gunicorn_servers(env: dict[str, str], workdir: Path, count: int = 1, workers: int = 2):
    """`count` gunicorn processes serving the portal with `env` (collect the static files first),
    started side by side; yields their ports once every worker has booted and /healthz answers.
    Logs go to `workdir`/<n>/ (access.log: worker pid, request line, status)."""
    started = []
    try:
        for number in range(count):
            port, logs = free_port(), workdir / str(number)
            logs.mkdir(parents=True, exist_ok=True)
            command = shared.gunicorn_command(port, workers, logs / "error.log", access_log=logs / "access.log")
            started.append((port, logs / "error.log", subprocess.Popen(command, cwd=BASE_DIR, env=env)))
        for port, error_log, server in started:

            def ready(port=port, error_log=error_log):
                booted = error_log.exists() and error_log.read_text().count("Booting worker with pid") >= workers
                return booted and http_status(f"http://127.0.0.1:{port}/healthz") == 200

            wait_for(ready, "gunicorn", server)
        yield [port for port, _, _ in started]
    finally:
        for _, _, server in started:
            server.terminate()  # all at once: each takes a few seconds to wind down
        for _, _, server in started:
            stop(server)
