from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0008_operation_application_name"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="offerprice", name="one_price_per_offer_currency"),
        migrations.RemoveConstraint(model_name="offerprice", name="price_not_negative"),
        migrations.RenameField(model_name="offerprice", old_name="monthly_price", new_name="price"),
        migrations.RenameField(model_name="billingline", old_name="monthly_price", new_name="unit_price"),
    ]
