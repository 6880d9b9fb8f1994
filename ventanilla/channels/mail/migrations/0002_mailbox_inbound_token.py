import secrets

from django.db import migrations, models

import ventanilla.channels.mail.models


def fill_tokens(apps, schema_editor):
    Mailbox = apps.get_model("mail", "Mailbox")
    for mailbox in Mailbox.objects.filter(inbound_token__isnull=True):
        mailbox.inbound_token = secrets.token_urlsafe(24)
        mailbox.save(update_fields=["inbound_token"])


class Migration(migrations.Migration):
    dependencies = [("mail", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="mailbox",
            name="inbound_token",
            field=models.CharField(
                max_length=64, null=True, verbose_name="inbound token"
            ),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mailbox",
            name="inbound_token",
            field=models.CharField(
                default=ventanilla.channels.mail.models._new_token,
                max_length=64,
                unique=True,
                verbose_name="inbound token",
            ),
        ),
    ]
