"""The sweep: every page (the URL resolver's routes filled with every seeded id of every relationship,
plus every link followed from them), every API operation of the OpenAPI document with every seeded id,
every export, as one person; the text each answer carries (body, CSV, the XML inside an XLSX, a PDF's
text, response headers such as Content-Disposition) is searched for markers.

A route or API parameter that cannot be filled fails the sweep: give it values in ``SEGMENTS`` (by URL
name and parameter), ``PK_MODELS`` or ``API_VALUES``, so a new route is swept the day it lands.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accord.api.main import api
from accord.lib.importing import importer_kinds
from accord.meetings.models import Kind
from accord.register.views_files import CONTENT_TYPES
from tests.access import url_routes
from tests.isolation.seed import Seeded

MAX_URLS = 6000  # per person (a supplier admin reads about 5,000 of the seed): more is a loop, not coverage
MAX_QUERY_VARIANTS = 6  # per path: filters and sort orders, not every combination of them
MAX_FILE_VARIANTS = 1  # per export (a PDF takes a third of a second): its filters are the page's
SKIP_PREFIXES = ("/static/", "/admin/", "/accounts/logout/")

# Values for the parameters of page routes. By (URL name, parameter) first, then by parameter.
PK_MODELS = {  # URL name → the model whose primary keys fill <int:pk>
    "accounts:token_revoke": "accounts.ApiToken",
    "parties:invitation_revoke": "parties.Invitation",
    "parties:membership_edit": "parties.Membership",
    "parties:site_edit": "parties.Site",
    "parties:product_edit": "parties.Product",
    "operations:batch": "operations.ImportBatch",
    "operations:batch_errors": "operations.ImportBatch",
    "operations:batch_retry": "operations.ImportBatch",
    "register:task_force": "register.TaskForce",
    "register:task_force_edit": "register.TaskForce",
    "attachments:download": "attachments.Attachment",
    "attachments:remove": "attachments.Attachment",
    **{
        f"meetings:{n}": "meetings.Topic"
        for n in ("topic", "topic_edit", "topic_status", "topic_link", "topic_unlink")
    },
    **{f"meetings:{n}": "meetings.Forecast" for n in ("forecast_edit", "forecast_delete")},
}
# Body fields whose schema alone does not give a valid value.
BODY_VALUES: dict[str, Any] = {"country": "DE"}
FILE_ROUTES = ("upload", "record", "download", "remove")
TEMPLATE_ROUTES = ("agenda_template", "template_item", "template_remove", "template_move")

SEGMENTS: dict[tuple[str, str], Callable[[Seeded], list[str]]] = {
    ("accounts:password_reset_confirm", "uidb64"): lambda s: ["MQ"],
    ("accounts:password_reset_confirm", "token"): lambda s: ["set-password"],
    # An invitation link is a signed secret that only its e-mail's reader holds (its page shows whom it
    # invites, as it must): the sweep tries each seeded invitation with a forged signature instead.
    ("parties:invitation", "token"): lambda s: [t.rsplit(":", 1)[0] + ":forged" for t in s.invitation_tokens],
    # A meeting's answer link and a calendar feed are secrets too (their pages show the meeting, as they
    # must): the sweep tries forged ones.
    ("meetings:answer", "token"): lambda s: ["forged-answer-token"],
    ("meetings:feed", "token"): lambda s: ["forged-feed-token"],
    # A relationship's agenda templates: each meeting kind; of their items, the seeded (marked) ones.
    **{(f"meetings:{n}", "kind"): lambda s: [str(k) for k in Kind] for n in TEMPLATE_ROUTES},
    **{(f"meetings:{n}", "item_id"): lambda s: _template_items() for n in TEMPLATE_ROUTES},
    # Files hang off a record (kind, its number): every item number, under every relationship.
    **{(f"attachments:{n}", "kind"): lambda s: ["action-item"] for n in FILE_ROUTES},
    **{(f"attachments:{n}", "ref"): lambda s: _numbers(s) for n in FILE_ROUTES},
    ("register:decide", "pk"): lambda s: _proposals(),
    ("register:decide", "decision"): lambda s: ["accepted"],
    # Expectations by their number in each relationship; a rating by its month.
    **{
        (name, "number"): lambda s: _expectation_numbers()
        for name, route in url_routes()
        if name.startswith("expectations:") and "<int:number>" in route
    },
    # Feedback: surveys by their number in each relationship, their responses by number; the invitation
    # link is a secret (its page shows its survey, as it must): the sweep tries a forged one.
    **{
        (name, "number"): lambda s: _survey_numbers()
        for name, route in url_routes()
        if name.startswith("feedback:") and "<int:number>" in route
    },
    ("feedback:door", "token"): lambda s: ["forged-survey-token"],
    # Reports: definitions by their number in each relationship, issues by period and revision, files in
    # each edition and format.
    **{
        (name, "number"): lambda s: _report_numbers()
        for name, route in url_routes()
        if name.startswith("reports:") and "<int:number>" in route
    },
    **{
        (name, "period"): lambda s: _report_periods()
        for name, route in url_routes()
        if name.startswith("reports:") and "<period:period>" in route
    },
    ("reports:file", "revision"): lambda s: ["1", "2"],
    ("reports:file", "edition"): lambda s: ["customer", "internal"],
    ("reports:file", "fmt"): lambda s: ["html", "pdf", "xlsx"],
    **{
        (name, "month"): lambda s: _rated_months()
        for name, route in url_routes()
        if name.startswith("expectations:") and "<str:month>" in route
    },
}


def _expectation_numbers() -> list[str]:
    numbers = apps.get_model("expectations.Expectation").objects.values_list("number", flat=True)
    return [str(n) for n in sorted(set(numbers))]


def _survey_numbers() -> list[str]:
    numbers = apps.get_model("feedback.Survey").objects.values_list("number", flat=True)
    return [str(n) for n in sorted(set(numbers))]


def _report_numbers() -> list[str]:
    numbers = apps.get_model("reports.ReportDefinition").objects.values_list("number", flat=True)
    return [str(n) for n in sorted(set(numbers))]


def _report_periods() -> list[str]:
    return sorted(set(apps.get_model("reports.ReportIssue").objects.values_list("period", flat=True)))


def _rated_months() -> list[str]:
    months = apps.get_model("expectations.Assessment").objects.filter(automatic=False)
    return sorted(set(months.values_list("month", flat=True)))


def _proposals() -> list[str]:
    updates = apps.get_model("register.ActionUpdate").objects.filter(kind="proposal")
    return [str(pk) for pk in updates.values_list("pk", flat=True)]


def _template_items() -> list[str]:
    items = apps.get_model("meetings.TemplateItem").objects.filter(title__startswith="MK-")
    return [str(pk) for pk in items.values_list("pk", flat=True)]


def _pks(label: str) -> list[str]:
    return [str(pk) for pk in apps.get_model(label).objects.values_list("pk", flat=True)]


def _numbers(s: Seeded) -> list[str]:
    """Every item key (7, S4, C2) and every old key (an alias) of any relationship."""
    keys = set()
    for label in ("register.ActionItem", "register.ItemAlias"):
        keys |= {
            f"{series}{n}" for series, n in apps.get_model(label).objects.values_list("series", "number")
        }
    return sorted(keys)


def _slugs(s: Seeded, route: str, name: str) -> list[str]:
    if route.startswith("r/<slug:slug>"):
        return [r.slug for r in s.relationships.values()]
    if route.startswith("parties/<slug:slug>"):
        return [p.slug for p in s.parties.values()]
    raise LookupError(f"{name} ({route}): which slugs? Give them in tests/isolation/sweep.py SEGMENTS")


VALUES: dict[str, Callable[[Seeded, str, str], list[str]]] = {
    "slug": _slugs,
    "number": lambda s, route, name: _numbers(s),
    "pk": lambda s, route, name: _pks(PK_MODELS[name]) if name in PK_MODELS else _unfilled(name, route, "pk"),
    "kind": lambda s, route, name: importer_kinds(),
    "fmt": lambda s, route, name: sorted(CONTENT_TYPES),
    # meetings (their minutes): every seeded meeting, agenda item, decision; the first two revisions
    "meeting_id": lambda s, route, name: _pks("meetings.Meeting"),
    "item_id": lambda s, route, name: _template_items(),  # a meeting's agenda items: MEETING_ROWS
    "decision_id": lambda s, route, name: _pks("meetings.Outcome"),
    "attendee_id": lambda s, route, name: _pks("meetings.Attendee"),
    "pack_id": lambda s, route, name: _pks("meetings.Pack"),
    "rev": lambda s, route, name: ["1", "2"],
    "gap_id": lambda s, route, name: _pks("expectations.Gap"),
    "response": lambda s, route, name: ["1", "2"],
    "answer_id": lambda s, route, name: _pks("feedback.Answer"),
    "proposal_id": lambda s, route, name: _pks("feedback.Proposal"),
    "invitation_id": lambda s, route, name: _pks("feedback.Invitation"),
}

API_VALUES: dict[str, Callable[[Seeded], list[str]]] = {
    "rel_id": lambda s: [str(r.pk) for r in s.relationships.values()],
    "number": _numbers,
    "site_id": lambda s: _pks("parties.Site"),
    "product_id": lambda s: _pks("parties.Product"),
    "tf_id": lambda s: _pks("register.TaskForce"),
    "batch_id": lambda s: _pks("operations.ImportBatch"),
    "kind": lambda s: ["action-item"],
    "attachment_id": lambda s: _pks("attachments.Attachment"),
    # a proposal on an item (the register) or from feedback (a survey's): both kinds' ids
    "proposal_id": lambda s: sorted(set(_proposals()) | set(_pks("feedback.Proposal"))),
    "topic_id": lambda s: _pks("meetings.Topic"),
    "forecast_id": lambda s: _pks("meetings.Forecast"),
    "meeting_id": lambda s: _pks("meetings.Meeting"),
    "item_id": lambda s: _template_items(),  # a meeting's agenda items: MEETING_ROWS
    "decision_id": lambda s: _pks("meetings.Outcome"),
    "attendee_id": lambda s: _pks("meetings.Attendee"),
    "meeting_kind": lambda s: [str(k) for k in Kind],
    "pack_id": lambda s: _pks("meetings.Pack"),
    "revision": lambda s: ["1", "2"],
    "expectation_id": lambda s: _pks("expectations.Expectation"),
    "gap_id": lambda s: _pks("expectations.Gap"),
    "template_version": lambda s: ["1", "2"],
    "survey_number": lambda s: _survey_numbers(),
    "invitation_id": lambda s: _pks("feedback.Invitation"),
    "response_number": lambda s: ["1", "2"],
    "answer_id": lambda s: _pks("feedback.Answer"),
    "definition_number": lambda s: _report_numbers(),
    "period": lambda s: _report_periods(),
    "edition": lambda s: ["customer", "internal"],
    "fmt": lambda s: ["html", "pdf", "xlsx"],
}


def _unfilled(name: str, route: str, param: str) -> list[str]:
    raise LookupError(
        f"{name} ({route}): no values for <{param}>; add them to SEGMENTS or PK_MODELS in sweep.py"
    )


PARAM = re.compile(r"<(?:\w+:)?(\w+)>")

# A meeting's rows are tried under their own meeting and under one meeting of another relationship, not
# under every meeting (the product grows as the square of the meetings); of the agenda items, each
# meeting's first and last (the seeded, marked one).
MEETING_ROWS = {
    "item_id": "meetings.AgendaItem",
    "decision_id": "meetings.Outcome",
    "attendee_id": "meetings.Attendee",
    "pack_id": "meetings.Pack",
}


def _in_meetings(param: str) -> list[tuple[str, str]]:
    """(meeting id, row id) pairs of the rows filling ``param``: each under its own meeting and under a
    meeting of another relationship."""
    rows = apps.get_model(MEETING_ROWS[param]).objects.values_list(
        "pk", "meeting_id", "meeting__relationship_id"
    )
    found = list(rows.order_by("meeting_id", "pk"))
    if param == "item_id":
        by_meeting: dict[int, list[Any]] = {}
        for row in rows.order_by("meeting_id", "position"):
            by_meeting.setdefault(row[1], []).append(row)
        found = [r for items in by_meeting.values() for r in dict.fromkeys([items[0], items[-1]])]
    meetings = dict(apps.get_model("meetings.Meeting").objects.values_list("relationship_id", "pk"))
    pairs = []
    for pk, meeting, rel in found:
        pairs.append((str(meeting), str(pk)))
        pairs += [(str(other), str(pk)) for r, other in sorted(meetings.items()) if r != rel][:1]
    return pairs


def combinations(params: list[str], values: Callable[[str], list[str]]) -> Iterable[dict[str, str]]:
    """Every combination of the values of a route's parameters (a meeting's rows: see MEETING_ROWS)."""
    row = next((p for p in params if p in MEETING_ROWS), None)
    if "meeting_id" in params and row is not None:
        rest = [p for p in params if p not in ("meeting_id", row)]
        for meeting, pk in _in_meetings(row):
            for combo in itertools.product(*(values(p) for p in rest)):
                yield {"meeting_id": meeting, row: pk, **dict(zip(rest, combo, strict=True))}
        return
    for combo in itertools.product(*(values(p) for p in params)):
        yield dict(zip(params, combo, strict=True))


def page_urls(s: Seeded) -> list[str]:
    """Every page route, with every combination of seeded values of its parameters."""
    urls = []
    for name, route in url_routes():
        params = PARAM.findall(route)
        if name.startswith(("admin:", "api:")):
            continue
        if not name or ":" not in name:
            assert not params, f"an unnamed route with parameters cannot be swept: {route}"
            urls.append("/" + route)
            continue

        def values(param: str, name: str = name, route: str = route) -> list[str]:
            if (name, param) in SEGMENTS:
                return SEGMENTS[(name, param)](s)
            if param in VALUES:
                return VALUES[param](s, route, name)
            return _unfilled(name, route, param)

        urls += [reverse(name, kwargs=kwargs) for kwargs in combinations(params, values)]
    return urls


def _example(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A value that passes ``schema``'s validation (so a write reaches the door, not the parser)."""
    if "$ref" in schema:
        return _example(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec)
    for key in ("anyOf", "allOf", "oneOf"):
        if key in schema:
            return _example(schema[key][0], spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {
            k: BODY_VALUES.get(k, _example(props[k], spec)) for k in schema.get("required", []) if k in props
        }
    formats = {"date": "2026-12-10", "date-time": "2026-12-10T10:00:00Z", "email": "sweep@example.com"}
    return {
        "string": formats.get(schema.get("format", ""), "sweep"),
        "integer": 1,
        "number": 1,
        "boolean": False,
        "array": [],
    }.get(kind)


def _choices(schema: dict[str, Any], spec: dict[str, Any]) -> list[Any]:
    """The values a query parameter offers (an enum, of an array's items, behind a reference)."""
    if "$ref" in schema:
        return _choices(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec)
    if "items" in schema:
        return _choices(schema["items"], spec)
    found = list(schema.get("enum", []))
    for alternative in schema.get("anyOf", []):
        found += _choices(alternative, spec)
    return found


def _body(op: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    """A JSON body for the operation, or None for an upload (multipart: a small shipments file)."""
    content = op.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        return None
    if "application/json" not in content:
        return {}
    return _example(content["application/json"]["schema"], spec) or {}


def _upload() -> dict[str, Any]:
    rows = b"shipment_id,product_code,ship_date,quantity\r\nS-sweep,none,2026-01-05,1\r\n"
    return {"kind": "shipments", "file": SimpleUploadedFile("sweep.csv", rows, content_type="text/csv")}


def api_requests(s: Seeded, *, writes: bool) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(method, URL, JSON body) of every API operation with every seeded id; GETs, and the writes (with
    a body that passes validation) if asked."""
    schema = api.get_openapi_schema()
    found: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/api/v1/openapi.json", {}),
        ("GET", "/api/v1/docs", {}),
    ]
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method != "get" and not writes:
                continue
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            required = {  # a required query parameter with choices (a kind): each of them
                p["name"]: _choices(p["schema"], schema)
                for p in op.get("parameters", [])
                if p["in"] == "query" and p.get("required")
            }
            unfilled = [name for name, choices in required.items() if not choices]
            assert not unfilled, (
                f"{method.upper()} {path}: fill its required query parameters {unfilled} in sweep.py"
            )
            missing = [p for p in params if p not in API_VALUES]
            assert not missing, (
                f"{method.upper()} {path}: no values for {missing}; add them to sweep.py API_VALUES"
            )
            body = _body(op, schema) if method != "get" else {}
            queries = [""]  # and each value of each query parameter with choices (a filter)
            if required:
                queries = ["?" + "&".join(f"{k}={v}" for k, v in zip(required, combo, strict=True))
                           for combo in itertools.product(*required.values())]  # fmt: skip
            elif method == "get":
                for p in op.get("parameters", []):
                    if p["in"] == "query":
                        queries += [f"?{p['name']}={v}" for v in _choices(p["schema"], schema)]
            for kwargs in combinations(params, lambda p: API_VALUES[p](s)):
                url = path.format(**kwargs)
                found += [(method.upper(), url + query, body) for query in queries]
    return found


def text_of(response: Any) -> str:
    """All the text an answer carries: headers, and the body read as what it is (XLSX, PDF, text)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [f"{k}: {v}" for k, v in response.items()]
    if body.startswith(b"PK\x03\x04"):  # XLSX (and any zip): the XML text of every member
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            parts += [html.unescape(book.read(n).decode("utf-8", "replace")) for n in book.namelist()]
    elif body.startswith(b"%PDF"):
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        parts += [text, re.sub(r"\s+", "", text)]  # a marker wrapped across lines counts too
    else:
        text = body.decode("utf-8", "replace")
        parts += [text, html.unescape(text)]
    return "\n".join(parts)


PAGE = re.compile(r"page=\d+")
FILE = re.compile(r"\.(csv|xlsx|pdf)$")
LINK = re.compile(r"""(?:href|hx-get|action|src)\s*=\s*["']([^"']+)["']""")


def links(text: str) -> Iterable[str]:
    for raw in LINK.findall(text):
        url = html.unescape(raw).split("#")[0].rstrip("?")
        if url.startswith("/") and not url.startswith("//") and not url.startswith(SKIP_PREFIXES):
            yield url


@dataclass
class Sweep:
    """One person's sweep: which URLs, what came back, which markers they should not have seen."""

    person: str
    forbidden: Callable[[str], set[str]]
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    leaks: list[str] = field(default_factory=list)
    seen_markers: set[str] = field(default_factory=set)

    def check(self, method: str, url: str, response: Any, found: Callable[[str], set[str]]) -> str:
        self.requests += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, f"{self.person}: {method} {url} answered {response.status_code}"
        text = text_of(response)
        self.seen_markers |= found(text)
        bad = self.forbidden(text)
        if bad:
            self.leaks.append(f"{self.person}: {method} {url} ({response.status_code}) shows {sorted(bad)}")
        return text

    def crawl(self, client: Client, start: list[str], found: Callable[[str], set[str]]) -> None:
        queue, seen = list(dict.fromkeys(start)), set(start)
        variants: dict[str, int] = {}
        while queue:
            url = queue.pop(0)
            response = client.get(url)
            text = self.check("GET", url, response, found)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for link in links(text):
                parts = urlsplit(link)
                capped = parts.query and not PAGE.fullmatch(parts.query)  # every page of a list is read
                cap = MAX_FILE_VARIANTS if FILE.search(parts.path) else MAX_QUERY_VARIANTS
                if link in seen or (capped and variants.get(parts.path, 0) >= cap):
                    continue
                if capped:
                    variants[parts.path] = variants.get(parts.path, 0) + 1
                seen.add(link)
                queue.append(link)
            assert len(seen) <= MAX_URLS, f"{self.person}: the crawl passed {MAX_URLS} URLs; a link loops?"

    def call_api(
        self,
        client: Client,
        requests: list[tuple[str, str, dict[str, Any] | None]],
        found: Callable[[str], set[str]],
    ) -> None:
        for method, url, body in requests:
            if method == "GET":
                response = client.get(url)
            elif body is None:
                response = client.post(url, _upload())
            else:
                response = client.generic(method, url, json.dumps(body), content_type="application/json")
            self.check(method, url, response, found)
