from .classification import (
    CLASSIFICATION_FIELDS,
    CLASSIFICATION_WIDGETS,
    THEMES_SEARCH_FIELD,
    classification_context,
    classification_fields,
    classification_panels,
)
from .pages import (
    QUALIFICATION_PERMISSION,
    ActorPage,
    ActorPageTag,
    DirectoryPage,
    ProjectPage,
    ProjectPlace,
    departement_for_postcode,
)
from .places import (
    PlaceMixin,
    coordinate_constraints,
    format_location,
    parse_location,
    validate_location,
)
from .registration import MemberSpace, RegistrationRequest
from .taxonomies import (
    College,
    Country,
    Departement,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
    WorldRegion,
)

__all__ = [
    "CLASSIFICATION_FIELDS",
    "CLASSIFICATION_WIDGETS",
    "THEMES_SEARCH_FIELD",
    "QUALIFICATION_PERMISSION",
    "ActorPage",
    "ActorPageTag",
    "College",
    "Country",
    "Departement",
    "DirectoryPage",
    "MemberSpace",
    "PlaceMixin",
    "ProjectPage",
    "ProjectPlace",
    "RegistrationRequest",
    "StructureType",
    "SustainableDevelopmentGoal",
    "Theme",
    "WorldRegion",
    "classification_context",
    "classification_fields",
    "classification_panels",
    "departement_for_postcode",
    "coordinate_constraints",
    "format_location",
    "parse_location",
    "validate_location",
]
