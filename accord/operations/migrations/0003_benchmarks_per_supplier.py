"""Benchmarks become the supplier's. Rows imported before had no owner and are dropped: they are
re-imported from the licensed files by the supplier's admins."""

import django.db.models.deletion
from django.db import migrations, models


def drop_unowned(apps, schema_editor):
    apps.get_model("operations", "Benchmark").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0002_lighter_relationship_and_product_keys"),
        ("parties", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_unowned, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="benchmark", name="benchmark_key"),
        migrations.AddField(
            model_name="benchmark",
            name="supplier",
            field=models.ForeignKey(
                default=None,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="benchmarks",
                to="parties.party",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="benchmark",
            constraint=models.UniqueConstraint(
                fields=("supplier", "category", "measure", "month"), name="benchmark_key"
            ),
        ),
    ]
