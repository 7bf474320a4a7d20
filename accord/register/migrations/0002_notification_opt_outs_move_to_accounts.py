"""Who turned which e-mail off is a person's preference (accounts), for every app's notifications:
copy the register's opt-outs there, then drop the register's table."""

from django.db import migrations


def copy_to_accounts(apps, schema_editor):
    old = apps.get_model("register", "NotificationOptOut")
    new = apps.get_model("accounts", "NotificationOptOut")
    new.objects.bulk_create(
        [new(user_id=user_id, kind=kind) for user_id, kind in old.objects.values_list("user_id", "kind")],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("register", "NotificationOptOut")
    new = apps.get_model("accounts", "NotificationOptOut")
    old.objects.bulk_create(
        [old(user_id=user_id, kind=kind) for user_id, kind in new.objects.values_list("user_id", "kind")],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_notification_opt_outs"),
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_accounts, copy_back),
        migrations.DeleteModel(name="NotificationOptOut"),
    ]
