"""Throwaway servers on 127.0.0.1 for the tests and for `make bench`: one way of picking a port,
waiting for a process to answer, stopping it, and starting redis-server and gunicorn.

Failures raise `ServerError` (a missing program: `MissingProgram`); the callers turn them into
what suits them: tests/servers.py into pytest's fail or skip, scripts/bench.py into its message.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class ServerError(Exception):
    """A server did not start or answer in time."""


class MissingProgram(ServerError):
    """The program a server needs is not installed; the message says how to install it."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, what: str, process: subprocess.Popen | None = None, timeout: float = 60) -> float:
    """Poll `condition` until it is true; the seconds that took. Raises ServerError when `process`
    exits first or after `timeout` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise ServerError(f"{what}: the process exited with status {process.returncode}")
        if condition():
            return time.monotonic() - started
        time.sleep(0.02)
    raise ServerError(f"{what}: not ready after {timeout} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    """A private redis-server without persistence, answering; the process and its redis:// URL
    (database 0). The caller stops it."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise MissingProgram("redis-server is not installed: run `make redis-deps` (apt-get install redis-server)")
    import redis

    port = free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)

    def answers():
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    try:
        wait_until(answers, "redis-server", server, timeout=20)
    except ServerError:
        stop(server)
        raise
    finally:
        client.close()
    return server, f"redis://127.0.0.1:{port}/0"


def gunicorn_command(port: int, workers: int, error_log: Path, access_log: Path | None = None) -> list[str]:
    """gunicorn serving the portal on 127.0.0.1:`port` with `workers` sync workers."""
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--timeout", "60", "--error-logfile", str(error_log)]
    if access_log is not None:
        command += ["--access-logfile", str(access_log), "--access-logformat", '%(p)s "%(r)s" %(s)s']
    # gunicorn 27's control socket is at one fixed path per user: servers side by side (the bench's,
    # a test's) would take it from each other.
    return [*command, "--no-control-socket"]
