"""The bulk campaign table as a pandas DataFrame (DESIGN §14)."""
from typing import Any, List, Optional, Tuple

from ._times import TimeLike, at_arg

COLUMNS = (
    "ID", "Name", "Description", "Status", "Start Date", "End Date",
    "Percentage Completed", "Is Published", "Recurrence", "Escalation",
    "Escalation Date",
)


def campaigns_frame(config: Any, at: Optional[TimeLike] = None):
    """One row per campaign of ``config`` (an :class:`allot.Config`), in
    config order, as ``allot campaigns export`` writes it: ``ID``, ``Name``,
    ``Description``, ``Status``, ``Start Date`` and ``End Date`` (the last
    live day; ``"YYYY-MM-DD"`` in the scheduler's time zone, ``""`` when
    open), ``Percentage Completed`` (float: the smallest current traffic
    share of its groups), ``Is Published`` (bool: it would allocate at
    ``at``), ``Recurrence``, ``Escalation`` (one occurrence's duration) and
    ``Escalation Date`` (the recurrence's first day). ``at``: as for
    :meth:`Config.decide` (default now). Edit it and pass it to
    :meth:`Config.with_campaigns`."""
    import pandas as pd

    from ._config import Config

    if not isinstance(config, Config):
        raise TypeError(f"config: expected an allot.Config, got {type(config).__name__}")
    columns = config._core.campaign_table(at_arg(at))
    return pd.DataFrame(columns, columns=list(COLUMNS))


def table_columns(frame: Any) -> Tuple[List[str], List[list]]:
    """Column names and one list of cells per column, from a DataFrame or a
    mapping of column name to values; datetime columns become their days."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        if not hasattr(frame, "keys"):
            raise TypeError(
                f"expected a pandas DataFrame or a mapping of columns, got {type(frame).__name__}")
        frame = pd.DataFrame(dict(frame))
    names: List[str] = []
    cells: List[list] = []
    for name in frame.columns:
        if not isinstance(name, str):
            raise TypeError(f"column names are strings, got {name!r}")
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            column = column.dt.strftime("%Y-%m-%d")
        names.append(name)
        cells.append(column.tolist())
    return names, cells
