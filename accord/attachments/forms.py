from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.lib.forms import StyledForm


class UploadForm(StyledForm):
    file = forms.FileField(
        label=_("Add a file"),
        allow_empty_file=True,  # the service refuses an empty file with its own message
        max_length=1000,
        error_messages={"required": _("Choose a file to add.")},
    )
