"""The editors' moderation workflow ("Validation par l'équipe"), present in every database.

Created here rather than only when the first member space is provisioned, so that a fresh
database (and an editor who creates actor pages by hand) has it from the start. The group
approval task goes to the editors' group; the workflow is assigned to the directory page if
one exists already (a directory page created later gets it from a signal handler, see
`directory.signal_handlers`). Idempotent: it reuses what `services.ensure_moderation_workflow`
may have created. The reverse is a no-op: the workflow may hold moderation history."""

from django.db import migrations

# Frozen copies of `directory.services` constants: a migration never imports app code.
WORKFLOW_NAME = "Validation par l'équipe"
EDITORS_GROUP = "Éditeurs"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    DirectoryPage = apps.get_model("directory", "DirectoryPage")

    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        content_type, _created = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(
            name=WORKFLOW_NAME, content_type=content_type, active=True
        )
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for directory in DirectoryPage.objects.all():
        if not WorkflowPage.objects.filter(page_id=directory.pk).exists():
            WorkflowPage.objects.create(page_id=directory.pk, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("directory", "0005_project_partner_actors_live"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
