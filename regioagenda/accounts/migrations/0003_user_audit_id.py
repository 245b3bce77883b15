import uuid

from django.db import migrations, models


def give_each_user_an_id(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk"):
        User.objects.filter(pk=user.pk).update(audit_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="audit_id",
            field=models.UUIDField(null=True, verbose_name="pseudoniem in het auditlog"),
        ),
        migrations.RunPython(give_each_user_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="audit_id",
            field=models.UUIDField(
                default=uuid.uuid4, unique=True, verbose_name="pseudoniem in het auditlog"
            ),
        ),
    ]
