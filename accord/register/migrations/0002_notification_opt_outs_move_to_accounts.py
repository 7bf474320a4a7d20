"""Who turned which e-mail off is a person's preference (accounts), for every app's notifications:
copy the register's opt-outs there, then drop the register's table."""

from django.db import migrations


def _copy(apps, source, target):
    source, target = apps.get_model(*source), apps.get_model(*target)
    rows = source.objects.values_list("user_id", "kind")
    target.objects.bulk_create([target(user_id=u, kind=k) for u, k in rows], ignore_conflicts=True)


def copy_to_accounts(apps, schema_editor):
    _copy(apps, ("register", "NotificationOptOut"), ("accounts", "NotificationOptOut"))


def copy_back(apps, schema_editor):
    _copy(apps, ("accounts", "NotificationOptOut"), ("register", "NotificationOptOut"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_notification_opt_outs"),
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_accounts, copy_back),
        migrations.DeleteModel(name="NotificationOptOut"),
    ]
