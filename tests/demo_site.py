"""The demo content, built once per test session and read by the tests that ask for it.

`manage.py load_demo_content` takes from a quarter to half a minute. The `demo_site` fixture
gives every app's steps, as `make demo` builds it; the tests of the loader and of each app's
content read it.

The first test that asks for it builds it in the test database inside a transaction that
stays open; each test then runs in a savepoint of it (pytest-django's `db`), so whatever a
test changes is rolled back and the next one reads the demo as built. Before the first test
that does not ask for that demo, the transaction is rolled back: the rest of the suite finds
the empty database it expects, and the on-commit callbacks of the build never run, as when a
test loaded the demo inside its own transaction.

The tests of the demo are moved next to each other, first in the run, and grouped for
pytest-xdist (`--dist loadgroup` sends a group to one worker), so the demo is built once per
session, on the worker that runs its group. The registry below allows further demos (each
built once, at most one open at a time); there is one today.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

DEMO_PASSWORD = "un-mot-de-passe-de-demo-2020"

# Fixture that builds each demo -> the demo's name (also its xdist group).
BUILDERS = {"_demo_site_built": "demo_site"}


@dataclass
class Demo:
    """A demo as the tests read it: the command's output and the e-mails it let through."""

    name: str
    output: str = ""
    # Messages that reached Django's test outbox while the demo was built (none expected).
    outbox: list = field(default_factory=list)
    # The day its dates count from: a second run counts from the same day, so that a run
    # that crosses midnight (Paris time) still finds nothing to change.
    day: datetime.date = field(default_factory=timezone.localdate)

    def load_again(self) -> str:
        """Run the command once more, inside the calling test's transaction."""
        return _load(self.day)


def _load(day: datetime.date) -> str:
    # Every app's `demo_content` module registers its steps on first import.
    autodiscover_modules("demo_content")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        out = io.StringIO()
        call_command("load_demo_content", date=day, stdout=out)
    return out.getvalue()


def _render_sections() -> None:
    """Serve the home page and each section once, inside the demo's transaction: the image
    renditions their banners and cards use (AVIF and WebP, a few seconds to encode) are then
    part of the demo every test reads, not made again by each test and rolled back."""
    from django.test import Client
    from wagtail.models import Site

    client = Client()
    home = Site.objects.get(is_default_site=True).root_page
    for page in [home, *home.get_children().live()]:
        client.get(page.url)


class DemoDatabase:
    """At most one demo open at a time, in a transaction of the test database."""

    def __init__(self) -> None:
        self.demos: dict[str, Demo] = {}
        self.open_demo: Demo | None = None
        self.atomic: transaction.Atomic | None = None
        self.blocker = None

    def open(self, name: str) -> Demo:
        if self.open_demo is not None and self.open_demo.name == name:
            return self.open_demo
        self.close()
        demo = self.demos.setdefault(name, Demo(name))
        with self.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                sent_before = len(getattr(mail, "outbox", []))
                demo.output = _load(demo.day)
                demo.outbox = list(getattr(mail, "outbox", [])[sent_before:])
                _render_sections()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self.atomic, self.open_demo = atomic, demo
        return demo

    def close(self) -> None:
        if self.atomic is None:
            return
        atomic, self.atomic, self.open_demo = self.atomic, None, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


DATABASE = DemoDatabase()


def _wanted(item: pytest.Item) -> str | None:
    names = getattr(item, "fixturenames", ())
    return next((demo for builder, demo in BUILDERS.items() if builder in names), None)


def _build(name: str, django_db_blocker) -> Iterator[Demo]:
    DATABASE.blocker = django_db_blocker
    demo = DATABASE.open(name)
    yield demo
    DATABASE.close()


@pytest.fixture(scope="session")
def _demo_site_built(django_db_setup, django_db_blocker) -> Iterator[Demo]:
    yield from _build("demo_site", django_db_blocker)


def _in_a_savepoint(request: pytest.FixtureRequest) -> None:
    # A transactional test commits and flushes: it cannot run inside the demo's transaction.
    for name in ("transactional_db", "live_server", "django_db_serialized_rollback"):
        if name in request.fixturenames:
            pytest.fail(f"{name} cannot be used with the shared demo: load it in the test.")


@pytest.fixture
def demo_site(request: pytest.FixtureRequest, _demo_site_built: Demo, db) -> Demo:
    """The demo of every app; what the test changes is rolled back after it."""
    _in_a_savepoint(request)
    return _demo_site_built


def pytest_itemcollected(item: pytest.Item) -> None:
    name = _wanted(item)
    if name is not None and item.config.pluginmanager.hasplugin("xdist"):
        item.add_marker(pytest.mark.xdist_group(name))


def _join_group(item: pytest.Item, name: str) -> None:
    """Under `--dist loadgroup`, pytest-xdist sends a test marked `xdist_group` with the
    others of its group by renaming it `<nodeid>@<group>` through `Node._nodeid`; since
    pytest 9.2 the id lives in `Node._id`, and pytest-xdist 3.8's renaming has no effect."""
    if item.nodeid.endswith(f"@{name}"):
        return  # pytest-xdist did it
    try:
        from _pytest.nodeid import NodeId
    except ImportError:
        return
    item._id = NodeId.parse(f"{item.nodeid}@{name}")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Iterator[None]:
    result = yield  # after pytest-django's order (non-transactional database tests first)
    rank = {name: index for index, name in enumerate(BUILDERS.values())}
    # Stable: each demo's tests first, in their order, then the others in theirs.
    items.sort(key=lambda item: rank.get(_wanted(item), len(rank)))
    if getattr(config.option, "loadgroup", False):  # a pytest-xdist worker
        for item in items:
            name = _wanted(item)
            if name is not None:
                _join_group(item, name)
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # The previous test's fixtures are torn down: its savepoint is gone, the demo's
    # transaction is the outermost one left.
    wanted = _wanted(item)
    if DATABASE.open_demo is not None and DATABASE.open_demo.name != wanted:
        DATABASE.close()
    # A demo built earlier and closed since: its session fixture will not run again.
    if wanted in DATABASE.demos and DATABASE.open_demo is None:
        DATABASE.open(wanted)
