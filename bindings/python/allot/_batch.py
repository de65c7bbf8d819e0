"""Input conversion and output building of ``Config.assign``.

The compiled module copies the visitor ids and context columns into C++
buffers with the GIL held, then decides without it on several threads. This
module only reshapes Python inputs into the column descriptions it takes
(no per-row Python work for numeric, boolean and categorical columns) and
turns the integer codes it returns into a pandas DataFrame of Categoricals.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List, Optional, Tuple

import numpy as np

from . import _allot

# (kind, name, data, categories), as the compiled module reads a column.
ColumnSpec = Tuple[str, str, Any, Any]


def wide_frame(id_column: Any, variation_codes: Any, variation_ids: List[str],
               campaigns: List[Any]):
    """One row per visitor: ``visitor_id``, then per campaign (config order)
    a Categorical of its variation ids (NaN where it has none), its
    categories the campaign's variations whatever the batch holds (so that
    frames of several batches concatenate). Built from the visitor-major
    codes without a row per (visitor, campaign)."""
    import pandas as pd

    k = len(campaigns)
    n = len(id_column) // k if k else 0
    codes = np.asarray(variation_codes).reshape(n, k)
    code_of = {vid: i for i, vid in enumerate(variation_ids)}
    data = {"visitor_id": id_column[::k] if k else id_column}
    for j, c in enumerate(campaigns):
        if c.id in data:
            raise ValueError(f"wide: campaign id {c.id!r} clashes with another column")
        names = list(dict.fromkeys(v.id for g in c.groups for v in g.variations))
        # Global code -> this campaign's code; the extra last entry maps -1.
        lut = np.full(len(variation_ids) + 1, -1, dtype=np.int32)
        for i, vid in enumerate(names):
            if vid in code_of:
                lut[code_of[vid]] = i
        data[c.id] = pd.Categorical.from_codes(lut[codes[:, j]],
                                               categories=pd.Index(names, dtype=object))
    return pd.DataFrame(data, copy=False)


def batch_at_arg(at: Any, context: Any, n: int) -> Any:
    """``at`` of a batch: one instant (as at_arg gives it), or one per
    visitor as int64 Unix nanoseconds, from the context column ``at`` names
    or from a Series / array / list of times. Naive times are UTC, as
    everywhere; a missing one is an error."""
    import pandas as pd

    from ._times import at_arg

    column = None
    if isinstance(at, str):
        if isinstance(context, (pd.DataFrame, dict)) and at in context:
            column = context[at]
        else:
            return at_arg(at)
    elif isinstance(at, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        column = at
    else:
        return at_arg(at)
    values = pd.Series(column.to_numpy() if hasattr(column, "to_numpy") else list(column))
    if len(values) != n:
        raise ValueError(f"at: {len(values)} times for {n} visitors")
    if values.dtype == object and values.map(type).eq(str).all():
        # Strings go through the core's parser, as a single at= string does.
        return _allot.parse_times(values.tolist(), "at")
    try:
        times = pd.to_datetime(values, utc=True)
    except (ValueError, TypeError) as e:
        raise ValueError(f"at: not times: {e}") from None
    missing = times.isna().to_numpy()
    if missing.any():
        raise ValueError(f"at[{int(missing.argmax())}]: missing time")
    return times.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]").view(np.int64)


def input_index(visitor_ids: Any, context: Any, n: int) -> Any:
    """The index the output rows keep: the visitor ids' (a Series), else the
    context's (a DataFrame), else None (a RangeIndex)."""
    import pandas as pd

    for source in (visitor_ids, context):
        if isinstance(source, (pd.Series, pd.DataFrame)) and len(source.index) == n:
            return source.index
    return None


def visitor_ids_arg(visitor_ids: Any) -> Any:
    """A list, tuple, or 1-D object numpy array of the visitor ids."""
    import pandas as pd

    if isinstance(visitor_ids, (list, tuple)):
        return visitor_ids
    if isinstance(visitor_ids, (pd.Series, pd.Index)):
        if visitor_ids.dtype == object:
            return visitor_ids.to_numpy()
        return visitor_ids.to_numpy(dtype=object)
    if isinstance(visitor_ids, np.ndarray):
        if visitor_ids.ndim != 1:
            raise ValueError(
                f"visitor_ids: expected a 1-D array, got {visitor_ids.ndim} dimensions"
            )
        if visitor_ids.dtype.kind not in "OUiu":
            raise TypeError(
                "visitor_ids: expected str or int values, got a numpy array of dtype "
                f"{visitor_ids.dtype}"
            )
        if visitor_ids.dtype.kind in "Uiu":
            return visitor_ids.astype(object)
        return np.ascontiguousarray(visitor_ids)
    if isinstance(visitor_ids, (str, bytes)):
        raise TypeError("visitor_ids: expected a list of ids, got a single str")
    try:
        return list(visitor_ids)
    except TypeError:
        raise TypeError(
            "visitor_ids: expected a list, numpy array or pandas Series of str, "
            f"got {type(visitor_ids).__name__}"
        ) from None


def _column(name: str, values: Any, rows: int) -> ColumnSpec:
    import pandas as pd

    where = f"context column {name!r}"
    if isinstance(values, pd.Series):
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy().astype(np.int32, copy=False)
            categories = values.cat.categories.to_numpy(dtype=object)
            return ("codes", name, codes, categories)
        if pd.api.types.is_bool_dtype(dtype):
            if dtype == bool:
                return ("bool", name, values.to_numpy().view(np.int8), None)
            return ("bool", name, values.to_numpy(dtype=np.int8, na_value=-1), None)
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return ("number", name, _epoch_seconds(values), None)
        if pd.api.types.is_numeric_dtype(dtype):
            return ("number", name, values.to_numpy(dtype=np.float64, na_value=np.nan), None)
        if dtype == object or pd.api.types.is_string_dtype(dtype):
            return ("object", name, values.to_numpy(dtype=object), None)
        raise TypeError(f"{where}: unsupported dtype {dtype}")
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{where}: expected a 1-D array, got {values.ndim} dimensions")
        kind = values.dtype.kind
        if kind == "b":
            return ("bool", name, np.ascontiguousarray(values).view(np.int8), None)
        if kind in "iuf":
            return ("number", name, np.ascontiguousarray(values, dtype=np.float64), None)
        if kind == "M":
            return ("number", name, _epoch_seconds(pd.Series(values)), None)
        if kind == "O":
            return ("object", name, np.ascontiguousarray(values), None)
        if kind == "U":
            return ("object", name, values.astype(object), None)
        raise TypeError(f"{where}: unsupported dtype {values.dtype}")
    if isinstance(values, (list, tuple)):
        return ("object", name, values, None)
    if isinstance(values, (pd.Categorical, pd.api.extensions.ExtensionArray)):
        return _column(name, pd.Series(values), rows)
    raise TypeError(
        f"{where}: expected a list, numpy array or pandas Series with one value per "
        f"visitor, got {type(values).__name__}"
    )


def _epoch_seconds(values: Any) -> np.ndarray:
    """Datetimes as Unix seconds (what BEFORE / AFTER compare); NaT is missing."""
    import pandas as pd

    s = pd.Series(values)
    if s.dt.tz is None:
        s = s.dt.tz_localize("UTC")
    nanos = s.dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]").astype(np.int64)
    out = nanos / 1e9
    out[s.isna().to_numpy()] = np.nan
    return out


def context_arg(context: Any, rows: int) -> List[ColumnSpec]:
    """The columns of a DataFrame or a dict of equal-length columns."""
    import pandas as pd

    if context is None:
        return []
    if isinstance(context, pd.DataFrame):
        if len(context) != rows:
            raise ValueError(
                f"context has {len(context)} rows, expected {rows} (one per visitor)"
            )
        if not context.columns.is_unique:
            raise ValueError("context: duplicate column names")
        items = [(name, context[name]) for name in context.columns]
    elif isinstance(context, Mapping):
        items = list(context.items())
    else:
        raise TypeError(
            f"context: expected a pandas DataFrame or a dict of columns, got {type(context).__name__}"
        )
    specs = []
    for name, values in items:
        if not isinstance(name, str):
            raise TypeError(f"context: column names must be str, got {name!r}")
        try:
            n = len(values)
        except TypeError:
            raise TypeError(
                f"context column {name!r}: expected a column with one value per visitor, "
                f"got {type(values).__name__}"
            ) from None
        if n != rows:
            raise ValueError(
                f"context column {name!r} has {n} values, expected {rows} (one per visitor)"
            )
        specs.append(_column(name, values, rows))
    return specs


def threads_arg(threads: Optional[int]) -> int:
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
        raise TypeError(f"threads: expected an int or None, got {type(threads).__name__}")
    if threads < 1:
        raise ValueError(f"threads: expected at least 1, got {threads}")
    return int(threads)


def assign(core: Any, visitor_ids: Any, context: Any, campaign: Optional[str],
           at: Any, threads: Optional[int], force: Any = None, sticky: Any = None,
           new_assignments: bool = False, wide: bool = False, campaigns: Any = None):
    """Runs a batch assignment on ``core`` (a compiled Config or Engine).
    Returns the assignments frame, or with ``new_assignments`` the pair
    (assignments, new assignments). ``wide``: one row per visitor and one
    column per campaign (``campaigns``: the config's Campaign objects)."""
    import pandas as pd

    from ._lifecycle import mapping_arg, new_assignments_frame, sticky_frame_arg
    from ._times import at_arg

    if campaign is not None and not isinstance(campaign, str):
        raise TypeError(f"campaign: expected a str campaign id, got {type(campaign).__name__}")
    if not isinstance(new_assignments, (bool, np.bool_)):
        raise TypeError(
            f"new_assignments: expected a bool, got {type(new_assignments).__name__}"
        )
    if not isinstance(wide, (bool, np.bool_)):
        raise TypeError(f"wide: expected a bool, got {type(wide).__name__}")
    ids = visitor_ids_arg(visitor_ids)
    columns = context_arg(context, len(ids))
    force = mapping_arg(force, "force")
    sticky_columns = sticky_frame_arg(sticky)
    (campaign_codes, group_codes, variation_codes, reason_codes,
     campaign_ids, group_ids, variation_ids, id_column,
     new_flags, group_versions) = core.assign(
        ids, columns, campaign, batch_at_arg(at, context, len(ids)), threads_arg(threads),
        force, sticky_columns)

    def categorical(codes, categories):
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))

    index = input_index(visitor_ids, context, len(ids))
    if wide:
        in_scope = [c for c in campaigns if campaign is None or c.id == campaign]
        frame = wide_frame(id_column, variation_codes, variation_ids, in_scope)
        if index is not None:
            frame.index = index
        if not new_assignments:
            return frame
        return frame, new_assignments_frame(id_column, group_codes, variation_codes, new_flags,
                                            group_ids, variation_ids, group_versions)
    frame = pd.DataFrame({
        "visitor_id": id_column,
        "campaign_id": categorical(campaign_codes, campaign_ids),
        "variation_group_id": categorical(group_codes, group_ids),
        "variation_id": categorical(variation_codes, variation_ids),
        "reason": categorical(reason_codes, _allot.REASONS),
    }, copy=False)
    if index is not None and len(ids) > 0:
        # Each visitor's rows (one per campaign decided) carry its label;
        # with one row per visitor, the index itself (Index.repeat(1) would
        # copy it, a RangeIndex into an Int64Index).
        per_visitor = len(frame) // len(ids)
        frame.index = index if per_visitor == 1 else index.repeat(per_visitor)
    if not new_assignments:
        return frame
    return frame, new_assignments_frame(id_column, group_codes, variation_codes, new_flags,
                                        group_ids, variation_ids, group_versions)
