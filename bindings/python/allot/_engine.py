"""``allot.Engine``: a configuration plus run-time state."""
from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from . import _allot, _batch
from ._config import (ALLOCATIONS_ATTR, LAYERS_ATTR, Config, Decision, Source,
                      _context, _decisions, _flags, load, read_source)
from ._lifecycle import Exposure, ExposureCounters, mapping_arg, positive_int_arg
from ._times import TimeLike, at_arg


class Engine:
    """A configuration plus the run-time state around it: campaigns toggled
    on or off, and variation groups rolled back by their rollback_condition.

    Decisions (:meth:`decide`, :meth:`flags`, :meth:`assign`) apply that
    state: a toggled-off campaign decides ``campaign_inactive``, a
    rolled-back group ``rolled_back`` (with its reference variation, if it has
    one). The state is keyed by id and survives :meth:`reload` for the ids
    that still exist. Thread-safe.

    With :meth:`log_exposures`, :meth:`decide` and :meth:`flags` also log
    exposure events (:meth:`assign` never does).

    Errors: an unknown campaign or group id raises KeyError; a group without
    a rollback_condition, or a goal key it does not watch, ValueError; a bad
    config in :meth:`reload` raises :class:`allot.ConfigError` and keeps the
    current config serving.
    """

    __slots__ = ("_core",)

    def __init__(self, config: Any) -> None:
        """``config``: an :class:`allot.Config`, or what :func:`allot.load`
        takes (a path or JSON text)."""
        if not isinstance(config, Config):
            config = load(config)
        self._core = _allot.Engine(config._core)

    def __repr__(self) -> str:
        return f"<allot.Engine: {len(self.config.campaigns)} campaigns>"

    @property
    def config(self) -> Config:
        """The config currently serving."""
        return Config._wrap(self._core.config())

    def reload(self, path_or_json_text: Source) -> "ReloadReport":
        """Loads a new config (same bucketing option as the first one) and
        swaps it in atomically; returns the :class:`allot.ReloadReport` of
        what changed. Identical content changes nothing (the report says
        ``identical``). On error nothing changes: :class:`allot.ConfigError`
        for a bad config, ValueError when it would change who gets what in
        a locked campaign, or remove one (the message names each)."""
        from ._operations import ReloadReport

        return ReloadReport._from_core(self._core.reload(read_source(path_or_json_text)))

    def set_campaign_active(self, campaign_id: str, active: bool = True) -> None:
        """Turns a campaign off (``active=False``) or back on at run time.
        Turning it on undoes a run-time toggle; it does not override a
        paused status in the config."""
        self._core.set_campaign_active(campaign_id, bool(active))

    def update_goal_metrics(self, group_id: str, goal_key: str, visitors: int,
                            conversions: int, at: Optional[TimeLike] = None) -> bool:
        """Feeds the absolute totals of the goal a group's rollback_condition
        watches (``goal_key``: the goal's id, or its label when it has no id;
        see ``VariationGroup.rollback_goal``). When ``visitors >=
        min_visitors`` and ``100 * conversions / visitors <operator> value``,
        the group latches rolled back until :meth:`reset_rollback`. Returns
        whether the group is rolled back after the update. ``at``: when the
        totals were measured (default now); recorded in the state. From the
        end of the campaign's ``deadline`` day on, the goal metrics are
        closed and this raises ValueError."""
        return self._core.update_goal_metrics(group_id, goal_key, int(visitors),
                                              int(conversions), at_arg(at))

    def update_kpi_metrics(self, group_id: str, kpi_id: str, visitors: int,
                           total: float, at: Optional[TimeLike] = None) -> bool:
        """Feeds the absolute totals of a ``number`` or ``integer`` KPI that a
        group's rollback_condition watches (``kpi_id``: see
        ``VariationGroup.rollback_kpi``): ``visitors`` and the ``total`` of
        the KPI over them (it may be negative). The KPI value is the mean
        ``total / visitors``, compared with the condition's value as is; from
        ``min_visitors`` on, a tripped condition latches the group rolled
        back until :meth:`reset_rollback`. Returns whether the group is
        rolled back after the update. ValueError: a ``percentage`` or
        ``boolean`` KPI (use :meth:`update_goal_metrics`), a group watching a
        plain goal or another KPI, negative visitors, a total that is not
        finite (or not whole, for an ``integer`` KPI), a closed deadline."""
        if isinstance(total, bool) or not isinstance(total, numbers.Real):
            raise TypeError(f"total: expected a number, got {type(total).__name__}")
        return self._core.update_kpi_metrics(group_id, kpi_id, int(visitors),
                                             float(total), at_arg(at))

    def reset_rollback(self, group_id: str, at: Optional[TimeLike] = None) -> None:
        """Clears a group's rollback latch and the totals fed for it. ``at``:
        when (default now); from the end of the campaign's ``deadline`` day
        on the latch is frozen and this raises ValueError."""
        self._core.reset_rollback(group_id, at_arg(at))

    def is_rolled_back(self, group_id: str) -> bool:
        """Whether the group is rolled back now."""
        return self._core.is_rolled_back(group_id)

    def export_state(self) -> str:
        """The whole run-time state (toggles, latches with the time and
        totals that tripped them, last totals fed) as a JSON document."""
        return self._core.export_state()

    def import_state(self, text: str) -> None:
        """Replaces the run-time state by a document from
        :meth:`export_state`. ValueError naming the JSON path for a bad
        document, and then nothing changes."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        self._core.import_state(text)

    def decide(self, visitor_id: str, context: Optional[Mapping[str, Any]] = None,
               at: Optional[TimeLike] = None, *,
               force: Optional[Mapping[str, str]] = None,
               sticky: Optional[Mapping[str, Any]] = None) -> List[Decision]:
        """As :meth:`Config.decide`, with the run-time state applied; logs the
        exposures among the decisions when :meth:`log_exposures` is on."""
        return _decisions(self._core.decide(visitor_id, _context(context), at_arg(at),
                                            mapping_arg(force, "force"),
                                            mapping_arg(sticky, "sticky")))

    def flags(self, visitor_id: str, context: Optional[Mapping[str, Any]] = None,
              at: Optional[TimeLike] = None, *,
              force: Optional[Mapping[str, str]] = None,
              sticky: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """As :meth:`Config.flags`, with the run-time state applied; logs
        exposures as :meth:`decide` does."""
        return _flags(self._core.flags(visitor_id, _context(context), at_arg(at),
                                       mapping_arg(force, "force"),
                                       mapping_arg(sticky, "sticky")))

    def assign(self, visitor_ids: Any, context: Any = None, *,
               campaign: Optional[str] = None, at: Optional[TimeLike] = None,
               threads: Optional[int] = None, force: Optional[Mapping[str, str]] = None,
               sticky: Any = None, new_assignments: bool = False, wide: bool = False):
        """As :meth:`Config.assign`, with the run-time state applied. Logs no
        exposures: a batch is analysis or simulation, not a visitor being
        shown a variation (and its worker threads run without the GIL)."""
        config = self.config
        out = _batch.assign(self._core, visitor_ids, context, campaign, at, threads,
                            force, sticky, new_assignments, wide, config.campaigns)
        frame = out[0] if new_assignments else out
        frame.attrs[ALLOCATIONS_ATTR] = config._allocations()
        frame.attrs[LAYERS_ATTR] = config._layer_ranges()
        return out

    def log_exposures(self, sink: Union[None, List[Exposure],
                                        Callable[[List[Exposure]], Any]],
                      capacity: int = 100_000, batch_size: int = 1024) -> None:
        """Logs the exposure events of every later :meth:`decide` and
        :meth:`flags` call into ``sink``; ``log_exposures(None)`` stops.

        An exposure is a dict ``{"visitor_id", "campaign_id",
        "variation_group_id", "variation_id", "reason", "at"}`` (``at``: an
        aware UTC :class:`datetime.datetime`, microseconds) for each decision
        that shows the visitor a variation (allocated, forced, sticky, or
        rolled back to the reference). ``sink``: a list, to which the dicts
        are appended, or a callable, called with a list of them (at most
        ``batch_size``) each time a batch fills or on :meth:`flush_exposures`.

        Each (visitor, variation group) is logged once, and again when its
        variation changes; the de-duplication table has ``capacity`` entries
        (at most 32 bytes each), and a repeat is logged again only after its
        entry was evicted (at least once, never lost).

        The sink runs on the thread that filled a batch or flushed, holding
        the GIL; decisions wait for it, so keep it short. It must not call
        back into this Engine (RuntimeError). An exception it raises
        propagates from the :meth:`decide` / :meth:`flags` /
        :meth:`flush_exposures` call that ran it (that batch is not retried).

        Replacing or stopping a logger flushes it. Pending exposures of the
        current logger reach the sink on :meth:`flush_exposures`, at the
        latest when the Engine is destroyed.
        """
        if sink is not None and not isinstance(sink, list) and not callable(sink):
            raise TypeError(
                "sink: expected a list, a callable taking a list of exposure dicts, or "
                f"None, got {type(sink).__name__}"
            )
        self._core.log_exposures(sink, positive_int_arg(capacity, "capacity"),
                                 positive_int_arg(batch_size, "batch_size"))

    def flush_exposures(self) -> None:
        """Hands every pending exposure to the sink now (of the logger the
        latest :meth:`log_exposures` started, even if it was stopped since)."""
        self._core.flush_exposures()

    def exposure_counters(self) -> ExposureCounters:
        """``{"logged", "deduplicated", "evicted"}`` of the logger the latest
        :meth:`log_exposures` started (still readable after it was stopped;
        all 0 before the first): exposures handed (or pending) to the sink,
        repeats dropped, and table entries evicted to make room."""
        return self._core.exposure_counters()
