import pytest

ENGINES = {
    "database": "search.engines.database.DatabaseEngine",
    "wagtail": "search.engines.wagtail_backend.WagtailBackendEngine",
}


@pytest.fixture(params=list(ENGINES))
def search_engine(request, settings) -> str:
    """Runs a test once with each engine (modules opt in with `usefixtures`): the site search
    behaves the same whichever matches the words."""
    settings.SEARCH_ENGINE = ENGINES[request.param]
    return request.param


def database_engine_only(engine: str, reason: str) -> None:
    """Skips a test about how the database engine matches words (its own SQL), not about the
    site search's behaviour."""
    if engine != "database":
        pytest.skip(reason)
