"""Where the demo password comes from: ACCORD_DEMO_PASSWORD, or one generated and kept in the data
directory (so a second `accord demo` can print the sign-ins again). Demo only."""

from __future__ import annotations

import os
import secrets

from django.conf import settings


def demo_password() -> str:
    given = os.environ.get("ACCORD_DEMO_PASSWORD", "").strip()
    if given:
        return given
    path = settings.DATA_DIR / "demo-password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = "demo-" + secrets.token_urlsafe(9)
    path.write_text(password)
    path.chmod(0o600)
    return password
