"""Assignment lifecycle arguments (DESIGN §12): forced variations, sticky
records, the new assignments to persist, and the shape of exposure events.

``force`` and ``sticky`` mappings are passed to the compiled module as dicts,
which checks their contents (naming the key at fault). A sticky *frame* (for
``assign``) is turned into whole columns here, never row by row; the
compiled module builds its visitor-id lookup from them.
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Optional, Tuple, TypedDict

import numpy as np

# The columns of a sticky frame and of the new assignments assign() returns.
STICKY_COLUMNS = ("visitor_id", "variation_group_id", "variation_id", "version")

_FORCE_SHAPE = "{campaign_id: variation_id}"
_STICKY_SHAPE = ("{group_id: variation_id | (variation_id, version) | "
                 "{'variation_id': ..., 'version': N}}")


class Exposure(TypedDict):
    """One exposure event, as an exposure sink receives it (see
    :meth:`allot.Engine.log_exposures`)."""

    visitor_id: str
    campaign_id: str
    variation_group_id: Optional[str]
    variation_id: Optional[str]
    reason: str
    at: datetime.datetime


class ExposureCounters(TypedDict):
    """What :meth:`allot.Engine.exposure_counters` returns."""

    logged: int
    deduplicated: int
    evicted: int


def mapping_arg(value: Any, name: str) -> Optional[dict]:
    """``force`` / ``sticky`` as a dict (or None); TypeError for a non-mapping."""
    if value is None or type(value) is dict:
        return value
    if isinstance(value, Mapping):
        return dict(value)
    shape = _FORCE_SHAPE if name == "force" else _STICKY_SHAPE
    raise TypeError(f"{name}: expected a dict {shape}, got {type(value).__name__}")


def _id_column(frame: Any, name: str) -> np.ndarray:
    # Categorical, object and string columns alike become object arrays of
    # their values; missing values stay NaN / None / NA, which the compiled
    # module rejects naming the row.
    return np.ascontiguousarray(frame[name].to_numpy(dtype=object))


def _version_column(series: Any) -> np.ndarray:
    import pandas as pd

    where = "sticky column 'version'"
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise TypeError(f"{where}: expected int versions, got dtype {dtype}")
    missing = series.isna().to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{where}, row {row}: missing version; expected an int")
    if pd.api.types.is_integer_dtype(dtype):
        if pd.api.types.is_unsigned_integer_dtype(dtype):
            values = series.to_numpy()
            if len(values) and values.max() > np.iinfo(np.int64).max:
                raise ValueError(f"{where}: a version does not fit in 64 bits")
        return np.ascontiguousarray(series.to_numpy(dtype=np.int64))
    if dtype == object:
        inferred = pd.api.types.infer_dtype(series, skipna=False)
        if inferred == "integer":
            try:
                return np.ascontiguousarray(series.to_numpy(dtype=np.int64))
            except OverflowError:
                raise ValueError(f"{where}: a version does not fit in 64 bits") from None
        if inferred not in ("floating", "mixed-integer-float"):
            raise TypeError(f"{where}: expected int versions, got {inferred} values")
        series = series.astype(np.float64)
    elif not pd.api.types.is_float_dtype(dtype):
        raise TypeError(f"{where}: expected int versions, got dtype {dtype}")
    values = series.to_numpy(dtype=np.float64)
    fractional = values != np.floor(values)
    if fractional.any():
        row = int(np.flatnonzero(fractional)[0])
        raise ValueError(f"{where}, row {row}: {values[row]!r} is not an integer version")
    if len(values) and np.abs(values).max() >= 2.0 ** 63:
        raise ValueError(f"{where}: a version does not fit in 64 bits")
    return values.astype(np.int64)


def sticky_frame_arg(sticky: Any) -> Optional[Tuple[Any, Any, Any, Any]]:
    """The columns of a sticky frame as the compiled module takes them:
    (visitor ids, group ids, variation ids, versions), or None."""
    import pandas as pd

    if sticky is None:
        return None
    if not isinstance(sticky, pd.DataFrame):
        raise TypeError(
            "sticky: expected a pandas DataFrame with columns visitor_id, "
            f"variation_group_id, variation_id[, version], got {type(sticky).__name__}"
        )
    if not sticky.columns.is_unique:
        raise ValueError("sticky: duplicate column names")
    missing = [c for c in STICKY_COLUMNS[:3] if c not in sticky.columns]
    if missing:
        raise ValueError(
            f"sticky: missing column(s) {', '.join(missing)}; expected visitor_id, "
            "variation_group_id, variation_id and optionally version"
        )
    if "version" in sticky.columns:
        versions = _version_column(sticky["version"])
    else:
        versions = np.zeros(len(sticky), dtype=np.int64)
    return (_id_column(sticky, "visitor_id"), _id_column(sticky, "variation_group_id"),
            _id_column(sticky, "variation_id"), versions)


def new_assignments_frame(id_column: np.ndarray, group_codes: np.ndarray,
                          variation_codes: np.ndarray, new_flags: np.ndarray,
                          group_ids: list, variation_ids: list,
                          group_versions: np.ndarray):
    """The rows of a batch whose decision is a new assignment, as the records
    a host persists: visitor_id, variation_group_id, variation_id, version."""
    import pandas as pd

    rows = np.flatnonzero(new_flags)
    groups = group_codes[rows]

    def categorical(codes, categories):
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))

    return pd.DataFrame({
        "visitor_id": id_column[rows],
        "variation_group_id": categorical(groups, group_ids),
        "variation_id": categorical(variation_codes[rows], variation_ids),
        "version": group_versions[groups].astype(np.int64, copy=False),
    }, copy=False)


def positive_int_arg(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name}: expected at least 1, got {value}")
    if value > np.iinfo(np.int64).max:
        raise ValueError(f"{name}: {value} is too large")
    return int(value)
