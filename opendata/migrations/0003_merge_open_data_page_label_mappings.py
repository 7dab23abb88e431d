from django.db import migrations


class Migration(migrations.Migration):
    """Joins the open-data page's and the label mappings' histories (no change of schema)."""

    dependencies = [
        ("opendata", "0001_open_data_page"),
        ("opendata", "0002_seed_thesaurus_sectors"),
    ]

    operations = []
