import pytest

from home.tests.factories import make_site_with_home

from .helpers import make_editor_with_subscriber_rights
from .letters_helpers import anymail_outbox, letter_site  # noqa: F401


@pytest.fixture
def home(db):
    return make_site_with_home()


@pytest.fixture
def editor(home):
    return make_editor_with_subscriber_rights()
