import uuid

from django.db import migrations, models


def first_stamp(apps, schema_editor):
    # The one row every process checks before trusting the catalog it keeps; a random token, as
    # every later edit gives it (docs/architecture.md "The catalog cache").
    CatalogVersion = apps.get_model("subscriptions", "CatalogVersion")
    CatalogVersion.objects.using(schema_editor.connection.alias).create(id=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0005_offer_rank"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="one_catalog_version")],
            },
        ),
        migrations.RunPython(first_stamp, migrations.RunPython.noop),
    ]
