"""Logging filters named in `LOGGING` (config/settings/base.py)."""

from __future__ import annotations

import logging


class WithoutTraceback(logging.Filter):
    """Keeps the record's one-line message and drops its traceback: for expected refusals
    (a forged Host header) whose stack says nothing an operator needs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
