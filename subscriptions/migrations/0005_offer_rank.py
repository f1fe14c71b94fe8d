from django.db import migrations, models


def set_ranks(apps, schema_editor):
    # Imported here so the migration keeps using historical models through `apps`.
    from subscriptions.catalog import set_ranks as set_catalog_ranks

    set_catalog_ranks(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0004_report_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="rank",
            field=models.PositiveSmallIntegerField(
                default=100,
                help_text="Lower ranks come first wherever offers are listed, as in the possible upgrades.",
                verbose_name="rank",
            ),
        ),
        migrations.AlterModelOptions(
            name="offer",
            options={"ordering": ["rank", "name"], "verbose_name": "offer", "verbose_name_plural": "offers"},
        ),
        migrations.AlterModelOptions(
            name="upgradepath",
            options={
                "ordering": ["source_offer__rank", "source_offer__name", "target_offer__rank", "target_offer__name"],
                "verbose_name": "upgrade path",
                "verbose_name_plural": "upgrade paths",
            },
        ),
        migrations.AlterConstraint(
            model_name="upgradepath",
            name="one_path_per_pair",
            constraint=models.UniqueConstraint(
                fields=("source_offer", "target_offer"),
                name="one_path_per_pair",
                violation_error_message="This upgrade path exists already.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="upgradepath",
            name="path_not_to_itself",
            constraint=models.CheckConstraint(
                condition=models.Q(("source_offer", models.F("target_offer")), _negated=True),
                name="path_not_to_itself",
                violation_error_message="An offer cannot be upgraded to itself.",
            ),
        ),
        migrations.RunPython(set_ranks, migrations.RunPython.noop),
    ]
