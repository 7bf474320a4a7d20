"""The topics pages' addresses (collected by ``meetings.urls``)."""

from django.urls import URLPattern

patterns: list[URLPattern] = []
