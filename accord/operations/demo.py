"""Demo operational data: the installed base at the customers' sites (some of it recent enough, under a
year, for a customer site visit), and 36 months of shipments, order lines, returns, repairs, problem
reports and support tickets per relationship, with the monthly measurement facts computed from them."""

from __future__ import annotations

from datetime import timedelta

from accord.lib.demo import DemoContext, step
from accord.operations.models import (
    InstalledBase,
)

# relationship, site, product, quantity, days in service
INSTALLED = [
    ("northwind-telco-a", "ta-munich", "NW-R900", 6, 980),
    ("northwind-telco-a", "ta-munich", "NW-R900-LC", 48, 980),
    ("northwind-telco-a", "ta-munich", "NW-OTX-200", 12, 700),
    ("northwind-telco-a", "ta-hamburg", "NW-OTX-100", 20, 420),
    ("northwind-telco-a", "ta-hamburg", "NW-OTX-TP4", 80, 140),
    ("northwind-telco-a", "ta-hamburg", "NW-R550", 10, 120),
    ("northwind-telco-a", "ta-berlin", "NW-MW-E", 14, 95),
    ("northwind-telco-a", "ta-berlin", "NW-MW-IDU", 14, 95),
    ("northwind-telco-b", "tb-lyon", "NW-R550", 16, 610),
    ("northwind-telco-b", "tb-lyon", "NW-S48", 120, 400),
    ("northwind-telco-b", "tb-marseille", "NW-OTX-200", 8, 160),
    ("northwind-telco-b", "tb-marseille", "NW-OTX-AMP", 24, 160),
    ("photon-northwind", "nw-stuttgart", "PH-QSFP-400", 300, 200),
    ("photon-northwind", "nw-stuttgart", "PH-CFP2-DCO", 120, 450),
]


@step(30)
def installed_base(ctx: DemoContext) -> None:
    InstalledBase.objects.bulk_create(
        InstalledBase(
            relationship=ctx.relationships[rel],
            site=ctx.sites[site],
            product=ctx.products[product],
            quantity=qty,
            in_service_date=ctx.today - timedelta(days=days),
        )
        for rel, site, product, qty, days in INSTALLED
    )


# The operational history (step 50) lives in its own module; importing it registers its step.
from accord.operations import demo_history  # noqa: E402, F401
