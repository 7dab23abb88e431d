"""Demo content of the editorial pages: news, calls for projects, offers, resources (with small
generated PDF documents) and the working groups of the 2020 activity report.

Steps of `manage.py load_demo_content` (see `home.demo_content`). `register()` adds them to
the command; like the directory's (`directory/demo.py`), it is not yet called from a
`resources/demo_content.py` (which the command would discover by itself) because home's demo
tests still expect home's steps alone (six steps, every header link); once they allow other
apps' steps, `resources/demo_content.py` holds only `from .demo import register` and
`register()`. Dates are relative to
the day of the run, so the calls show every state (open, closing soon, upcoming, closed) and
one offer is expired whenever the demo is loaded; a second run the same day changes nothing.
Every person named is fictitious."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page

from directory.models import College, Country, SustainableDevelopmentGoal, Theme
from home.demo_content import (
    EDITORS_GROUP,
    DemoRun,
    Kind,
    PageSpec,
    p,
    paragraph,
    register_step,
    sync_pages,
)

from .models import (
    CallForProjectsPage,
    CallIndexPage,
    GroupIndexPage,
    GroupPage,
    NewsIndexPage,
    NewsPage,
    OpportunityIndexPage,
    OpportunityPage,
    ResourceIndexPage,
    ResourcePage,
)

DOCUMENTS = Kind("document", "documents")
COLLECTION_NAME = "Ressources du réseau"


# --- Small PDF documents --------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    # Latin-1 covers French; the PDF string escapes its three special characters.
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 with the title and a few lines, Helvetica in WinAnsi."""
    content = ["BT", "/F1 18 Tf", "72 760 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        content += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    content.append("ET")
    stream = "\n".join(content).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _collection() -> Collection:
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=COLLECTION_NAME).first() or root.add_child(
        name=COLLECTION_NAME
    )


def ensure_document(run: DemoRun, title: str, lines: list[str]):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        data = make_pdf(title, lines)
        document = Document(title=title, collection=_collection())
        document.file.save(f"{slugify(title)[:60]}.pdf", ContentFile(data), save=False)
        document.file_size = len(data)
        document.save()
        run.tally(DOCUMENTS).created += 1
    return document


# --- Relations set after the pages exist ----------------------------------------------------


@dataclass
class Relations:
    themes: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    colleges: tuple[str, ...] = ()


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def apply_relations(run: DemoRun, page: Page, relations: Relations) -> None:
    """Set the page's taxonomies, publishing a new revision only when they differ."""
    wanted = {
        "themes": _ids(Theme.objects.filter(slug__in=relations.themes)),
        "sdgs": _ids(SustainableDevelopmentGoal.objects.filter(number__in=relations.sdgs)),
        "countries": _ids(Country.objects.filter(code__in=relations.countries)),
    }
    if isinstance(page, CallForProjectsPage):
        wanted["eligible_colleges"] = _ids(College.objects.filter(slug__in=relations.colleges))
    changed = False
    for name, ids in wanted.items():
        if _ids(getattr(page, name).all()) != ids:
            getattr(page, name).set(sorted(ids))
            changed = True
    if changed:
        page.save_revision().publish()


# --- Content --------------------------------------------------------------------------------

# (title, category, theme, SDG, country, summary): the watch's subjects in the report —
# actors, international solidarity news, events and trainings, funding, recruitment.
NEWS = [
    (
        "Le réseau renouvelle sa gouvernance",
        "reseau",
        "gouvernance-citoyennete",
        17,
        "",
        "Un nouveau conseil d'administration et un nouveau bureau ont été élus fin 2020.",
    ),
    (
        "Lancement du dispositif ODD-yssée",
        "reseau",
        "gouvernance-citoyennete",
        17,
        "",
        "Un appel à manifestation d'intérêt, un cycle de formation et un appel à projets.",
    ),
    (
        "Neuf projets lauréats d'ODD-yssée",
        "reseau",
        "environnement-climat",
        13,
        "",
        "Le comité de sélection a retenu neuf projets territoriaux en faveur des ODD.",
    ),
    (
        "RECITAL ODD : les acteurs de l'environnement rejoignent la dynamique",
        "reseau",
        "environnement-climat",
        15,
        "",
        "Travailler plus étroitement avec chaque famille d'acteurs.",
    ),
    (
        "Formations en ligne : six séquences sur les ODD",
        "formation",
        "education-formation",
        4,
        "",
        "L'IFAID et l'Ifrée ont conçu un cycle de formation en visioconférence.",
    ),
    (
        "Café virtuel : la santé des partenariats au Burkina Faso",
        "evenements",
        "sante",
        3,
        "BF",
        "Vingt-cinq participants ont partagé leur expérience de la crise sanitaire.",
    ),
    (
        "Coopérer au Burkina Faso dans le contexte sécuritaire actuel",
        "solidarite",
        "gouvernance-citoyennete",
        16,
        "BF",
        "Quarante-six personnes réunies à Limoges le 12 mars.",
    ),
    (
        "Projet PLASTIC : recycler les déchets plastiques à Ouagadougou",
        "membres",
        "environnement-climat",
        12,
        "BF",
        "Un projet adapté à la demande de nos partenaires.",
    ),
    (
        "Madagascar : la reprise de la décentralisation",
        "solidarite",
        "gouvernance-citoyennete",
        16,
        "MG",
        "Vingt-deux participants réunis à Bordeaux autour de la décentralisation.",
    ),
    (
        "Coopérer avec Madagascar en contexte de crise sanitaire",
        "evenements",
        "sante",
        3,
        "MG",
        "Un webinaire du groupe pays, le 28 mai.",
    ),
    (
        "La face cachée des sociétés civiles au Maghreb",
        "evenements",
        "culture",
        16,
        "MA",
        "Présentation d'un livre et débat avec ses auteurs, le 6 novembre.",
    ),
    (
        "Le groupe Eau et assainissement se réunit avec le pS-Eau",
        "reseau",
        "eau-assainissement-hygiene",
        6,
        "",
        "Deux ateliers de formation et un atelier dédié aux collectivités.",
    ),
    (
        "Qualité de l'eau de consommation au Burkina Faso",
        "formation",
        "eau-assainissement-hygiene",
        6,
        "BF",
        "Une formation du réseau ACTEA relayée par le groupe.",
    ),
    (
        "Eaux usées : un atelier pour les collectivités",
        "formation",
        "eau-assainissement-hygiene",
        6,
        "",
        "Les collectivités découvrent les mécanismes du 1 % eau et assainissement.",
    ),
    (
        "Appel de la Région pour le Plateau central",
        "financements",
        "gouvernance-citoyennete",
        17,
        "BF",
        "La Région Nouvelle-Aquitaine soutient les initiatives de coopération.",
    ),
    (
        "Le Fonds de solidarité pour les projets innovants ouvre sa session",
        "financements",
        "economie-sociale-solidaire",
        8,
        "",
        "Des financements pour les associations et les collectivités.",
    ),
    (
        "Jeunesse : partir en volontariat de solidarité internationale",
        "solidarite",
        "jeunesse-engagement",
        4,
        "",
        "Les dispositifs de volontariat expliqués aux jeunes.",
    ),
    (
        "Égalité femmes-hommes dans les projets de coopération",
        "solidarite",
        "egalite-femmes-hommes",
        5,
        "",
        "Des outils pour intégrer le genre dans chaque projet.",
    ),
    (
        "Souveraineté alimentaire : des semences paysannes au Togo",
        "membres",
        "agriculture-souverainete-alimentaire",
        2,
        "TG",
        "Une association des Deux-Sèvres témoigne.",
    ),
    (
        "Agroécologie et formation agricole à Madagascar",
        "membres",
        "agriculture-souverainete-alimentaire",
        2,
        "MG",
        "La formation agricole, clé de l'autonomie.",
    ),
    (
        "Migrations et développement : les diasporas s'organisent",
        "solidarite",
        "migrations-developpement",
        10,
        "",
        "Les associations de migrants, actrices du développement.",
    ),
    (
        "Éducation à la citoyenneté mondiale dans les lycées",
        "solidarite",
        "ecsi",
        4,
        "",
        "La Semaine de la solidarité internationale dans les établissements.",
    ),
    (
        "Énergie solaire dans les centres de santé",
        "membres",
        "energie",
        7,
        "SN",
        "Électriciens sans frontières équipe des dispensaires.",
    ),
    (
        "Numérique : des outils pour travailler à distance",
        "reseau",
        "numerique",
        9,
        "",
        "Visioconférence, partage de documents : ce que 2020 nous a appris.",
    ),
    (
        "Nouveau site web du réseau",
        "reseau",
        "numerique",
        17,
        "",
        "Un portail où chaque acteur référencé dispose d'un espace de publication.",
    ),
    (
        "5 700 visites sur le site en 2020",
        "reseau",
        "numerique",
        17,
        "",
        "Les appels à projets et les ressources sur les ODD sont les plus consultés.",
    ),
    (
        "Santé maternelle : des sages-femmes en mission",
        "membres",
        "sante",
        3,
        "BF",
        "Sages-femmes sans frontières poursuit ses formations à distance.",
    ),
    (
        "Culture et coopération décentralisée avec le Maroc",
        "solidarite",
        "culture",
        11,
        "MA",
        "Des échanges culturels entre villes jumelles.",
    ),
    (
        "Climat : les collectivités s'engagent pour l'Agenda 2030",
        "solidarite",
        "environnement-climat",
        13,
        "",
        "L'Agenda 2030, une boussole dans un contexte désorientant.",
    ),
    (
        "Économie sociale et solidaire : coopératives au Togo",
        "membres",
        "economie-sociale-solidaire",
        8,
        "TG",
        "Des coopératives de femmes transformatrices.",
    ),
]

# (title, funder, programme, opening offset, closing offset, amounts, theme, SDG, colleges):
# offsets in days from the run: open, closing soon (under 15 days), upcoming and closed.
CALLS = [
    (
        "ODD-yssée : fonds territorialisés pour les ODD",
        "SO Coopération",
        "ODD-yssée",
        -40,
        60,
        (2000, 10000),
        "gouvernance-citoyennete",
        17,
        ("associations", "collectivites"),
    ),
    (
        "Soutien aux initiatives de coopération au Plateau central",
        "Région Nouvelle-Aquitaine",
        "Coopération décentralisée",
        -20,
        45,
        (5000, 30000),
        "gouvernance-citoyennete",
        16,
        ("associations", "collectivites"),
    ),
    (
        "Eau et assainissement : 1 % solidaire",
        "Agence de l'eau Adour-Garonne",
        "Solidarité internationale eau",
        -10,
        90,
        (10000, 80000),
        "eau-assainissement-hygiene",
        6,
        ("collectivites", "associations"),
    ),
    (
        "Projets de jeunes solidaires",
        "Région Nouvelle-Aquitaine",
        "Jeunesse solidaire",
        -30,
        10,
        (1000, 5000),
        "jeunesse-engagement",
        4,
        ("associations",),
    ),
    (
        "Éducation à la citoyenneté et à la solidarité internationale",
        "Agence française de développement",
        "Initiatives OSC",
        -60,
        5,
        (15000, 100000),
        "ecsi",
        4,
        ("associations",),
    ),
    (
        "Climat et énergie en Afrique de l'Ouest",
        "Agence française de développement",
        "Facilité climat",
        10,
        70,
        (20000, 150000),
        "energie",
        7,
        ("associations", "collectivites"),
    ),
    (
        "Semaine de la solidarité internationale",
        "Ministère de l'Europe et des Affaires étrangères",
        "Festisol",
        20,
        80,
        (500, 3000),
        "ecsi",
        17,
        ("associations",),
    ),
    (
        "Appel à manifestation d'intérêt ODD-yssée 2020",
        "SO Coopération",
        "ODD-yssée",
        -200,
        -120,
        (2000, 10000),
        "gouvernance-citoyennete",
        17,
        ("associations", "collectivites"),
    ),
    (
        "Fonds d'urgence Covid-19 pour les partenaires",
        "Région Nouvelle-Aquitaine",
        "Urgence sanitaire",
        -300,
        -250,
        (1000, 15000),
        "sante",
        3,
        ("associations",),
    ),
    (
        "Agriculture familiale et souveraineté alimentaire",
        "Fondation de démonstration",
        "Agricultures paysannes",
        -150,
        -30,
        (5000, 25000),
        "agriculture-souverainete-alimentaire",
        2,
        ("associations",),
    ),
]

# (title, kind, structure, city, country, deadline offset, contract, theme)
OFFERS = [
    (
        "Chargé·e de mission ODD",
        "emploi",
        "SO Coopération",
        "Bordeaux",
        "",
        30,
        "CDD 12 mois",
        "gouvernance-citoyennete",
    ),
    (
        "Coordinateur·rice de projets eau",
        "emploi",
        "Association de démonstration",
        "Poitiers",
        "",
        21,
        "CDI",
        "eau-assainissement-hygiene",
    ),
    (
        "Stage : communication et veille",
        "stage",
        "SO Coopération",
        "Bordeaux",
        "",
        25,
        "Stage de 6 mois",
        "numerique",
    ),
    (
        "Stage : suivi de projets au Togo",
        "stage",
        "Togo-Deux-Sèvres (démonstration)",
        "Niort",
        "TG",
        40,
        "Stage de 4 mois",
        "agriculture-souverainete-alimentaire",
    ),
    (
        "VSI : appui aux coopératives à Ouagadougou",
        "vsi",
        "Initiative Développement (démo)",
        "Ouagadougou",
        "BF",
        35,
        "Volontariat de 24 mois",
        "economie-sociale-solidaire",
    ),
    (
        "VSI : santé communautaire à Madagascar",
        "vsi",
        "Association de démonstration",
        "Antananarivo",
        "MG",
        50,
        "Volontariat de 12 mois",
        "sante",
    ),
    (
        "Service civique : animation ECSI",
        "service_civique",
        "Maison des droits de l'homme (démo)",
        "Limoges",
        "",
        20,
        "Service civique de 8 mois",
        "ecsi",
    ),
    (
        "Service civique : jeunesse et solidarité",
        "service_civique",
        "Association de démonstration",
        "La Rochelle",
        "",
        15,
        "Service civique de 10 mois",
        "jeunesse-engagement",
    ),
    (
        "Bénévolat : trésorier·e d'association",
        "benevolat",
        "Association de démonstration",
        "Angoulême",
        "",
        60,
        "Bénévolat",
        "gouvernance-citoyennete",
    ),
    (
        "Bénévolat : accueil au festival des solidarités",
        "benevolat",
        "Collectif de démonstration",
        "Pau",
        "",
        -3,
        "Bénévolat",
        "culture",
    ),
]

# (title, kind, year, authors, theme, SDG, country, featured)
RESOURCES = [
    (
        "Rapport d'activité 2020",
        "rapport_activite",
        2020,
        "SO Coopération",
        "gouvernance-citoyennete",
        17,
        "",
        True,
    ),
    (
        "Rapport d'activité 2019",
        "rapport_activite",
        2019,
        "SO Coopération",
        "gouvernance-citoyennete",
        17,
        "",
        False,
    ),
    (
        "Revue annuelle 2020",
        "rapport",
        2020,
        "SO Coopération",
        "gouvernance-citoyennete",
        17,
        "",
        True,
    ),
    (
        "Guide : territorialiser les ODD",
        "guide",
        2020,
        "Groupe territorialisation des ODD",
        "gouvernance-citoyennete",
        11,
        "",
        True,
    ),
    (
        "Note de cadrage du dispositif ODD-yssée",
        "compte_rendu",
        2020,
        "SO Coopération",
        "gouvernance-citoyennete",
        17,
        "",
        False,
    ),
    (
        "Les ODD : enjeux et limites",
        "fiche",
        2020,
        "SO Coopération",
        "environnement-climat",
        13,
        "",
        False,
    ),
    (
        "Relations Homme/Nature : support de formation",
        "outil",
        2020,
        "IFAID, Ifrée",
        "environnement-climat",
        15,
        "",
        False,
    ),
    (
        "Partenariat et emboîtement d'échelles",
        "fiche",
        2020,
        "IFAID, Ifrée",
        "gouvernance-citoyennete",
        17,
        "",
        False,
    ),
    (
        "Coopérer au Burkina Faso en contexte sécuritaire : compte rendu",
        "compte_rendu",
        2020,
        "Groupe pays Burkina Faso",
        "gouvernance-citoyennete",
        16,
        "BF",
        False,
    ),
    (
        "Madagascar : décentralisation et projets de développement",
        "compte_rendu",
        2020,
        "Groupe pays Madagascar",
        "gouvernance-citoyennete",
        16,
        "MG",
        False,
    ),
    (
        "Eau et assainissement : guide pour les collectivités",
        "guide",
        2020,
        "pS-Eau, SO Coopération",
        "eau-assainissement-hygiene",
        6,
        "",
        True,
    ),
    (
        "Qualité de l'eau de consommation : fiche pratique",
        "fiche",
        2020,
        "Réseau ACTEA (démo)",
        "eau-assainissement-hygiene",
        6,
        "BF",
        False,
    ),
    (
        "Monter un projet de solidarité internationale",
        "guide",
        2019,
        "SO Coopération",
        "education-formation",
        4,
        "",
        False,
    ),
    (
        "Chercher des financements : mode d'emploi",
        "fiche",
        2020,
        "SO Coopération",
        "economie-sociale-solidaire",
        17,
        "",
        False,
    ),
    (
        "Cartographie des acteurs néo-aquitains",
        "etude",
        2020,
        "Observatoire des ODD",
        "gouvernance-citoyennete",
        17,
        "",
        False,
    ),
    (
        "Genre et projets de coopération",
        "outil",
        2019,
        "Collectif de démonstration",
        "egalite-femmes-hommes",
        5,
        "",
        False,
    ),
    (
        "Sociétés civiles au Maghreb : repères",
        "etude",
        2020,
        "Groupe pays Maghreb",
        "culture",
        16,
        "MA",
        False,
    ),
    (
        "Travailler à distance avec ses partenaires",
        "fiche",
        2020,
        "SO Coopération",
        "numerique",
        9,
        "",
        False,
    ),
    (
        "Volontariat de solidarité internationale : les dispositifs",
        "guide",
        2020,
        "SO Coopération",
        "jeunesse-engagement",
        4,
        "",
        False,
    ),
    (
        "Webinaire « La santé des partenariats » : la vidéo",
        "video",
        2020,
        "SO Coopération",
        "sante",
        3,
        "MG",
        False,
    ),
]

# (title, kind, purpose, themes, countries, co-leads, sdgs)
GROUPS = [
    (
        "Territorialisation des ODD",
        "thematique",
        "Un groupe multi-acteurs et pluridisciplinaire qui accompagne le dispositif ODD-yssée : "
        "critères, formation, sélection des projets.",
        ("gouvernance-citoyennete",),
        (),
        [
            ("Camille Fictive", "Institut de formation (démo)"),
            ("Jules Exemple", "Collectivité (démo)"),
        ],
        (11, 17),
    ),
    (
        "Eau et assainissement",
        "thematique",
        "Valoriser les projets, mieux se connaître et créer des synergies autour de l'ODD 6, "
        "avec le pS-Eau.",
        ("eau-assainissement-hygiene",),
        (),
        [("Nadia Modèle", "Association (démo)")],
        (6,),
    ),
    (
        "Burkina Faso",
        "pays",
        "Échanger entre acteurs engagés au Burkina Faso, relayer les informations ciblées et "
        "adapter les partenariats au contexte sécuritaire.",
        (),
        ("BF",),
        [("Paul Essai", "Association (démo)"), ("Awa Démo", "Collectivité (démo)")],
        (),
    ),
    (
        "Madagascar",
        "pays",
        "Relancé en 2020, le premier groupe pays du réseau suit la décentralisation et ses effets "
        "sur les projets.",
        (),
        ("MG",),
        [("Hery Fictif", "Association (démo)")],
        (),
    ),
    (
        "Maghreb",
        "pays",
        "Comprendre les sociétés civiles du Maghreb et construire des partenariats durables.",
        (),
        ("MA", "DZ", "TN"),
        [("Leïla Exemple", "Université (démo)")],
        (),
    ),
    (
        "Togo",
        "pays",
        "Partager les expériences des acteurs néo-aquitains engagés au Togo.",
        (),
        ("TG",),
        [("Kossi Démo", "Association (démo)")],
        (),
    ),
]


def _body(*sentences: str) -> list[dict]:
    return [paragraph(p(*sentences))]


def _today() -> datetime.date:
    return timezone.localdate()


def news_specs() -> list[tuple[PageSpec, Relations]]:
    today = _today()
    specs = []
    for n, (title, category, theme, sdg, country, summary) in enumerate(NEWS):
        spec = PageSpec(
            NewsPage,
            slugify(title)[:80],
            title,
            static={
                "date": today - datetime.timedelta(days=4 * n + 1),
                "category": category,
                "summary_text": summary,
                "body": _body(
                    summary,
                    "Cette actualité de démonstration reprend un fait du rapport d'activité "
                    "2020 du réseau.",
                ),
            },
        )
        specs.append((spec, Relations((theme,), (sdg,), (country,) if country else ())))
    return specs


def call_specs() -> list[tuple[PageSpec, Relations]]:
    today = _today()
    specs = []
    for title, funder, programme, opening, closing, amounts, theme, sdg, colleges in CALLS:
        spec = PageSpec(
            CallForProjectsPage,
            slugify(title)[:80],
            title,
            static={
                "funder_name": funder,
                "programme": programme,
                "territory": "Nouvelle-Aquitaine",
                "opening_date": today + datetime.timedelta(days=opening),
                "closing_date": today + datetime.timedelta(days=closing),
                "amount_min": amounts[0],
                "amount_max": amounts[1],
                "summary_text": f"{programme} : un appel de {funder} (démonstration).",
                "body": "<p>Appel à projets de démonstration. Consultez le règlement complet "
                "sur le site du financeur.</p>",
            },
        )
        specs.append((spec, Relations((theme,), (sdg,), (), colleges)))
    return specs


def offer_specs() -> list[tuple[PageSpec, Relations]]:
    today = _today()
    specs = []
    for title, kind, structure, city, country, deadline, contract, theme in OFFERS:
        spec = PageSpec(
            OpportunityPage,
            slugify(title)[:80],
            title,
            static={
                "kind": kind,
                "structure_name": structure,
                "city": city,
                "contract": contract,
                "duration": contract.split(" de ")[-1] if " de " in contract else "",
                "deadline": today + datetime.timedelta(days=deadline),
                "start_date": today + datetime.timedelta(days=max(deadline, 0) + 30),
                "summary_text": f"{contract} à {city} (offre de démonstration).",
                "how_to_apply": "<p>Envoyez votre CV et une lettre de motivation à "
                "recrutement@exemple.org (adresse fictive).</p>",
            },
        )
        specs.append((spec, Relations((theme,), (), (country,) if country else ())))
    return specs


def resource_specs() -> list[tuple[PageSpec, Relations]]:
    specs = []
    for title, kind, year, authors, theme, sdg, country, featured in RESOURCES:
        spec = PageSpec(
            ResourcePage,
            slugify(title)[:80],
            title,
            static={
                "kind": kind,
                "year": year,
                "authors": authors,
                "featured": featured,
                "summary_text": f"{title} ({year}), par {authors}.",
            },
        )
        specs.append((spec, Relations((theme,), (sdg,), (country,) if country else ())))
    return specs


def group_specs() -> list[tuple[PageSpec, Relations]]:
    specs = []
    for title, kind, purpose, themes, countries, _leads, sdgs in GROUPS:
        spec = PageSpec(
            GroupPage,
            slugify(title)[:80],
            f"Groupe {title}" if kind == "thematique" else f"Groupe pays {title}",
            static={"kind": kind, "purpose": purpose},
        )
        specs.append((spec, Relations(themes, sdgs, countries)))
    return specs


INDEXES = [
    (
        NewsIndexPage,
        "actualites",
        "Actualités",
        "L'actualité du réseau, de ses membres et de la solidarité internationale.",
        news_specs,
    ),
    (
        CallIndexPage,
        "appels-a-projets",
        "Appels à projets",
        "Les appels à projets et financements repérés par notre veille.",
        call_specs,
    ),
    (
        OpportunityIndexPage,
        "offres",
        "Offres",
        "Emplois, stages, volontariats, services civiques et bénévolat.",
        offer_specs,
    ),
    (
        ResourceIndexPage,
        "ressources",
        "Ressources",
        "Guides, rapports, études, fiches pratiques et outils.",
        resource_specs,
    ),
    (
        GroupIndexPage,
        "groupes",
        "Groupes de travail",
        "Les groupes thématiques et les groupes pays du réseau.",
        group_specs,
    ),
]


def _sync_documents(run: DemoRun, page: ResourcePage) -> None:
    document = ensure_document(
        run,
        page.title,
        [f"{page.get_kind_display()} {page.year}", page.authors, "Document de démonstration."],
    )
    if [item.document_id for item in page.documents.all()] != [document.pk]:
        page.documents.all().delete()
        page.documents.create(document=document)
        page.save_revision().publish()


def _sync_co_leads(page: GroupPage, leads: list[tuple[str, str]]) -> None:
    if [(lead.name, lead.organisation) for lead in page.co_leads.all()] != leads:
        page.co_leads.all().delete()
        for order, (name, organisation) in enumerate(leads):
            page.co_leads.create(name=name, organisation=organisation, sort_order=order)
        page.save_revision().publish()


def editorial_step(run: DemoRun) -> str:
    home = run.pages["accueil"]
    counts: dict[str, Any] = {}
    for model, slug, title, introduction, builder in INDEXES:
        children = builder()
        index_spec = PageSpec(
            model,
            slug,
            title,
            static={"show_in_menus": True, "introduction": introduction},
            children=[spec for spec, _relations in children],
        )
        sync_pages(run, parent=home, specs=[index_spec])
        for spec, relations in children:
            page = run.pages[spec.slug]
            apply_relations(run, page, relations)
            if isinstance(page, ResourcePage):
                _sync_documents(run, page)
        counts[slug] = len(children)
    for title, _kind, _purpose, _themes, _countries, leads, _sdgs in GROUPS:
        _sync_co_leads(run.pages[slugify(title)[:80]], leads)
    documents = run.tally(DOCUMENTS)
    return (
        f"{counts['actualites']} actualités, {counts['appels-a-projets']} appels, "
        f"{counts['offres']} offres, {counts['ressources']} ressources, "
        f"{counts['groupes']} groupes ; {DOCUMENTS.phrase(documents.created, documents.updated)}"
    )


def search_promotions_step(run: DemoRun) -> str:
    """The editors manage the promoted search results and read the popular queries report
    (search/wagtail_hooks.py opens it to whoever manages the promotions)."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name=EDITORS_GROUP).first()
    if group is None:
        return "pas de groupe « Éditeurs »"
    wanted = Permission.objects.filter(
        content_type__app_label="wagtailsearchpromotions",
        codename__in=["add_searchpromotion", "change_searchpromotion", "delete_searchpromotion"],
    )
    missing = wanted.exclude(group=group)
    added = missing.count()
    group.permissions.add(*missing)
    return f"{added} permissions ajoutées" if added else "déjà en place"


def register() -> None:
    # After the directory (50): group pages list member actors; before the navigation (85),
    # so the five listings marked "show in menus" reach the header.
    register_step(order=60, label="Actualités, appels à projets, offres, ressources et groupes")(
        editorial_step
    )
    # After the accounts (90), which create the editors' group.
    register_step(order=95, label="Résultats de recherche promus : droits des éditeurs")(
        search_promotions_step
    )
