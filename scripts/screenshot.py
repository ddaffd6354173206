"""Regenerate the README screenshot: `make screenshot` (or python scripts/screenshot.py OUT.png).

Builds a throwaway SQLite database and media folder, loads the article's content into them,
serves the portal with runserver on a free 127.0.0.1 port, and photographs the home page in
Debian's chromium through Playwright. The development database and media/ are not touched.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from scripts.chromium import CHROMIUM, launch  # noqa: E402

VIEWPORT = {"width": 1366, "height": 768}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f}s")


def main(output: Path) -> None:
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} not found: run `make browser-deps` (as root)")
    with tempfile.TemporaryDirectory(prefix="portal-screenshot-") as workdir:
        env = {
            **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "PORTAL_"))},
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{workdir}/media",
        }

        def manage(*args, **kwargs):
            return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, **kwargs)

        manage("migrate", "--noinput", stdout=subprocess.DEVNULL)
        manage("load_initial_data")
        manage("load_sample_data")  # as `make run` does
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base_url}/healthz", server)
            with sync_playwright() as playwright:
                browser = launch(playwright)
                page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
                page.goto(f"{base_url}/", wait_until="networkidle")
                output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(output))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else BASE_DIR / "docs" / "screenshot-home.png")
