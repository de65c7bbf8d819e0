"""Campaign operations (DESIGN §13): reload reports and diffs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Tuple

TRANSITION_COLUMNS = ("campaign_id", "from_variation", "to_variation", "visitors")


@dataclass(frozen=True)
class ReloadReport:
    """What a reload from one config to another changes, by campaign id.

    ``changed``: who gets what may change (the assignment fingerprint
    differs, or the campaign was paused or resumed); ``payload_only``: only
    the modifications differ, nobody moves; ``identical``: the two configs
    hold the same content, and an :class:`Engine` keeps serving what it had.
    """

    identical: bool
    added: Tuple[str, ...]
    removed: Tuple[str, ...]
    changed: Tuple[str, ...]
    payload_only: Tuple[str, ...]
    unchanged: Tuple[str, ...]

    @classmethod
    def _from_core(cls, d: dict) -> "ReloadReport":
        return cls(bool(d["identical"]), tuple(d["added"]), tuple(d["removed"]),
                   tuple(d["changed"]), tuple(d["payload_only"]), tuple(d["unchanged"]))


def transitions_frame(campaigns: Any):
    """The DataFrame of a diff's transitions: one row per (campaign, old
    variation, new variation) met, ``None`` for no variation."""
    import pandas as pd

    rows = [(cid, old, new, n)
            for cid, _visitors, _moved, transitions in campaigns
            for old, new, n in transitions]
    frame = pd.DataFrame(rows, columns=list(TRANSITION_COLUMNS))
    frame["visitors"] = frame["visitors"].astype("int64")
    return frame
