"""Seed the directory's vocabularies: the 17 SDGs (official French names, UN colours), the
network's five colleges and their structure types, the départements of Nouvelle-Aquitaine
and "hors région", the themes, the world regions and every ISO 3166-1 country
(from django-countries)."""

from django.db import migrations

# number, short name, official French title, UN colour, badge text colour (WCAG AA)
SDGS = [
    (1, "Pas de pauvreté", "Éliminer la pauvreté sous toutes ses formes et partout dans le monde", "#E5243B", "#FFFFFF"),
    (2, "Faim « zéro »", "Éliminer la faim, assurer la sécurité alimentaire, améliorer la nutrition et promouvoir l'agriculture durable", "#DDA63A", "#1D1D1B"),
    (3, "Bonne santé et bien-être", "Permettre à tous de vivre en bonne santé et promouvoir le bien-être de tous à tout âge", "#4C9F38", "#1D1D1B"),
    (4, "Éducation de qualité", "Assurer l'accès de tous à une éducation de qualité, sur un pied d'égalité, et promouvoir les possibilités d'apprentissage tout au long de la vie", "#C5192D", "#FFFFFF"),
    (5, "Égalité entre les sexes", "Parvenir à l'égalité des sexes et autonomiser toutes les femmes et les filles", "#FF3A21", "#1D1D1B"),
    (6, "Eau propre et assainissement", "Garantir l'accès de tous à l'eau et à l'assainissement et assurer une gestion durable des ressources en eau", "#26BDE2", "#1D1D1B"),
    (7, "Énergie propre et d'un coût abordable", "Garantir l'accès de tous à des services énergétiques fiables, durables et modernes, à un coût abordable", "#FCC30B", "#1D1D1B"),
    (8, "Travail décent et croissance économique", "Promouvoir une croissance économique soutenue, partagée et durable, le plein emploi productif et un travail décent pour tous", "#A21942", "#FFFFFF"),
    (9, "Industrie, innovation et infrastructure", "Bâtir une infrastructure résiliente, promouvoir une industrialisation durable qui profite à tous et encourager l'innovation", "#FD6925", "#1D1D1B"),
    (10, "Inégalités réduites", "Réduire les inégalités dans les pays et d'un pays à l'autre", "#DD1367", "#FFFFFF"),
    (11, "Villes et communautés durables", "Faire en sorte que les villes et les établissements humains soient ouverts à tous, sûrs, résilients et durables", "#FD9D24", "#1D1D1B"),
    (12, "Consommation et production responsables", "Établir des modes de consommation et de production durables", "#BF8B2E", "#1D1D1B"),
    (13, "Mesures relatives à la lutte contre les changements climatiques", "Prendre d'urgence des mesures pour lutter contre les changements climatiques et leurs répercussions", "#3F7E44", "#FFFFFF"),
    (14, "Vie aquatique", "Conserver et exploiter de manière durable les océans, les mers et les ressources marines aux fins du développement durable", "#0A97D9", "#1D1D1B"),
    (15, "Vie terrestre", "Préserver et restaurer les écosystèmes terrestres, en veillant à les exploiter de façon durable, gérer durablement les forêts, lutter contre la désertification, enrayer et inverser le processus de dégradation des sols et mettre fin à l'appauvrissement de la biodiversité", "#56C02B", "#1D1D1B"),
    (16, "Paix, justice et institutions efficaces", "Promouvoir l'avènement de sociétés pacifiques et ouvertes à tous aux fins du développement durable, assurer l'accès de tous à la justice et mettre en place, à tous les niveaux, des institutions efficaces, responsables et ouvertes à tous", "#00689D", "#FFFFFF"),
    (17, "Partenariats pour la réalisation des objectifs", "Renforcer les moyens de mettre en œuvre le Partenariat mondial pour le développement durable et le revitaliser", "#19486A", "#FFFFFF"),
]

# slug, name, short name, structure types (slug, name)
COLLEGES = [
    ("collectivites", "Collectivités territoriales", "Collectivités", [
        ("commune", "Commune"),
        ("intercommunalite", "Intercommunalité"),
        ("departement", "Département"),
        ("region", "Région"),
    ]),
    ("associations", "Associations, ONG et fondations", "Associations", [
        ("association", "Association"),
        ("ong", "ONG"),
        ("fondation", "Fondation"),
        ("collectif-diaspora", "Association de diaspora (OSIM)"),
    ]),
    ("universites", "Universités et organismes de formation", "Formation", [
        ("universite", "Université, école supérieure"),
        ("lycee", "Lycée, MFR"),
        ("organisme-formation", "Organisme de formation"),
    ]),
    ("acteurs-economiques", "Acteurs économiques", "Économie", [
        ("entreprise", "Entreprise"),
        ("cooperative", "Coopérative"),
        ("reseau-economique", "Chambre consulaire, réseau d'entreprises"),
    ]),
    ("autres-acteurs", "Autres acteurs", "Autres", [
        ("etablissement-public", "Établissement public"),
        ("reseau", "Réseau, fédération"),
        ("autre", "Autre"),
    ]),
]

DEPARTEMENTS = [
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("19", "Corrèze"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("33", "Gironde"),
    ("40", "Landes"),
    ("47", "Lot-et-Garonne"),
    ("64", "Pyrénées-Atlantiques"),
    ("79", "Deux-Sèvres"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
]

THEMES = [
    ("agriculture-souverainete-alimentaire", "Agriculture et souveraineté alimentaire"),
    ("eau-assainissement-hygiene", "Eau, assainissement, hygiène"),
    ("education-formation", "Éducation et formation"),
    ("sante", "Santé"),
    ("egalite-femmes-hommes", "Égalité femmes-hommes"),
    ("environnement-climat", "Environnement et climat"),
    ("economie-sociale-solidaire", "Économie sociale et solidaire"),
    ("culture", "Culture"),
    ("jeunesse-engagement", "Jeunesse et engagement"),
    ("migrations-developpement", "Migrations et développement"),
    ("gouvernance-citoyennete", "Gouvernance et citoyenneté"),
    ("numerique", "Numérique"),
    ("ecsi", "Éducation à la citoyenneté et à la solidarité internationale (ECSI)"),
    ("energie", "Énergie"),
]

WORLD_REGIONS = [
    ("afrique-ouest", "Afrique de l'Ouest",
     "BJ BF CV CI GM GH GN GW LR ML MR NE NG SN SL TG"),
    ("afrique-centrale", "Afrique centrale", "CM CF TD CG CD GQ GA ST"),
    ("afrique-est", "Afrique de l'Est et Grands Lacs", "BI DJ ER ET KE RW SO SS SD TZ UG"),
    ("afrique-australe", "Afrique australe", "AO BW LS MW MZ NA SZ ZA ZM ZW"),
    ("maghreb", "Maghreb", "DZ LY MA TN EH"),
    ("ocean-indien", "Océan Indien", "KM MG MU RE SC YT"),
    ("proche-moyen-orient", "Proche et Moyen-Orient",
     "AE BH EG IL IQ IR JO KW LB OM PS QA SA SY TR YE"),
    ("asie", "Asie",
     "AF BD BN BT CN HK ID IN JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TL "
     "TM TW UZ VN"),
    ("amerique-latine-caraibes", "Amérique latine et Caraïbes",
     "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GT GY HN HT JM KN "
     "KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI"),
    ("amerique-nord", "Amérique du Nord", "BM CA GL PM US"),
    ("europe", "Europe",
     "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE IM "
     "IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA"),
    ("oceanie", "Océanie",
     "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS"),
]


def seed(apps, schema_editor):
    from django_countries import countries

    Sdg = apps.get_model("directory", "SustainableDevelopmentGoal")
    College = apps.get_model("directory", "College")
    StructureType = apps.get_model("directory", "StructureType")
    Departement = apps.get_model("directory", "Departement")
    Theme = apps.get_model("directory", "Theme")
    WorldRegion = apps.get_model("directory", "WorldRegion")
    Country = apps.get_model("directory", "Country")

    for number, name, long_name, colour, text_colour in SDGS:
        Sdg.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "long_name": long_name,
                "colour": colour,
                "text_colour": text_colour,
            },
        )
    for order, (slug, name, short_name, types) in enumerate(COLLEGES, start=1):
        college, _ = College.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name, "sort_order": order}
        )
        for type_order, (type_slug, type_name) in enumerate(types, start=1):
            StructureType.objects.update_or_create(
                slug=type_slug,
                defaults={"name": type_name, "college": college, "sort_order": type_order},
            )
    for code, name in DEPARTEMENTS:
        Departement.objects.update_or_create(code=code, defaults={"name": name, "in_region": True})
    Departement.objects.update_or_create(
        code="HR", defaults={"name": "Hors région", "in_region": False}
    )
    for order, (slug, name) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})

    region_of = {}
    for order, (slug, name, codes) in enumerate(WORLD_REGIONS, start=1):
        region, _ = WorldRegion.objects.update_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
        for code in codes.split():
            region_of[code] = region
    for code, _name in countries:
        Country.objects.update_or_create(code=code, defaults={"region": region_of.get(code)})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
