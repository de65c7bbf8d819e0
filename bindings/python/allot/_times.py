"""Conversions of the time arguments of the package.

Every time argument (``at``, ``start``, ``end``) accepts:

* a :class:`datetime.datetime` (or :class:`pandas.Timestamp`): an aware one is
  that instant; a **naive one is read as UTC**;
* a :class:`numpy.datetime64`: UTC;
* a string, read by the core's one parser everywhere: RFC 3339 with an
  offset (``"2026-06-01T12:00:00Z"``, ``"...+02:00"``) is that instant;
  **without an offset** (``"2026-06-01T12:00:00"``, ``"2026-06-01 12:00"``,
  ``"2026-06-01"``) it is UTC, as a naive datetime is;
* ``None`` where the argument allows it: now.
"""
from __future__ import annotations

import datetime as _dt
from typing import Optional, Union

import numpy as np

TimeLike = Union[_dt.datetime, np.datetime64, str]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def at_arg(at: Optional[TimeLike]) -> Union[None, int, str]:
    """``at`` as the compiled module takes it: None (now), Unix nanoseconds,
    or an RFC 3339 string (parsed by the core)."""
    if at is None or isinstance(at, str):
        return at
    return unix_nanos(at, "at")


def unix_nanos(t: TimeLike, what: str = "time") -> int:
    """Unix time in nanoseconds of a datetime, numpy datetime64 or RFC 3339
    string (naive datetimes and strings without an offset are UTC). ``what``
    names the argument in errors."""
    if isinstance(t, str):
        from . import _allot

        return _allot.parse_time(t, what)
    try:
        return _unix_nanos(t)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{what}: {e}") from None


def _unix_nanos(t: TimeLike) -> int:
    if isinstance(t, _dt.datetime):
        value = getattr(t, "value", None)  # pandas.Timestamp: nanoseconds
        if isinstance(value, (int, np.integer)) and hasattr(t, "tz_localize"):
            if t.tzinfo is None:
                return int(value)  # naive: UTC wall clock = Unix time
            return int(t.tz_convert("UTC").value)
        if t.tzinfo is None:
            t = t.replace(tzinfo=_dt.timezone.utc)
        delta = t - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000
    if isinstance(t, np.datetime64):
        if np.isnat(t):
            raise ValueError("NaT is not a time")
        return int(t.astype("datetime64[ns]").astype(np.int64))
    if isinstance(t, _dt.date):
        raise TypeError(
            f"expected a datetime, not a date ({t!r}); use datetime({t.year}, {t.month}, {t.day})"
        )
    raise TypeError(
        f"expected a datetime, numpy.datetime64 or RFC 3339 str, got {type(t).__name__}"
    )


def utc_timestamp(t: TimeLike, what: str = "time"):
    """A tz-aware (UTC) pandas.Timestamp."""
    import pandas as pd

    return pd.Timestamp(unix_nanos(t, what), unit="ns", tz="UTC")
