"""The observatory's demo steps (`manage.py load_demo_content` imports this module)."""

from . import demo_accompaniments, demo_pages  # noqa: F401  (each registers its steps)
