"""Demo action item registers: about 150 items over the last ~14 months, with genuine histories.

Every item is written through the real services (create, due-date moves, comments, workflow), so
timelines, counters and audit events are what a user would have produced; afterwards the item and
timeline timestamps are moved back to read as months of work ending before ``ctx.today``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from accord.lib.demo import DemoContext, step
from accord.parties.access import RelationshipAccess, access_from
from accord.register import services, workflow
from accord.register.demo_content import (
    CANCEL_NOTES,
    CUSTOMER_COMMENTS,
    DONE_NOTES,
    FATES,
    PRIVATE_COMMENTS,
    REGISTERS,
    REJECT_NOTES,
    REOPEN_NOTES,
    SUPPLIER_COMMENTS,
    Spec,
)
from accord.register.models import (
    ActionItem,
    ActionUpdate,
    OwnerSide,
    Priority,
    SourceKind,
    TaskForce,
    Visibility,
)

# --- who works each register (writers only; viewers may own items but never act) ------------------
WRITERS = {
    "northwind-telco-a": {"supplier": ["ada", "sam", "noah", "lena"], "customer": ["tom", "carol", "priya"]},
    "northwind-telco-b": {"supplier": ["ada", "sam", "noah", "lena"], "customer": ["mallory", "ben"]},
    "photon-northwind": {"supplier": ["omar", "ines"], "customer": ["ada", "sam", "noah", "lena"]},
}
KEEPER = {  # who keeps the register on each side (creates items raised by a viewer)
    "northwind-telco-a": {"supplier": "ada", "customer": "tom"},
    "northwind-telco-b": {"supplier": "ada", "customer": "mallory"},
    "photon-northwind": {"supplier": "omar", "customer": "ada"},
}
SITES = {
    "northwind-telco-a": ["Munich core data centre", "Hamburg metro POP", "Berlin network lab"],
    "northwind-telco-b": ["Lyon central office", "Marseille landing station"],
    "photon-northwind": ["Porto optical fab"],
}
MEETINGS = {
    "northwind-telco-a": ["Program review", "Quality review meeting", "Shared expectations team"],
    "northwind-telco-b": ["Program review", "Quality review meeting"],
    "photon-northwind": ["Supplier program review", "Supplier quality review"],
}

SIDES = {"S": OwnerSide.SUPPLIER, "C": OwnerSide.CUSTOMER, "J": OwnerSide.JOINT}
PRIORITIES = {"L": Priority.LOW, "M": Priority.MEDIUM, "H": Priority.HIGH, "C": Priority.CRITICAL}


@dataclass
class ItemPlan:
    rel: Any
    title: str
    side: str
    priority: str
    tag: str
    owner: str
    requester: str
    creator: str
    first_due: date
    created_at: datetime
    steps: list[tuple[datetime, str, Any]]  # (when, "comment" | "move" | "flow", detail)
    source_kind: str
    source_label: str


class Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.accesses: dict[tuple[int, int], RelationshipAccess] = {}
        self.item_times: dict[int, list[datetime]] = {}  # item pk → the time of each timeline entry
        self.item_stamps: dict[int, dict[str, datetime | None]] = {}

    # -- helpers ----------------------------------------------------------------------------------
    def access(self, key: str, rel: Any) -> RelationshipAccess:
        user = self.ctx.people[key]
        cache_key = (user.pk, rel.pk)
        if cache_key not in self.accesses:
            found = access_from(user, rel)
            assert found is not None, (key, rel.slug)
            self.accesses[cache_key] = found
        return self.accesses[cache_key]

    def pick_actor(self, rel: Any, item: ActionItem, action: str, preferred: list[str]) -> str:
        slug = rel.slug
        everyone = [*preferred, *WRITERS[slug]["supplier"], *WRITERS[slug]["customer"]]
        for key in dict.fromkeys(everyone):
            access = self.access(key, rel)
            if access.can_write and action in {a.name for a in workflow.allowed(access, item)}:
                return key
        raise AssertionError(f"nobody may {action} {item.reference}")

    def timeline(self, start: date, end: date, count: int, tz: ZoneInfo) -> list[datetime]:
        """``count`` increasing office-hour times, the first on ``start``, none after ``end``."""
        span = max((end - start).days, 0)
        days = sorted([0] + [self.rng.randint(0, span) for _ in range(count - 1)])
        out: list[datetime] = []
        for offset, group in itertools.groupby(days):
            minutes = sorted(self.rng.sample(range(8 * 60, 19 * 60), len(list(group))))
            day = start + timedelta(days=offset)
            out += [datetime.combine(day, time(m // 60, m % 60), tzinfo=tz) for m in minutes]
        return out

    # -- one item ---------------------------------------------------------------------------------
    def plan(self, rel: Any, spec: Spec, fate: str, due_kind: str) -> ItemPlan:
        """Who raises and works the item, and what happens to it when."""
        title, side_code, owners, priority, tag = spec
        rng, today, slug = self.rng, self.ctx.today, rel.slug
        side = SIDES[side_code]
        private = tag == "private"
        owner = rng.choice(owners.split())
        supplier, customer = WRITERS[slug]["supplier"], WRITERS[slug]["customer"]
        own_writers = supplier if side == OwnerSide.SUPPLIER else customer
        other_writers = customer if side == OwnerSide.SUPPLIER else supplier
        if private:
            requester = rng.choice([k for k in own_writers if k != owner])
        elif side == OwnerSide.JOINT:
            requester = rng.choice(supplier + customer)
        else:
            requester = rng.choice(other_writers)
        creator = requester if rng.random() < 0.7 else KEEPER[slug][self._side_of_key(slug, requester)]

        # The item's life runs from `born` to `last` (never today or later).
        if fate in ("verified", "verified_after_reject", "cancelled"):
            age = rng.randint(45, 425)
            born = today - timedelta(days=age)
            last = born + timedelta(days=rng.randint(20, min(180, age - 3)))
        elif fate == "done":
            age = rng.randint(25, 220)
            born = today - timedelta(days=age)
            last = today - timedelta(days=rng.randint(1, 12))
        elif fate in ("reopened", "reopened_after_verify"):
            age = rng.randint(120, 420)
            born = today - timedelta(days=age)
            last = today - timedelta(days=rng.randint(1, 25))
        else:
            age = rng.randint(4, 330)
            born = today - timedelta(days=age)
            last = today - timedelta(days=rng.randint(1, min(age - 1, 30)))

        # The workflow in order, with comments slotted in anywhere.
        flow: list[str] = {
            "open": [],
            "in_progress": ["start"],
            "done": ["start", "done"] if rng.random() < 0.7 else ["done"],
            "verified": ["start", "done", "verify"] if rng.random() < 0.75 else ["done", "verify"],
            "verified_after_reject": ["start", "done", "reject", "start", "done", "verify"],
            "reopened": ["start", "done", "reject"] + (["start"] if rng.random() < 0.6 else []),
            "reopened_after_verify": ["start", "done", "verify", "reopen"],
            "cancelled": (["start"] if rng.random() < 0.5 else []) + ["cancel"],
        }[fate]
        steps: list[tuple[str, Any]] = [("flow", action) for action in flow]
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            steps.insert(rng.randint(0, len(steps)), ("comment", None))
        tz = ZoneInfo(rel.time_zone or "UTC")
        times = self.timeline(born, last, 1 + len(steps), tz)
        ends = [
            at for (kind, action), at in zip(steps, times[1:], strict=True) if action in ("done", "cancel")
        ]

        # Due dates: the final one fits the fate; before it, the date was moved 1–3 times, each time
        # shortly before (or just after) the old date came due, to a date still ahead.
        if due_kind == "overdue":
            final_due = max(today - timedelta(days=rng.randint(1, 60)), born + timedelta(days=2))
            final_due = min(final_due, today - timedelta(days=1))
        elif due_kind == "soon":
            final_due = today + timedelta(days=rng.randint(1, 14))
        elif due_kind == "later":
            final_due = today + timedelta(days=rng.randint(15, 120))
        else:
            final_due = born + timedelta(days=rng.randint(21, 90))
        moves = 0
        if rng.random() < (0.6 if due_kind == "overdue" else 0.35):
            moves = rng.choice([1, 1, 1, 2, 2, 3])
        pushes = [rng.randint(14, 45) for _ in range(moves)]
        latest = min([last, *[at.date() - timedelta(days=1) for at in ends[:1]]])
        dues: list[date] = [final_due]
        move_times: list[tuple[datetime, date]] = []
        while pushes:  # fewer moves when the item's life has no room for them all
            dues, move_times = self._moves(final_due, pushes, born, latest, tz)
            if move_times:
                break
            pushes.pop()

        timed: list[tuple[datetime, int, str, Any]] = [
            (at, n, kind, detail) for n, ((kind, detail), at) in enumerate(zip(steps, times[1:], strict=True))
        ]
        timed += [(at, -1, "move", new) for at, new in move_times]
        timed.sort(key=lambda t: (t[0], t[1]))
        source_kind, source_label = self._source(slug, born)
        return ItemPlan(
            rel=rel,
            title=title,
            side=side,
            priority=PRIORITIES[priority],
            tag=tag,
            owner=owner,
            requester=requester,
            creator=creator,
            first_due=dues[0],
            created_at=times[0],
            steps=[(at, kind, detail) for at, _n, kind, detail in timed],
            source_kind=source_kind,
            source_label=source_label,
        )

    def execute(self, plan: ItemPlan, task_forces: dict[str, TaskForce]) -> None:
        """Do what the plan says through the services, then remember when each thing happened."""
        rng, rel, slug, side = self.rng, plan.rel, plan.rel.slug, plan.side
        private = plan.tag == "private"
        supplier, customer = WRITERS[slug]["supplier"], WRITERS[slug]["customer"]
        own_writers = supplier if side == OwnerSide.SUPPLIER else customer
        other_writers = customer if side == OwnerSide.SUPPLIER else supplier
        actors_own = [plan.owner, *(own_writers if side != OwnerSide.JOINT else supplier + customer)]
        item = services.create_item(
            access=self.access(plan.creator, rel),
            title=plan.title,
            owner_side=side,
            owner=self.ctx.people[plan.owner],
            task_force=task_forces.get(plan.tag),
            due_date=plan.first_due,
            priority=plan.priority,
            visibility=Visibility.PRIVATE if private else Visibility.SHARED,
            requested_by=self.ctx.people[plan.requester],
            source_kind=plan.source_kind,
            source_label=plan.source_label,
        )
        stamps: dict[str, datetime | None] = {"done_at": None, "closed_at": None}
        speaker_sides = [own_writers] if private else [supplier, customer]
        turn = rng.randint(0, 1)
        for at, kind, detail in plan.steps:
            if kind == "comment":
                writers = speaker_sides[turn % len(speaker_sides)]
                turn += 1
                if private:
                    pool = PRIVATE_COMMENTS
                else:
                    pool = SUPPLIER_COMMENTS if writers is supplier else CUSTOMER_COMMENTS
                services.comment(
                    access=self.access(rng.choice(writers), rel), item=item, body=rng.choice(pool)
                )
            elif kind == "move":
                mover = next(k for k in actors_own if self.access(k, rel).can_write)
                item = services.update_item(
                    access=self.access(mover, rel), item=item, version=item.version, due_date=detail
                )
            else:
                action = detail
                if action in ("verify", "reject", "reopen"):
                    preferred = [plan.requester] if private else [plan.requester, *other_writers]
                elif action == "cancel":
                    preferred = [plan.requester, *actors_own]
                else:
                    preferred = actors_own
                actor = self.pick_actor(rel, item, action, preferred)
                notes = {
                    "done": DONE_NOTES,
                    "reject": REJECT_NOTES,
                    "cancel": CANCEL_NOTES,
                    "reopen": REOPEN_NOTES,
                }
                item = services.transition(
                    access=self.access(actor, rel),
                    item=item,
                    version=item.version,
                    action=action,
                    note=rng.choice(notes[action]) if action in notes else "",
                )
                if action == "done":
                    stamps["done_at"] = at
                if action in ("verify", "cancel"):
                    stamps["closed_at"] = at
                if action in ("reject", "reopen"):
                    stamps["done_at"] = stamps["closed_at"] = None
        times = [plan.created_at, *(at for at, _kind, _detail in plan.steps)]
        self.item_times[item.pk] = times
        self.item_stamps[item.pk] = {**stamps, "created_at": times[0], "updated_at": times[-1]}

    def _moves(
        self, final_due: date, pushes: list[int], born: date, latest: date, tz: ZoneInfo
    ) -> tuple[list[date], list[tuple[datetime, date]]]:
        """The due dates before ``final_due`` and when each was moved; ([final_due], []) when impossible."""
        dues = [final_due]
        for push in pushes:
            dues.insert(0, dues[0] - timedelta(days=push))
        if dues[0] < born + timedelta(days=7):
            return [final_due], []
        move_times: list[tuple[datetime, date]] = []
        floor = born + timedelta(days=1)
        for old, new in itertools.pairwise(dues):
            lo = max(floor, old - timedelta(days=14))
            hi = min(old + timedelta(days=5), new - timedelta(days=1), latest)
            if lo > hi:
                return [final_due], []
            day = lo + timedelta(days=self.rng.randint(0, (hi - lo).days))
            at = datetime.combine(day, time(self.rng.randint(8, 18), self.rng.randint(0, 59)), tzinfo=tz)
            move_times.append((at, new))
            floor = day + timedelta(days=1)
        return dues, move_times

    @staticmethod
    def _side_of_key(slug: str, key: str) -> str:
        return "supplier" if key in WRITERS[slug]["supplier"] else "customer"

    def _source(self, slug: str, born: date) -> tuple[str, str]:
        roll = self.rng.random()
        month = born.strftime("%B %Y")
        if roll < 0.4:
            return SourceKind.MEETING, f"{self.rng.choice(MEETINGS[slug])}, {month}"
        if roll < 0.55:
            return SourceKind.FEEDBACK, f"Site visit, {self.rng.choice(SITES[slug])}, {month}"
        if roll < 0.7:
            return SourceKind.REPORT, f"Monthly quality report {born:%Y-%m}"
        return SourceKind.MANUAL, ""

    # -- back-dating ------------------------------------------------------------------------------
    def backdate(self) -> None:
        updates = list(
            ActionUpdate.objects.filter(item_id__in=list(self.item_times))
            .order_by("item_id", "id")
            .only("id", "item_id")
        )
        by_item: dict[int, list[ActionUpdate]] = {}
        for update in updates:
            by_item.setdefault(update.item_id, []).append(update)
        for item_id, entries in by_item.items():
            times = self.item_times[item_id]
            assert len(entries) == len(times), (item_id, len(entries), len(times))
            for update, at in zip(entries, times, strict=True):
                update.at = at
        ActionUpdate.objects.bulk_update(updates, ["at"], batch_size=500)
        for item_id, stamps in self.item_stamps.items():
            ActionItem.objects.filter(pk=item_id).update(**stamps)


def _due_kinds(rng: Any, count: int) -> list[str]:
    """For the items still open: about a third overdue, a quarter due within 14 days, the rest later."""
    overdue = round(count * 0.35)
    soon = round(count * 0.25)
    kinds = ["overdue"] * overdue + ["soon"] * soon + ["later"] * (count - overdue - soon)
    rng.shuffle(kinds)
    return kinds


def _task_forces(builder: Builder, rel: Any) -> dict[str, TaskForce]:
    people = builder.ctx.people
    ada = builder.access("ada", rel)
    line_cards = services.create_task_force(
        access=ada,
        name="Line card reliability task force",
        charter=(
            "Bring the R900-LC and OTX-100 line card return rate below the agreed 2026 target: "
            "root-cause the returns from Munich and Hamburg, contain affected date codes and verify "
            "the corrective actions in the field."
        ),
        lead=people["noah"],
        members=[people[k] for k in ("noah", "lena", "carol", "priya")],
    )
    delivery = services.create_task_force(
        access=ada,
        name="Delivery performance task force",
        charter=(
            "Restore on-time delivery to 95 % and repair turnaround to 10 days, with one shared "
            "definition of on time and a rolling forecast from Telco A."
        ),
        lead=people["sam"],
        members=[people[k] for k in ("sam", "ada", "tom", "priya")],
    )
    start = builder.ctx.today - timedelta(days=330)
    TaskForce.objects.filter(pk=line_cards.pk).update(
        created_at=datetime.combine(start, time(10, 0), tzinfo=ZoneInfo("Europe/Berlin"))
    )
    TaskForce.objects.filter(pk=delivery.pk).update(
        created_at=datetime.combine(
            start + timedelta(days=40), time(14, 30), tzinfo=ZoneInfo("Europe/Berlin")
        )
    )
    return {"lc": line_cards, "dl": delivery}


@step(40)
def action_items(ctx: DemoContext) -> None:
    # The demo is written in one transaction and would e-mail everyone about hundreds of invented
    # changes when it commits; notifications has no switch for that, so its enqueue hooks are
    # patched out for the duration of this step only.
    with (
        mock.patch("accord.register.notifications.on_commit_assigned"),
        mock.patch("accord.register.notifications.on_commit_status"),
        mock.patch("accord.register.notifications.on_commit_comment"),
        mock.patch("accord.register.notifications.on_commit_decision"),
    ):
        builder = Builder(ctx)
        for slug, specs in REGISTERS.items():
            rel = ctx.relationships[slug]
            task_forces = _task_forces(builder, rel) if slug == "northwind-telco-a" else {}
            fates = [fate for fate, n in FATES[slug].items() for _ in range(n)]
            assert len(fates) == len(specs), slug
            ctx.rng.shuffle(fates)
            still_open = sum(f in ("open", "in_progress", "reopened", "reopened_after_verify") for f in fates)
            due_kinds = iter(_due_kinds(ctx.rng, still_open))
            plans = []
            for spec, fate in zip(specs, fates, strict=True):
                is_open = fate in ("open", "in_progress", "reopened", "reopened_after_verify")
                plans.append(builder.plan(rel, spec, fate, next(due_kinds) if is_open else ""))
            # Numbered in the order they were raised, as a real register is.
            for plan in sorted(plans, key=lambda p: p.created_at):
                builder.execute(plan, task_forces)
        builder.backdate()


# -- files on items (accord.attachments) ---------------------------------------------------------------
DEMO_FILES = [  # (relationship, who adds it, which item: shared or private to their side, name, text)
    (
        "northwind-telco-a",
        "carol",
        "shared",
        "munich-core-alarm-log.log",
        "2026-11-03 02:14:07 MUC-CORE-07 R900-LC slot 3 ALARM LOS major\n"
        "2026-11-03 02:14:09 MUC-CORE-07 R900-LC slot 3 protection switch to slot 4\n"
        "2026-11-03 02:31:44 MUC-CORE-07 R900-LC slot 3 CLEAR LOS\n",
    ),
    (
        "northwind-telco-a",
        "sam",
        "private",
        "internal-rework-estimate.txt",
        "Rework estimate for the affected date codes (internal, Northwind only)\n"
        "Line cards to screen: 412\nEstimated hours: 96\n",
    ),
]


@step(45)
def item_files(ctx: DemoContext) -> None:
    """A log that Telco A attached to a shared item, and a note Northwind keeps on a private one."""
    import io

    from accord.attachments import kinds as attachment_kinds
    from accord.attachments import services as attachments
    from accord.attachments.models import Attachment

    when = datetime.combine(ctx.today - timedelta(days=2), time(9, 30), tzinfo=ZoneInfo("Europe/Berlin"))
    for slug, person, visibility, name, text in DEMO_FILES:
        rel = ctx.relationships[slug]
        access = access_from(ctx.people[person], rel)
        assert access is not None and access.party is not None
        items = ActionItem.objects.filter(relationship=rel)
        if visibility == "private":
            items = items.filter(visibility=Visibility.PRIVATE, private_party=access.party)
        else:
            items = items.filter(visibility=Visibility.SHARED)
        # the first open one, else the first
        item = items.filter(status__in=("open", "in_progress")).order_by("number").first() or items.first()
        if item is None:
            continue
        before = item.updated_at
        made = attachments.add(
            access=access,
            kind=attachment_kinds.get("action-item"),
            parent=item,
            upload=io.BytesIO(text.encode()),
            name=name,
        )
        Attachment.objects.filter(pk=made.pk).update(uploaded_at=when)
        ActionUpdate.objects.filter(pk=ActionUpdate.objects.filter(item=item).latest("id").pk).update(at=when)
        ActionItem.objects.filter(pk=item.pk).update(updated_at=max(before, when))
