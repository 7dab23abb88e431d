"""Places: the map widget's `SRID=4326;POINT(lng lat)` text and the numeric coordinates
derived from it, which every query, map and export reads."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# What wagtail-geo-widget writes (longitude first), with some tolerance for spaces.
_POINT_RE = re.compile(
    r"^\s*SRID=(?P<srid>\d+)\s*;\s*POINT\s*\(\s*(?P<lng>[-+]?\d+(?:\.\d+)?)\s+"
    r"(?P<lat>[-+]?\d+(?:\.\d+)?)\s*\)\s*$",
    re.IGNORECASE,
)

latitude_validators = [
    MinValueValidator(-90, _("La latitude doit être comprise entre -90 et 90.")),
    MaxValueValidator(90, _("La latitude doit être comprise entre -90 et 90.")),
]
longitude_validators = [
    MinValueValidator(-180, _("La longitude doit être comprise entre -180 et 180.")),
    MaxValueValidator(180, _("La longitude doit être comprise entre -180 et 180.")),
]


def parse_location(value: str) -> tuple[float, float] | None:
    """`(latitude, longitude)` of a `SRID=4326;POINT(lng lat)` text, None when empty.

    Raises ValidationError for a malformed text, another SRID or out-of-range values."""
    if not value or not value.strip():
        return None
    match = _POINT_RE.match(value)
    if not match:
        raise ValidationError(
            _("Emplacement invalide : attendu « SRID=4326;POINT(longitude latitude) »."),
            code="invalid_location",
        )
    if match["srid"] != "4326":
        raise ValidationError(
            _("Emplacement invalide : seules les coordonnées WGS 84 (SRID 4326) sont acceptées."),
            code="invalid_srid",
        )
    latitude, longitude = float(match["lat"]), float(match["lng"])
    errors = []
    if not -90 <= latitude <= 90:
        errors.append(
            ValidationError(
                _("La latitude doit être comprise entre -90 et 90 (reçu : %(value)s)."),
                code="latitude_range",
                params={"value": match["lat"]},
            )
        )
    if not -180 <= longitude <= 180:
        errors.append(
            ValidationError(
                _("La longitude doit être comprise entre -180 et 180 (reçu : %(value)s)."),
                code="longitude_range",
                params={"value": match["lng"]},
            )
        )
    if errors:
        raise ValidationError(errors)
    return latitude, longitude


def validate_location(value: str) -> None:
    parse_location(value)


def format_location(*, latitude: float, longitude: float) -> str:
    return f"SRID=4326;POINT({longitude} {latitude})"


def coordinate_constraints(prefix: str) -> list[models.CheckConstraint]:
    """The database's own refusal of out-of-range coordinates, for a model with a place
    (`Meta.constraints = [*coordinate_constraints("app_model")]`)."""
    return [
        models.CheckConstraint(
            condition=models.Q(latitude__gte=-90, latitude__lte=90)
            | models.Q(latitude__isnull=True),
            name=f"{prefix}_latitude_range",
        ),
        models.CheckConstraint(
            condition=models.Q(longitude__gte=-180, longitude__lte=180)
            | models.Q(longitude__isnull=True),
            name=f"{prefix}_longitude_range",
        ),
    ]


class PlaceMixin(models.Model):
    """A place set with the map widget, and its coordinates as indexed numeric fields."""

    location = models.CharField(
        _("emplacement sur la carte"),
        max_length=250,
        blank=True,
        validators=[validate_location],
        help_text=_(
            "Placez le marqueur sur la carte, ou saisissez « latitude, longitude ». "
            "Laissez vide pour ne pas apparaître sur la carte."
        ),
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        validators=latitude_validators,
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        validators=longitude_validators,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Also on saves that skip `clean()` (scripts, revisions being published).
        self.sync_coordinates()
        return super().save(*args, **kwargs)

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def sync_coordinates(self) -> None:
        """Derive `latitude`/`longitude` from `location` (raises ValidationError if bad)."""
        point = parse_location(self.location)
        if point is None:
            self.location = ""
            self.latitude = self.longitude = None
        else:
            self.latitude, self.longitude = point

    def clean(self) -> None:
        super().clean()
        try:
            self.sync_coordinates()
        except ValidationError as error:
            raise ValidationError({"location": error.messages}) from error
