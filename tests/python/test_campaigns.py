"""The bulk campaign table (DESIGN §14) from Python: allot.campaigns_frame is
what `allot campaigns export` writes, Config.with_campaigns what `allot
campaigns import` does; and load(kpis=...) for KPI definitions kept apart."""
import csv
import io
import json
import math
import pickle
import subprocess

import pandas as pd
import pytest

import allot
from conftest import EXAMPLES

AT = "2026-03-03T12:00:00Z"


@pytest.fixture(scope="module")
def recurring():
    return allot.load(EXAMPLES / "recurring.json")


def test_frame_is_the_exported_csv(recurring, allot_bin):
    """Read back with Python's own RFC 4180 reader, the command's CSV holds
    the frame's cells."""
    out = subprocess.run(
        [str(allot_bin), "campaigns", "export", "--config",
         str(EXAMPLES / "recurring.json"), "--at", AT],
        check=True, capture_output=True).stdout.decode("utf-8")
    assert out.endswith("\r\n")
    records = list(csv.reader(io.StringIO(out, newline="")))
    frame = allot.campaigns_frame(recurring, at=AT)
    assert records[0] == list(frame.columns) == list(allot._campaigns.COLUMNS)
    assert len(records) - 1 == len(frame) == 4
    for record, (_, row) in zip(records[1:], frame.iterrows()):
        assert record[6] == f"{row['Percentage Completed']:.2f}"
        assert record[7] == ("TRUE" if row["Is Published"] else "FALSE")
        assert record[:6] + record[8:] == [row[c] for c in frame.columns[:6]] + [
            row[c] for c in frame.columns[8:]]
    assert frame["Percentage Completed"].dtype == float
    assert frame["Is Published"].dtype == bool
    assert frame.loc[0, "Recurrence"] == "RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO"
    assert frame.loc[0, "Escalation Date"] == "2026-01-01"
    assert frame.loc[0, "End Date"] == "2026-12-31"


def test_is_published_follows_at(recurring):
    # Monday 2026-03-02 09:00 in Paris opens a week of monday-deals.
    before = allot.campaigns_frame(recurring, at="2026-03-02T07:59:00Z")
    during = allot.campaigns_frame(recurring, at="2026-03-02T08:00:00Z")
    assert not before.loc[0, "Is Published"]
    assert during.loc[0, "Is Published"]


def test_frame_round_trip_is_identical(recurring):
    back = recurring.with_campaigns(allot.campaigns_frame(recurring))
    assert recurring.compare(back).identical
    bucketing = allot.load(EXAMPLES / "flagship" / "bucketing.json")
    again = bucketing.with_campaigns(allot.campaigns_frame(bucketing))
    assert bucketing.compare(again).identical
    assert again.bucketing == bucketing.bucketing == "flagship"


def test_edits_from_timestamps_nans_and_strings(recurring):
    frame = allot.campaigns_frame(recurring, at=AT)
    frame.loc[0, "Start Date"] = pd.Timestamp("2026-01-05")
    frame.loc[2, "End Date"] = float("nan")
    frame.loc[1, "Status"] = "paused"
    frame.loc[3, "Name"] = "Always on, renamed"
    edited = recurring.with_campaigns(frame)
    report = recurring.compare(edited)
    assert set(report.changed) == {"monday-deals", "night-owls", "spring-sale"}
    assert "always-on" in report.unchanged  # a name changes nobody's variation
    after = allot.campaigns_frame(edited, at=AT)
    assert after.loc[0, "Start Date"] == "2026-01-05"
    assert after.loc[2, "End Date"] == ""
    assert after.loc[1, "Status"] == "paused"
    assert after.loc[3, "Name"] == "Always on, renamed"
    # The original is untouched.
    assert allot.campaigns_frame(recurring, at=AT).loc[1, "Status"] == ""


def test_a_datetime_column_and_a_partial_mapping(recurring):
    edited = recurring.with_campaigns({
        "ID": ["spring-sale"],
        "End Date": pd.to_datetime(["2026-07-31"]),
    })
    frame = allot.campaigns_frame(edited, at=AT)
    assert frame.loc[2, "End Date"] == "2026-07-31"
    assert frame.loc[2, "Start Date"] == "2026-03-20"  # not in the table: kept


def test_bad_rows_are_listed_and_nothing_applies(recurring):
    frame = pd.DataFrame({
        "ID": ["monday-deals", "nope", "spring-sale"],
        "Start Date": ["2026-01-01", "", "2026-13-01"],
        "Recurrence": ["RRULE:FREQ=HOURLY", "", ""],
    })
    with pytest.raises(allot.ConfigError) as error:
        recurring.with_campaigns(frame)
    message = str(error.value)
    assert 'row 0, column "Recurrence": ' in message
    assert 'row 1, column "ID": no campaign "nope"' in message
    assert 'row 2, column "Start Date": ' in message
    with pytest.raises(allot.ConfigError, match='column "Colour": not a column'):
        recurring.with_campaigns({"ID": ["monday-deals"], "Colour": ["red"]})
    with pytest.raises(TypeError):
        recurring.with_campaigns([1, 2, 3])


def test_load_with_separate_kpis_and_pickling_keeps_them():
    with pytest.raises(allot.ConfigError, match="unknown KPI"):
        allot.load(EXAMPLES / "kpi_rollout.json")
    config = allot.load(EXAMPLES / "kpi_rollout.json", kpis=EXAMPLES / "kpis.json")
    ids = [k.id for k in config.kpis]
    assert ids == ["avg_order_value", "items_per_order", "checkout_rate",
                   "newsletter_signup"]
    text = (EXAMPLES / "kpis.json").read_text()
    assert [k.id for k in allot.load(EXAMPLES / "kpi_rollout.json", kpis=text).kpis] == ids
    restored = pickle.loads(pickle.dumps(config))
    assert [k.id for k in restored.kpis] == ids
    # An Engine from it reloads with the same definitions.
    engine = allot.Engine(config)
    assert engine.reload(EXAMPLES / "kpi_rollout.json").identical
    # The campaign table of a KPI config, through the same options.
    frame = allot.campaigns_frame(config, at="2026-04-01T00:00:00Z")
    assert config.compare(config.with_campaigns(frame)).identical
    with pytest.raises(allot.ConfigError, match=r"\(in the separate KPI definitions\)"):
        allot.load(EXAMPLES / "kpi_rollout.json",
                   kpis=json.dumps({"kpis": [{"id": "x", "value_type": "money"}]}))


def test_percentage_completed_of_a_rollout():
    config = allot.load(EXAMPLES / "rollout.json")
    # 10 % from 2026-03-27 09:00 Paris, +10 points a day.
    shares = [allot.campaigns_frame(config, at=t).loc[0, "Percentage Completed"]
              for t in ("2026-03-27T07:00:00Z", "2026-03-27T08:00:00Z",
                        "2026-03-29T08:00:00Z", "2026-06-01T00:00:00Z")]
    assert shares == [0.0, 10.0, 30.0, 100.0]
    assert not any(math.isnan(s) for s in shares)
