"""How this project starts Debian's chromium for Playwright (browser tests, README screenshot).

Never `playwright install`: the machine has no internet beyond package registries. The flags
keep headless chromium from reaching for Google's services on a closed network.
"""

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
