"""`manage.py load_demo_content`: the demo site, built or brought up to date in one go.

The steps live in `home/demo_content.py` and the texts in `home/demo/*.yaml`; other apps add
their steps in their own `demo_content.py` and their texts in their own `demo/` folder (see
`home/demo_content.py`'s docstring).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import autodiscover_modules

from home.demo_content import DemoContentError, DemoRun, ordered_steps

# Loggers that report every page saved and every background task: at the default
# verbosity they would bury the one-line-per-step progress.
CHATTY_LOGGERS = ("wagtail", "django_tasks", "modelsearch", "twofactor")
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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


class Command(BaseCommand):
    help = (
        "Crée ou met à jour le contenu de démonstration : pages, images, réglages du site, "
        "comptes « admin » et « editeur ». Sans effet si tout est déjà en place. "
        "Le mot de passe des comptes vient de DEMO_PASSWORD (sinon il est généré)."
    )

    def handle(self, *args, **options) -> None:
        # Each installed app's `demo_content` module registers its steps on import.
        autodiscover_modules("demo_content")
        steps = ordered_steps()
        run = DemoRun()
        chatty = CHATTY_LOGGERS if options["verbosity"] < 2 else ()
        try:
            # All or nothing: a failing step leaves the database as it was.
            # Background tasks (search and reference index updates) run at once, so the demo is
            # complete when the command ends, worker or not.
            with (
                mail_kept_aside() as outbox,
                quiet_loggers(chatty),
                override_settings(TASKS=IMMEDIATE_TASKS),
                transaction.atomic(),
            ):
                for number, step in enumerate(steps, start=1):
                    self.stdout.write(f"[{number}/{len(steps)}] {step.label}… ", ending="")
                    self.stdout.flush()
                    self.stdout.write(step.run(run))
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
