"""`manage.py load_demo_content`: the demo site, built or brought up to date in one go.

The steps live in `home/demo_content.py` and the texts in `home/demo/*.yaml`; other apps add
their steps in their own `demo_content.py` and their texts in their own `demo/` folder (see
`home/demo_content.py`'s docstring).
"""

from __future__ import annotations

import argparse
import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import autodiscover_modules
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

from home.demo_content import DemoContentError, DemoRun, counting_from, ordered_steps

# Loggers that report every page saved and every background task: at the default
# verbosity they would bury the one-line-per-step progress.
CHATTY_LOGGERS = ("wagtail", "django_tasks", "modelsearch", "twofactor")
# The search index and Wagtail's reference index are updated after every save of an object,
# and the demo saves a page three or four times (created, revision, publication, relations):
# those updates wait for the end of the steps and run once for each object, from what the
# database holds then, as the last save's update would have.
DEFERRED_TASKS = frozenset(
    {
        "modelsearch.tasks.insert_or_update_object_task",
        "wagtail.tasks.update_reference_index_task",
    }
)


class DemoTasksBackend(ImmediateBackend):
    """Runs tasks at once, except the index updates of `DEFERRED_TASKS`, kept (each object
    once) until `run_deferred`."""

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.deferred: dict[tuple, TaskResult] = {}

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        if task.module_path not in DEFERRED_TASKS:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        key = (task.module_path, tuple(args), tuple(sorted(kwargs.items())))
        # Moved to the end: the object's update runs after those of objects saved before its
        # last save, as it did when it ran at once.
        self.deferred.pop(key, None)
        result = self.deferred[key] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        return result

    def run_deferred(self) -> None:
        while self.deferred:
            # An update can save an object and so queue another one: run until none is left.
            pending, self.deferred = self.deferred, {}
            for result in pending.values():
                self._execute_task(result)


DEMO_TASKS = {"default": {"BACKEND": f"{__name__}.{DemoTasksBackend.__qualname__}"}}


@contextmanager
def mail_kept_aside() -> Iterator[list]:
    """The notifications the demo triggers (moderation, invitations) are kept in memory: the
    demo addresses are fictitious and the newcomer's terminal stays readable."""
    previous = getattr(mail, "outbox", None)
    mail.outbox = []
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield mail.outbox
    finally:
        if previous is None:
            del mail.outbox
        else:
            mail.outbox = previous


@contextmanager
def quiet_loggers(names: tuple[str, ...]) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"date invalide « {value} » (attendu : AAAA-MM-JJ)"
        ) from error


class Command(BaseCommand):
    help = (
        "Crée ou met à jour le contenu de démonstration : pages, images, réglages du site, "
        "comptes « admin » et « editeur ». Sans effet si tout est déjà en place. "
        "Le mot de passe des comptes vient de DEMO_PASSWORD (sinon il est généré)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            type=_day,
            default=None,
            metavar="AAAA-MM-JJ",
            help=(
                "Jour à partir duquel les dates de la démonstration sont calculées (sessions "
                "à venir, appels ouverts, dates limites des offres) ; aujourd'hui par défaut."
            ),
        )

    def handle(self, *args, **options) -> None:
        # Each installed app's `demo_content` module registers its steps on import.
        autodiscover_modules("demo_content")
        steps = ordered_steps()
        run = DemoRun()
        chatty = CHATTY_LOGGERS if options["verbosity"] < 2 else ()
        try:
            # All or nothing: a failing step leaves the database as it was.
            # Background tasks (search and reference index updates) run in this process before
            # the transaction commits, so the demo is complete when the command ends, worker
            # or not.
            with (
                mail_kept_aside() as outbox,
                quiet_loggers(chatty),
                override_settings(TASKS=DEMO_TASKS),
                counting_from(options["date"]),
                transaction.atomic(),
            ):
                for number, step in enumerate(steps, start=1):
                    self.stdout.write(f"[{number}/{len(steps)}] {step.label}… ", ending="")
                    self.stdout.flush()
                    self.stdout.write(step.run(run))
                task_backends["default"].run_deferred()
        except DemoContentError as error:
            self.stdout.write("")
            raise CommandError(str(error)) from error

        self.stdout.write(self.style.SUCCESS(run.summary()))
        if outbox:
            self.stdout.write(
                f"{len(outbox)} courriel(s) de notification non envoyé(s) (démonstration)."
            )
        for line in run.closing_lines:
            self.stdout.write(line)
