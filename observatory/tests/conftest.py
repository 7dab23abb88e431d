import pytest

from directory.tests.factories import DirectoryPageFactory
from home.tests.factories import make_site_with_home


@pytest.fixture
def home(db):
    return make_site_with_home()


@pytest.fixture
def directory(home):
    return DirectoryPageFactory(parent=home)
