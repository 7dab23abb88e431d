"""What the open-data API answers: one schema per dataset, its fields described and with an
example. The OpenAPI document and the open-data page (`field_docs`) are both generated from
these classes, so the documentation cannot drift from the data.

Field names are French, as the CSV columns and the query parameters; the envelope of a list
(`count`, `next`, `previous`, `limit`, `offset`, `results`) keeps the usual English names.
Only what the public pages show is here: no private contact, no internal note, no
qualification status, no connection link of an online event."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from ninja import Field, Schema
from pydantic import BaseModel


def described(description: str, example: Any, **kwargs: Any) -> Any:
    """A field with its meaning and one example (both shown in the docs and on the page)."""
    return Field(..., description=description, examples=[example], **kwargs)


# --- Shared pieces ------------------------------------------------------------------------


class Reference(Schema):
    """A taxonomy value: its code (the filter's value) and its label."""

    code: str = described("Code, la valeur du filtre correspondant", "eau-assainissement-hygiene")
    nom: str = described("Libellé", "Eau, assainissement, hygiène")


class LinkedPage(Schema):
    """Another published page of the portal (an actor, the organiser...)."""

    id: int | None = described("Identifiant de la page (vide si elle n'est pas publiée)", 12)
    nom: str = described("Nom", "Association Eau Vive Aquitaine")
    url: str | None = described(
        "Adresse de la page sur le portail (vide si elle n'est pas publiée)",
        "https://www.exemple.org/annuaire/eau-vive-aquitaine/",
    )


def themes_field() -> Any:
    return described(
        "Thématiques",
        [{"code": "eau-assainissement-hygiene", "nom": "Eau, assainissement, hygiène"}],
    )


def sdgs_field() -> Any:
    return described("Numéros des objectifs de développement durable (1 à 17)", [6])


def countries_field() -> Any:
    return described("Pays (codes ISO 3166-1 alpha-2)", ["BF", "SN"])


class ErrorOut(Schema):
    detail: str = described("Ce qui ne va pas, en clair", "Cette page n'existe pas.")


class ParameterError(Schema):
    parametre: str = described("Le paramètre refusé", "limit")
    message: str = described("Pourquoi", "doit être inférieur ou égal à 200")


class ValidationErrorOut(Schema):
    detail: str = described("Résumé", "Paramètres invalides : limit.")
    erreurs: list[ParameterError] = described(
        "Chaque paramètre refusé", [{"parametre": "limit", "message": "doit être ≤ 200"}]
    )


# --- Datasets -----------------------------------------------------------------------------


class ActorOut(Schema):
    id: int = described("Identifiant de la fiche", 12)
    nom: str = described("Nom de la structure", "Association Eau Vive Aquitaine")
    sigle: str = described("Sigle", "EVA")
    url: str = described(
        "Adresse de la fiche sur le portail", "https://www.exemple.org/annuaire/eau-vive-aquitaine/"
    )
    description: str = described(
        "Présentation courte", "Accès à l'eau potable au Burkina Faso depuis 1998."
    )
    college: Reference | None = described(
        "Collège du réseau", {"code": "associations", "nom": "Associations, ONG et fondations"}
    )
    type_structure: Reference | None = described(
        "Type de structure", {"code": "association", "nom": "Association"}
    )
    adhesion: str = described("« adherent » (adhérent du réseau) ou « reference »", "adherent")
    adresse: str = described("Adresse", "3 place de la Bourse")
    code_postal: str = described("Code postal", "33000")
    commune: str = described("Commune", "Bordeaux")
    departement: Reference | None = described(
        "Département (code INSEE ; HR : hors région)", {"code": "33", "nom": "Gironde"}
    )
    latitude: float | None = described("Latitude (WGS 84)", 44.8378)
    longitude: float | None = described("Longitude (WGS 84)", -0.5792)
    site_web: str = described("Site web", "https://eau-vive-aquitaine.example.org")
    email: str = described("Adresse électronique publique", "contact@eau-vive.example.org")
    telephone: str = described("Téléphone public", "05 56 00 00 00")
    annee_creation: int | None = described("Année de création", 1998)
    siret: str = described("SIRET", "12345678900012")
    rna: str = described("Numéro RNA", "W332000000")
    derniere_publication: datetime.datetime | None = described(
        "Date de la dernière publication de la fiche", "2026-11-20T10:15:00+01:00"
    )
    thematiques: list[Reference] = themes_field()
    odd: list[int] = sdgs_field()
    pays: list[str] = countries_field()


class ProjectPlaceOut(Schema):
    nom: str = described("Nom du lieu", "Ouagadougou")
    pays: str = described("Pays (code ISO 3166-1 alpha-2)", "BF")
    latitude: float | None = described("Latitude (WGS 84)", 12.3714)
    longitude: float | None = described("Longitude (WGS 84)", -1.5197)


class ProjectOut(Schema):
    id: int = described("Identifiant du projet", 41)
    nom: str = described("Titre du projet", "Forages et comités de l'eau à Koudougou")
    url: str = described(
        "Adresse de la page du projet",
        "https://www.exemple.org/annuaire/eau-vive-aquitaine/forages-koudougou/",
    )
    resume: str = described("Résumé", "Six forages et la formation de leurs comités de gestion.")
    acteur: LinkedPage | None = described(
        "L'acteur qui porte le projet",
        {"id": 12, "nom": "Association Eau Vive Aquitaine", "url": "https://…"},
    )
    statut: Reference = described("État du projet", {"code": "en_cours", "nom": "En cours"})
    annee_debut: int | None = described("Année de début", 2020)
    annee_fin: int | None = described("Année de fin", 2023)
    lieux: list[ProjectPlaceOut] = described(
        "Lieux d'intervention",
        [{"nom": "Koudougou", "pays": "BF", "latitude": 12.25, "longitude": -2.36}],
    )
    partenaires: list[LinkedPage] = described(
        "Acteurs partenaires publiés dans l'annuaire", [{"id": 15, "nom": "…", "url": "https://…"}]
    )
    partenaires_locaux: str = described("Partenaires locaux", "Mairie de Koudougou")
    financeurs: str = described("Financeurs", "Agence de l'eau Adour-Garonne")
    budget: Reference | None = described(
        "Tranche de budget", {"code": "50k-200k", "nom": "50 000 à 200 000 €"}
    )
    derniere_publication: datetime.datetime | None = described(
        "Date de la dernière publication", "2026-11-20T10:15:00+01:00"
    )
    thematiques: list[Reference] = themes_field()
    odd: list[int] = sdgs_field()
    pays: list[str] = countries_field()


class SessionOut(Schema):
    libelle: str = described("Intitulé de la séance", "Séance 1 : le cadre logique")
    debut: datetime.datetime = described("Début", "2026-12-10T14:00:00+01:00")
    fin: datetime.datetime = described("Fin", "2026-12-10T17:00:00+01:00")
    annulee: bool = described("Séance annulée", False)


class VenueOut(Schema):
    nom: str = described("Nom du lieu", "Maison des associations")
    adresse: str = described("Adresse", "12 rue Saint-James")
    code_postal: str = described("Code postal", "33000")
    commune: str = described("Commune", "Bordeaux")


class EventOut(Schema):
    id: int = described("Identifiant de l'événement", 87)
    nom: str = described("Titre", "Formation : monter un projet de solidarité internationale")
    url: str = described(
        "Adresse de la page de l'événement", "https://www.exemple.org/agenda/formation-projet/"
    )
    ical: str = described(
        "Adresse de l'événement au format iCalendar",
        "https://www.exemple.org/agenda/formation-projet/ics/",
    )
    type: Reference = described("Type d'événement", {"code": "formation", "nom": "Formation"})
    resume: str = described("Résumé", "Trois demi-journées pour construire son projet.")
    debut: datetime.datetime | None = described(
        "Début de la première séance", "2026-12-10T14:00:00+01:00"
    )
    fin: datetime.datetime | None = described(
        "Fin de la dernière séance", "2026-12-17T17:00:00+01:00"
    )
    etat: Reference = described("État", {"code": "prevu", "nom": "Prévu"})
    format: Reference = described("Format", {"code": "presentiel", "nom": "Présentiel"})
    lieu: VenueOut = described(
        "Lieu (vide en ligne)",
        {"nom": "Maison des associations", "adresse": "…", "code_postal": "33000", "commune": "…"},
    )
    departement: Reference | None = described(
        "Département du lieu", {"code": "33", "nom": "Gironde"}
    )
    latitude: float | None = described("Latitude (WGS 84)", 44.84)
    longitude: float | None = described("Longitude (WGS 84)", -0.57)
    organisateur: LinkedPage | None = described(
        "L'acteur organisateur (vide : le réseau)", {"id": 12, "nom": "…", "url": "https://…"}
    )
    tarif: float = described("Tarif en euros (0 : gratuit)", 0.0)
    precisions_tarif: str = described("Précisions sur le tarif", "Gratuit pour les adhérents")
    inscription: Reference = described(
        "Mode d'inscription", {"code": "integree", "nom": "Formulaire du portail"}
    )
    lien_inscription: str = described("Lien d'inscription externe", "")
    seances: list[SessionOut] = described(
        "Séances, dans l'ordre",
        [
            {
                "libelle": "Séance 1",
                "debut": "2026-12-10T14:00:00+01:00",
                "fin": "2026-12-10T17:00:00+01:00",
                "annulee": False,
            }
        ],
    )
    thematiques: list[Reference] = themes_field()
    odd: list[int] = sdgs_field()
    pays: list[str] = countries_field()


class CallOut(Schema):
    id: int = described("Identifiant de l'appel", 102)
    nom: str = described("Titre", "Appel à projets Solidarité internationale 2027")
    url: str = described(
        "Adresse de la page de l'appel", "https://www.exemple.org/appels-a-projets/asi-2027/"
    )
    resume: str = described("Résumé", "Soutien aux projets de coopération des associations.")
    financeur: str = described("Financeur", "Région Nouvelle-Aquitaine")
    programme: str = described("Programme ou dispositif", "Coopération décentralisée")
    territoire: str = described("Territoire concerné", "Nouvelle-Aquitaine")
    colleges_eligibles: list[Reference] = described(
        "Structures éligibles", [{"code": "associations", "nom": "Associations, ONG et fondations"}]
    )
    montant_min: int | None = described("Montant minimum (€)", 5000)
    montant_max: int | None = described("Montant maximum (€)", 30000)
    date_ouverture: datetime.date = described("Date d'ouverture", "2026-10-01")
    date_cloture: datetime.date = described("Date de clôture (date limite)", "2027-01-31")
    statut: Reference = described("Statut à la date du jour", {"code": "ouvert", "nom": "Ouvert"})
    lien: str = described("Lien vers l'appel chez le financeur", "https://financeur.example.org")
    thematiques: list[Reference] = themes_field()
    odd: list[int] = sdgs_field()
    pays: list[str] = countries_field()


class OfferOut(Schema):
    id: int = described("Identifiant de l'offre", 130)
    nom: str = described("Intitulé", "Chargé·e de projets Afrique de l'Ouest")
    url: str = described("Adresse de la page de l'offre", "https://www.exemple.org/offres/charge/")
    type: Reference = described("Type d'offre", {"code": "emploi", "nom": "Emploi"})
    structure: LinkedPage = described(
        "Structure qui recrute", {"id": 12, "nom": "Association Eau Vive Aquitaine", "url": None}
    )
    lieu: str = described("Ville", "Bordeaux")
    contrat: str = described("Type de contrat", "CDD 12 mois")
    duree: str = described("Durée", "12 mois")
    remuneration: str = described("Rémunération ou indemnité", "Selon convention collective")
    date_debut: datetime.date | None = described("Date de début", "2027-02-01")
    date_limite: datetime.date = described("Date limite de candidature", "2027-01-15")
    resume: str = described("Résumé", "Suivi des projets d'accès à l'eau au Burkina Faso.")
    thematiques: list[Reference] = themes_field()
    odd: list[int] = sdgs_field()
    pays: list[str] = countries_field()


class DocumentOut(Schema):
    titre: str = described("Intitulé", "Guide du montage de projet (PDF)")
    url: str = described("Adresse du fichier", "https://www.exemple.org/documents/4/guide.pdf")


class ResourceOut(Schema):
    id: int = described("Identifiant de la ressource", 150)
    nom: str = described("Titre", "Guide du montage de projet de solidarité internationale")
    url: str = described("Adresse de la page", "https://www.exemple.org/ressources/guide/")
    type: Reference = described("Type de ressource", {"code": "guide", "nom": "Guide"})
    annee: int | None = described("Année", 2020)
    auteurs: str = described("Auteurs ou organisations", "SO Coopération")
    resume: str = described("Résumé", "Les étapes d'un projet, de l'idée au bilan.")
    lien_externe: str = described("Lien externe", "")
    documents: list[DocumentOut] = described(
        "Fichiers à télécharger", [{"titre": "Guide (PDF)", "url": "https://…/guide.pdf"}]
    )
    thematiques: list[Reference] = themes_field()
    odd: list[int] = sdgs_field()
    pays: list[str] = countries_field()


# --- Taxonomies ---------------------------------------------------------------------------


class ThemeOut(Schema):
    code: str = described("Code (filtre `theme`)", "eau-assainissement-hygiene")
    nom: str = described("Nom", "Eau, assainissement, hygiène")
    description: str = described("Description", "")


class SdgOut(Schema):
    numero: int = described("Numéro (filtre `odd`)", 6)
    nom: str = described("Nom court", "Eau propre et assainissement")
    intitule: str = described(
        "Intitulé officiel",
        "Garantir l'accès de tous à des services d'alimentation en eau et d'assainissement…",
    )
    couleur: str = described("Couleur officielle", "#26BDE2")


class CollegeOut(Schema):
    code: str = described("Code (filtre `college`)", "associations")
    nom: str = described("Nom", "Associations, ONG et fondations")
    nom_court: str = described("Nom court", "Associations")


class StructureTypeOut(Schema):
    code: str = described("Code", "association")
    nom: str = described("Nom", "Association")
    college: str | None = described("Code du collège de ce type de structure", "associations")


class DepartementOut(Schema):
    code: str = described("Code INSEE (filtre `departement`)", "33")
    nom: str = described("Nom", "Gironde")
    en_region: bool = described("En Nouvelle-Aquitaine", True)


class CountryOut(Schema):
    code: str = described("Code ISO 3166-1 alpha-2 (filtre `pays`)", "BF")
    nom: str = described("Nom", "Burkina Faso")
    region: Reference | None = described(
        "Région du monde (filtre `region`)", {"code": "afrique-ouest", "nom": "Afrique de l'Ouest"}
    )


# --- Feed of opportunities ----------------------------------------------------------------


class OpportunityOut(Schema):
    type: str = described("« appel_a_projets » ou « offre »", "offre")
    id: int = described("Identifiant de la page", 130)
    titre: str = described("Titre", "Chargé·e de projets Afrique de l'Ouest")
    url: str = described("Adresse de la page", "https://www.exemple.org/offres/charge/")
    resume: str = described("Résumé", "Suivi des projets d'accès à l'eau.")
    lieu: str = described("Lieu (ville de l'offre ; vide pour un appel)", "Bordeaux")
    structure: str = described(
        "Structure qui recrute, ou qui finance l'appel", "Association Eau Vive Aquitaine"
    )
    type_contrat: str = described(
        "Type de contrat (offre : contrat, sinon son type ; vide pour un appel)", "CDD 12 mois"
    )
    thematique: list[str] = described("Thématiques (libellés)", ["Eau, assainissement, hygiène"])
    date_limite: datetime.date = described("Date limite (candidature ou clôture)", "2027-01-15")
    financeur: str = described("Financeur (appel ; vide pour une offre)", "")
    territoire: str = described(
        "Territoire concerné (appel), ou pays de l'offre (noms)", "Burkina Faso"
    )
    date_publication: datetime.datetime | None = described(
        "Première publication sur le portail", "2026-11-20T10:15:00+01:00"
    )


class LicenceOut(Schema):
    code: str = described("Code de la licence", "etalab-2.0")
    nom: str = described("Nom", "Licence Ouverte / Open Licence 2.0")
    url: str = described(
        "Texte de la licence", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )


class OpportunityFeedOut(Schema):
    titre: str = described("Titre du flux", "Appels à projets et offres")
    source: str = described("Site d'origine", "https://www.exemple.org/")
    licence: LicenceOut = described(
        "Licence des données",
        {"code": "etalab-2.0", "nom": "Licence Ouverte 2.0", "url": "https://…"},
    )
    genere_le: datetime.datetime = described("Date de génération", "2026-12-03T10:00:00+01:00")
    elements: list[OpportunityOut] = described("Appels ouverts ou à venir, offres en cours", [])


# --- Lists --------------------------------------------------------------------------------


class Page(Schema):
    """The envelope of a list: the total, the links to the neighbouring pages, the items."""

    count: int = described("Nombre total de résultats pour ces filtres", 57)
    limit: int = described("Taille de la page", 50)
    offset: int = described("Rang du premier résultat (à partir de 0)", 0)
    next: str | None = described(
        "Page suivante (vide à la fin)", "https://www.exemple.org/api/open/v1/actors/?offset=50"
    )
    previous: str | None = described("Page précédente (vide au début)", None)


class ActorList(Page):
    results: list[ActorOut]


class ProjectList(Page):
    results: list[ProjectOut]


class EventList(Page):
    results: list[EventOut]


class CallList(Page):
    results: list[CallOut]


class OfferList(Page):
    results: list[OfferOut]


class ResourceList(Page):
    results: list[ResourceOut]


class DatasetOut(Schema):
    code: str = described("Code du jeu de données", "acteurs")
    nom: str = described("Nom", "Acteurs de l'annuaire")
    api: str = described(
        "Adresse de la liste dans l'API", "https://www.exemple.org/api/open/v1/actors/"
    )


class IndexOut(Schema):
    titre: str = described("Nom de l'API", "API des données ouvertes")
    documentation: str = described("Documentation interactive", "https://…/api/open/v1/docs")
    openapi: str = described("Document OpenAPI 3.1", "https://…/api/open/v1/openapi.json")
    licence: LicenceOut = described(
        "Licence des données", {"code": "etalab-2.0", "nom": "…", "url": "https://…"}
    )
    jeux_de_donnees: list[DatasetOut] = described("Les jeux de données", [])


# --- Documentation generated from the schemas ---------------------------------------------


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    description: str
    example: str


_SCALAR_LABELS = {
    "integer": "entier",
    "number": "nombre décimal",
    "string": "texte",
    "boolean": "booléen (true / false)",
}
_FORMAT_LABELS = {"date": "date (AAAA-MM-JJ)", "date-time": "date et heure (ISO 8601)"}


def _type_label(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        keys = ", ".join(defs.get(name, {}).get("properties", {}))
        return f"objet ({keys})"
    if "anyOf" in prop:
        kinds = [item for item in prop["anyOf"] if item.get("type") != "null"]
        nullable = len(kinds) < len(prop["anyOf"])
        label = " ou ".join(_type_label(item, defs) for item in kinds)
        return f"{label}, ou null" if nullable else label
    if prop.get("type") == "array":
        return f"liste de : {_type_label(prop.get('items', {}), defs)}"
    if prop.get("format") in _FORMAT_LABELS:
        return _FORMAT_LABELS[prop["format"]]
    return _SCALAR_LABELS.get(prop.get("type", ""), prop.get("type", "valeur"))


def field_docs(model: type[BaseModel]) -> list[FieldDoc]:
    """Each field of a schema: its name, type in words, meaning and example."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    docs = []
    for name, prop in schema.get("properties", {}).items():
        examples = prop.get("examples") or [None]
        docs.append(
            FieldDoc(
                name=name,
                type=_type_label(prop, defs),
                description=prop.get("description", ""),
                example=json.dumps(examples[0], ensure_ascii=False),
            )
        )
    return docs
