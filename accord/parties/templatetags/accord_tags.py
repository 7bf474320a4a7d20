from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accord.lib.nav import relationship_tabs as registered_tabs

register = template.Library()


@register.inclusion_tag("parties/_tabs.html", takes_context=True)
def relationship_tabs(context: dict[str, Any], rel: Any, access: Any) -> dict[str, Any]:
    match = context["request"].resolver_match
    current = f"{match.namespace}:{match.url_name}" if match else ""
    tabs = []
    for tab in registered_tabs():
        if access.is_guest and not tab.for_guests:
            continue
        tabs.append(
            {
                "url": reverse(tab.url_name, args=[rel.slug]),
                "label": tab.label,
                "active": current in tab.active_on,
            }
        )
    return {"tabs": tabs}


@register.filter
def days_since(value: Any, today: date) -> int:
    """Whole days from a date or datetime to ``today``."""
    if value is None:
        return 0
    day = value.date() if hasattr(value, "date") and callable(value.date) else value
    return (today - day).days


STATUS_TONES = {
    "open": "primary",
    "in_progress": "info",
    "done": "warning",
    "verified": "success",
    "cancelled": "secondary",
}
PRIORITY_TONES = {"low": "light", "medium": "secondary", "high": "warning", "critical": "danger"}


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "secondary")


@register.filter
def priority_tone(priority: str) -> str:
    return PRIORITY_TONES.get(priority, "secondary")


@register.simple_tag(takes_context=True)
def overview_section(context: Any, template_name: str, section_context: dict[str, Any]) -> str:
    """Render one registered overview section with its own context plus the page's rel and access."""
    from django.template.loader import render_to_string

    page = {"rel": context.get("rel"), "access": context.get("access")}
    return render_to_string(template_name, {**page, **section_context}, request=context.get("request"))


@register.filter
def field_label(name: str, model_label: str = "register.actionitem") -> str:
    """The readable name of a model field, for timelines and audit trails."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        return str(apps.get_model(model_label)._meta.get_field(name).verbose_name)
    except (LookupError, FieldDoesNotExist):
        return name.replace("_", " ")


# Fields of a filter form that order or page the list rather than narrow it.
NOT_FILTERS = frozenset({"sort", "page"})


@register.filter
def active_filters(form: Any) -> int:
    """How many of a bound filter form's fields narrow the list (for "Filters (n active)"): a field left
    at what the page opens on (the form's ``opens_on``, e.g. the register's open work) is not counted."""
    if not getattr(form, "is_bound", False):
        return 0
    data = form.data
    opens_on = getattr(form, "opens_on", {})
    count = 0
    for name in form.fields:
        if name in NOT_FILTERS:
            continue
        key = form.add_prefix(name)
        values = data.getlist(key) if hasattr(data, "getlist") else [data.get(key)]
        if name in opens_on and sorted(values) == sorted(opens_on[name]):
            continue
        if any(value not in (None, "") for value in values):
            count += 1
    return count


PAGE_COUNTERS = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}


def _css_string(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ") + '"'
    )


@register.simple_tag
def page_of_pages() -> SafeString:
    """A PDF page footer's CSS ``content``: "Page 3 of 12" in the current language, one sentence to
    translate whose placeholders become the page counters (languages put them in other orders)."""
    parts = re.split(r"(%\(pages?\)s)", _("Page %(page)s of %(pages)s"))
    css = " ".join(PAGE_COUNTERS.get(part) or _css_string(part) for part in parts if part)
    return mark_safe(css)  # noqa: S308 (CSS strings escaped by _css_string, counters are constants)
