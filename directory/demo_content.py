"""Registers the directory's demo steps with `manage.py load_demo_content` (discovered by
name like every app's `demo_content` module): the actors and their projects, the editors'
rights on the directory, then the member spaces and référencement requests."""

from .demo import register as register_directory
from .demo_members import register as register_member_spaces

register_directory()
register_member_spaces()
