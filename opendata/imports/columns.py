"""The fields an import fills, and the column names that stand for them: those of the
network's member-relations base (its annual report's export) and of the thesaurus the
regional networks share. Headers are compared without case, accents or punctuation."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..text import normalise_label

ACTORS = "actors"
PROJECTS = "projects"
KINDS = {ACTORS: _("Acteurs"), PROJECTS: _("Projets")}
IGNORE = ""


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    aliases: tuple[str, ...]
    required: bool = False


ACTOR_COLUMNS = (
    Column(
        "name",
        _("Nom de la structure"),
        (
            "structure",
            "nom",
            "nom de la structure",
            "nom structure",
            "raison sociale",
            "denomination",
            "organisation",
            "organisme",
            "acteur",
            "nom de l acteur",
        ),
        required=True,
    ),
    Column("acronym", _("Sigle"), ("sigle", "acronyme", "nom court")),
    Column(
        "structure_type",
        _("Type de structure"),
        ("type", "type de structure", "type structure", "statut juridique", "forme juridique"),
    ),
    Column("college", _("Collège"), ("college", "college du reseau", "famille d acteurs")),
    Column("address", _("Adresse"), ("adresse", "adresse postale", "rue", "voie")),
    Column("postcode", _("Code postal"), ("code postal", "cp", "code postal structure")),
    Column("city", _("Commune"), ("commune", "ville", "localite")),
    Column("departement", _("Département"), ("departement", "dept", "dpt", "num departement")),
    Column(
        "countries",
        _("Pays d'intervention"),
        ("pays", "pays d intervention", "pays intervention", "zones d intervention"),
    ),
    Column(
        "themes",
        _("Thématiques"),
        (
            "secteurs",
            "secteur",
            "secteurs d intervention",
            "secteurs d activite",
            "thematiques",
            "thematique",
            "themes",
            "domaines d intervention",
        ),
    ),
    Column(
        "sdgs",
        _("ODD"),
        ("odd", "objectifs de developpement durable", "odd concernes", "odd prioritaires"),
    ),
    Column("siret", _("SIRET"), ("siret", "n siret", "numero siret")),
    Column("rna", _("Numéro RNA"), ("rna", "n rna", "numero rna", "numero d association")),
    Column("website", _("Site web"), ("site", "site web", "site internet", "url", "web")),
    Column(
        "email",
        _("Adresse électronique publique"),
        ("e mail", "email", "mail", "courriel", "adresse electronique", "e mail structure"),
    ),
    Column("phone", _("Téléphone"), ("telephone", "tel", "telephone structure")),
    Column(
        "description",
        _("Présentation"),
        ("description", "presentation", "objet", "activites", "resume"),
    ),
    Column(
        "membership",
        _("Adhérent"),
        ("adherent", "adherent au reseau", "membre", "adhesion", "statut adhesion"),
    ),
    Column("year_founded", _("Année de création"), ("annee de creation", "date de creation")),
    Column(
        "contact_name",
        _("Personne contact"),
        ("contact", "personne contact", "nom du contact", "referent"),
    ),
    Column(
        "contact_email",
        _("E-mail de la personne contact"),
        ("e mail contact", "email contact", "mail contact", "courriel contact"),
    ),
    Column(
        "contact_phone",
        _("Téléphone de la personne contact"),
        ("telephone contact", "tel contact"),
    ),
)

PROJECT_COLUMNS = (
    Column(
        "title",
        _("Intitulé du projet"),
        ("projet", "intitule", "intitule du projet", "nom du projet", "titre", "titre du projet"),
        required=True,
    ),
    Column(
        "actor",
        _("Structure porteuse"),
        ("structure", "structure porteuse", "porteur", "porteur du projet", "acteur", "nom"),
    ),
    Column(
        "actor_siret",
        _("SIRET de la structure porteuse"),
        ("siret", "siret porteur", "siret de la structure", "siret structure porteuse"),
    ),
    Column("summary", _("Résumé"), ("resume", "description", "presentation", "objectifs")),
    Column("status", _("État"), ("etat", "statut", "avancement", "etat du projet")),
    Column("start_year", _("Année de début"), ("annee de debut", "debut", "date de debut")),
    Column("end_year", _("Année de fin"), ("annee de fin", "fin", "date de fin")),
    Column(
        "countries",
        _("Pays d'intervention"),
        ("pays", "pays d intervention", "pays intervention", "zones d intervention"),
    ),
    Column(
        "themes",
        _("Thématiques"),
        ("secteurs", "secteur", "secteurs d intervention", "thematiques", "thematique", "themes"),
    ),
    Column("sdgs", _("ODD"), ("odd", "objectifs de developpement durable", "odd concernes")),
    Column("funders", _("Financeurs"), ("financeurs", "financeur", "bailleurs", "financements")),
    Column(
        "local_partners",
        _("Partenaires locaux"),
        ("partenaires", "partenaires locaux", "partenaire local"),
    ),
)

COLUMNS = {ACTORS: ACTOR_COLUMNS, PROJECTS: PROJECT_COLUMNS}


def columns_for(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]


def field_choices(kind: str) -> list[tuple[str, str | Promise]]:
    return [(IGNORE, _("— ignorer cette colonne —"))] + [
        (column.key, column.label) for column in columns_for(kind)
    ]


def guess_mapping(headers: list[str], kind: str) -> dict[int, str]:
    """Column index -> field key for every header recognised (each field taken once, by
    its first column)."""
    aliases: dict[str, str] = {}
    for column in columns_for(kind):
        aliases.setdefault(normalise_label(column.key.replace("_", " ")), column.key)
        aliases.setdefault(normalise_label(column.label), column.key)
        for alias in column.aliases:
            aliases.setdefault(normalise_label(alias), column.key)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = aliases.get(normalise_label(header))
        if key and key not in taken:
            mapping[index] = key
            taken.add(key)
    return mapping


def resolve_mapping(headers: list[str], kind: str, overrides: dict[str, str]) -> dict[int, str]:
    """The guessed mapping with the editor's choices on top (`overrides`: column index as
    text -> field key, or "" to ignore). Unknown keys and indexes are dropped."""
    mapping = guess_mapping(headers, kind)
    known = {column.key for column in columns_for(kind)}
    for raw_index, key in overrides.items():
        try:
            index = int(raw_index)
        except (TypeError, ValueError):
            continue
        if not 0 <= index < len(headers) or (key and key not in known):
            continue
        if key:
            # A field is read from one column only: the editor's latest choice wins.
            for other, other_key in list(mapping.items()):
                if other_key == key and other != index:
                    del mapping[other]
            mapping[index] = key
        else:
            mapping.pop(index, None)
    return mapping
