"""Pure audit rules: canonical form of an event, the hash chain, field diffs and redaction.

No I/O here. Everything stored in an event passes through ``canonical_value`` first, so what is
hashed when the event is written is exactly what is read back from the database (JSON-native
values only) and hashed again by ``verify``.

Decisions:
- Decimals are rendered with ``format(value, "f")``: the scale given is kept (``"55500.00"``
  stays ``"55500.00"``, ``Decimal("1E+2")`` becomes ``"100"``). ``diff`` compares decimals by
  value, so ``Decimal("1.0")`` → ``Decimal("1.00")`` is *not* a change: storage columns have a
  fixed scale, a different scale alone is an artefact of how a value was built.
- UUIDs are lower-case hyphenated strings; aware datetimes are rendered in UTC with
  microseconds (``2026-11-28T06:54:00.000000Z``); dates as ``YYYY-MM-DD``; enums by value.
- A field missing from one side of a diff counts as ``None``.
- Sensitive fields (``password_hash``, ``*token*``, ``*secret*``, …) never carry their values:
  a non-null value becomes ``"[redacted]"``, at any depth.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Final

GENESIS_HASH: Final = "0" * 64
REDACTED: Final = "[redacted]"

# The fields an event's hash covers, besides the previous hash. ``hash`` itself is the output.
HASHED_FIELDS: Final = (
    "id",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "ip",
    "request_id",
    "entity_type",
    "entity_id",
    "action",
    "changes",
    "reason",
)

SYSTEM_LABEL: Final = "system"
ANONYMOUS_LABEL: Final = "anonymous"

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
# A field is sensitive when its name contains one of these, or one of its ``_`` words is one of
# the words below: ``password_hash``, ``refresh_token``, ``otp_code``, ``api_key``… (not
# ``footprint``, ``pinned``).
_SENSITIVE_PARTS: Final = (
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "api_key",
    "private_key",
)
_SENSITIVE_WORDS: Final = frozenset({"otp", "pin", "hash", "salt", "cvv", "totp"})


class Action:
    """Common actions. State changes use the transition's name (``submit``, ``approve``…)."""

    CREATE: Final = "create"
    UPDATE: Final = "update"
    DELETE: Final = "delete"
    LOGIN: Final = "login"
    LOGIN_FAILED: Final = "login_failed"
    PERMISSION_DENIED: Final = "permission_denied"


@dataclass(frozen=True)
class AuditActor:
    """Who did it and from where. ``user_id`` is None for the system and anonymous callers."""

    user_id: uuid.UUID | None = None
    label: str = SYSTEM_LABEL
    ip: str | None = None
    request_id: str | None = None


SYSTEM_ACTOR: Final = AuditActor()


def is_sensitive(field: str) -> bool:
    lowered = field.lower()
    if any(part in lowered for part in _SENSITIVE_PARTS):
        return True
    return not _SENSITIVE_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", lowered))


def check_name(kind: str, value: str) -> str:
    """Entity types and actions are lower-case snake-case words (``brokerage_bill``)."""
    if not _NAME.fullmatch(value):
        raise ValueError(f"audit {kind} must be lower-case snake_case, 1-50 chars: {value!r}")
    return value


def _render_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not audited; attach a timezone")
    return value.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"  # drop +00:00


def _render_decimal(value: Decimal) -> str:
    if value.is_zero() and value.is_signed():
        value = value.copy_abs()
    return format(value, "f")


def canonical_value(value: Any) -> Any:
    """The JSON-native form of a value, deterministic and stable under a JSON round trip."""
    render = _BY_EXACT_TYPE.get(type(value))  # what the database gives back takes this path
    return render(value) if render is not None else _canonical_other(value)


def _same(value: Any) -> Any:
    return value


def _canonical_dict(value: dict[Any, Any]) -> dict[str, Any]:
    return {
        key if type(key) is str else str(key): canonical_value(item) for key, item in value.items()
    }


def _canonical_list(value: list[Any]) -> list[Any]:
    return [canonical_value(item) for item in value]


_BY_EXACT_TYPE: dict[type, Any] = {
    str: _same,
    int: _same,
    bool: _same,
    type(None): _same,
    dict: _canonical_dict,
    list: _canonical_list,
    uuid.UUID: str,
    datetime: _render_datetime,
}


def _canonical_other(value: Any) -> Any:
    if isinstance(value, enum.Enum):  # before str and int: StrEnum and IntEnum are both
        return canonical_value(value.value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("non-finite floats are not audited")
        return value
    if isinstance(value, Decimal):
        return _render_decimal(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return _render_datetime(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return REDACTED  # raw bytes are never meaningful in an audit trail, and may be secret
    if isinstance(value, Mapping):
        return {str(key): canonical_value(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((canonical_value(item) for item in value), key=canonical_json)
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    raise TypeError(f"cannot audit a value of type {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept: one text for one value."""
    return json.dumps(
        canonical_value(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def chain_hash(prev_hash: str, event_fields: Mapping[Any, Any]) -> str:
    """sha256 hex of the previous hash and the event's ``HASHED_FIELDS``, canonically rendered."""
    try:
        fields = {name: event_fields[name] for name in HASHED_FIELDS}
    except KeyError:
        missing = [name for name in HASHED_FIELDS if name not in event_fields]
        raise ValueError(f"event fields missing: {', '.join(missing)}") from None
    body = canonical_json(fields)
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(body.encode("utf-8"))
    return digest.hexdigest()


def _comparable(value: Any) -> str:
    """Equality key for ``diff``: decimals by value, bool distinct from int, order of sets."""
    if isinstance(value, Decimal):
        normal = value.normalize() if value.is_finite() else value
        return canonical_json({"$decimal": _render_decimal(normal)})
    if isinstance(value, Mapping):
        return canonical_json({str(k): _comparable(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return canonical_json([_comparable(v) for v in value])
    return canonical_json(value)


def redact_value(field: str, value: Any) -> Any:
    """The value as it may be stored under ``field``: sensitive values replaced at any depth."""
    if is_sensitive(field):
        return None if value is None else REDACTED
    if isinstance(value, Mapping):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value("", v) for v in value]
    return value


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"old": …, "new": …}}`` for every field whose value differs, redacted.

    Use ``diff({}, snapshot)`` for a create and ``diff(snapshot, {})`` for a delete.
    """
    changes: dict[str, dict[str, Any]] = {}
    for field in sorted(set(old) | set(new), key=str):
        before, after = old.get(field), new.get(field)
        if _comparable(before) == _comparable(after):
            continue
        changes[str(field)] = {
            "old": canonical_value(redact_value(str(field), before)),
            "new": canonical_value(redact_value(str(field), after)),
        }
    return changes


def normalise_changes(changes: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Check the ``{field: {"old", "new"}}`` shape, redact and render it canonically."""
    if not changes:
        return {}
    result: dict[str, dict[str, Any]] = {}
    for field, change in changes.items():
        if not isinstance(change, Mapping) or set(change) != {"old", "new"}:
            raise ValueError(f"change of {field!r} must be a mapping with 'old' and 'new' only")
        result[str(field)] = {
            "old": canonical_value(redact_value(str(field), change["old"])),
            "new": canonical_value(redact_value(str(field), change["new"])),
        }
    return result


@dataclass(frozen=True)
class BrokenLink:
    """Where the chain first breaks: the position (``seq``) and the row found there, if any."""

    seq: int
    event_id: str | None
    problem: str
    expected: str
    found: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    last_seq: int
    last_hash: str
    broken: BrokenLink | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


class ChainVerifier:
    """Feed events in ``seq`` order; the first broken link is kept and further input ignored.

    At each position the chain needs the expected ``seq`` (no gap, no reordering), a
    ``prev_hash`` equal to the previous event's hash, and a ``hash`` equal to the recomputed
    one. So any change to any stored field of an event is reported at that event; a deleted
    event at its own position; a deleted tail by ``finish`` against the chain head.
    """

    def __init__(self, *, start_seq: int = 1, start_hash: str = GENESIS_HASH) -> None:
        self.expected_seq = start_seq
        self.prev_hash = start_hash
        self.checked = 0
        self.broken: BrokenLink | None = None

    def feed(self, event: Mapping[Any, Any]) -> BrokenLink | None:
        if self.broken is not None:
            return self.broken
        seq, event_id = event["seq"], str(event["id"])
        if seq != self.expected_seq:
            problem = "missing_event" if seq > self.expected_seq else "out_of_order"
            return self._break(problem, event_id, f"seq {self.expected_seq}", f"seq {seq}")
        if event["prev_hash"] != self.prev_hash:
            return self._break("prev_hash_mismatch", event_id, self.prev_hash, event["prev_hash"])
        computed = chain_hash(event["prev_hash"], event)
        if event["hash"] != computed:
            return self._break("hash_mismatch", event_id, computed, event["hash"])
        self.prev_hash = event["hash"]
        self.expected_seq += 1
        self.checked += 1
        return None

    def finish(self, head_seq: int, head_hash: str) -> VerifyResult:
        """Compare the end of the walk with the chain head: a removed tail shows up here."""
        last_seq = self.expected_seq - 1
        if self.broken is None and (head_seq, head_hash) != (last_seq, self.prev_hash):
            if head_seq > last_seq:
                self._break("missing_event", None, f"seq {head_seq} ({head_hash})", "no event")
            else:
                self._break(
                    "head_mismatch",
                    None,
                    f"seq {last_seq} ({self.prev_hash})",
                    f"seq {head_seq} ({head_hash})",
                )
        return VerifyResult(
            checked=self.checked, last_seq=last_seq, last_hash=self.prev_hash, broken=self.broken
        )

    def _break(self, problem: str, event_id: str | None, expected: str, found: str) -> BrokenLink:
        self.broken = BrokenLink(
            seq=self.expected_seq,
            event_id=event_id,
            problem=problem,
            expected=expected,
            found=found,
        )
        return self.broken
