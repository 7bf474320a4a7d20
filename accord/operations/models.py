"""The supplier's operational data per relationship. The foundation holds the installed base;
shipments, returns, repairs and the rest join it with the measurements capability."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.parties.models import Product, Relationship, Site


class InstalledBase(models.Model):
    """Units of a product in service at one of the customer's sites."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="installed_base")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="installed_base")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="installed_base")
    quantity = models.PositiveIntegerField(_("quantity"))
    in_service_date = models.DateField(_("in service since"))
    serial = models.CharField(_("serial number"), max_length=100, blank=True)

    class Meta:
        ordering = ["site__name", "product__code", "in_service_date"]
        indexes = [models.Index(fields=["relationship", "in_service_date"])]
        verbose_name_plural = _("installed base")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product.code} at {self.site.name}"
