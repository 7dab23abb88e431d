"""Demo content of the newsletter: each part registers its own steps."""

from . import demo_letters, demo_subscribers  # noqa: F401
