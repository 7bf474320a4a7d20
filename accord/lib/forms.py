"""Form helpers shared by every app: Bootstrap styling, turning service errors into form errors, keeping
what a person typed after an edit conflict (``keep_typed``) and after a failed post that goes back to
its page (``keep_failed`` / ``kept_form``)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorDict
from django.http import HttpRequest, QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accord.lib.api import MAX_INT
from accord.lib.errors import Change, Conflict
from accord.lib.http import KEPT, SeeOther, page_path

F = TypeVar("F", bound=forms.BaseForm)


class Renderer(TemplatesSetting):
    """Renders ``{{ form }}`` with labels, help and errors next to each field (Bootstrap 5)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class StyledForm(forms.Form):
    default_renderer = Renderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class StyledModelForm(forms.ModelForm):
    default_renderer = Renderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        elif isinstance(widget, forms.HiddenInput):
            continue
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class VersionField(forms.IntegerField):
    """The version the form was loaded with: a stale one is refused by the service (optimistic lock)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_INT, **kwargs)


def add_service_error(form: forms.BaseForm, exc: ValidationError | Conflict) -> None:
    """Put a service's error on the form: field messages next to their field, the rest on top."""
    if isinstance(exc, Conflict):
        form.add_error(
            None,
            _(
                "Someone else changed this record while you were editing it. "
                "The form now shows their version; apply your change again."
            ),
        )
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- after an edit conflict: the typed values beside the saved ones ---------------------------------

_MISSING = object()


def keep_typed(form: forms.BaseForm, conflict: Conflict) -> None:
    """After ``conflict`` (a save from a stale version), keep what the person typed beside what is saved.

    The form stays bound to the typed values. Each field whose saved value differs from the typed one
    gets ``now_saved`` (the saved value as the field would show it) and ``now_saved_change`` (who
    changed it and when, where the audit trail tells), which forms/field.html shows under the input.
    The hidden ``version`` moves to the current one, so a second submit deliberately saves the typed
    values over theirs. A message on top says all this; ``form_status`` then answers 409.
    """
    current = conflict.current
    form.add_error(None, conflict_message(conflict))
    for name, field in form.fields.items():
        if name == "version" or field.disabled:
            continue
        saved = _saved_value(current, name)
        if saved is _MISSING or not field.has_changed(saved, form[name].data):
            continue
        field.now_saved = _shown(field, current, name, saved)  # type: ignore[attr-defined]
        field.now_saved_change = conflict.by_field.get(name)  # type: ignore[attr-defined]
        field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " border-warning").strip()
    data: Any = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
    data[form.add_prefix("version")] = str(current.version)
    form.data = data
    form.conflict = True  # type: ignore[attr-defined]


def conflict_message(conflict: Conflict) -> str:
    who = f" ({_when(conflict.last)})" if conflict.last else ""
    return gettext(
        "Someone else saved this record while you were editing it%(who)s. Your entries are kept below; "
        "where what is saved now differs, it is shown under the field. Save again to replace it with "
        "your entries, or leave this page to keep what is saved."
    ) % {"who": who}


def _when(change: Change) -> str:
    return f"{change.by}, {formats.date_format(timezone.localtime(change.at), 'DATETIME_FORMAT')}"


def form_status(form: forms.BaseForm) -> int:
    """409 for a form that ``keep_typed`` kept after a conflict, else 200."""
    return 409 if getattr(form, "conflict", False) else 200


def _saved_value(current: Any, name: str) -> Any:
    try:
        return current._meta.get_field(name).value_from_object(current)
    except (AttributeError, FieldDoesNotExist):
        return getattr(current, name, _MISSING)


def _shown(field: forms.Field, current: Any, name: str, value: Any) -> str:
    """``value`` as the person reads it in ``field``: a choice's label, a person's name, a date."""
    if value in (None, "", [], ()):
        return gettext("(empty)")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(field.label_from_instance(obj) for obj in value)
    if isinstance(field, forms.ModelChoiceField):
        related = getattr(current, name, None)
        return field.label_from_instance(related) if related is not None else str(value)
    if isinstance(field, forms.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in cast(Iterable[tuple[Any, Any]], field.choices)}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(labels.get(str(v), v)) for v in values)
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- after a failed post: back to the form's page, with what was typed -----------------------------

KEPT_FOR_SECONDS = 60 * 60  # what was typed is offered again for an hour, then forgotten


def keep_failed(request: HttpRequest, form: forms.BaseForm, to: str) -> SeeOther:
    """A failed post of ``form``: 303 to ``to``, the page the form lives on (which answers GET, so a
    reload shows that page), keeping what was typed and the form's messages in the session.

    That page shows them with ``kept_form``: the messages once, the typed values until the person
    posts from that page successfully (``post_only`` forgets them then) or an hour has passed."""
    kept = dict(request.session.get(KEPT, {}))
    data = form.data.lists() if hasattr(form.data, "lists") else ((k, [v]) for k, v in form.data.items())
    kept[_kept_key(type(form), page_path(to))] = {
        "data": [[k, list(v)] for k, v in data if k != "csrfmiddlewaretoken"],
        "errors": {name: [str(m) for m in messages] for name, messages in form.errors.items()},
        "at": time.time(),
    }
    request.session[KEPT] = kept
    response = SeeOther(to)
    response.kept_failed = True  # type: ignore[attr-defined]
    return response


def kept_form(request: HttpRequest, form_class: type[F], **kwargs: Any) -> F | None:
    """The ``form_class`` form of a failed post that ``keep_failed`` sent to this page, bound to what
    was typed: with its messages the first time, without them on a reload; None when nothing is kept."""
    kept = dict(request.session.get(KEPT) or {})
    key = _kept_key(form_class, request.path)
    entry = kept.get(key)
    if entry is None:
        return None
    if time.time() - entry.get("at", 0) > KEPT_FOR_SECONDS:
        del kept[key]
        request.session[KEPT] = kept
        return None
    data = QueryDict(mutable=True)
    for name, values in entry["data"]:
        data.setlist(name, values)
    form = form_class(data=data, **kwargs)
    form._errors = ErrorDict(  # type: ignore[attr-defined]
        {
            name: form.error_class(messages, error_class="nonfield" if name == NON_FIELD_ERRORS else None)
            for name, messages in entry["errors"].items()
        }
    )
    if entry["errors"]:
        kept[key] = entry | {"errors": {}}  # the messages were shown; the typed values stay
        request.session[KEPT] = kept
    return form


def _kept_key(form_class: type[forms.BaseForm], path: str) -> str:
    return f"{form_class.__name__} {path}"
