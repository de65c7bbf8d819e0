"""``allot.plot_schedule``: a variation group's traffic share as a PNG."""
from __future__ import annotations

import os
from typing import Any, Optional, Union

from ._config import Config
from ._times import TimeLike, utc_timestamp

# Points drawn when no freq is given.
_DEFAULT_POINTS = 1000


def plot_schedule(config: Config, group_id: str, start: TimeLike, end: TimeLike,
                  path: Union[str, "os.PathLike[str]"], freq: Optional[Any] = None) -> str:
    """Writes a PNG of ``config.traffic_schedule(group_id, start, end, freq)``
    to ``path`` and returns the path.

    Uses matplotlib's Agg renderer directly (no display, and the global
    backend is left alone). ``freq`` defaults to about 1,000 points between
    start and end (at least one minute apart). Raises ImportError when
    matplotlib is not installed (Debian: ``apt-get install
    python3-matplotlib``).
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ImportError(
            "allot.plot_schedule needs matplotlib, which is not installed "
            "(Debian: apt-get install python3-matplotlib)") from e
    import pandas as pd

    if freq is None:
        span = utc_timestamp(end) - utc_timestamp(start)
        freq = max(pd.Timedelta(minutes=1), (span / _DEFAULT_POINTS).ceil("min"))
    schedule = config.traffic_schedule(group_id, start, end, freq)
    group = config.group(group_id)

    fig = Figure(figsize=(9, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(schedule["time"].dt.tz_localize(None), schedule["traffic_percent"],
            drawstyle="steps-post", color="tab:blue")
    ax.set_ylim(0, 105)
    ax.set_ylabel("traffic share (%)")
    ax.set_xlabel("time (UTC)")
    title = group.id if not group.name else f"{group.name} ({group.id})"
    ax.set_title(f"Traffic schedule: {title}")
    ax.grid(True, alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(os.fspath(path), format="png")
    return os.fspath(path)
