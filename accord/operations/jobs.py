"""Periodic jobs of the operational data (run by `accord tick`)."""

from __future__ import annotations

from datetime import datetime

from accord.lib.periodic import periodic
from accord.operations import services


@periodic("operations.fail_stalled_imports", every="minute")
def fail_stalled_imports(now: datetime) -> str:
    """An import whose worker stopped (killed, crashed) is marked failed; its transaction left nothing."""
    return f"marked {services.fail_stalled_batches(now=now)} stalled imports failed"
