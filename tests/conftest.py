"""The test people of architecture.md and the world they live in.

Northwind (supplier): Ada (admin), Sam (editor), Val (viewer).
Telco A (customer of Northwind): Carol (editor), Vic (viewer).
Telco B (another customer of Northwind): Mallory (admin) — the stranger to Telco A.
Fay: facilitator of the Northwind–Telco A relationship.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from hypothesis import settings as hypothesis_settings

from accord.accounts.models import User
from accord.lib.demo import DemoContext, generate
from accord.operations.models import InstalledBase
from accord.parties import services
from accord.parties.models import Guest, Party, Product, ProductCategory, Relationship, Role, Site
from accord.reports import rendering

PASSWORD = "correct-horse-battery-staple"

# CI explores the same examples on every run, so a landing never hinges on a lucky draw;
# local runs keep searching new ones (and replay what they found from .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


# The day the demo tests build the demo for: a suite that passes or fails by the calendar blocks every
# landing on the wrong day. tests/test_demo_any_day.py checks the demo's stories on many other days.
DEMO_DAY = date(2026, 12, 4)


def _labelled(issue: Any) -> list[tuple[str, str, bytes]]:
    """Each edition's files as labels, not documents (``demo_built_for`` unless asked for them)."""
    from accord.reports import render

    return [
        (edition, fmt, f"{fmt} of {issue} ({edition})".encode())
        for edition in render.editions(issue.data)
        for fmt in ("html", "pdf", "xlsx")
    ]


@contextmanager
def demo_built_for(day: date, *, files: bool = False) -> Iterator[DemoContext]:
    """The demo built for ``day``, in a transaction rolled back at the end, with the clock at noon UTC
    of ``day`` meanwhile: the code under test reads "today" (overdue items, last month, recounts) off
    the clock, so the checks see the day the demo was built for. Needs database access (a module
    fixture wraps it in ``django_db_blocker.unblock()``). Each report file is stored as a label unless
    ``files`` asks for the real documents: only the reports' own demo checks read them, and rendering a
    year of reports takes most of a demo build's time."""
    with (
        time_machine.travel(datetime.combine(day, time(12), tzinfo=UTC)),
        mock.patch.object(rendering, "_files", rendering._files if files else _labelled),
        transaction.atomic(),
    ):
        ctx = generate(password="x-demo-pass-123", today=day)
        yield ctx
        transaction.set_rollback(True)


@dataclass
class World:
    northwind: Party
    telco_a: Party
    telco_b: Party
    nw_ta: Relationship
    nw_tb: Relationship
    ada: User
    sam: User
    val: User
    carol: User
    vic: User
    mallory: User
    fay: User
    nw_site: Site
    ta_site: Site
    tb_site: Site
    category: ProductCategory
    product: Product
    ta_installed: InstalledBase
    item: Any = None  # TLA-0001: shared, owned by Sam (supplier), requested by Carol
    private_item: Any = None  # TLA-S0001: private to Northwind (its own series), owned by Ada
    task_force: Any = None

    def people(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "ada": self.ada,
            "sam": self.sam,
            "val": self.val,
            "carol": self.carol,
            "vic": self.vic,
            "mallory": self.mallory,
            "fay": self.fay,
        }


def make_user(email: str, name: str, party: Party | None = None, role: str = Role.VIEWER) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    if party is not None:
        services.add_member(actor=None, party=party, user=user, role=role)
    return user


@pytest.fixture(autouse=True)
def each_test_starts_in_english_and_utc() -> Iterator[None]:
    """A test client's request leaves its person's language and time zone active in the thread (as a
    server thread does until its next request): the next test starts from Accord's defaults again."""
    yield
    translation.activate("en")
    timezone.deactivate()


@pytest.fixture
def world(db: Any) -> World:
    northwind = services.create_party(actor=None, name="Northwind Networks", slug="northwind", country="DE")
    telco_a = services.create_party(actor=None, name="Telco A", slug="telco-a", country="DE")
    telco_b = services.create_party(actor=None, name="Telco B", slug="telco-b", country="FR")
    nw_ta = services.create_relationship(
        actor=None, supplier=northwind, customer=telco_a, slug="northwind-telco-a", item_prefix="TLA"
    )
    nw_tb = services.create_relationship(
        actor=None, supplier=northwind, customer=telco_b, slug="northwind-telco-b", item_prefix="TLB"
    )
    fay = make_user("fay@facilitators.example", "Fay Facilitator")
    Guest.objects.create(user=fay, relationship=nw_ta)
    category = ProductCategory.objects.create(code="3.2.1", name="Optical transport")
    product = services.create_product(
        actor=None, supplier=northwind, code="NW-OTX-100", name="OTX-100", category=category
    )
    ta_site = services.create_site(
        actor=None, party=telco_a, name="Munich core", kind="customer", country="DE"
    )
    world = World(
        northwind=northwind,
        telco_a=telco_a,
        telco_b=telco_b,
        nw_ta=nw_ta,
        nw_tb=nw_tb,
        ada=make_user("ada@northwind.example", "Ada Quinn", northwind, Role.ADMIN),
        sam=make_user("sam@northwind.example", "Sam Patel", northwind, Role.EDITOR),
        val=make_user("val@northwind.example", "Val Ortiz", northwind, Role.VIEWER),
        carol=make_user("carol@telco-a.example", "Carol Nguyen", telco_a, Role.EDITOR),
        vic=make_user("vic@telco-a.example", "Vic Romero", telco_a, Role.VIEWER),
        mallory=make_user("mallory@telco-b.example", "Mallory Stone", telco_b, Role.ADMIN),
        fay=fay,
        nw_site=services.create_site(actor=None, party=northwind, name="Stuttgart HQ", country="DE"),
        ta_site=ta_site,
        tb_site=services.create_site(
            actor=None, party=telco_b, name="Lyon CO", kind="customer", country="FR"
        ),
        category=category,
        product=product,
        ta_installed=InstalledBase.objects.create(
            relationship=nw_ta, site=ta_site, product=product, quantity=7, in_service_date=date(2026, 6, 1)
        ),
    )
    from accord.parties.access import access_from
    from accord.register import services as register

    carol_access = access_from(world.carol, nw_ta)
    ada_access = access_from(world.ada, nw_ta)
    world.task_force = register.create_task_force(
        access=ada_access, name="Line card reliability", lead=world.sam, members=[world.carol]
    )
    world.item = register.create_item(
        access=carol_access,
        title="Root-cause the line card returns",
        owner_side="supplier",
        owner=world.sam,
        # neither overdue nor due soon, any day; on a 17th, which no test's literal due date is (a test
        # that moves it to a literal date would find it there on one calendar day)
        due_date=(timezone.localdate() + timedelta(days=3 * 365)).replace(day=17),
        task_force=world.task_force,
    )
    world.private_item = register.create_item(
        access=ada_access,
        title="Internal: margin impact of the fix",
        owner_side="supplier",
        owner=world.ada,
        visibility="private",
    )
    return world


@pytest.fixture
def as_user() -> Any:
    """``as_user(user)`` → a test client signed in as ``user`` (anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def pytest_configure(config: Any) -> None:
    from django.conf import settings
    from django.core.signals import setting_changed

    # Hashing real passwords dominates the suite's time; the hasher is not what the tests test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    # Background tasks run at once, inside the test; tests/system runs the real database queue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Tasks defined at import (accord.lib.mail) met the configured backend already: reset it, as
    # override_settings would.
    setting_changed.send(sender=type(settings), setting="TASKS", value=settings.TASKS, enter=True)


# The fixtures that one xdist worker builds once for several tests: module-scoped worlds in the
# database (a demo, the isolation sweep's tenants), which take seconds to minutes to build.
SHARED_SCOPES = ("module", "class", "package")
DATABASE_FIXTURES = {"django_db_setup", "django_db_blocker"}


@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the marks
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Under pytest-xdist (``make test`` runs ``--dist loadgroup``), the tests that share such a world
    go to one worker together, which builds it once, as a single process would: its module's group, one
    per parameter (each demo day is a group of its own, so the days spread over the workers). Other
    tests go one by one to whichever worker is free. Without xdist the mark does nothing."""
    if not config.pluginmanager.hasplugin("xdist"):  # -p no:xdist: the mark would be unknown
        return
    for item in items:
        for name in getattr(item, "fixturenames", ()):
            fixturedefs = item._fixtureinfo.name2fixturedefs.get(name)
            if not fixturedefs:
                continue
            fixturedef = fixturedefs[-1]
            if fixturedef.scope not in SHARED_SCOPES or not DATABASE_FIXTURES & set(fixturedef.argnames):
                continue
            if not fixturedef.func.__module__.startswith("tests."):  # pytest-django's own, per class
                continue
            group = item.nodeid.split("::")[0]
            callspec = getattr(item, "callspec", None)
            if callspec is not None and name in callspec.params:
                group += f"[{callspec.params[name]}]"
            item.add_marker(pytest.mark.xdist_group(group))
            break
