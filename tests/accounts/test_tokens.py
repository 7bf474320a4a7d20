import re
from typing import Any

from django.test import Client

from accord.accounts.models import ApiToken, hash_token


def create_token(client: Any, name: str = "import script") -> str:
    body = client.post("/accounts/profile/tokens/", {"name": name}, follow=True).content.decode()
    match = re.search(r'class="token-once mt-2">(acc_[^<]+)<', body)
    assert match, "the new token is shown once on the page"
    return match.group(1)


def test_a_token_is_shown_once_stored_hashed_and_works_as_bearer(world: Any, as_user: Any) -> None:
    raw = create_token(as_user(world.carol))
    token = ApiToken.objects.get(user=world.carol)
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash and token.hint == raw[:8]
    assert raw not in as_user(world.carol).get("/accounts/profile/").content.decode()
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["email"] == "carol@telco-a.example"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_no_longer_works(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    raw = create_token(client)
    token = ApiToken.objects.get(user=world.carol)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 302
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401 and response.json()["error"] == "Authentication required."


def test_nobody_revokes_someone_elses_token(world: Any, as_user: Any) -> None:
    create_token(as_user(world.carol))
    token = ApiToken.objects.get(user=world.carol)
    assert as_user(world.mallory).post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_a_token_of_a_deactivated_person_does_not_work(world: Any, as_user: Any) -> None:
    raw = create_token(as_user(world.carol))
    world.carol.is_active = False
    world.carol.save()
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_token_needs_a_name(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post("/accounts/profile/tokens/", {"name": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_profile_saves_name_and_time_zone(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(
        "/accounts/profile/", {"full_name": "Carol N.", "job_title": "QE", "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    world.carol.refresh_from_db()
    assert (world.carol.full_name, world.carol.time_zone) == ("Carol N.", "Europe/Berlin")
