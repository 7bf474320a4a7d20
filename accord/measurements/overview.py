"""What the measurements add to the relationship pages: the Measurements tab."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.lib import nav

nav.tab(40, "measurements:page", _("Measurements"), "measurements:records", "measurements:settings")
