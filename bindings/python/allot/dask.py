"""Batch assignment over a Dask DataFrame: populations beyond one machine.

    import dask.dataframe as dd
    from distributed import Client
    import allot, allot.dask

    client = Client("tcp://scheduler:8786")          # or LocalCluster()
    visitors = dd.read_parquet("s3://bucket/visitors/")  # visitor_id, country, ...
    config = allot.load("campaigns.json")             # fails here, on the client
    decided = allot.dask.assign(visitors, config, at="2026-06-01T12:00:00Z")
    decided.to_parquet("s3://bucket/assignments/")

Each partition is decided on a worker by ``Config.assign`` (in C++, without
the GIL). The config travels to the workers once, as its JSON and
bucketing option, and each worker process compiles it once, whatever the
number of partitions. The instant is fixed on the client, so every
partition decides at the same ``at``.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ._config import Config, load
from ._times import TimeLike, at_arg

__all__ = ["assign"]


def _assign_partition(frame: Any, config: Config, id_column: str, context_columns: list,
                      at: Any, wide: bool, threads: Optional[int], at_column: Optional[str] = None):
    context = {name: frame[name] for name in context_columns}
    if at_column is not None:
        at = frame[at_column]
    out = config.assign(frame[id_column], context, at=at, wide=wide, threads=threads)
    out.attrs.clear()  # per-partition attributes do not survive concatenation
    return out


def assign(ddf: Any, config: Any, id_column: str = "visitor_id",
           context_columns: Optional[Iterable[str]] = None, at: Optional[TimeLike] = None,
           wide: bool = False, threads: Optional[int] = 1):
    """Decides every visitor of a Dask DataFrame, partition by partition on
    the workers; returns a Dask DataFrame with the columns of
    :meth:`allot.Config.assign` (``wide=True``: one row per visitor, one
    column per campaign).

    ``config``: an :class:`allot.Config`, or a path / JSON text loaded here
    on the client (a bad config raises :class:`allot.ConfigError` with its
    JSON path before anything is sent to a worker). ``id_column``: the
    column of visitor ids. ``context_columns``: the columns to use as
    attributes (default: every other column). ``at``: one instant for the
    whole frame (default: now, read once on the client), or the name of a
    column of times: each visitor decided at its own (naive times UTC). ``threads``: C++
    threads per partition (default 1: Dask already runs one task per worker
    thread).
    """
    import dask
    import dask.dataframe as dd

    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"ddf: expected a dask.dataframe.DataFrame, got {type(ddf).__name__}")
    if not isinstance(config, Config):
        config = load(config)
    if not isinstance(id_column, str):
        raise TypeError(f"id_column: expected a str, got {type(id_column).__name__}")
    if id_column not in ddf.columns:
        raise KeyError(f"id_column: no column {id_column!r} in the frame")
    if context_columns is None:
        columns = [c for c in ddf.columns if c != id_column]
    else:
        if isinstance(context_columns, str):
            raise TypeError("context_columns: expected a list of column names, got a str")
        columns = list(context_columns)
        missing = [c for c in columns if c not in ddf.columns]
        if missing:
            raise KeyError(f"context_columns: no column {missing[0]!r} in the frame")
    at_column = at if isinstance(at, str) and at in ddf.columns else None
    if at_column is not None:
        instant = None
    else:
        # One instant for every partition, as Unix nanoseconds.
        instant = at_arg(at)
        if instant is None:
            import time

            instant = time.time_ns()
    meta = _assign_partition(ddf._meta, config, id_column, columns, instant, wide, 1, at_column)
    shared = dask.delayed(config, pure=True)
    return ddf.map_partitions(_assign_partition, shared, id_column, columns, instant, wide,
                              threads, at_column, meta=meta, align_dataframes=False)
