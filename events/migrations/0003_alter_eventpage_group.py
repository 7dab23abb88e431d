"""The working group of an event is now `working_groups.GroupPage`: same table, no change in
the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_event_group'),
        ('working_groups', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.AlterField(
            model_name='eventpage',
            name='group',
            field=models.ForeignKey(blank=True, help_text="Le groupe thématique ou pays qui organise ou accueille l'événement.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='events', to='working_groups.grouppage', verbose_name='groupe de travail'),
        ),
        ]),
    ]
