"""Pure audit rules, no database: canonical form, hash chain, verification, diff, redaction."""

from __future__ import annotations

import ast
import json
import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tradehub.audit import domain
from tradehub.audit.domain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    REDACTED,
    ChainVerifier,
    canonical_json,
    canonical_value,
    chain_hash,
    check_name,
    diff,
    is_sensitive,
    normalise_changes,
    redact_value,
)

# --- strategies ---------------------------------------------------------------------------------

utc_datetimes = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
finite_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 30
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.text(max_size=20),
    finite_decimals,
    st.uuids(),
    utc_datetimes,
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
values_without_decimals = st.recursive(
    scalars.filter(lambda value: not isinstance(value, Decimal)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.from_regex(r"[a-z][a-z_]{0,14}", fullmatch=True).filter(
    lambda name: not is_sensitive(name)
)
mappings = st.dictionaries(field_names, values, max_size=6)
names = st.sampled_from(
    ["partner", "contract", "user", "brokerage_bill", "create", "update", "approve", "submit"]
)
small_changes = st.dictionaries(
    st.sampled_from(["status", "rate", "bales", "name", "note"]),
    st.fixed_dictionaries({"old": scalars, "new": scalars}),
    max_size=3,
).map(normalise_changes)


@st.composite
def event_fields(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "id": draw(st.uuids()),
        "occurred_at": draw(utc_datetimes),
        "actor_id": draw(st.none() | st.uuids()),
        "actor_label": draw(st.text(min_size=1, max_size=30)),
        "ip": draw(st.none() | st.ip_addresses().map(str)),
        "request_id": draw(st.none() | st.text(min_size=1, max_size=20)),
        "entity_type": draw(names),
        "entity_id": draw(st.none() | st.text(min_size=1, max_size=40)),
        "action": draw(names),
        "changes": draw(small_changes),
        "reason": draw(st.none() | st.text(max_size=40)),
    }


def build_chain(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the service stores: seq from 1, each hash over the previous one. JSON round trip of
    ``changes`` included, as the database gives it back."""
    chain, prev = [], GENESIS_HASH
    for seq, fields in enumerate(events, start=1):
        event = {**fields, "seq": seq, "prev_hash": prev}
        event["changes"] = json.loads(json.dumps(event["changes"]))
        event["hash"] = prev = chain_hash(prev, event)
        chain.append(event)
    return chain


def run_verifier(chain: list[dict[str, Any]], head: tuple[int, str] | None = None) -> Any:
    verifier = ChainVerifier()
    for event in chain:
        if verifier.feed(event) is not None:
            break
    if head is None:
        head = (len(chain), chain[-1]["hash"]) if chain else (0, GENESIS_HASH)
    return verifier.finish(*head)


# --- canonical form -----------------------------------------------------------------------------


@given(values)
def test_canonical_form_survives_a_json_round_trip(value: Any) -> None:
    """What is hashed on write is what verify hashes after reading the row back."""
    once = canonical_value(value)
    assert canonical_value(json.loads(json.dumps(once))) == once
    assert canonical_json(json.loads(canonical_json(value))) == canonical_json(value)


@given(st.dictionaries(st.text(max_size=5), scalars, max_size=6))
def test_canonical_json_ignores_key_order(mapping: dict[str, Any]) -> None:
    reordered = dict(reversed(list(mapping.items())))
    assert canonical_json(reordered) == canonical_json(mapping)


def test_canonical_rendering_of_special_types() -> None:
    class Colour(Enum):
        RED = "red"

    moment = datetime(2026, 11, 28, 12, 24, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert canonical_value(moment) == "2026-11-28T06:54:00.000000Z"
    assert canonical_value(Decimal("55500.00")) == "55500.00"
    assert canonical_value(Decimal("1E+2")) == "100"
    assert canonical_value(Decimal("-0.00")) == "0.00"
    assert canonical_value(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert canonical_value(date(2026, 4, 1)) == "2026-04-01"
    assert canonical_value(Colour.RED) == "red"
    assert canonical_value({3, 1, 2}) == [1, 2, 3]
    assert canonical_value(b"raw") == REDACTED
    with pytest.raises(ValueError, match="naive"):
        canonical_value(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        canonical_value(float("nan"))
    with pytest.raises(TypeError):
        canonical_value(object())


# --- hash chain and verification ----------------------------------------------------------------


@given(st.lists(event_fields(), min_size=1, max_size=6))
def test_an_untouched_chain_verifies(events: list[dict[str, Any]]) -> None:
    chain = build_chain(events)
    result = run_verifier(chain)
    assert result.ok
    assert (result.checked, result.last_seq, result.last_hash) == (
        len(chain),
        len(chain),
        chain[-1]["hash"],
    )


def _other_value(field: str, old: Any, data: st.DataObject) -> Any:
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "id": st.uuids(),
        "seq": st.integers(min_value=-5, max_value=50),
        "occurred_at": utc_datetimes,
        "actor_id": st.none() | st.uuids(),
        "actor_label": st.text(max_size=10),
        "ip": st.none() | st.text(max_size=10),
        "request_id": st.none() | st.text(max_size=10),
        "entity_type": names,
        "entity_id": st.none() | st.text(max_size=10),
        "action": names,
        "changes": small_changes,
        "reason": st.none() | st.text(max_size=10),
        "prev_hash": st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
        "hash": st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    }
    new = data.draw(strategies[field])
    assume(canonical_json(new) != canonical_json(old))
    return new


@given(
    st.lists(event_fields(), min_size=1, max_size=6),
    st.sampled_from([*HASHED_FIELDS, "prev_hash", "hash"]),
    st.data(),
)
def test_any_change_to_any_field_is_reported_at_exactly_that_event(
    events: list[dict[str, Any]], field: str, data: st.DataObject
) -> None:
    chain = build_chain(events)
    index = data.draw(st.integers(min_value=0, max_value=len(chain) - 1))
    target = chain[index]
    target[field] = _other_value(field, target[field], data)
    result = run_verifier(chain)
    assert not result.ok
    assert result.broken.seq == index + 1
    assert result.broken.event_id == str(target["id"])
    assert result.checked == index


@given(st.lists(event_fields(), min_size=2, max_size=6), st.data())
def test_a_deleted_event_is_reported_at_its_own_position(
    events: list[dict[str, Any]], data: st.DataObject
) -> None:
    chain = build_chain(events)
    index = data.draw(st.integers(min_value=0, max_value=len(chain) - 1))
    head = (len(chain), chain[-1]["hash"])
    del chain[index]
    result = run_verifier(chain, head)
    assert not result.ok
    assert result.broken.seq == index + 1
    assert result.broken.problem == "missing_event"
    # The row found in its place, or none when the tail itself went.
    expected_id = str(chain[index]["id"]) if index < len(chain) else None
    assert result.broken.event_id == expected_id


def test_events_beyond_the_head_are_reported() -> None:
    chain = build_chain([{**_fields(), "id": uuid.uuid4()} for _ in range(3)])
    result = run_verifier(chain, head=(2, chain[1]["hash"]))
    assert not result.ok
    assert result.broken.problem == "head_mismatch"


def test_an_empty_log_verifies_against_the_genesis_head() -> None:
    assert run_verifier([]).ok


def _fields() -> dict[str, Any]:
    return {
        "id": uuid.UUID(int=7),
        "occurred_at": datetime(2026, 11, 28, tzinfo=UTC),
        "actor_id": None,
        "actor_label": "system",
        "ip": None,
        "request_id": None,
        "entity_type": "partner",
        "entity_id": "p-1",
        "action": "create",
        "changes": {},
        "reason": None,
    }


def test_the_hash_depends_on_the_previous_hash_and_needs_every_field() -> None:
    fields = {**_fields(), "seq": 1}
    assert chain_hash(GENESIS_HASH, fields) != chain_hash("f" * 64, fields)
    assert len(chain_hash(GENESIS_HASH, fields)) == 64
    with pytest.raises(ValueError, match="reason"):
        chain_hash(GENESIS_HASH, {k: v for k, v in fields.items() if k != "reason"})


# --- diff -------------------------------------------------------------------------------------


@given(mappings)
def test_diff_of_equal_mappings_is_empty(mapping: dict[str, Any]) -> None:
    assert diff(mapping, mapping) == {}
    assert diff(mapping, dict(reversed(list(mapping.items())))) == {}


@given(mappings, mappings)
def test_diff_names_the_same_fields_both_ways_with_old_and_new_swapped(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    forward, backward = diff(old, new), diff(new, old)
    assert set(forward) == set(backward)
    for field, change in forward.items():
        assert backward[field] == {"old": change["new"], "new": change["old"]}
        assert change == json.loads(json.dumps(change))  # JSON-native, storable as is


@given(mappings, field_names, values_without_decimals, values_without_decimals)
def test_diff_reports_a_changed_field_with_its_rendered_values(
    base: dict[str, Any], field: str, before: Any, after: Any
) -> None:
    assume(canonical_json(before) != canonical_json(after))
    changes = diff({**base, field: before}, {**base, field: after})
    assert changes == {
        field: {
            "old": canonical_value(redact_value(field, before)),
            "new": canonical_value(redact_value(field, after)),
        }
    }


@given(finite_decimals, finite_decimals)
def test_decimals_differ_only_by_value_never_by_scale(a: Decimal, b: Decimal) -> None:
    changes = diff({"rate": a}, {"rate": b})
    assert (changes == {}) == (a == b)


def test_decimal_scale_decision() -> None:
    assert diff({"rate": Decimal("1.0")}, {"rate": Decimal("1.00")}) == {}
    assert diff({"rate": Decimal("1.0")}, {"rate": Decimal("1.05")}) == {
        "rate": {"old": "1.0", "new": "1.05"}
    }


def test_diff_keeps_types_apart_and_treats_missing_as_none() -> None:
    assert diff({"flag": True}, {"flag": 1}) == {"flag": {"old": True, "new": 1}}
    assert diff({"n": Decimal("1")}, {"n": "1"}) == {"n": {"old": "1", "new": "1"}}
    assert diff({}, {"note": None}) == {}
    assert diff({}, {"status": "draft"}) == {"status": {"old": None, "new": "draft"}}
    assert diff({"status": "draft"}, {}) == {"status": {"old": "draft", "new": None}}


# --- redaction ----------------------------------------------------------------------------------

SENSITIVE = ["password", "password_hash", "refresh_token", "secret_key", "otp_code", "api_key"]


@pytest.mark.parametrize(
    ("field", "sensitive"),
    [
        *[(name, True) for name in SENSITIVE],
        ("new_password", True),
        ("totp", True),
        ("hash", True),
        ("footprint", False),
        ("pinned", False),
        ("key", False),
        ("status", False),
        ("email", False),
    ],
)
def test_sensitive_field_names(field: str, sensitive: bool) -> None:
    assert is_sensitive(field) is sensitive


@given(
    st.sampled_from(SENSITIVE),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=30),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=30),
)
def test_secrets_never_reach_the_changes(field: str, old: str, new: str) -> None:
    assume(old != new)
    from_diff = diff({field: old, "profile": {field: old}}, {field: new, "profile": {field: new}})
    assert from_diff[field] == {"old": REDACTED, "new": REDACTED}
    passed = normalise_changes({field: {"old": old, "new": new}})
    assert passed[field] == {"old": REDACTED, "new": REDACTED}
    for rendered in (canonical_json(from_diff), canonical_json(passed)):
        assert old not in rendered and new not in rendered


def test_setting_a_secret_shows_that_it_was_set_not_its_value() -> None:
    assert diff({"password_hash": None}, {"password_hash": "$argon2id$…"}) == {
        "password_hash": {"old": None, "new": REDACTED}
    }


# --- input checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"status": "approved"}, {"status": {"old": 1}}, {"status": {"old": 1, "new": 2, "x": 3}}],
)
def test_changes_must_have_old_and_new(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'old' and 'new'"):
        normalise_changes(changes)


@pytest.mark.parametrize("name", ["Partner", "brokerage-bill", "", "1st", "x" * 51, "a b"])
def test_entity_types_and_actions_are_snake_case_words(name: str) -> None:
    with pytest.raises(ValueError):
        check_name("action", name)
    assert check_name("entity_type", "brokerage_bill") == "brokerage_bill"


def test_the_domain_imports_nothing_but_the_standard_library() -> None:
    """No database or web framework in the pure rules (import-linter checks tradehub imports)."""
    tree = ast.parse(Path(domain.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    top_level = {name.split(".")[0] for name in imported} - {"__future__"}
    assert top_level <= sys.stdlib_module_names, top_level - sys.stdlib_module_names
