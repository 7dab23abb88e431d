"""The public forms' anti-spam: honeypot, minimum fill time, single-use timing token."""

from __future__ import annotations

import logging
import time
from unittest import mock

from django import forms
from django.test import override_settings

from home.antispam import HONEYPOT_FIELD, AntiSpamMixin, started_token
from home.tests.test_limits import CLOSED_PORT_CACHE


class ContactForm(AntiSpamMixin, forms.Form):
    name = forms.CharField()


def submitted(token: str, **extra) -> ContactForm:
    return ContactForm({"name": "Awa", "started": token, **extra})


def test_a_token_shown_a_minute_ago_passes_once_and_its_replay_is_refused():
    token = started_token(at=time.time() - 60)
    assert not submitted(token).filled_too_fast()
    replay = submitted(token)
    replay.check_fill_time()
    assert replay.filled_too_fast()
    assert not replay.is_valid()
    assert "trop vite ou a expiré" in str(replay.non_field_errors())
    # A fresh token, as the form shown again carries, passes.
    assert not submitted(started_token(at=time.time() - 60)).filled_too_fast()


def test_too_fast_forged_or_expired_tokens_are_refused():
    assert submitted(started_token()).filled_too_fast()  # sent at once
    assert submitted("1700000000:forged").filled_too_fast()
    assert submitted("").filled_too_fast()
    with mock.patch("time.time", return_value=time.time() - 25 * 3600):
        yesterday = started_token()  # signed a day ago: past the 24 hours a form lives
    assert submitted(yesterday).filled_too_fast()


def test_a_filled_honeypot_is_spam():
    token = started_token(at=time.time() - 60)
    assert submitted(token, **{HONEYPOT_FIELD: "https://spam.example"}).is_spam()
    assert not submitted(token).is_spam()


def test_with_the_cache_down_a_token_is_accepted_with_a_warning(caplog):
    token = started_token(at=time.time() - 60)
    with override_settings(CACHES=CLOSED_PORT_CACHE), caplog.at_level(logging.WARNING):
        assert not submitted(token).filled_too_fast()
        assert not submitted(token).filled_too_fast()
    assert "not checked for replay, cache unavailable" in caplog.text
