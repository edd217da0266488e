"""Password policy, change, first-login change and history (api.md §3)."""

from __future__ import annotations

import string

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.auth_helpers import DEFAULT_PASSWORD, SignIn
from tradehub.auth.domain import password_weaknesses

CHANGE = "/api/v1/auth/password/change"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1#", "at least 8"),
        ("A" * 60 + "b1#" + "c" * 66, "at most 128"),
        ("abcdefg1#", "upper-case"),
        ("ABCDEFG1#", "lower-case"),
        ("Abcdefgh#", "digit"),
        ("Abcdefgh1", "symbol"),
        ("Me@Example.com1", None),
    ],
)
def test_policy_names_each_broken_rule(password: str, reason: str | None) -> None:
    reasons = password_weaknesses(password, email="someone@example.com")
    if reason is None:
        assert reasons == []
    else:
        assert any(reason in r for r in reasons), reasons


def test_the_email_itself_is_refused() -> None:
    assert "must not be the e-mail address" in password_weaknesses(
        "Me1#@Example.com", email="me1#@example.com"
    )


@given(
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=40),
    st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=40),
    st.text(alphabet=string.digits, min_size=1, max_size=20),
    st.text(alphabet="!@#$%^&*()-_=+[]{};:,.<>/?₹", min_size=1, max_size=20),
)
def test_any_mix_of_all_four_classes_within_length_passes(
    lower: str, upper: str, digits: str, symbols: str
) -> None:
    password = lower + upper + digits + symbols
    reasons = password_weaknesses(password, email="x@example.com")
    if 8 <= len(password) <= 128:
        assert reasons == []
    else:
        assert len(reasons) == 1


@given(st.text(min_size=0, max_size=200))
def test_the_policy_never_crashes_and_is_consistent_with_its_rules(password: str) -> None:
    reasons = password_weaknesses(password, email="x@example.com")
    if not (8 <= len(password) <= 128):
        assert reasons


async def test_change_password_revokes_other_sessions_but_keeps_this_one(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    here = await sign_in(roles=["sales"])
    other = (
        await client.post(LOGIN, json={"email": here.user.email, "password": DEFAULT_PASSWORD})
    ).json()
    response = await client.post(
        CHANGE,
        json={"current_password": DEFAULT_PASSWORD, "new_password": "Kapas@Rajkot99"},
        headers=here.headers,
    )
    assert response.status_code == 204
    assert (await client.get(ME, headers=here.headers)).status_code == 200
    other_headers = {"Authorization": f"Bearer {other['access_token']}"}
    assert (await client.get(ME, headers=other_headers)).status_code == 401
    old = await client.post(LOGIN, json={"email": here.user.email, "password": DEFAULT_PASSWORD})
    assert old.status_code == 401
    new = await client.post(LOGIN, json={"email": here.user.email, "password": "Kapas@Rajkot99"})
    assert new.status_code == 200


async def test_wrong_current_password_is_refused(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    signed = await sign_in()
    response = await client.post(
        CHANGE,
        json={"current_password": "Wrong#Pass1", "new_password": "Kapas@Rajkot99"},
        headers=signed.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "auth.wrong_password"
    assert response.json()["errors"][0]["loc"] == ["body", "current_password"]


async def test_weak_new_password_is_422_with_reasons(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    signed = await sign_in()
    response = await client.post(
        CHANGE,
        json={"current_password": DEFAULT_PASSWORD, "new_password": "short"},
        headers=signed.headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "auth.weak_password"
    assert "must be at least 8 characters" in body["reasons"]
    assert all(error["loc"] == ["body", "new_password"] for error in body["errors"])


async def test_the_last_five_passwords_cannot_come_back(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    signed = await sign_in()
    history = [DEFAULT_PASSWORD] + [f"Cotton#Bale{n}x" for n in range(5)]
    current = DEFAULT_PASSWORD
    for new in history[1:]:
        changed = await client.post(
            CHANGE, json={"current_password": current, "new_password": new}, headers=signed.headers
        )
        assert changed.status_code == 204, changed.text
        current = new
    for reused in history[2:]:  # the last five: the four before and the current one
        response = await client.post(
            CHANGE,
            json={"current_password": current, "new_password": reused},
            headers=signed.headers,
        )
        assert response.status_code == 422, reused
        assert any("last 5 passwords" in reason for reason in response.json()["reasons"])
    sixth_back = await client.post(
        CHANGE,
        json={"current_password": current, "new_password": history[0]},
        headers=signed.headers,
    )
    assert sixth_back.status_code == 204


async def test_long_passwords_are_not_truncated(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    long_password = "Aa1#" + "x" * 96  # 100 characters
    signed = await sign_in(password=long_password)
    almost = long_password[:89] + "y" + long_password[90:]
    assert almost != long_password
    wrong = await client.post(LOGIN, json={"email": signed.user.email, "password": almost})
    assert wrong.status_code == 401
    right = await client.post(LOGIN, json={"email": signed.user.email, "password": long_password})
    assert right.status_code == 200


async def test_unicode_passwords_work(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    password = "Kapás₹Ünïcode9"
    signed = await sign_in(password=password)
    response = await client.post(LOGIN, json={"email": signed.user.email, "password": password})
    assert response.status_code == 200


async def test_a_temporary_password_must_be_changed_first(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    signed = await sign_in(roles=["admin"], must_change_password=True)
    me = await client.get(ME, headers=signed.headers)
    assert me.status_code == 200
    assert me.json()["must_change_password"] is True
    blocked = await client.get("/api/v1/users", headers=signed.headers)
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "auth.password_change_required"
    changed = await client.post(
        CHANGE,
        json={"current_password": DEFAULT_PASSWORD, "new_password": "Fresh#Start2026"},
        headers=signed.headers,
    )
    assert changed.status_code == 204
    assert (await client.get("/api/v1/users", headers=signed.headers)).status_code == 200
