"""Working groups leave the editorial app (`resources`) for their own app.

Their tables keep their names (`resources_grouppage`, `resources_groupcolead`,
`resources_groupmeeting` and the page's relation tables): this migration only tells Django's
state that the models now live here, and renames their content types in place, so that the
pages, their revisions, permissions, search entries and references keep pointing at them.
"""

import django.db.models.deletion
import modelcluster.fields
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


MODELS = ("grouppage", "groupcolead", "groupmeeting")


def _rename_content_types(apps, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor):
    _rename_content_types(apps, source="resources", target="working_groups")


def move_content_types_back(apps, schema_editor):
    _rename_content_types(apps, source="working_groups", target="resources")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('resources', '0001_initial'),
        ('directory', '0007_actorpage_map_feature'),
        ('home', '0002_accessibility_status'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='GroupPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('listing_summary', models.TextField(blank=True, help_text='Affiché sur les cartes et dans les résultats de recherche (300 caractères).', max_length=300, verbose_name='résumé pour les listes')),
                ('social_text', models.CharField(blank=True, max_length=255, verbose_name='texte de partage')),
                ('kind', models.CharField(choices=[('thematique', 'Groupe thématique'), ('pays', 'Groupe pays')], max_length=12, verbose_name='type de groupe')),
                ('purpose', models.TextField(max_length=600, verbose_name='objet du groupe')),
                ('body', wagtail.fields.RichTextField(blank=True, verbose_name='présentation')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='adresse de contact')),
                ('countries', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='+', to='directory.country', verbose_name='pays')),
                ('listing_image', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='home.customimage', verbose_name='image pour les listes')),
                ('member_actors', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='+', to='directory.actorpage', verbose_name='acteurs membres')),
                ('sdgs', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='+', to='directory.sustainabledevelopmentgoal', verbose_name='objectifs de développement durable')),
                ('social_image', models.ForeignKey(blank=True, help_text='Image montrée par les réseaux sociaux (1200 × 630 conseillé).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='home.customimage', verbose_name='image de partage')),
                ('themes', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='+', to='directory.theme', verbose_name='thématiques')),
            ],
            options={
                'verbose_name': 'groupe de travail',
                'verbose_name_plural': 'groupes de travail',
                'db_table': 'resources_grouppage',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='GroupMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('date', models.DateTimeField(verbose_name='date et heure')),
                ('title', models.CharField(max_length=255, verbose_name='intitulé')),
                ('place', models.CharField(blank=True, max_length=255, verbose_name='lieu ou lien de visioconférence')),
                ('link', models.URLField(blank=True, verbose_name='lien')),
                ('group', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='working_groups.grouppage')),
            ],
            options={
                'verbose_name': 'réunion',
                'verbose_name_plural': 'réunions',
                'db_table': 'resources_groupmeeting',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='GroupCoLead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('name', models.CharField(max_length=120, verbose_name='nom')),
                ('organisation', models.CharField(blank=True, max_length=255, verbose_name='structure')),
                ('group', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='co_leads', to='working_groups.grouppage')),
            ],
            options={
                'verbose_name': 'co-animateur',
                'verbose_name_plural': 'co-animateurs',
                'db_table': 'resources_groupcolead',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        ]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
