import secrets

from django.db import migrations, models


def first_stamp(apps, schema_editor):
    stamp = apps.get_model("core", "ConfigurationStamp")
    stamp.objects.using(schema_editor.connection.alias).create(
        pk=1, stamp=secrets.randbits(62)
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ConfigurationStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("stamp", models.BigIntegerField(verbose_name="stamp")),
            ],
            options={"verbose_name": "configuration stamp"},
        ),
        migrations.RunPython(first_stamp, migrations.RunPython.noop),
    ]
