"""Private items take their numbers from their side's own series (register/numbering.py).

Forward: each relationship's private items, oldest number first, are renumbered into their side's
series (TLA-S0001…, TLA-C0001…); their old key stays an alias that only their own side resolves.
Shared items keep their numbers (a gap that an old private item left in the shared series stays:
renumbering shared items would break every link and printout that names them).

Backward (reversible on purpose): every item goes back to one series. A private item takes back its
latest old shared-series number if it has one (the series never reuses numbers, so it is free), else
the next number of the relationship's sequence (a private item made after this migration has no old
number). Where a private and a shared item share an external ID (allowed per series, not before), the
private one's ID gets its key appended so the old constraint holds.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


SUPPLIER, CUSTOMER = "S", "C"
COUNTER = {SUPPLIER: "last_supplier_private", CUSTOMER: "last_customer_private"}


def _check_now(schema_editor):
    """Run PostgreSQL's deferred foreign-key checks now: a table with pending checks cannot be altered,
    and the schema changes that follow (or precede, backwards) alter these tables."""
    if schema_editor is not None and schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def private_into_own_series(apps, schema_editor):
    Item = apps.get_model("register", "ActionItem")
    Alias = apps.get_model("register", "ItemAlias")
    Sequence = apps.get_model("register", "ItemSequence")
    Relationship = apps.get_model("parties", "Relationship")
    rel_ids = Item.objects.filter(visibility="private").values_list("relationship_id", flat=True).distinct()
    for rel in Relationship.objects.filter(pk__in=list(rel_ids)):
        sequence, _ = Sequence.objects.get_or_create(relationship=rel)
        last = {SUPPLIER: sequence.last_supplier_private, CUSTOMER: sequence.last_customer_private}
        aliases = []
        items = Item.objects.filter(relationship=rel, visibility="private").order_by("number")
        for item in items:
            series = SUPPLIER if item.private_party_id == rel.supplier_id else CUSTOMER
            aliases.append(
                Alias(
                    relationship=rel,
                    series="",
                    number=item.number,
                    item_id=item.pk,
                    private_party_id=item.private_party_id,
                )
            )
            last[series] += 1
            Item.objects.filter(pk=item.pk).update(series=series, number=last[series])
        Alias.objects.bulk_create(aliases)
        sequence.last_supplier_private, sequence.last_customer_private = last[SUPPLIER], last[CUSTOMER]
        sequence.save(update_fields=["last_supplier_private", "last_customer_private"])
    _check_now(schema_editor)


def back_into_one_series(apps, schema_editor):
    Item = apps.get_model("register", "ActionItem")
    Alias = apps.get_model("register", "ItemAlias")
    Sequence = apps.get_model("register", "ItemSequence")
    rel_ids = Item.objects.exclude(series="").values_list("relationship_id", flat=True).distinct()
    for rel_id in list(rel_ids):
        sequence, _ = Sequence.objects.get_or_create(relationship_id=rel_id)
        old = dict(
            Alias.objects.filter(relationship_id=rel_id, series="")
            .order_by("number")
            .values_list("item_id", "number")
        )  # the latest old shared-series number of each item
        taken_ids = set(
            Item.objects.filter(relationship_id=rel_id, series="")
            .exclude(external_id="")
            .values_list("external_id", flat=True)
        )
        for item in Item.objects.filter(relationship_id=rel_id).exclude(series="").order_by("series", "number"):
            number = old.get(item.pk)
            if number is None:
                sequence.last_number += 1
                number = sequence.last_number
            external_id = item.external_id
            if external_id and external_id in taken_ids:
                external_id = f"{external_id} ({item.series}{item.number})"[-100:]
            taken_ids.add(external_id)
            Item.objects.filter(pk=item.pk).update(series="", number=number, external_id=external_id)
        sequence.save(update_fields=["last_number"])
    _check_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('parties', '0002_supplier_category_basis'),
        ('register', '0002_notification_opt_outs_move_to_accounts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ItemAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('series', models.CharField(blank=True, choices=[('', 'Shared'), ('S', "Supplier's private"), ('C', "Customer's private")], max_length=1)),
                ('number', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.AlterModelOptions(
            name='actionitem',
            options={'ordering': ['-number', 'series']},
        ),
        migrations.RemoveConstraint(
            model_name='actionitem',
            name='item_unique_number',
        ),
        migrations.RemoveConstraint(
            model_name='actionitem',
            name='item_unique_external_id',
        ),
        migrations.AddField(
            model_name='actionitem',
            name='series',
            field=models.CharField(blank=True, choices=[('', 'Shared'), ('S', "Supplier's private"), ('C', "Customer's private")], default='', max_length=1, verbose_name='number series'),
        ),
        migrations.AddField(
            model_name='itemsequence',
            name='last_customer_private',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='itemsequence',
            name='last_supplier_private',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name='actionitem',
            constraint=models.UniqueConstraint(fields=('relationship', 'series', 'number'), name='item_unique_number'),
        ),
        migrations.AddConstraint(
            model_name='actionitem',
            constraint=models.UniqueConstraint(condition=models.Q(('external_id', ''), _negated=True), fields=('relationship', 'series', 'external_id'), name='item_unique_external_id'),
        ),
        migrations.AddField(
            model_name='itemalias',
            name='item',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='register.actionitem'),
        ),
        migrations.AddField(
            model_name='itemalias',
            name='private_party',
            field=models.ForeignKey(blank=True, help_text='The only side that knew the old key (the item was private then); empty: both.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parties.party'),
        ),
        migrations.AddField(
            model_name='itemalias',
            name='relationship',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='parties.relationship'),
        ),
        migrations.AddConstraint(
            model_name='itemalias',
            constraint=models.UniqueConstraint(fields=('relationship', 'series', 'number'), name='item_alias_unique_key'),
        ),
        migrations.RunPython(private_into_own_series, back_into_one_series),
    ]
