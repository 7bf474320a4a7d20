"""A supplier's own normalization basis per product category (``SupplierCategoryBasis``).

Until now a products import's ``nu_basis`` overwrote the global ``ProductCategory.normalization_basis``,
which every supplier's relationships read: one supplier's import switched NPR's denominator for all.
The global value stays, as the default of suppliers that set nothing.

Existing data: categories that no import changed need nothing (every supplier keeps seeing their
default). Each import's change was audited (``product_category.updated``, on the category, with the
importing relationship and ``{"normalization_basis": [old, new]}``), so for the categories it did
change this migration

- gives each supplier whose imports changed a category that supplier's latest value as its own row;
- puts the category's default back to what it was before the first import changed it, unless it no
  longer holds the last import's value (someone set it since, e.g. in the admin: then it stays).

A supplier whose import only repeated the value then in force has no event and follows the default;
its next products import with that ``nu_basis`` sets its row. Reversing drops the rows (the table)
and leaves the defaults as they are. NPR's facts do not depend on the basis (the engine applies it
when reading), so nothing is recomputed.
"""

import django.db.models.deletion
from django.db import migrations, models

VERB = "product_category.updated"


def split_imported_bases(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ProductCategory = apps.get_model("parties", "ProductCategory")
    SupplierCategoryBasis = apps.get_model("parties", "SupplierCategoryBasis")

    events = AuditEvent.objects.filter(
        verb=VERB, object_type="parties.productcategory", relationship__isnull=False
    ).order_by("at", "pk")
    first_old: dict[int, str] = {}
    last_new: dict[int, str] = {}
    own: dict[tuple[int, int], str] = {}
    for object_id, supplier_id, changes in events.values_list(
        "object_id", "relationship__supplier_id", "changes"
    ):
        pair = changes.get("normalization_basis") if isinstance(changes, dict) else None
        if not (object_id.isdigit() and isinstance(pair, list) and len(pair) == 2 and all(pair)):
            continue
        old, new = pair
        category_id = int(object_id)
        first_old.setdefault(category_id, old)
        last_new[category_id] = new
        own[supplier_id, category_id] = new
    existing = set(ProductCategory.objects.filter(pk__in=first_old).values_list("pk", flat=True))
    SupplierCategoryBasis.objects.bulk_create(
        SupplierCategoryBasis(supplier_id=supplier_id, category_id=category_id, normalization_basis=basis)
        for (supplier_id, category_id), basis in sorted(own.items())
        if category_id in existing
    )
    for category_id in sorted(existing):
        ProductCategory.objects.filter(pk=category_id, normalization_basis=last_new[category_id]).update(
            normalization_basis=first_old[category_id]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('parties', '0001_initial'),
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SupplierCategoryBasis',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('normalization_basis', models.CharField(choices=[('shipped_12m', 'Units shipped in the last 12 months'), ('installed', 'Installed units at month end')], max_length=20, verbose_name='normalization basis')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supplier_bases', to='parties.productcategory')),
                ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='category_bases', to='parties.party')),
            ],
            options={
                'verbose_name': "supplier's normalization basis",
                'verbose_name_plural': "suppliers' normalization bases",
                'ordering': ['supplier__name', 'category__code'],
                'constraints': [models.UniqueConstraint(fields=('supplier', 'category'), name='supplier_category_basis_unique')],
            },
        ),
        migrations.RunPython(split_imported_bases, migrations.RunPython.noop),
    ]
