"""Pages of the topic log and the forecasts. Thin: door, form, service or read, render."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.attachments import views as attachments
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_failed, keep_typed, kept_form
from accord.lib.http import post_only
from accord.meetings import evidence, rules, topic_log, topics
from accord.meetings.access import forecast_for_user, topic_for_user
from accord.meetings.forms_topics import (
    DeleteForm,
    FilterForm,
    ForecastForm,
    LinkForm,
    StatusForm,
    TopicForm,
    UnlinkForm,
    status_toggle,
    with_default_status,
)
from accord.meetings.models import Topic, TopicKind
from accord.parties.access import RelationshipAccess, relationship_for_user

PAGE_SIZE = 50
EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _page(access: RelationshipAccess, **more: Any) -> dict[str, Any]:
    return {"access": access, "rel": access.relationship, **more}


@require_GET
@login_required
def topic_list(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    query = with_default_status(request.GET)
    form = FilterForm(query)
    found = topic_log.topic_log(access, form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/topics/list.html",
        _page(
            access,
            form=form,
            page=page,
            query=query.urlencode(),
            toggle=status_toggle(query),
            counts=topic_log.counts(access),
            may_write=rules.may_write_topics(access),
        ),
    )


@require_GET
@login_required
def topic_export(request: AuthedRequest, slug: str, fmt: str) -> HttpResponse:
    """The log as filtered on the page: the other side's private topics never appear."""
    if fmt not in EXPORTS:
        raise Http404
    access = relationship_for_user(request.user, slug=slug)
    found = list(topic_log.topic_log(access, FilterForm(with_default_status(request.GET)).filters()))
    tz = zoneinfo.ZoneInfo(request.user.time_zone or "UTC")
    write = topic_log.topics_xlsx if fmt == "xlsx" else topic_log.topics_csv
    response = HttpResponse(write(access, found, tz), content_type=EXPORTS[fmt])
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{slug}-topics-{stamp}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def topic_create(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, write=True)
    if not rules.may_write_topics(access):
        raise PermissionDenied(rules.REFUSALS["topics"])
    kind = request.GET.get("kind", "")
    initial = {
        "raised_by_side": access.side,
        "visibility": "shared",
        "raised_on": timezone.localdate(),
        "kind": kind if kind in TopicKind.values else "",
    }
    form = TopicForm(request.POST or None, access=access, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            topic = topics.create_topic(access=access, **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Topic recorded."))
            return redirect("meetings:topic", slug=slug, pk=topic.pk)
    return render(request, "meetings/topics/form.html", _page(access, form=form, title=_("New topic")))


@require_GET
@login_required
def topic_detail(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    topic, access = topic_for_user(request.user, slug=slug, topic_id=pk)
    may_write = rules.may_write_topics(access)
    return render(
        request,
        "meetings/topics/topic.html",
        _page(
            access,
            topic=topic,
            products=topic.products.order_by("code"),
            items=topics.linked_items(access, topic),
            meetings=topic_log.meetings_of(access, topic),
            next_statuses=topics.next_statuses(topic) if may_write else (),
            may_write=may_write,
            needs_release=topic.kind == TopicKind.FEATURE_REQUEST,
            status_form=kept_form(request, StatusForm),
            link_form=kept_form(request, LinkForm) or LinkForm(),
            unlink_form=kept_form(request, UnlinkForm),
            attachments=attachments.section(access, evidence.TOPIC, topic),
            today=timezone.localdate(),
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def topic_edit(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    topic, access = topic_for_user(request.user, slug=slug, topic_id=pk, write=True)
    if not rules.may_write_topics(access):
        raise PermissionDenied(rules.REFUSALS["topics"])
    form = TopicForm(request.POST or None, instance=topic, access=access, initial={"version": topic.version})
    if request.method == "POST" and form.is_valid():
        try:
            topic = topics.update_topic(
                access=access, topic=topic, version=form.cleaned_data["version"] or 0, **form.values()
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("meetings:topic", slug=slug, pk=topic.pk)
    return render(
        request,
        "meetings/topics/form.html",
        _page(access, form=form, topic=topic, title=_("Edit topic")),
        status=form_status(form),
    )


def _topic_url(slug: str, topic: Topic, anchor: str = "") -> str:
    return reverse("meetings:topic", args=[slug, topic.pk]) + anchor


@post_only("meetings:topic")
@login_required
def topic_status(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    topic, access = topic_for_user(request.user, slug=slug, topic_id=pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        release = data["target_release"] if "target_release" in request.POST else None
        try:
            topic = topics.change_status(
                access=access,
                topic=topic,
                version=data["version"],
                status=data["status"],
                target_release=release,
            )
        except (Conflict, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The topic is now %(status)s.") % {"status": topic.get_status_display().lower()}
            )
            return redirect(_topic_url(slug, topic))
    return keep_failed(request, form, _topic_url(slug, topic, "#status"))


@post_only("meetings:topic")
@login_required
def topic_link(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    topic, access = topic_for_user(request.user, slug=slug, topic_id=pk, write=True)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            topics.link_items(access=access, topic=topic, keys=form.cleaned_data["keys"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect(_topic_url(slug, topic, "#action-items"))
    return keep_failed(request, form, _topic_url(slug, topic, "#action-items"))


@post_only("meetings:topic")
@login_required
def topic_unlink(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    topic, access = topic_for_user(request.user, slug=slug, topic_id=pk, write=True)
    form = UnlinkForm(request.POST)
    if form.is_valid():
        try:
            topics.unlink_items(access=access, topic=topic, keys=[form.cleaned_data["key"]])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect(_topic_url(slug, topic, "#action-items"))
    return keep_failed(request, form, _topic_url(slug, topic, "#action-items"))


# --- forecasts ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def forecasts(request: AuthedRequest, slug: str) -> HttpResponse:
    """The grid of the customer's forecasts, and (for the customer's writers) the form to enter one."""
    access = relationship_for_user(request.user, slug=slug, write=request.method == "POST")
    may_enter = rules.may_enter_forecasts(access)
    form = ForecastForm(request.POST or None, access=access) if may_enter else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(rules.REFUSALS["forecast"])
        if form.is_valid():
            try:
                forecast = topics.create_forecast(access=access, **form.values())
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request, _("Forecast of %(product)s for %(month)s saved.")
                    % {"product": forecast.product.code, "month": forecast.month}
                )  # fmt: skip
                return redirect("meetings:forecasts", slug=slug)
    return render(
        request,
        "meetings/topics/forecasts.html",
        _page(
            access,
            grid=topic_log.grid(access),
            forecasts=topic_log.forecasts(access).order_by("month", "product__code"),
            form=form,
            may_enter=may_enter,
        ),
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def forecast_edit(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    forecast, access = forecast_for_user(request.user, slug=slug, forecast_id=pk, write=True)
    if not rules.may_enter_forecasts(access):
        raise PermissionDenied(rules.REFUSALS["forecast"])
    form = ForecastForm(
        request.POST or None, instance=forecast, access=access, initial={"version": forecast.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            topics.update_forecast(
                access=access, forecast=forecast, version=form.cleaned_data["version"] or 0, **form.values()
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Forecast saved."))
            return redirect("meetings:forecasts", slug=slug)
    return render(
        request,
        "meetings/topics/forecast_form.html",
        _page(access, form=form, forecast=forecast),
        status=form_status(form),
    )


@post_only("meetings:forecasts", keep=["slug"])
@login_required
def forecast_delete(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    forecast, access = forecast_for_user(request.user, slug=slug, forecast_id=pk, write=True)
    form = DeleteForm(request.POST)
    if form.is_valid():
        try:
            topics.delete_forecast(access=access, forecast=forecast, version=form.cleaned_data["version"])
        except Conflict:
            messages.error(request, _("Someone changed this forecast meanwhile; see it below and try again."))
        else:
            messages.success(request, _("Forecast removed."))
    else:
        messages.error(request, _("The forecast could not be removed; reload the page and try again."))
    return redirect("meetings:forecasts", slug=slug)
