"""`ActorPage.map_feature`: the end of each actor's Feature in the map's GeoJSON (short
properties and geometry), precomputed; and an
index on the live pages' publication time, which the exports' cache key reads on every request
(`selectors.last_publication_marker`: with it, MAX() is one index probe, not a scan of every
page)."""

import orjson
from django.db import migrations, models


def fill_map_features(apps, schema_editor):
    """As `directory.selectors.map_feature_text` writes it (frozen here)."""
    ActorPage = apps.get_model("directory", "ActorPage")
    grouped = {"themes": {}, "sdgs": {}, "countries": {}}
    for name, path in (
        ("themes", "theme__slug"),
        ("sdgs", "sustainabledevelopmentgoal__number"),
        ("countries", "country__code"),
    ):
        through = getattr(ActorPage, name).through
        for actor_id, value in through.objects.values_list("actorpage_id", path):
            grouped[name].setdefault(actor_id, []).append(value)
    actors = []
    for pk, college, city, departement, latitude, longitude in ActorPage.objects.values_list(
        "pk", "college__slug", "city", "departement__code", "latitude", "longitude"
    ):
        if latitude is None or longitude is None:
            continue
        properties = orjson.dumps(
            {
                "college": college or "",
                "city": city or "",
                "dep": departement or "",
                "themes": sorted(grouped["themes"].get(pk, [])),
                "sdgs": sorted(grouped["sdgs"].get(pk, [])),
                "countries": sorted(str(code) for code in grouped["countries"].get(pk, [])),
            }
        ).decode()
        feature = (
            f'{properties[1:]},"geometry":{{"type":"Point",'
            f'"coordinates":[{round(longitude, 5)!r},{round(latitude, 5)!r}]}}}}'
        )
        actors.append(ActorPage(pk=pk, map_feature=feature))
    ActorPage.objects.bulk_update(actors, ["map_feature"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_moderation_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="actorpage",
            name="map_feature",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_map_features, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS directory_page_live_published "
            "ON wagtailcore_page (last_published_at) WHERE live",
            "DROP INDEX IF EXISTS directory_page_live_published",
        ),
    ]
