"""traffic_schedule and plot_schedule."""
import datetime as dt
import os
import subprocess
import sys

import pandas as pd
import pytest

import allot
from conftest import EXAMPLES


@pytest.fixture(scope="module")
def rollout():
    return allot.load(EXAMPLES / "rollout.json")


def _share(frame, when):
    row = frame[frame["time"] == pd.Timestamp(when)]
    assert len(row) == 1, when
    return row["traffic_percent"].iloc[0]


def test_daily_steps_keep_local_time_across_dst(rollout):
    # 10 % at 2026-03-27 09:00 Paris (08:00Z), +10 % every day at 09:00
    # local: 08:00Z before the DST change of 2026-03-29, 07:00Z after.
    s = rollout.traffic_schedule("new-search-all", "2026-03-27T00:00:00Z",
                                 "2026-04-10T00:00:00Z", "1h")
    assert list(s.columns) == ["time", "traffic_percent"]
    assert str(s["time"].dt.tz) == "UTC"
    assert len(s) == 14 * 24 + 1
    assert _share(s, "2026-03-27T07:00:00Z") == 0
    assert _share(s, "2026-03-27T08:00:00Z") == 10
    assert _share(s, "2026-03-28T07:00:00Z") == 10
    assert _share(s, "2026-03-28T08:00:00Z") == 20
    assert _share(s, "2026-03-29T06:00:00Z") == 20
    assert _share(s, "2026-03-29T07:00:00Z") == 30
    assert _share(s, "2026-04-04T07:00:00Z") == 90
    assert _share(s, "2026-04-05T07:00:00Z") == 100
    assert s["traffic_percent"].iloc[-1] == 100
    assert s["traffic_percent"].is_monotonic_increasing


def test_time_arguments(rollout):
    a = rollout.traffic_schedule("new-search-all", dt.datetime(2026, 3, 27, 8), "2026-03-28T08:00:00Z", "6h")
    b = rollout.traffic_schedule("new-search-all", "2026-03-27 09:00:00+01:00",
                                 dt.datetime(2026, 3, 28, 9, tzinfo=dt.timezone(dt.timedelta(hours=1))),
                                 dt.timedelta(hours=6))
    pd.testing.assert_frame_equal(a, b)
    assert a["traffic_percent"].tolist() == [10, 10, 10, 10, 20]


def test_group_without_allocation_config_is_always_full(example_config):
    s = example_config.traffic_schedule("pricing-europe", "2026-01-01", "2026-01-02", "6h")
    assert s["traffic_percent"].tolist() == [100.0] * 5


def test_example_rollout_group(example_config):
    s = example_config.traffic_schedule("new-checkout-rollout", "2026-05-04T06:00:00Z",
                                        "2026-05-18T08:00:00Z", "1D")
    # Weekly +15 from 10 % at 2026-05-04 09:00 Paris (07:00Z).
    assert s["traffic_percent"].tolist() == [0] + [10] * 7 + [25] * 7


def test_schedule_errors(rollout):
    with pytest.raises(KeyError, match="nope"):
        rollout.traffic_schedule("nope", "2026-03-27", "2026-03-28")
    with pytest.raises(ValueError, match="before start"):
        rollout.traffic_schedule("new-search-all", "2026-03-28", "2026-03-27")
    with pytest.raises(ValueError, match="more than"):
        rollout.traffic_schedule("new-search-all", "2020-01-01", "2030-01-01", "1s")
    with pytest.raises(ValueError, match="start:"):
        rollout.traffic_schedule("new-search-all", "not a date", "2026-03-27")


def test_matches_the_allot_schedule_command(rollout, allot_bin):
    """Same numbers as `allot schedule`."""
    command = allot_bin
    csv = subprocess.run(
        [str(command), "schedule", "--config", str(EXAMPLES / "rollout.json"),
         "--group", "new-search-all", "--from", "2026-03-26T00:00:00Z",
         "--to", "2026-04-08T00:00:00Z", "--every", "30m", "--tz", "UTC"],
        check=True, capture_output=True, text=True).stdout.splitlines()[1:]
    s = rollout.traffic_schedule("new-search-all", "2026-03-26", "2026-04-08", "30min")
    assert len(csv) == len(s)
    assert [float(line.split(",")[1]) for line in csv] == s["traffic_percent"].tolist()


def test_plot_schedule_writes_a_png(example_config, tmp_path):
    path = tmp_path / "schedule.png"
    out = allot.plot_schedule(example_config, "new-checkout-rollout", "2026-05-01",
                              "2026-07-01", path)
    assert out == str(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000


def test_plot_schedule_without_matplotlib(tmp_path):
    # A fresh interpreter where importing matplotlib fails.
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import allot\n"
        f"c = allot.load({str(EXAMPLES / 'campaigns.json')!r})\n"
        "try:\n"
        f"    allot.plot_schedule(c, 'new-checkout-rollout', '2026-05-01', '2026-06-01', {str(tmp_path / 'x.png')!r})\n"
        "except ImportError as e:\n"
        "    print('ImportError:', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env=dict(os.environ)).stdout
    assert "ImportError: allot.plot_schedule needs matplotlib" in out
    assert "python3-matplotlib" in out
    assert not (tmp_path / "x.png").exists()
