"""/api/v1/docs: Swagger UI from Accord's own static files, never from another origin."""

import re
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.test import Client

URL_ATTRIBUTE = re.compile(r'\s(?:src|href)="([^"]*)"')


def test_the_api_docs_reference_only_static_files_of_accord_that_exist(db: Any, client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    urls = URL_ATTRIBUTE.findall(page)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    # no other host, not even protocol-relative (a bare "cdn" may turn up inside the page's random nonce)
    assert "http://" not in page and "https://" not in page and not re.search(r"//[\w.-]*cdn", page.lower())
    assert '"url": "/api/v1/openapi.json"' in page


def test_the_vendored_swagger_ui_carries_its_licence() -> None:
    licence = finders.find("vendor/swagger-ui/LICENSE")
    assert licence and "Apache License" in Path(licence).read_text()
