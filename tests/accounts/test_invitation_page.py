from typing import Any

from accord.parties import services
from accord.parties.models import Membership


def invitation_path(world: Any, email: str = "newbie@northwind.example") -> str:
    invitation = services.invite(actor=world.ada, party=world.northwind, email=email, role="editor")
    return "/accounts/invitation/" + services.invitation_token(invitation) + "/"


def test_a_new_person_sets_a_password_and_is_signed_in(world: Any, client: Any) -> None:
    path = invitation_path(world)
    assert "Join Northwind Networks" in client.get(path).content.decode()
    response = client.post(
        path, {"full_name": "New Bie", "password1": "Long-enough-pass-1", "password2": "Long-enough-pass-1"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__email="newbie@northwind.example").role == "editor"
    assert client.get("/").status_code == 200
    assert client.get(path).status_code == 404  # used


def test_mismatched_or_weak_passwords_rerender_with_errors(world: Any, client: Any) -> None:
    path = invitation_path(world)
    response = client.post(path, {"full_name": "X", "password1": "Long-enough-pass-1", "password2": "other"})
    assert response.status_code == 200 and "The two passwords differ" in response.content.decode()
    response = client.post(path, {"full_name": "X", "password1": "123", "password2": "123"})
    assert response.status_code == 200 and "too short" in response.content.decode()
    assert not Membership.objects.filter(user__email="newbie@northwind.example").exists()


def test_a_signed_in_person_joins_with_one_click(world: Any, as_user: Any) -> None:
    path = invitation_path(world, email="carol@telco-a.example")
    assert as_user(world.carol).post(path).status_code == 302
    assert Membership.objects.filter(user=world.carol, party=world.northwind).exists()


def test_someone_else_signed_in_is_refused(world: Any, as_user: Any) -> None:
    path = invitation_path(world)
    assert as_user(world.mallory).post(path).status_code == 403
    assert not Membership.objects.filter(user=world.mallory, party=world.northwind).exists()
