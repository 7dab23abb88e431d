"""Fixtures for the cross-app tests: a real browser (Debian's chromium driven by Playwright).

Browser tests are marked `browser` and run by `make test-browser`; `make test` leaves them out.
CI installs chromium before running them, so a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # The test machines have no internet: without these, chromium keeps trying to reach
    # Google's services and logs refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class BrowserPage:
    """A Playwright page with what it reported: console errors, uncaught errors, responses."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [*self.console_errors, *self.page_errors]


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Browser tests need Debian's chromium, and `chromium` is not on PATH: "
            "install it with `apt-get install -y --no-install-recommends chromium` "
            "(never `playwright install`: the test machines cannot download browsers).",
            pytrace=False,
        )
    return path


@pytest.fixture
def browser(chromium_executable: str, transactional_db) -> Iterator[object]:
    """Chromium for one test, started after the database is set up and stopped before it is
    flushed: while Playwright's sync API runs, its event loop gives Django a different
    connection object in this thread (so the test database's setup state is not on it)."""
    from playwright.sync_api import sync_playwright

    # Playwright's event loop runs in the test's thread; Django refuses ORM calls from such a
    # thread unless told otherwise. Only for this test's lifetime.
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable,
                headless=True,
                args=CHROMIUM_ARGS,
            )
            try:
                yield browser
            finally:
                browser.close()


@pytest.fixture
def browser_page(browser) -> Iterator[BrowserPage]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    recorded = BrowserPage(page=page)
    page.on(
        "console",
        lambda message: (
            recorded.console_errors.append(f"console: {message.text} ({message.location})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: recorded.page_errors.append(f"page error: {error}"))
    page.on("response", lambda response: recorded.responses.append((response.url, response.status)))
    try:
        yield recorded
    finally:
        context.close()


# The demo as the first `browser_demo` test built it (SQLite only): an in-memory copy.
_DEMO_COPY: dict[str, sqlite3.Connection] = {}


def _demo_files_present() -> bool:
    """The demo's images and documents live in the test storage (in memory), which a test
    that changes the storage settings replaces: a copy of the database needs them there."""
    from django.core.files.storage import default_storage
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    names = [
        *get_image_model().objects.values_list("file", flat=True),
        *get_document_model().objects.values_list("file", flat=True),
    ]
    return bool(names) and all(default_storage.exists(name) for name in names)


@pytest.fixture
def browser_demo(live_server, django_db_serialized_rollback) -> None:
    """The demo content (`manage.py load_demo_content`) committed in the test database, for
    browser tests that read it: the live server serves it and the test's flush removes it.
    The first such test builds it; on SQLite the next ones get a copy of that database taken
    right after the build (sqlite3's backup API: every table, the search index's included)
    instead of building it again."""
    from django.core.management import call_command
    from django.db import connection

    from .demo_site import DEMO_PASSWORD

    copy = _DEMO_COPY.get("demo") if connection.vendor == "sqlite" else None
    if copy is not None:
        connection.ensure_connection()
        copy.backup(connection.connection)
        if _demo_files_present():
            return
        # The storage was replaced since the build: build the demo again.
        call_command("flush", interactive=False, verbosity=0)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        call_command("load_demo_content", stdout=io.StringIO())
    if connection.vendor == "sqlite":
        _DEMO_COPY["demo"] = copy = sqlite3.connect(":memory:")
        connection.connection.backup(copy)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """`test-results/` at the project root (git-ignored): screenshots for a human to look at."""
    path = Path(settings.BASE_DIR) / "test-results"
    path.mkdir(exist_ok=True)
    return path


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it settles: running animations and transitions
    are let finish first, since a message fading in is measured at its fading colour
    (Wagtail's admin messages slide and fade in)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_function(
        "() => document.getAnimations().every((a) => a.playState !== 'running'"
        " || a.effect.getComputedTiming().iterations === Infinity)",
        timeout=5_000,
    )
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
    ]
