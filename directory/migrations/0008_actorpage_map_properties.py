"""`ActorPage.map_properties` (JSON) replaces `map_feature` (the end of each actor's Feature
as text): the map's GeoJSON and feed are now built as dicts and serialised by orjson. The
column is filled from the database here, as `directory.services.refresh_map_properties`
fills it (frozen)."""

from collections import defaultdict

from django.db import migrations, models


def fill_map_properties(apps, schema_editor):
    ActorPage = apps.get_model("directory", "ActorPage")
    values = {name: defaultdict(list) for name in ("themes", "sdgs", "countries")}
    for name, path in (
        ("themes", "theme__slug"),
        ("sdgs", "sustainabledevelopmentgoal__number"),
        ("countries", "country__code"),
    ):
        through = getattr(ActorPage, name).through
        for actor_id, value in through.objects.values_list("actorpage_id", path):
            values[name][actor_id].append(str(value) if name == "countries" else value)
    actors = []
    for pk, college, city, departement in ActorPage.objects.values_list(
        "pk", "college__slug", "city", "departement__code"
    ):
        properties = {
            "college": college or "",
            "city": city or "",
            "dep": departement or "",
            "themes": sorted(values["themes"].get(pk, ())),
            "sdgs": sorted(values["sdgs"].get(pk, ())),
            "countries": sorted(values["countries"].get(pk, ())),
        }
        actors.append(ActorPage(pk=pk, map_properties=properties))
    ActorPage.objects.bulk_update(actors, ["map_properties"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_actorpage_map_feature"),
    ]

    operations = [
        migrations.RemoveField(model_name="actorpage", name="map_feature"),
        migrations.AddField(
            model_name="actorpage",
            name="map_properties",
            field=models.JSONField(default=None, editable=False, null=True),
        ),
        migrations.RunPython(fill_map_properties, migrations.RunPython.noop),
    ]
