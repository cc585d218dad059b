from django.db import migrations


class Migration(migrations.Migration):
    """The project's transition log shares core.workflow.TransitionRecord: from_stage/to_stage become
    from_status/to_status (a column rename; rows kept)."""

    dependencies = [
        ("inspections", "0007_opinion_batch_task"),
    ]

    operations = [
        migrations.RenameField(model_name="transition", old_name="from_stage", new_name="from_status"),
        migrations.RenameField(model_name="transition", old_name="to_stage", new_name="to_status"),
    ]
