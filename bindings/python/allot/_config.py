"""``allot.load`` and ``allot.Config``: a compiled configuration."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from . import _allot, _batch
from ._lifecycle import mapping_arg
from ._times import TimeLike, at_arg, utc_timestamp

Source = Union[str, bytes, "os.PathLike[str]"]

# DataFrame.attrs key under which assign() leaves the configured allocations
# for split_check().
ALLOCATIONS_ATTR = "allot_allocations"
# DataFrame.attrs key under which assign() leaves the layers and their
# campaigns' ranges, for split_check(by="layer").
LAYERS_ATTR = "allot_layers"

# More rows than anyone reads; a typo in `freq` should not fill the memory.
_MAX_SCHEDULE_ROWS = 1_000_000


@dataclass(frozen=True)
class Decision:
    """The outcome of one campaign for one visitor.

    ``reason`` is one of the names of :data:`allot.REASONS` (``"allocated"``,
    ``"not_targeted"``, ``"forced"``, ``"sticky"``, ...), as the ``allot
    decide`` command prints them. ``variation_group_id`` and ``variation_id``
    are None when the campaign gave the visitor none.

    The experiment structure (DESIGN §15) adds three reasons, all without a
    variation: ``"outside_layer_range"`` (the visitor's bucket in the
    campaign's layer is outside the campaign's range), ``"holdout"`` (a
    holdout covering the campaign holds the visitor out) and
    ``"prerequisite_failed"`` (an earlier campaign that this one requires
    did not give the visitor a variation, or not one of those listed).

    ``new_assignment``: the decision is allocated or forced, and the
    visitor's sticky record (if any) does not already name this variation at
    the group's current ``sticky_version``: what a host persists to keep the
    visitor sticky (see ``sticky=`` of :meth:`Config.decide`). It describes
    the record rather than the outcome, so it takes no part in ``==``.
    """

    campaign_id: str
    variation_group_id: Optional[str]
    variation_id: Optional[str]
    reason: str
    new_assignment: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Variation:
    """A variation: its id, name, allocation (percent) and whether it is its
    group's reference."""

    id: str
    name: str
    allocation: float
    reference: bool


@dataclass(frozen=True)
class VariationGroup:
    """A variation group. ``has_allocation_config``: it has a progressive
    rollout (see :meth:`Config.traffic_schedule`); ``rollback_goal``: the goal
    key its rollback_condition watches (for :meth:`Engine.update_goal_metrics`),
    or None; ``sticky_version``: the version a host stores with a new
    assignment of this group (raising it in the config re-randomizes the
    group's sticky visitors); ``rollback_kpi``: the id of the KPI definition
    its rollback goal names (see :attr:`Config.kpis`), or None."""

    id: str
    name: str
    has_allocation_config: bool
    rollback_goal: Optional[str]
    variations: Tuple[Variation, ...]
    sticky_version: int = 0
    rollback_kpi: Optional[str] = None


@dataclass(frozen=True)
class Kpi:
    """A KPI definition (the config's top-level ``kpis``, dcycle's custom-KPI
    datasets). ``value_type``: ``"number"`` or ``"integer"`` (a rollback on
    it compares the mean per visitor: feed it with
    :meth:`Engine.update_kpi_metrics`), ``"percentage"`` or ``"boolean"``
    (a conversion rate: :meth:`Engine.update_goal_metrics`)."""

    id: str
    name: str
    description: str
    unit: str
    value_type: str
    required: bool = False
    sort_order: int = 0


@dataclass(frozen=True)
class Prerequisite:
    """A campaign's prerequisite: the earlier campaign ``campaign_id`` must
    have given the visitor a variation, one of ``variation_ids`` when that
    is not empty (empty: any variation); else the campaign decides
    ``"prerequisite_failed"``."""

    campaign_id: str
    variation_ids: Tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerRange:
    """A campaign's range in its layer, in percent: the visitors whose
    layer bucket is in [``low``, ``high``) may get the campaign, the others
    decide ``"outside_layer_range"``."""

    campaign_id: str
    low: float
    high: float

    @property
    def width(self) -> float:
        """``high - low``: the share of the layer's visitors, in percent."""
        return round(self.high - self.low, 2)


@dataclass(frozen=True)
class Layer:
    """A layer of ``settings.layers`` (mutually exclusive campaigns): its
    ``campaigns`` are the ranges of the campaigns placed in it, in config
    order; no two overlap."""

    id: str
    name: str
    campaigns: Tuple[LayerRange, ...]

    @property
    def uncovered(self) -> float:
        """The percent of the layer that no campaign covers: its visitors
        get none of the layer's campaigns."""
        return round(100.0 - sum(r.high - r.low for r in self.campaigns), 2)


@dataclass(frozen=True)
class Holdout:
    """A holdout of ``settings.holdouts``: the visitors whose holdout bucket
    is below ``percent`` decide ``"holdout"`` (no variation) in each of
    ``campaigns`` (ids, config order); ``all``: it was declared for every
    campaign (``"campaigns": "all"``)."""

    id: str
    percent: float
    campaigns: Tuple[str, ...]
    all: bool = False


@dataclass(frozen=True)
class Campaign:
    """A campaign, in config order. ``active`` is False for a paused status.
    ``locked``: a reload may not change who gets what in it, nor remove it.
    ``assignment_fingerprint`` / ``payload_fingerprint``: frozen 64-bit
    hashes of what decides who gets what, and of its modifications (equal
    across processes and machines for the same content; names, key order
    and whitespace do not count). ``prerequisites``: the earlier campaigns
    it requires (see :class:`Prerequisite`); its layer and holdouts are in
    :attr:`Config.layers` and :attr:`Config.holdouts`."""

    id: str
    name: str
    slug: str
    type: str
    status: str
    active: bool
    groups: Tuple[VariationGroup, ...]
    locked: bool = False
    assignment_fingerprint: int = field(default=0, compare=False)
    payload_fingerprint: int = field(default=0, compare=False)
    prerequisites: Tuple[Prerequisite, ...] = ()


def read_source(source: Source) -> bytes:
    """The JSON bytes of a path or of JSON text."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, os.PathLike):
        return Path(source).read_bytes()
    if isinstance(source, str):
        if source.lstrip().startswith(("{", "[")):
            return source.encode("utf-8")
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(
                f"{source!r} is neither JSON text (it does not start with '{{' or '[') "
                "nor an existing file"
            )
        return path.read_bytes()
    raise TypeError(
        f"expected a path or JSON text (str, bytes or os.PathLike), got {type(source).__name__}"
    )


def load(path_or_json_text: Source, bucketing: str = "auto",
         kpis: Optional[Source] = None) -> "Config":
    """Parses, validates and compiles a configuration.

    ``path_or_json_text``: a file path (str or os.PathLike), or the JSON text
    itself (a str starting with ``{`` or ``[``, or bytes). Both formats are
    detected: campaign documents and Flagship bucketing files.

    ``bucketing``: ``"auto"`` (the file's ``settings.bucketing``, else
    ``flagship`` for a bucketing file and ``xxh3`` otherwise), ``"xxh3"`` or
    ``"flagship"``.

    ``kpis``: KPI definitions kept apart from the config (a path or JSON
    text): a list of definitions, ``{"kpis": [...]}``, or a dcycle dataset
    ``{"name", "description", "kpis": [...]}``; merged after the config's
    own ``kpis`` (an id declared in both is an error).

    Raises :class:`allot.ConfigError` (a ValueError) for a bad configuration;
    its message starts with the JSON path of the value at fault::

        campaigns[0].variation_groups[0].variations: allocations sum to 110 %; ...
    """
    if not isinstance(bucketing, str):
        raise TypeError(f"bucketing: expected a str, got {type(bucketing).__name__}")
    kpis_json = b"" if kpis is None else read_source(kpis)
    return Config._wrap(_allot.load(read_source(path_or_json_text), bucketing, kpis_json))


# Configs restored from pickles in this process, by (SHA-256 of the JSON,
# bucketing, SHA-256 of the separate KPI definitions): a Dask worker compiles a config once, not once per partition.
_RESTORED: "OrderedDict[Tuple[bytes, str, bytes], Config]" = OrderedDict()
_RESTORED_MAX = 8
_RESTORED_LOCK = threading.Lock()


def _restore(source: bytes, bucketing: str, kpis: bytes = b"") -> "Config":
    key = (hashlib.sha256(source).digest(), bucketing, hashlib.sha256(kpis).digest())
    with _RESTORED_LOCK:
        config = _RESTORED.get(key)
        if config is not None:
            _RESTORED.move_to_end(key)
            return config
    config = load(source, bucketing, kpis or None)
    with _RESTORED_LOCK:
        _RESTORED[key] = config
        while len(_RESTORED) > _RESTORED_MAX:
            _RESTORED.popitem(last=False)
    return config


def _decisions(rows: List[tuple]) -> List[Decision]:
    return [Decision(*row) for row in rows]


def _flags(rows: List[tuple]) -> Dict[str, Any]:
    return {key: json.loads(value) for key, value in rows}


def _context(context: Optional[Mapping[str, Any]]) -> Optional[dict]:
    if context is None or type(context) is dict:
        return context
    if isinstance(context, Mapping):
        return dict(context)
    raise TypeError(f"context: expected a dict, got {type(context).__name__}")


class Config:
    """A compiled configuration: immutable and thread-safe.

    Get one from :func:`allot.load`. Every method may be called from several
    Python threads at once; :meth:`assign` releases the GIL while it decides.
    """

    __slots__ = ("_core", "_campaigns", "_kpis", "_layers", "_holdouts")

    def __init__(self) -> None:
        raise TypeError("use allot.load() to create a Config")

    @classmethod
    def _wrap(cls, core: Any) -> "Config":
        self = object.__new__(cls)
        self._core = core
        self._campaigns = None
        self._kpis = None
        self._layers = None
        self._holdouts = None
        return self

    def __reduce__(self):
        # A Config travels as its JSON and bucketing option and compiles again
        # where it lands, once per process (see _restore).
        source = self._core.source
        if source is None:
            raise pickle.PicklingError(
                "this Config's JSON is not known (the Engine it came from was reloaded "
                "elsewhere); pickle the result of allot.load() instead")
        return (_restore, (source, self._core.bucketing_name, self._core.kpis_source))

    def __repr__(self) -> str:
        return (
            f"<allot.Config: {len(self.campaigns)} campaigns, {self.format}, "
            f"bucketing={self.bucketing}>"
        )

    @property
    def bucketing(self) -> str:
        """The hashing mode in use: ``"xxh3"`` or ``"flagship"``."""
        return self._core.bucketing

    @property
    def format(self) -> str:
        """``"campaign_documents"`` or ``"bucketing_file"``."""
        return self._core.format

    @property
    def panic(self) -> bool:
        """Whether panic mode is on (every campaign decides ``panic``)."""
        return self._core.panic

    @property
    def single_assignment(self) -> bool:
        """Whether a visitor gets at most one ``ab`` campaign."""
        return self._core.single_assignment

    @property
    def campaigns(self) -> Tuple[Campaign, ...]:
        """The campaigns in config order, with their groups and variations."""
        if self._campaigns is None:
            self._campaigns = tuple(
                Campaign(cid, name, slug, type_, status, active, tuple(
                    VariationGroup(gid, gname, has_schedule, goal, tuple(
                        Variation(*v) for v in variations), sticky_version, kpi)
                    for gid, gname, has_schedule, goal, variations, sticky_version, kpi
                    in groups), locked, assignment_fp, payload_fp, tuple(
                        Prerequisite(pid, tuple(vids)) for pid, vids in prerequisites))
                for (cid, name, slug, type_, status, active, groups, locked, assignment_fp,
                     payload_fp, prerequisites) in self._core.campaigns()
            )
        return self._campaigns

    @property
    def layers(self) -> Tuple[Layer, ...]:
        """The layers of ``settings.layers``, in declaration order, each with
        the ranges of its campaigns (percent), e.g. ``Layer(id="checkout",
        name="", campaigns=(LayerRange(campaign_id="a", low=0.0, high=50.0),
        ...))``. A layer no campaign uses has no ranges. Empty for a config without
        layers (and for bucketing files, which have none)."""
        if self._layers is None:
            self._layers = tuple(
                Layer(lid, name, tuple(LayerRange(*r) for r in ranges))
                for lid, name, ranges in self._core.layers())
        return self._layers

    @property
    def holdouts(self) -> Tuple[Holdout, ...]:
        """The holdouts of ``settings.holdouts``, in declaration order, each
        with its percent and the ids of the campaigns it covers (every
        campaign for ``"campaigns": "all"``)."""
        if self._holdouts is None:
            self._holdouts = tuple(
                Holdout(hid, percent, tuple(campaigns), all_)
                for hid, percent, all_, campaigns in self._core.holdouts())
        return self._holdouts

    @property
    def kpis(self) -> Tuple[Kpi, ...]:
        """The KPI definitions, sorted by ``sort_order`` then ``id``."""
        if self._kpis is None:
            self._kpis = tuple(sorted((Kpi(*k) for k in self._core.kpis()),
                                      key=lambda k: (k.sort_order, k.id)))
        return self._kpis

    def campaign(self, campaign_id: str) -> Campaign:
        """The campaign with this id (KeyError if there is none)."""
        for c in self.campaigns:
            if c.id == campaign_id:
                return c
        raise KeyError(f'unknown campaign id "{campaign_id}"')

    def group(self, group_id: str) -> VariationGroup:
        """The variation group with this id (KeyError if there is none)."""
        for c in self.campaigns:
            for g in c.groups:
                if g.id == group_id:
                    return g
        raise KeyError(f'unknown variation group id "{group_id}"')

    def decide(self, visitor_id: str, context: Optional[Mapping[str, Any]] = None,
               at: Optional[TimeLike] = None, *,
               force: Optional[Mapping[str, str]] = None,
               sticky: Optional[Mapping[str, Any]] = None) -> List[Decision]:
        """Decides every campaign for one visitor, in config order.

        ``context``: attribute name -> str, float, int or bool (None or NaN:
        the attribute is missing). ``at``: when the decision happens, a
        datetime (naive means UTC), an RFC 3339 string, or None for now.

        ``force``: ``{campaign_id: variation_id}`` overrides for this call
        (QA): the campaign decides ``"forced"`` with that variation, skipping
        schedule, targeting and traffic (panic, a paused campaign and a
        rollback still win). An override naming a variation the campaign
        lacks, or a campaign the config lacks, is ignored.

        ``sticky``: the visitor's persisted assignment records,
        ``{group_id: record}`` where a record is a variation id, a
        ``(variation_id, version)`` pair or a ``{"variation_id": ...,
        "version": N}`` dict (version default 0). While the group's targeting
        matches, it is not rolled back, the variation still exists and the
        version equals the group's ``sticky_version``, the campaign decides
        ``"sticky"`` with that variation, whatever the allocations say now.
        Records of unknown groups or variations are ignored. Persist the
        decisions whose ``new_assignment`` is true (with the group's
        ``sticky_version``) to build these records.

        TypeError / ValueError, naming the key, for a malformed ``force`` or
        ``sticky`` (a non-str or empty id, a bad record, a non-int version).
        """
        return _decisions(self._core.decide(visitor_id, _context(context), at_arg(at),
                                            mapping_arg(force, "force"),
                                            mapping_arg(sticky, "sticky")))

    def flags(self, visitor_id: str, context: Optional[Mapping[str, Any]] = None,
              at: Optional[TimeLike] = None, *,
              force: Optional[Mapping[str, str]] = None,
              sticky: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """The visitor's merged flags: ``{key: value}`` from the
        ``modifications.value`` of each campaign's variation, later campaigns
        overriding earlier keys. Same arguments as :meth:`decide`."""
        return _flags(self._core.flags(visitor_id, _context(context), at_arg(at),
                                       mapping_arg(force, "force"),
                                       mapping_arg(sticky, "sticky")))

    def assign(self, visitor_ids: Any, context: Any = None, *,
               campaign: Optional[str] = None, at: Optional[TimeLike] = None,
               threads: Optional[int] = None, force: Optional[Mapping[str, str]] = None,
               sticky: Any = None, new_assignments: bool = False, wide: bool = False):
        """Decides a batch of visitors; returns a pandas DataFrame.

        ``visitor_ids``: a list, numpy array or pandas Series of non-empty
        str, or of int (decided as their decimal strings: ``7`` is ``"7"``).
        ``context``: a pandas DataFrame, or a dict of columns (lists, numpy
        arrays or Series), one value per visitor, positionally (indexes are
        not aligned). The output rows keep the index of ``visitor_ids`` when
        it is a Series, else of ``context`` when it is a DataFrame: each
        visitor's rows carry its label (a RangeIndex otherwise). Values may be str, float, int or bool; None, NaN,
        pandas.NA and NaT mean missing. Categorical columns are read through
        their codes; datetime columns become Unix seconds.

        ``campaign``: decide only this campaign (one row per visitor);
        default: every campaign (one row per visitor and campaign, visitor by
        visitor, campaigns in config order). ``at`` as in :meth:`decide`, one
        instant for the whole batch; or one per visitor: the name of a
        context column of times (``at="event_time"``), or a Series / array /
        list of them (datetimes, datetime64, RFC 3339 strings; naive ones are
        UTC; none may be missing). ``threads``: worker threads (default: all
        cores; small batches use fewer).

        ``force``: ``{campaign_id: variation_id}``, as in :meth:`decide`,
        applied to every visitor. ``sticky``: a DataFrame of persisted
        records with columns ``visitor_id``, ``variation_group_id``,
        ``variation_id`` and optionally ``version`` (int, default 0); each
        visitor of the batch gets the records of its id (every row with that
        id), as ``sticky=`` of :meth:`decide` would give them. For the same
        visitor and group a later record wins, so ``pd.concat([older,
        newer])`` is a valid input. The lookup is built once per call.

        ``new_assignments``: when true, returns the pair ``(assignments,
        new)``, where ``new`` holds the decisions to persist (allocated or
        forced, and not already the visitor's record), with columns
        ``visitor_id``, ``variation_group_id``, ``variation_id`` and
        ``version`` (the group's ``sticky_version``, int64): exactly what
        ``sticky=`` takes back.

        ``wide``: one row per visitor instead, with ``visitor_id`` and one
        column per campaign (config order; just ``campaign`` with it) holding
        its variation id as a Categorical whose categories are the campaign's
        variations (NaN where there is none). 1 M visitors x 50 campaigns
        make 1 M rows, not 50 M.

        Columns: ``visitor_id``, then the Categoricals ``campaign_id``,
        ``variation_group_id``, ``variation_id`` (NaN where there is none) and
        ``reason`` (the names of :data:`allot.REASONS`). The frame's
        ``attrs`` carry the configured allocations and layer ranges, so that
        :func:`allot.split_check` needs no ``config=``.

        Raises TypeError / ValueError for bad inputs (naming the position,
        key or column), KeyError for an unknown campaign; the Config stays
        usable.
        """
        out = _batch.assign(self._core, visitor_ids, context, campaign, at, threads,
                            force, sticky, new_assignments, wide, self.campaigns)
        frame = out[0] if new_assignments else out
        frame.attrs[ALLOCATIONS_ATTR] = self._allocations()
        frame.attrs[LAYERS_ATTR] = self._layer_ranges()
        return out

    def with_campaigns(self, frame: Any) -> "Config":
        """This config with a bulk campaign table applied (DESIGN §14): the
        import of ``allot campaigns import``, from a DataFrame (or a mapping
        of column name to values) shaped like :func:`allot.campaigns_frame`.

        Each row names a campaign by ``ID``; its ``Name``, ``Description``,
        ``Status``, ``Start Date``, ``End Date``, ``Recurrence``,
        ``Escalation`` and ``Escalation Date`` replace the config's. A column
        left out leaves that field alone; an empty cell (``""``, None, NaN,
        NaT) removes it. Dates are ``"YYYY-MM-DD"`` strings, dates or
        timestamps (their day). ``Percentage Completed`` and ``Is Published``
        are ignored. Returns a new Config (loaded with the same options);
        this one is unchanged. Raises :class:`allot.ConfigError` listing each
        bad row as ``row N, column "C": ...`` (N counts rows from 0), and
        nothing is applied."""
        from ._campaigns import table_columns

        names, cells = table_columns(frame)
        return Config._wrap(self._core.with_campaigns(names, cells))

    def compare(self, other: "Config") -> "ReloadReport":
        """What a reload from this config to ``other`` would change, by
        campaign: added, removed, changed, payload only, unchanged."""
        from ._operations import ReloadReport

        if not isinstance(other, Config):
            raise TypeError(f"other: expected an allot.Config, got {type(other).__name__}")
        return ReloadReport._from_core(self._core.compare(other._core))

    def diff(self, other: "Config", visitor_ids: Any, context: Any = None,
             at: Optional[TimeLike] = None, *, threads: Optional[int] = None):
        """The blast radius of replacing this config by ``other``: decides
        every visitor against both (in C++, on ``threads`` threads, with the
        GIL released) and returns ``(report, transitions)``: the
        :class:`ReloadReport` of :meth:`compare`, and a DataFrame with one row
        per changed campaign and (old variation, new variation) met, columns
        ``campaign_id``, ``from_variation``, ``to_variation`` (None: no
        variation) and ``visitors`` (int64), most visitors first. Visitors
        who stay in their variation are rows too, so ``visitors`` sums to the
        batch size per campaign. ``visitor_ids``, ``context`` and ``at`` as
        in :meth:`assign`."""
        from ._batch import context_arg, threads_arg, visitor_ids_arg
        from ._operations import ReloadReport, transitions_frame

        if not isinstance(other, Config):
            raise TypeError(f"other: expected an allot.Config, got {type(other).__name__}")
        ids = visitor_ids_arg(visitor_ids)
        columns = context_arg(context, len(ids))
        report, campaigns = self._core.diff(other._core, ids, columns, at_arg(at),
                                            threads_arg(threads))
        return ReloadReport._from_core(report), transitions_frame(campaigns)

    def traffic_schedule(self, group_id: str, start: TimeLike, end: TimeLike,
                         freq: Any = "1h"):
        """A variation group's traffic share over time, as a pandas DataFrame
        with columns ``time`` (UTC) and ``traffic_percent`` (0 to 100).

        ``start`` and ``end`` (inclusive): datetimes (naive means UTC) or date
        strings; ``freq``: a pandas frequency (``"1h"``, ``"15min"``, ``"1D"``)
        or a timedelta. A group without allocation_config gets all its
        traffic, 100 %, at every time. KeyError for an unknown group.
        """
        import pandas as pd

        self.group(group_id)  # KeyError first
        first, last = utc_timestamp(start, "start"), utc_timestamp(end, "end")
        if last < first:
            raise ValueError(f"end ({last}) is before start ({first})")
        try:
            step = pd.Timedelta(pd.tseries.frequencies.to_offset(freq))
        except (TypeError, ValueError):
            step = None  # calendar frequencies ("MS", ...): no fixed length
        if step is not None:
            if step <= pd.Timedelta(0):
                raise ValueError(f"freq must be positive, got {freq!r}")
            if (last - first) / step >= _MAX_SCHEDULE_ROWS:
                raise ValueError(
                    f"start/end/freq give more than {_MAX_SCHEDULE_ROWS} rows; use a larger freq"
                )
        times = pd.date_range(first, last, freq=freq)
        shares = self._core.traffic_shares(group_id, times.asi8)
        if shares is None:
            percent = pd.Series(100.0, index=range(len(times)))
        else:
            percent = shares / 100.0
        return pd.DataFrame({"time": times, "traffic_percent": percent})

    def _layer_ranges(self) -> Dict[str, Dict[str, Tuple[float, float]]]:
        """layer id -> campaign id -> (low, high) percent, declaration and
        config order."""
        return {layer.id: {r.campaign_id: (r.low, r.high) for r in layer.campaigns}
                for layer in self.layers}

    def _allocations(self) -> Dict[str, Dict[str, Dict[str, float]]]:
        """campaign id -> group id -> variation id -> allocation percent."""
        return {
            c.id: {g.id: {v.id: v.allocation for v in g.variations} for g in c.groups}
            for c in self.campaigns
        }
