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
    "departement_for_postcode",
    "coordinate_constraints",
    "format_location",
    "parse_location",
    "validate_location",
]
