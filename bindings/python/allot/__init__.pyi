"""Type stubs of the allot package (the public API)."""
import datetime
import os
from dataclasses import dataclass
from typing import (Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple,
                    TypedDict, Union, overload)

import numpy as np
import pandas as pd

__version__: str

# "allocated", "panic", ..., "outside_layer_range", "holdout", "prerequisite_failed"
REASONS: Tuple[str, ...]
STICKY_COLUMNS: Tuple[str, str, str, str]

TimeLike = Union[datetime.datetime, np.datetime64, str]
Source = Union[str, bytes, os.PathLike[str]]
ContextValue = Union[str, float, int, bool, None]
VisitorIds = Union[Sequence[str], np.ndarray, pd.Series, pd.Index]
Columns = Union[pd.DataFrame, Mapping[str, Union[Sequence[ContextValue], np.ndarray, pd.Series]]]
Freq = Union[str, datetime.timedelta, pd.Timedelta, pd.DateOffset]
# force=: {campaign_id: variation_id}
Force = Mapping[str, str]
# sticky= of decide/flags: {group_id: variation_id | (variation_id, version) |
# {"variation_id": ..., "version": N}}
StickyRecord = Union[str, Tuple[str, int], Mapping[str, Union[str, int]]]
Sticky = Mapping[str, StickyRecord]

class Exposure(TypedDict):
    visitor_id: str
    campaign_id: str
    variation_group_id: Optional[str]
    variation_id: Optional[str]
    reason: str
    at: datetime.datetime

class ExposureCounters(TypedDict):
    logged: int
    deduplicated: int
    evicted: int

ExposureSink = Union[List[Exposure], Callable[[List[Exposure]], Any]]

class ConfigError(ValueError): ...

@dataclass(frozen=True)
class Decision:
    campaign_id: str
    variation_group_id: Optional[str]
    variation_id: Optional[str]
    reason: str
    new_assignment: bool = ...  # not compared by ==

@dataclass(frozen=True)
class Variation:
    id: str
    name: str
    allocation: float
    reference: bool

@dataclass(frozen=True)
class VariationGroup:
    id: str
    name: str
    has_allocation_config: bool
    rollback_goal: Optional[str]
    variations: Tuple[Variation, ...]
    sticky_version: int = ...
    rollback_kpi: Optional[str] = ...

@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    description: str
    unit: str
    value_type: str  # "number", "integer", "percentage" or "boolean"
    required: bool = ...
    sort_order: int = ...

@dataclass(frozen=True)
class Prerequisite:
    campaign_id: str
    variation_ids: Tuple[str, ...] = ...  # empty: any variation

@dataclass(frozen=True)
class LayerRange:
    campaign_id: str
    low: float  # percent
    high: float
    @property
    def width(self) -> float: ...

@dataclass(frozen=True)
class Layer:
    id: str
    name: str
    campaigns: Tuple[LayerRange, ...]
    @property
    def uncovered(self) -> float: ...

@dataclass(frozen=True)
class Holdout:
    id: str
    percent: float
    campaigns: Tuple[str, ...]
    all: bool = ...

@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    slug: str
    type: str
    status: str
    active: bool
    groups: Tuple[VariationGroup, ...]
    locked: bool = ...
    assignment_fingerprint: int = ...
    payload_fingerprint: int = ...
    prerequisites: Tuple[Prerequisite, ...] = ...

@dataclass(frozen=True)
class ReloadReport:
    identical: bool
    added: Tuple[str, ...]
    removed: Tuple[str, ...]
    changed: Tuple[str, ...]
    payload_only: Tuple[str, ...]
    unchanged: Tuple[str, ...]

TRANSITION_COLUMNS: Tuple[str, str, str, str]

def load(path_or_json_text: Source, bucketing: str = ..., kpis: Optional[Source] = ...) -> Config: ...
def campaigns_frame(config: Config, at: Optional[TimeLike] = ...) -> pd.DataFrame: ...

class Config:
    @property
    def bucketing(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def panic(self) -> bool: ...
    @property
    def single_assignment(self) -> bool: ...
    @property
    def campaigns(self) -> Tuple[Campaign, ...]: ...
    @property
    def kpis(self) -> Tuple[Kpi, ...]: ...
    @property
    def layers(self) -> Tuple[Layer, ...]: ...
    @property
    def holdouts(self) -> Tuple[Holdout, ...]: ...
    def campaign(self, campaign_id: str) -> Campaign: ...
    def group(self, group_id: str) -> VariationGroup: ...
    def decide(self, visitor_id: str, context: Optional[Mapping[str, ContextValue]] = ...,
               at: Optional[TimeLike] = ..., *, force: Optional[Force] = ...,
               sticky: Optional[Sticky] = ...) -> List[Decision]: ...
    def flags(self, visitor_id: str, context: Optional[Mapping[str, ContextValue]] = ...,
              at: Optional[TimeLike] = ..., *, force: Optional[Force] = ...,
              sticky: Optional[Sticky] = ...) -> Dict[str, Any]: ...
    @overload
    def assign(self, visitor_ids: VisitorIds, context: Optional[Columns] = ..., *,
               campaign: Optional[str] = ..., at: Optional[TimeLike] = ...,
               threads: Optional[int] = ..., force: Optional[Force] = ...,
               sticky: Optional[pd.DataFrame] = ...,
               new_assignments: Literal[False] = ..., wide: bool = ...) -> pd.DataFrame: ...
    @overload
    def assign(self, visitor_ids: VisitorIds, context: Optional[Columns] = ..., *,
               campaign: Optional[str] = ..., at: Optional[TimeLike] = ...,
               threads: Optional[int] = ..., force: Optional[Force] = ...,
               sticky: Optional[pd.DataFrame] = ...,
               new_assignments: Literal[True],
               wide: bool = ...) -> Tuple[pd.DataFrame, pd.DataFrame]: ...
    def traffic_schedule(self, group_id: str, start: TimeLike, end: TimeLike,
                         freq: Freq = ...) -> pd.DataFrame: ...
    def with_campaigns(self, frame: Union[pd.DataFrame, Mapping[str, Any]]) -> Config: ...
    def compare(self, other: Config) -> ReloadReport: ...
    def diff(self, other: Config, visitor_ids: VisitorIds, context: Optional[Columns] = ...,
             at: Optional[TimeLike] = ..., *,
             threads: Optional[int] = ...) -> Tuple[ReloadReport, pd.DataFrame]: ...

class Engine:
    def __init__(self, config: Union[Config, Source]) -> None: ...
    @property
    def config(self) -> Config: ...
    def reload(self, path_or_json_text: Source) -> ReloadReport: ...
    def set_campaign_active(self, campaign_id: str, active: bool = ...) -> None: ...
    def update_goal_metrics(self, group_id: str, goal_key: str, visitors: int, conversions: int,
                            at: Optional[TimeLike] = ...) -> bool: ...
    def update_kpi_metrics(self, group_id: str, kpi_id: str, visitors: int, total: float,
                           at: Optional[TimeLike] = ...) -> bool: ...
    def reset_rollback(self, group_id: str, at: Optional[TimeLike] = ...) -> None: ...
    def is_rolled_back(self, group_id: str) -> bool: ...
    def export_state(self) -> str: ...
    def import_state(self, text: Union[str, bytes]) -> None: ...
    def log_exposures(self, sink: Optional[ExposureSink], capacity: int = ...,
                      batch_size: int = ...) -> None: ...
    def flush_exposures(self) -> None: ...
    def exposure_counters(self) -> ExposureCounters: ...
    def decide(self, visitor_id: str, context: Optional[Mapping[str, ContextValue]] = ...,
               at: Optional[TimeLike] = ..., *, force: Optional[Force] = ...,
               sticky: Optional[Sticky] = ...) -> List[Decision]: ...
    def flags(self, visitor_id: str, context: Optional[Mapping[str, ContextValue]] = ...,
              at: Optional[TimeLike] = ..., *, force: Optional[Force] = ...,
              sticky: Optional[Sticky] = ...) -> Dict[str, Any]: ...
    @overload
    def assign(self, visitor_ids: VisitorIds, context: Optional[Columns] = ..., *,
               campaign: Optional[str] = ..., at: Optional[TimeLike] = ...,
               threads: Optional[int] = ..., force: Optional[Force] = ...,
               sticky: Optional[pd.DataFrame] = ...,
               new_assignments: Literal[False] = ..., wide: bool = ...) -> pd.DataFrame: ...
    @overload
    def assign(self, visitor_ids: VisitorIds, context: Optional[Columns] = ..., *,
               campaign: Optional[str] = ..., at: Optional[TimeLike] = ...,
               threads: Optional[int] = ..., force: Optional[Force] = ...,
               sticky: Optional[pd.DataFrame] = ...,
               new_assignments: Literal[True],
               wide: bool = ...) -> Tuple[pd.DataFrame, pd.DataFrame]: ...

def split_check(assignments: pd.DataFrame,
                expected: Optional[Mapping[str, Union[float, Mapping[str, float]]]] = ..., *,
                config: Optional[Config] = ..., alpha: float = ...,
                by: Literal["campaign", "layer"] = ...) -> pd.DataFrame: ...

def chi2_sf(statistic: float, dof: int) -> float: ...

def plot_schedule(config: Config, group_id: str, start: TimeLike, end: TimeLike,
                  path: Union[str, os.PathLike[str]], freq: Optional[Freq] = ...) -> str: ...
