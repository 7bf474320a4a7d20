"""The @mention parser (register/mentions.py) is a pure function: names and e-mails of candidates,
longest first, case-insensitive; what matches nobody is returned as typed."""

from __future__ import annotations

from accord.register.mentions import Candidate, parse

CAROL = Candidate(1, "Carol Nguyen", "carol@telco-a.example")
CAROLINE = Candidate(2, "Carol Nguyen-Smith", "cns@telco-a.example")
SAM = Candidate(3, "Sam Patel", "sam@northwind.example")
PEOPLE = [CAROL, CAROLINE, SAM]


def test_it_finds_a_full_name_after_an_at_sign() -> None:
    found = parse("@Carol Nguyen please confirm", PEOPLE)
    assert (found.ids, found.unknown) == ([1], [])


def test_it_ignores_case_and_trailing_punctuation() -> None:
    assert parse("Thanks, @carol nguyen!", PEOPLE).ids == [1]
    assert parse("(@Sam Patel)", PEOPLE).ids == [3]


def test_the_longest_name_wins() -> None:
    assert parse("@Carol Nguyen-Smith can you check", PEOPLE).ids == [2]


def test_it_finds_an_email_address() -> None:
    assert parse("cc @sam@northwind.example", PEOPLE).ids == [3]


def test_each_person_is_listed_once_in_order_of_first_mention() -> None:
    found = parse("@Sam Patel and @Carol Nguyen, @sam patel again", PEOPLE)
    assert found.ids == [3, 1]


def test_an_email_address_written_plainly_is_no_mention() -> None:
    found = parse("write to carol@telco-a.example", PEOPLE)
    assert (found.ids, found.unknown) == ([], [])


def test_a_name_that_matches_no_one_comes_back_as_typed() -> None:
    found = parse("@Mallory please look, and @Carol Nguyen", PEOPLE)
    assert (found.ids, found.unknown) == ([1], ["Mallory"])
    assert parse("@mallory@telco-b.example", PEOPLE).unknown == ["mallory@telco-b.example"]


def test_a_name_must_end_at_a_word_boundary() -> None:
    assert parse("@Sam Patelson", PEOPLE).ids == []
    assert parse("@Sam Patelson", PEOPLE).unknown == ["Sam"]


def test_a_lone_at_sign_is_nothing() -> None:
    found = parse("meet @ 10:00 or @", PEOPLE)
    assert (found.ids, found.unknown) == ([], [])


def test_a_name_two_people_share_is_ambiguous_and_their_e_mails_are_not() -> None:
    namesake = Candidate(4, "Sam Patel", "spatel@telco-a.example")
    found = parse("@Sam Patel and @spatel@telco-a.example", [*PEOPLE, namesake])
    assert (found.ids, found.ambiguous, found.unknown) == ([4], ["Sam Patel"], [])
    assert parse("@Sam Patel", PEOPLE).ambiguous == []
