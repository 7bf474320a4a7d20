"""Shipments and returns keep no index on product alone: only product deletion (refused while rows
use it) looks them up by product, and the index cost a tenth of a large import on PostgreSQL."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('operations', '0003_benchmarks_per_supplier'),
        ('parties', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='return',
            name='product',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parties.product'),
        ),
        migrations.AlterField(
            model_name='shipment',
            name='product',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parties.product'),
        ),
    ]
