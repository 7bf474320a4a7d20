"""The upload form of the data page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.lib.forms import StyledForm

# The kinds of operational data, in the order a supplier usually loads them.
KIND_LABELS = {
    "categories": _("TL 9000 product categories"),
    "products": _("Products (catalog)"),
    "installed-base": _("Installed base"),
    "shipments": _("Shipments"),
    "returns": _("Returns"),
    "repairs": _("Repairs"),
    "order-lines": _("Purchase order lines"),
    "problem-reports": _("Problem reports"),
    "support-tickets": _("Support tickets"),
    "benchmarks": _("TL 9000 benchmarks"),
}


class UploadForm(StyledForm):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=list(KIND_LABELS.items()))
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("CSV (UTF-8, comma separated) or XLSX (first sheet), with a header row."),
    )
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)
    ignore_extra = forms.BooleanField(label=_("Ignore columns Accord does not know"), required=False)
