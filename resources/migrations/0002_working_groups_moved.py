"""Working groups moved to their own app (`working_groups`): removed from this app's state
only; their tables stay (see working_groups/migrations/0001_initial.py)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0001_initial'),
        ('events', '0003_alter_eventpage_group'),
        ('working_groups', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.RemoveField(
            model_name='groupmeeting',
            name='group',
        ),
        migrations.RemoveField(
            model_name='grouppage',
            name='countries',
        ),
        migrations.RemoveField(
            model_name='grouppage',
            name='listing_image',
        ),
        migrations.RemoveField(
            model_name='grouppage',
            name='member_actors',
        ),
        migrations.RemoveField(
            model_name='grouppage',
            name='page_ptr',
        ),
        migrations.RemoveField(
            model_name='grouppage',
            name='sdgs',
        ),
        migrations.RemoveField(
            model_name='grouppage',
            name='social_image',
        ),
        migrations.RemoveField(
            model_name='grouppage',
            name='themes',
        ),
        migrations.DeleteModel(
            name='GroupCoLead',
        ),
        migrations.DeleteModel(
            name='GroupMeeting',
        ),
            migrations.DeleteModel(
            name='GroupPage',
        ),
            ]),
    ]
