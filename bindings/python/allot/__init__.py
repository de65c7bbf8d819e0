"""allot: which variation of which A/B campaign a visitor sees.

The Python face of the allot C++ library: the same compiled configurations,
the same decisions (bit for bit), and batch assignment of millions of
visitors into pandas::

    import allot

    config = allot.load("examples/campaigns.json")
    config.decide("visitor-1", {"country": "FR", "plan": "pro"},
                  at="2026-06-01T12:00:00Z")
    frame = config.assign(ids, {"country": countries, "age": ages})
    allot.split_check(frame)

Assignment lifecycle: ``decide(..., force={campaign: variation},
sticky={group: (variation, version)})``; ``assign(..., sticky=records,
new_assignments=True)`` returns the new records to persist;
``Engine.log_exposures(sink)`` logs exposure events.

Experiment structure: ``config.layers`` (mutually exclusive campaigns and
their ranges), ``config.holdouts``, ``Campaign.prerequisites``; the
reasons ``outside_layer_range``, ``holdout`` and ``prerequisite_failed``;
``allot.split_check(frame, by="layer")`` checks each layer's split.

Campaign operations in bulk: ``allot.campaigns_frame(config)`` is the
campaign table of ``allot campaigns export``; ``config.with_campaigns(frame)``
imports an edited one.

Times (``at``, ``start``, ``end``) are datetimes (a naive datetime is UTC),
strings (RFC 3339; without an offset, UTC), or None for now.
"""
from ._allot import REASONS, ConfigError
from ._campaigns import campaigns_frame
from ._config import (Campaign, Config, Decision, Holdout, Kpi, Layer, LayerRange, Prerequisite,
                      Variation, VariationGroup, load)
from ._engine import Engine
from ._lifecycle import STICKY_COLUMNS, Exposure, ExposureCounters
from ._operations import TRANSITION_COLUMNS, ReloadReport
from ._plot import plot_schedule
from ._stats import chi2_sf, split_check

__all__ = [
    "REASONS",
    "STICKY_COLUMNS",
    "TRANSITION_COLUMNS",
    "Campaign",
    "Config",
    "ConfigError",
    "Decision",
    "Engine",
    "Exposure",
    "ExposureCounters",
    "Holdout",
    "Kpi",
    "Layer",
    "LayerRange",
    "Prerequisite",
    "ReloadReport",
    "Variation",
    "VariationGroup",
    "campaigns_frame",
    "chi2_sf",
    "load",
    "plot_schedule",
    "split_check",
]

__version__ = "0.1.0"
