"""Where a capability (an app) plugs into the core without the core importing it.

An app registers what it shows outside its own pages in its ``overview.py``: relationship tabs
(``accord.lib.nav``), overview sections (``accord.lib.overview``) and home-page facts
(``accord.lib.summary``). The other registries find their modules the same way: API routers in
``api.py`` (``accord.api.main``), importers in ``importers.py`` (``accord.lib.importing``), periodic jobs
in ``jobs.py`` (``accord.lib.periodic``), demo steps in ``demo.py`` (``accord.lib.demo``) and
notification kinds in ``notifications.py`` or ``overview.py`` (``accord.lib.notify``).
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

_found: set[str] = set()


def discover(module_name: str) -> None:
    """Import ``module_name`` of every installed app, once per process."""
    if module_name not in _found:
        autodiscover_modules(module_name)
        _found.add(module_name)
