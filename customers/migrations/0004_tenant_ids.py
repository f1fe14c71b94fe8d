"""Tenant ids for partners and customers, derived from their names and domains (as `save()` does)."""

from django.db import migrations, models

from customers.models import tenant_id_for


def derive(apps, schema_editor):
    for model, kind, key in (("Partner", "partner", "name"), ("Customer", "customer", "domain")):
        rows = apps.get_model("customers", model).objects.all()
        for row in rows.only("pk", key):
            row.tenant_id = tenant_id_for(kind, getattr(row, key))
            row.save(update_fields=["tenant_id"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_time_zones")]

    operations = [
        migrations.AddField("partner", "tenant_id", models.UUIDField(null=True, editable=False)),
        migrations.AddField("customer", "tenant_id", models.UUIDField(null=True, editable=False)),
        migrations.RunPython(derive, migrations.RunPython.noop),
        migrations.AlterField(
            "partner", "tenant_id", models.UUIDField(unique=True, editable=False, verbose_name="tenant id")
        ),
        migrations.AlterField(
            "customer", "tenant_id", models.UUIDField(unique=True, editable=False, verbose_name="tenant id")
        ),
    ]
