"""``allot.Engine``: a configuration plus run-time state."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from . import _allot, _batch
from ._config import (ALLOCATIONS_ATTR, Config, Decision, Source, _context,
                      _decisions, _flags, load, read_source)
from ._times import TimeLike, at_arg


class Engine:
    """A configuration plus the run-time state around it: campaigns toggled
    on or off, and variation groups rolled back by their rollback_condition.

    Decisions (:meth:`decide`, :meth:`flags`, :meth:`assign`) apply that
    state: a toggled-off campaign decides ``campaign_inactive``, a
    rolled-back group ``rolled_back`` (with its reference variation, if it has
    one). The state is keyed by id and survives :meth:`reload` for the ids
    that still exist. Thread-safe.

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

    def reload(self, path_or_json_text: Source) -> None:
        """Loads a new config (same bucketing option as the first one) and
        swaps it in atomically. On error (:class:`allot.ConfigError`) nothing
        changes."""
        self._core.reload(read_source(path_or_json_text))

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
        totals were measured (default now); recorded in the state."""
        return self._core.update_goal_metrics(group_id, goal_key, int(visitors),
                                              int(conversions), at_arg(at))

    def reset_rollback(self, group_id: str) -> None:
        """Clears a group's rollback latch and the totals fed for it."""
        self._core.reset_rollback(group_id)

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
               at: Optional[TimeLike] = None) -> List[Decision]:
        """As :meth:`Config.decide`, with the run-time state applied."""
        return _decisions(self._core.decide(visitor_id, _context(context), at_arg(at)))

    def flags(self, visitor_id: str, context: Optional[Mapping[str, Any]] = None,
              at: Optional[TimeLike] = None) -> Dict[str, Any]:
        """As :meth:`Config.flags`, with the run-time state applied."""
        return _flags(self._core.flags(visitor_id, _context(context), at_arg(at)))

    def assign(self, visitor_ids: Any, context: Any = None, *,
               campaign: Optional[str] = None, at: Optional[TimeLike] = None,
               threads: Optional[int] = None):
        """As :meth:`Config.assign`, with the run-time state applied."""
        config = self.config
        frame = _batch.assign(self._core, visitor_ids, context, campaign, at, threads)
        frame.attrs[ALLOCATIONS_ATTR] = config._allocations()
        return frame
