from django.db import migrations


def load_catalog(apps, schema_editor):
    # Imported here so the migration keeps using historical models through `apps`.
    from subscriptions.catalog import load_catalog as load

    load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0010_new_commerce"),
    ]

    operations = [
        migrations.RunPython(load_catalog, migrations.RunPython.noop),
    ]
