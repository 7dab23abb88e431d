"""`make screenshots`: PNGs of the main pages at 390, 768 and 1366 px, to look at a change
before and after. Serves the current database (run `make load-demo` first) with Django's
development server on HOST:PORT, drives Debian's chromium through Playwright, writes
`screenshots/<page>-<width>.png` (a folder git ignores) and prints each file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (390, 768, 1366)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def page_paths() -> dict[str, str]:
    """The first live page of each kind the gallery shows, wherever the demo put it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from wagtail.models import Page

    paths = {
        "accueil": "/",
        "annuaire": "/annuaire/",
        "recherche": "/recherche/?q=eau",
        "referencement": "/annuaire/referencement/",
    }
    for name, model in [
        ("acteur", "actorpage"),
        ("evenement", "eventpage"),
        ("appel", "callforprojectspage"),
        ("actualite", "newspage"),
    ]:
        page = Page.objects.live().public().filter(content_type__model=model).first()
        if page is not None:
            paths[name] = page.url
    return paths


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main() -> int:
    from playwright.sync_api import sync_playwright

    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    out = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.stderr.write("chromium introuvable : apt-get install chromium\n")
        return 1
    paths = page_paths()
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", "runserver", "--noreload", f"{host}:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{host}:{port}"
    try:
        wait_for(base + "/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                for name, path in paths.items():
                    page.goto(base + path, wait_until="networkidle")
                    file = out / f"{name}-{width}.png"
                    page.screenshot(path=str(file), full_page=True)
                    sys.stdout.write(f"{file}\n")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
