"""The sector labels of the thesaurus the regional networks share, mapped to our themes, so
that a base exported from a sibling network's tool imports without teaching each one."""

from django.db import migrations

from opendata.text import normalise_label

# thesaurus sector label -> our theme's slug
SECTORS = {
    "Eau et assainissement": "eau-assainissement-hygiene",
    "Accès à l'eau potable": "eau-assainissement-hygiene",
    "Hygiène": "eau-assainissement-hygiene",
    "Agriculture": "agriculture-souverainete-alimentaire",
    "Sécurité alimentaire": "agriculture-souverainete-alimentaire",
    "Développement rural": "agriculture-souverainete-alimentaire",
    "Agroécologie": "agriculture-souverainete-alimentaire",
    "Éducation": "education-formation",
    "Formation professionnelle": "education-formation",
    "Enseignement supérieur et recherche": "education-formation",
    "Santé": "sante",
    "Accès aux soins": "sante",
    "Genre": "egalite-femmes-hommes",
    "Droits des femmes": "egalite-femmes-hommes",
    "Environnement": "environnement-climat",
    "Climat": "environnement-climat",
    "Biodiversité": "environnement-climat",
    "Gestion des déchets": "environnement-climat",
    "Développement économique": "economie-sociale-solidaire",
    "Économie sociale et solidaire": "economie-sociale-solidaire",
    "Microfinance": "economie-sociale-solidaire",
    "Insertion professionnelle": "economie-sociale-solidaire",
    "Commerce équitable": "economie-sociale-solidaire",
    "Culture et patrimoine": "culture",
    "Échanges culturels": "culture",
    "Jeunesse": "jeunesse-engagement",
    "Volontariat": "jeunesse-engagement",
    "Mobilité internationale des jeunes": "jeunesse-engagement",
    "Migrations": "migrations-developpement",
    "Codéveloppement": "migrations-developpement",
    "Gouvernance locale": "gouvernance-citoyennete",
    "Décentralisation": "gouvernance-citoyennete",
    "Droits humains": "gouvernance-citoyennete",
    "Démocratie et société civile": "gouvernance-citoyennete",
    "Numérique": "numerique",
    "TIC": "numerique",
    "Éducation à la citoyenneté mondiale": "ecsi",
    "Sensibilisation": "ecsi",
    "Énergie": "energie",
    "Énergies renouvelables": "energie",
}


def seed(apps, schema_editor):
    Theme = apps.get_model("directory", "Theme")
    LabelMapping = apps.get_model("opendata", "LabelMapping")
    themes = {theme.slug: theme for theme in Theme.objects.filter(slug__in=set(SECTORS.values()))}
    for label, slug in SECTORS.items():
        theme = themes.get(slug)
        if theme is None:  # renamed or removed by editors: nothing to map to
            continue
        LabelMapping.objects.get_or_create(
            kind="theme",
            normalised_label=normalise_label(label),
            defaults={"external_label": label, "theme": theme},
        )


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_label_mappings"), ("directory", "0002_seed_taxonomies")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
