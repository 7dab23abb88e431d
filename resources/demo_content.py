"""Registers the editorial demo steps with `manage.py load_demo_content` (discovered by name
like every app's `demo_content` module)."""

from .demo import register

register()
