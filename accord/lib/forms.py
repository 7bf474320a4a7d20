"""Form helpers shared by every app: Bootstrap styling and turning service errors into form errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from accord.lib.api import MAX_INT
from accord.lib.errors import Conflict


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
