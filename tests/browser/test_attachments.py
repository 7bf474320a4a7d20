"""Evidence files in a real browser: Carol attaches a log to an item and Sam downloads the same bytes;
Mallory and a private item's other side get 404 for its file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.attachments.models import Attachment
from tests.attachments.helpers import attach
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "/r/northwind-telco-a/items/1/"
LOG = b"2026-12-01 02:14:07 MUC-CORE-07 slot 3 ALARM LOS\n2026-12-01 02:31:44 slot 3 CLEAR LOS\n\x00tail\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_carol_attaches_a_log_and_sam_downloads_the_same_bytes(
    open_page: Any, world: Any, tmp_path: Path
) -> None:
    carol, sam = open_page(), open_page()
    source = tmp_path / "munich alarms.log"
    source.write_bytes(LOG)

    sign_in(carol, world.carol)
    carol.goto(ITEM)
    files = carol.get_by_test_id("attachments")
    expect(files).to_contain_text("No files yet.")
    files.get_by_label("Add a file").set_input_files(str(source))
    files.get_by_role("button", name="Upload").click()
    expect(carol.get_by_text("munich alarms.log added.")).to_be_visible()
    expect(carol.get_by_test_id("attachments").get_by_role("link", name="munich alarms.log")).to_be_visible()
    expect(carol.get_by_test_id("timeline")).to_contain_text("munich alarms.log")

    sign_in(sam, world.sam)
    sam.goto(ITEM)
    link = sam.get_by_test_id("attachments").get_by_role("link", name="munich alarms.log")
    expect(sam.get_by_test_id("attachments")).to_contain_text("Carol Nguyen")
    with sam.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "munich alarms.log"
    got = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(LOG).hexdigest()
    assert Attachment.objects.get().sha256 == hashlib.sha256(LOG).hexdigest()
    # Sam did not add it and is no admin of Carol's side: no remove button for him.
    expect(sam.get_by_test_id("attachments").get_by_role("button", name="Remove")).to_have_count(0)


def test_mallory_and_the_other_side_get_404_for_a_private_items_file(open_page: Any, world: Any) -> None:
    shared = attach(world, world.carol, world.item, name="shared.log")
    private = attach(world, world.ada, world.private_item, name="margin.txt")
    shared_url = f"/r/northwind-telco-a/files/action-item/{world.item.key}/{shared.pk}/"
    private_url = f"/r/northwind-telco-a/files/action-item/{world.private_item.key}/{private.pk}/"
    mallory, carol = open_page(), open_page()
    sign_in(mallory, world.mallory)
    for url in (shared_url, private_url):
        assert mallory.request.get(url, max_redirects=0).status == 404
    sign_in(carol, world.carol)
    assert carol.request.get(private_url, max_redirects=0).status == 404
    assert carol.request.get(shared_url, max_redirects=0).body() == shared.file.open("rb").read()
    carol.goto(f"/r/northwind-telco-a/items/{world.item.key}/")
    expect(carol.get_by_test_id("attachments")).not_to_contain_text("margin.txt")
