"""The yearly barometer: the observatory's indicators of a year (no filter) as a tagged PDF,
written by WeasyPrint from an HTML template in the network's identity.

The current year's is rendered on demand and cached until the data change (the indicators'
generations). A past year's is built by a background task and stored in the default storage
under a name that carries a digest of its figures: when the data of that year change, the
name changes, the view asks for a new file and serves it once written.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from home.caching import digest

from . import caches
from .indicators import (
    Indicator,
    ObservatoryFilters,
    current_year,
    indicators,
    min_cell,
)

logger = logging.getLogger(__name__)

STORAGE_FOLDER = "observatoire"
PENDING_SECONDS = 600


def _static_uri(path: str) -> str:
    found = finders.find(path)
    return Path(found).as_uri() if found else ""


def _highlights(indicator_list: list[Indicator], year: int) -> list[dict[str, str]]:
    """The key figures on the cover: the year's totals of the series indicators."""
    figures = []
    for slug in ("accompagnements-annee", "evenements-annee"):
        item = next((entry for entry in indicator_list if entry.slug == slug), None)
        if item is None:
            continue
        row = next((row for row in item.rows if row.code == str(year)), None)
        for index, measure in enumerate(item.measures):
            if measure.unit:
                continue
            value = row.cells[index].current if row else 0
            figures.append({"label": str(measure.label), "value": value})
    return figures


def barometer_html(*, year: int) -> str:
    filters = ObservatoryFilters(year=year, year_given=True)
    indicator_list = indicators(filters)
    sections: list[dict] = []
    for item in indicator_list:
        if not sections or sections[-1]["title"] != item.section:
            sections.append({"title": item.section, "indicators": []})
        sections[-1]["indicators"].append(item)
    return render_to_string(
        "observatory/barometer.html",
        {
            "year": year,
            "sections": sections,
            "highlights": _highlights(indicator_list, year),
            "min_cell": min_cell(),
            "generated_at": timezone.localtime(),
            "logo_uri": _static_uri("img/logo-wordmark.svg"),
            "font_regular": _static_uri(
                "vendor/atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2"
            ),
            "font_bold": _static_uri(
                "vendor/atkinson-hyperlegible/atkinson-hyperlegible-latin-700-normal.woff2"
            ),
        },
    )


def render_pdf(*, year: int) -> bytes:
    """The barometer of `year` as a tagged PDF (structure tags for screen readers, the
    document's title and language in its metadata)."""
    import weasyprint  # imported here: it loads Pango, which only this needs
    from PIL import ImageFile

    # Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process; the
    # admin's image upload counts on Pillow refusing a truncated file (home/image_forms.py),
    # so the flag goes back off. The barometer draws only the site's own images.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    html = barometer_html(year=year)
    return weasyprint.HTML(string=html, base_url=str(Path(__file__).resolve().parent)).write_pdf(
        pdf_tags=True, custom_metadata=True
    )


def fingerprint(*, year: int) -> str:
    """A digest of the year's published figures: a stored file is right while it holds."""
    filters = ObservatoryFilters(year=year, year_given=True)
    return digest(year, [(item.slug, item.rows) for item in indicators(filters)])[:16]


def stored_name(*, year: int, print_: str) -> str:
    return f"{STORAGE_FOLDER}/barometre-{year}-{print_}.pdf"


@task()
def build_barometer(year: int) -> str:
    """Render a past year's barometer and store it; older files of that year are removed.
    Returns the stored name."""
    print_ = fingerprint(year=year)
    name = stored_name(year=year, print_=print_)
    if not default_storage.exists(name):
        pdf = render_pdf(year=year)
        saved = default_storage.save(name, ContentFile(pdf))
        if saved != name:  # written meanwhile by another worker: keep one
            default_storage.delete(saved)
    _remove_stale(year=year, keep=name)
    cache.delete(_pending_key(name))
    return name


def _remove_stale(*, year: int, keep: str) -> None:
    try:
        _folders, files = default_storage.listdir(STORAGE_FOLDER)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    prefix = f"barometre-{year}-"
    for filename in files:
        path = f"{STORAGE_FOLDER}/{filename}"
        if filename.startswith(prefix) and filename.endswith(".pdf") and path != keep:
            default_storage.delete(path)


def _pending_key(name: str) -> str:
    return f"observatory:barometer-pending:{name}"


def barometer_pdf(*, year: int) -> bytes | None:
    """The PDF of `year`, or None while a past year's is being built (its task is then
    queued, once)."""
    if year >= current_year():
        return caches.BAROMETER.get_or_build(year, build=lambda: render_pdf(year=year))
    name = stored_name(year=year, print_=fingerprint(year=year))
    if not default_storage.exists(name):
        if cache.add(_pending_key(name), 1, PENDING_SECONDS):
            build_barometer.enqueue(year)
        if not default_storage.exists(name):  # an immediate backend has written it
            return None
    with default_storage.open(name, "rb") as stored:
        return stored.read()
