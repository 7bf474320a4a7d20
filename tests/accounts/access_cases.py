"""The access matrix's cases for accounts's routes (collected by ``tests/test_access_matrix.py``).

Sign-in, passwords, invitations, the profile page.
"""

from __future__ import annotations

from tests.access import Case, everyone

PAGES: dict[str, Case] = {
    "accounts:login": Case("GET", lambda w: "/accounts/login/", everyone(302, anonymous=200)),
    "accounts:logout": Case("POST", lambda w: "/accounts/logout/", everyone(302)),
    "accounts:password_change": Case("GET", lambda w: "/accounts/password/change/", everyone(200)),
    "accounts:password_reset": Case(
        "GET", lambda w: "/accounts/password/reset/", everyone(200, anonymous=200)
    ),
    "accounts:password_reset_done": Case(
        "GET", lambda w: "/accounts/password/reset/sent/", everyone(200, anonymous=200)
    ),
    "accounts:password_reset_confirm": Case(
        "GET", lambda w: "/accounts/password/reset/MQ/bogus-token/", everyone(200, anonymous=200)
    ),
    "accounts:password_reset_complete": Case(
        "GET", lambda w: "/accounts/password/reset/done/", everyone(200, anonymous=200)
    ),
    "parties:invitation": Case(
        "GET", lambda w: "/accounts/invitation/forged-token/", everyone(404, anonymous=404)
    ),
    "accounts:profile": Case("GET", lambda w: "/accounts/profile/", everyone(200)),
    "accounts:notifications": Case(
        "POST",
        lambda w: "/accounts/profile/notifications/",
        everyone(302),
        data=lambda w: {"assigned": "on"},
    ),
    "accounts:token_create": Case(
        "POST", lambda w: "/accounts/profile/tokens/", everyone(302), data=lambda w: {"name": "script"}
    ),
    "accounts:token_revoke": Case("POST", lambda w: "/accounts/profile/tokens/999/revoke/", everyone(404)),
}

API: dict[tuple[str, str], Case] = {}
