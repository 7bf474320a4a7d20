"""Three relationships whose every text field carries an isolation marker (see markers.py).

Northwind → Telco A (Fay facilitates), Northwind → Telco B (Mallory's), and Telco A → Northwind (Telco
A as the supplier of its own supplier). Each holds action items shared by each side and private to
each side, with comments, resolutions and a related-item link; a task force; every kind of
operational data, imported through the real pipeline from files whose names are markers (one of them
failing on a marked value); measurement settings. Each party has sites, people, API tokens and
invitations. Rows are written through the services, so audit events and e-mails are the real ones.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from accord.accounts import services as accounts
from accord.accounts.models import User
from accord.attachments import kinds as attachment_kinds
from accord.attachments import services as attachments
from accord.measurements import services as measurements
from accord.operations import services as operations
from accord.operations.models import BatchStatus
from accord.parties import services as parties
from accord.parties.access import relationship_for_user
from accord.parties.models import Guest, Membership, Party, ProductCategory, Relationship, Role
from accord.register import proposals
from accord.register import services as register
from accord.register.models import ActionItem
from tests.isolation.markers import Registry, Viewer
from tests.isolation.seed_expectations import seed_expectations
from tests.isolation.seed_feedback import seed_feedback
from tests.isolation.seed_meetings import seed_meetings
from tests.isolation.seed_reports import seed_reports
from tests.isolation.seed_topics import seed_topics

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Seeded:
    marks: Registry
    people: dict[str, User]
    relationships: dict[str, Relationship]  # TA, TB, AN
    parties: dict[str, Party]  # PNW, PTA, PTB
    tokens: dict[str, str] = field(default_factory=dict)  # person → raw API token
    invitation_tokens: list[str] = field(default_factory=list)
    mail: list[Any] = field(default_factory=list)  # every e-mail sent while seeding and by the digest

    def viewer(self, name: str) -> Viewer:
        user = self.people[name]
        return viewer_of(user, name)


def viewer_of(user: User, name: str = "") -> Viewer:
    """Whom the rule of markers.py sees in ``user``: their active memberships and guest seats."""
    member_of = Membership.objects.filter(user=user, is_active=True).values_list("party_id", flat=True)
    guest_of = Guest.objects.filter(user=user, is_active=True).values_list("relationship_id", flat=True)
    return Viewer(name or user.email, frozenset(member_of), frozenset(guest_of))


def _person(m: Registry, scope: str, first: str, domain: str, party: Party | None, role: str) -> User:
    mark = m.new(scope, "SH", "accounts.User.full_name")
    user = parties.create_user(
        actor=None,
        email=f"{first.lower()}.{m.new(scope, 'SH', 'accounts.User.email').lower()}@{domain}",
        full_name=f"{first} {mark}",
        password=PASSWORD,
    )
    accounts.update_profile(
        user=user,
        full_name=user.full_name,
        job_title=m.new(scope, "SH", "accounts.User.job_title"),
        time_zone="UTC",
    )
    if party is not None:
        parties.add_member(actor=None, party=party, user=user, role=role)
    return user


def _write(tmp: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _operational_data(
    m: Registry, s: str, user: User, rel: Relationship, site: str, product: str, tmp: Path
) -> None:
    """Every kind of operational data of ``rel``, its text columns marked, through the import pipeline."""

    def mk(model: str, column: str) -> str:
        return m.new(s, "SH", f"operations.{model}.{column}")

    ret = mk("Return", "return_id")
    files = {  # kind → {column: value}
        "installed-base": {
            "site": site,
            "product_code": product,
            "quantity": "4",
            "in_service_date": "2026-02-01",
            "serial": mk("InstalledBase", "serial"),
        },
        "shipments": {
            "shipment_id": mk("Shipment", "shipment_id"),
            "product_code": product,
            "ship_date": "2026-01-05",
            "quantity": "3",
            "serial": mk("Shipment", "serial"),
            "site": site,
            "order_id": mk("Shipment", "order_id"),
        },
        "returns": {
            "return_id": ret,
            "product_code": product,
            "received_date": "2026-03-01",
            "ship_date": "2026-01-05",
            "serial": mk("Return", "serial"),
            "reason": mk("Return", "reason"),
            "no_trouble_found": "no",
            "excluded_reason": mk("Return", "excluded_reason"),
        },
        "repairs": {
            "repair_id": mk("Repair", "repair_id"),
            "product_code": product,
            "received_date": "2026-03-02",
            "shipped_date": "2026-03-12",
            "return_id": ret,
            "finding": mk("Repair", "finding"),
        },
        "order-lines": {
            "order_id": mk("OrderLine", "order_id"),
            "line": mk("OrderLine", "line"),
            "product_code": product,
            "quantity": "3",
            "requested_date": "2026-01-05",
            "delivered_date": "2026-01-04",
            "delivered_quantity": "3",
        },
        "problem-reports": {
            "report_id": mk("ProblemReport", "report_id"),
            "received_date": "2026-01-05",
            "severity": "minor",
            "product_code": product,
            "duplicate_of": mk("ProblemReport", "duplicate_of"),
            "title": mk("ProblemReport", "title"),
        },
        "support-tickets": {
            "ticket_id": mk("SupportTicket", "ticket_id"),
            "opened_at": "2026-01-31T23:30:00Z",
            "severity": "2",
            "product_code": product,
            "category": mk("SupportTicket", "category"),
        },
    }
    access = relationship_for_user(user, pk=rel.pk, write=True)
    for kind, row in files.items():
        name = m.new(s, "SH", "operations.ImportBatch.file_name") + f"-{kind}.csv"
        path = _write(tmp, name, list(row), [list(row.values())])
        batch = operations.start_batch(access=access, kind=kind, upload_path=path, file_name=name)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.SUCCEEDED, (kind, batch.status, batch.errors)
    # A rejected import: its error names the marked value (the batch's errors).
    name = m.new(s, "SH", "operations.ImportBatch.file_name") + "-bad.csv"
    row = {
        "shipment_id": "S-bad",
        "product_code": product,
        "ship_date": mk("ImportBatch", "errors"),
        "quantity": "1",
    }
    path = _write(tmp, name, list(row), [list(row.values())])
    batch = operations.start_batch(access=access, kind="shipments", upload_path=path, file_name=name)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED, batch.status


@dataclass
class Side:
    writer: User  # creates the side's items
    owner: User  # another writer of the side, who is assigned some


def _register(m: Registry, s: str, rel: Relationship, supplier: Side, customer: Side, today: date) -> None:
    """Items shared by each side and private to each side, open (due soon, for the digest) and done."""

    def access(user: User) -> Any:
        return relationship_for_user(user, pk=rel.pk, write=True)

    tf = register.create_task_force(
        access=access(supplier.writer),
        name=m.new(s, "SH", "register.TaskForce.name"),
        charter=m.new(s, "SH", "register.TaskForce.charter"),
        lead=supplier.writer,
        members=[customer.writer],
    )
    kinds = [  # (marker visibility, creator, owner side, owner, visibility)
        ("SH", customer.writer, "supplier", supplier.writer, "shared"),
        ("SH", supplier.writer, "customer", customer.writer, "shared"),
        ("SUP", supplier.writer, "supplier", supplier.owner, "private"),
        ("CUS", customer.writer, "customer", customer.owner, "private"),
    ]
    for vis, creator, owner_side, owner, visibility in kinds:
        numbers = []
        for done in (False, True):
            item = register.create_item(
                access=access(creator),
                title=m.new(s, vis, "register.ActionItem.title"),
                description=m.new(s, vis, "register.ActionItem.description"),
                owner_side=owner_side,
                owner=owner,
                task_force=tf if vis == "SH" else None,
                due_date=today + timedelta(days=2),
                visibility=visibility,
                source_label=m.new(s, vis, "register.ActionItem.source_label"),
                source_url="https://example.com/" + m.new(s, vis, "register.ActionItem.source_url"),
                external_id=m.new(s, vis, "register.ActionItem.external_id"),
            )
            register.comment(
                access=access(creator), item=item, body=m.new(s, vis, "register.ActionUpdate.body")
            )
            if not done:  # a file whose name and bytes are markers (downloads, lists, exports, audit)
                content = m.new(s, vis, "attachments.Attachment.file") + " LOS alarm\n"
                attachments.add(
                    access=access(creator),
                    kind=attachment_kinds.get("action-item"),
                    parent=item,
                    upload=io.BytesIO(content.encode()),
                    name=m.new(s, vis, "attachments.Attachment.name") + ".log",
                )
            item = register.update_item(
                access=access(creator),
                item=item,
                version=item.version,
                title=m.new(s, vis, "register.ActionItem.title"),
            )
            if not done and visibility == "shared":  # the other side proposes a new due date
                proposer = customer.writer if owner_side == "supplier" else supplier.writer
                proposals.propose(
                    access=access(proposer),
                    item=item,
                    due_date=today + timedelta(days=30),
                    propose_due=True,
                    note=m.new(s, vis, "register.ActionUpdate.body"),
                )
            if done:
                item = register.transition(
                    access=access(owner), item=item, version=item.version, action="done",
                    note=m.new(s, vis, "register.ActionItem.resolution"),
                )  # fmt: skip
            numbers.append(item.key)
        if visibility == "private":  # a shared item of the side names its private one ("related: [] → [n]")
            side_writer = creator
            shared = (
                ActionItem.objects.filter(relationship=rel, visibility="shared").order_by("number").first()
            )
            assert shared is not None
            register.set_related(access=access(side_writer), item=shared, numbers=numbers)


def seed(tmp: Path, today: date) -> Seeded:
    m = Registry()
    nw = parties.create_party(actor=None, name="Northwind", slug="northwind", country="DE")
    ta = parties.create_party(actor=None, name="Telco A", slug="telco-a", country="DE")
    tb = parties.create_party(actor=None, name="Telco B", slug="telco-b", country="FR")
    m.scopes.update(PNW=nw, PTA=ta, PTB=tb)
    for key, party in (("PNW", nw), ("PTA", ta), ("PTB", tb)):
        party.name = f"{party.name} {m.new(key, 'SH', 'parties.Party.name')}"
        party.save(update_fields=["name"])
    rels = {}
    for key, sup, cus, slug, prefix in (
        ("TA", nw, ta, "northwind-telco-a", "TLA"),
        ("TB", nw, tb, "northwind-telco-b", "TLB"),
        ("AN", ta, nw, "telco-a-northwind", "TAN"),
    ):
        rel = parties.create_relationship(
            actor=None, supplier=sup, customer=cus, slug=slug, item_prefix=prefix
        )
        m.scopes[key] = rel
        rel.description = m.new(key, "SH", "parties.Relationship.description")
        rel.save(update_fields=["description"])
        rels[key] = rel
    people = {
        "ada": _person(m, "PNW", "Ada", "northwind.example", nw, Role.ADMIN),
        "sam": _person(m, "PNW", "Sam", "northwind.example", nw, Role.EDITOR),
        "val": _person(m, "PNW", "Val", "northwind.example", nw, Role.VIEWER),
        "tara": _person(m, "PTA", "Tara", "telco-a.example", ta, Role.ADMIN),
        "carol": _person(m, "PTA", "Carol", "telco-a.example", ta, Role.EDITOR),
        "vic": _person(m, "PTA", "Vic", "telco-a.example", ta, Role.VIEWER),
        "mallory": _person(m, "PTB", "Mallory", "telco-b.example", tb, Role.ADMIN),
        "fay": _person(m, "TA", "Fay", "facilitators.example", None, Role.VIEWER),
    }
    Guest.objects.create(user=people["fay"], relationship=rels["TA"])
    seeded = Seeded(marks=m, people=people, relationships=rels, parties={"PNW": nw, "PTA": ta, "PTB": tb})

    category = ProductCategory.objects.create(code="3.2.1", name="Optical transport")  # shared reference data
    sites, products = {}, {}
    for key, party, admin in (
        ("PNW", nw, people["ada"]),
        ("PTA", ta, people["tara"]),
        ("PTB", tb, people["mallory"]),
    ):
        site = parties.create_site(
            actor=admin, party=party, name=m.new(key, "SH", "parties.Site.name"),
            address=m.new(key, "SH", "parties.Site.address"), kind="customer", country="DE",
        )  # fmt: skip
        sites[key] = site.name
        product = parties.create_product(
            actor=admin, supplier=party, code=m.new(key, "SH", "parties.Product.code"),
            name=m.new(key, "SH", "parties.Product.name"), category=category,
            description=m.new(key, "SH", "parties.Product.description"),
        )  # fmt: skip
        products[key] = product.code
    for person, key in (("sam", "PNW"), ("carol", "PTA"), ("mallory", "PTB")):
        _, seeded.tokens[person] = accounts.create_api_token(
            user=people[person], name=m.new(key, "OWN", "accounts.ApiToken.name")
        )
    for actor, party, key in (
        (people["ada"], nw, "PNW"),
        (people["tara"], ta, "PTA"),
        (people["mallory"], tb, "PTB"),
    ):
        invitation = parties.invite(
            actor=actor, party=party, role=Role.EDITOR,
            email=m.new(key, "OWN", "parties.Invitation.email").lower() + "@invited.example",
            full_name=m.new(key, "OWN", "parties.Invitation.full_name"),
        )  # fmt: skip
        seeded.invitation_tokens.append(parties.invitation_token(invitation))
    guest = parties.invite_guest(
        actor=people["ada"], relationship=rels["TA"],
        email=m.new("TA", "SH", "parties.Invitation.email").lower() + "@guests.example",
        full_name=m.new("TA", "SH", "parties.Invitation.full_name"),
    )  # fmt: skip
    seeded.invitation_tokens.append(parties.invitation_token(guest))

    ada, sam, tara, carol, mallory = (people[p] for p in ("ada", "sam", "tara", "carol", "mallory"))
    _register(m, "TA", rels["TA"], Side(sam, ada), Side(carol, tara), today)
    _register(m, "TB", rels["TB"], Side(sam, ada), Side(mallory, mallory), today)
    _register(m, "AN", rels["AN"], Side(carol, tara), Side(sam, ada), today)
    seed_topics(m, "TA", rels["TA"], sam, carol)
    seed_topics(m, "TB", rels["TB"], sam, mallory)
    seed_topics(m, "AN", rels["AN"], carol, sam)
    seed_meetings(m, "TA", rels["TA"], sam, carol, today, facilitator=people["fay"])
    seed_meetings(m, "TB", rels["TB"], sam, mallory, today)
    seed_meetings(m, "AN", rels["AN"], carol, sam, today)
    _operational_data(m, "TA", sam, rels["TA"], sites["PTA"], products["PNW"], tmp)
    _operational_data(m, "TB", sam, rels["TB"], sites["PTB"], products["PNW"], tmp)
    _operational_data(m, "AN", carol, rels["AN"], sites["PNW"], products["PTA"], tmp)
    seed_expectations(m, "TA", rels["TA"], sam, carol)
    seed_expectations(m, "TB", rels["TB"], sam, mallory)
    seed_expectations(m, "AN", rels["AN"], carol, sam)
    seed_feedback(m, "TA", rels["TA"], sam, carol)
    seed_feedback(m, "TB", rels["TB"], sam, mallory)
    seed_feedback(m, "AN", rels["AN"], carol, sam)
    seed_reports(m, "TA", rels["TA"], sam)
    seed_reports(m, "TB", rels["TB"], sam)
    seed_reports(m, "AN", rels["AN"], carol)
    for key, admin in (("TA", ada), ("TB", ada), ("AN", tara)):
        current = measurements.settings_for(rels[key])
        measurements.update_settings(
            actor=admin,
            relationship=rels[key],
            version=current.version,
            frt_minor_days=current.frt_minor_days + 1,
        )
    return seeded
