"""Admin registrations of the newsletter: subscribers and alerts, letters and their sending."""

from . import letter_hooks, subscriber_hooks  # noqa: F401
