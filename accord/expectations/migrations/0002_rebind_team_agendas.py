"""Bind the shared expectations team's agendas to the expectations data (``expectations.sections``).

Relationships that scheduled a team meeting before this app existed have a SET agenda template (and
perhaps upcoming meetings) whose six default items bind to nothing, to the measurements or to the
register. An item still carrying its default title and its old default binding was never changed by
the relationship, so it takes the new default binding, in the template and in the agendas of meetings
not held yet (what the team will read next). An item someone renamed or rebound is their choice and
stays; a held meeting's agenda is a record of that meeting and stays as it was. Reversible: the items
this rebinds (default title, new binding) go back to the old bindings."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (the default title, its binding before, its binding now): accord/meetings/agendas.py, Kind.SET
REBIND = [
    ("Customer expectations", "", "expectations.customer"),
    ("Organization expectations", "", "expectations.organization"),
    ("Comparison of current performance against expectations", "measurements", "expectations.comparison"),
    ("Identification of gaps", "", "expectations.gaps"),
    ("Action plans to address the gaps", "register", "expectations.plans"),
    ("Measures to track and monitor the action plans", "measurements", "expectations.measures"),
]


def _rebind(apps: Any, *, forward: bool) -> None:
    TemplateItem = apps.get_model("meetings", "TemplateItem")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    for title, before, after in REBIND:
        old, new = (before, after) if forward else (after, before)
        TemplateItem.objects.filter(template__kind="set", title=title, binding=old).update(binding=new)
        AgendaItem.objects.filter(
            meeting__kind="set", meeting__status="scheduled", title=title, binding=old
        ).update(binding=new)


def forwards(apps: Any, schema_editor: Any) -> None:
    _rebind(apps, forward=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rebind(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("expectations", "0001_initial"),
        ("meetings", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
