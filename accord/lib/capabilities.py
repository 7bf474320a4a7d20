"""Where a capability (an app) plugs into the core without the core importing it.

An app registers what it shows outside its own pages in its ``overview.py``: relationship tabs
(``accord.lib.nav``), overview sections (``accord.lib.overview``), home-page facts
(``accord.lib.summary``) and the kinds of e-mail people may turn off (``accord.lib.notify``). The
other registries find their modules by name too: API routers in ``api.py`` (``accord.api.main``),
pages in ``urls.py`` (``accord.urls``), importers in ``importers.py`` (``accord.lib.importing``),
periodic jobs in ``jobs.py`` (``accord.lib.periodic``) and demo steps in ``demo.py``
(``accord.lib.demo``). Listeners of written operational data (``accord.lib.written``) register from
their app's ``AppConfig.ready()``, before any import runs.
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

_found: set[str] = set()


def discover(module_name: str) -> None:
    """Import ``module_name`` of every installed app, once per process."""
    if module_name not in _found:
        autodiscover_modules(module_name)
        _found.add(module_name)
