"""Recurring windows (DESIGN §14) against an independent oracle: for each
rule, `allot windows` must print the windows that python-dateutil's RRULE
occurrences give, localized by RFC 5545 §3.3.5 (a wall-clock time in a DST
gap moves forward by the gap, i.e. takes the offset before it, which is
dateutil.tz.resolve_imaginary; a repeated time is its first occurrence,
fold=0), each live for the duration, merged where they overlap or touch,
clipped to [start_date, stop_date) and to a horizon of five years.

The command is the `allot_bin` fixture (conftest.py).
"""
import json
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from dateutil import tz
from dateutil.rrule import rrulestr

UTC = timezone.utc


# zone, start_date (wall-clock), rule, (duration text, timedelta), stop_date
# or None, and the [from, to] to print.
CASES = [
    # New York: spring-forward (02:30 does not exist on 2026-03-08) and
    # fall-back (01:30 happens twice on 2026-11-01).
    ("America/New_York", "2026-03-05T02:30:00", "FREQ=DAILY;COUNT=6",
     ("1h", timedelta(hours=1)), None, "2026-03-01", "2026-03-31"),
    ("America/New_York", "2026-10-29T01:30:00", "FREQ=DAILY;COUNT=6",
     ("30m", timedelta(minutes=30)), None, "2026-10-25", "2026-11-10"),
    ("America/New_York", "2026-01-01T09:00:00", "RRULE:FREQ=MONTHLY;BYDAY=-1FR",
     ("8h", timedelta(hours=8)), None, "2026-01-01", "2027-06-30"),
    ("America/New_York", "2026-01-01T00:00:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;WKST=SU",
     ("PT36H", timedelta(hours=36)), None, "2026-01-01", "2032-01-01"),
    ("America/New_York", "2026-02-01T01:00:00",
     "FREQ=MONTHLY;BYDAY=+2SU;BYHOUR=1,2,3;BYMINUTE=30",
     ("20m", timedelta(minutes=20)), "2027-12-01T00:00:00", "2026-01-01",
     "2028-01-01"),
    # Paris: BYMONTHDAY=31 skips short months; the last weekday; DST gap
    # with a UTC UNTIL; DST overlap; a local-date UNTIL (the whole day).
    ("Europe/Paris", "2026-01-01T10:00:00", "FREQ=MONTHLY;BYMONTHDAY=31",
     ("P1D", timedelta(days=1)), None, "2026-01-01", "2027-12-31"),
    ("Europe/Paris", "2026-01-01T18:00:00",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
     ("6h", timedelta(hours=6)), None, "2026-01-01", "2027-12-31"),
    ("Europe/Paris", "2026-03-26T02:30:00", "FREQ=DAILY;UNTIL=20260401T000000Z",
     ("2h", timedelta(hours=2)), None, "2026-03-20", "2026-04-10"),
    ("Europe/Paris", "2026-10-22T02:30:00", "FREQ=DAILY;COUNT=6",
     ("45m", timedelta(minutes=45)), None, "2026-10-20", "2026-11-01"),
    ("Europe/Paris", "2026-01-01T09:00:00",
     "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20261231",
     ("P1D", timedelta(days=1)), None, "2026-01-01", "2027-06-30"),
    # Sydney: BalkanID's sample across both DST changes; a gap (2026-10-04
    # 02:00 -> 03:00) and an overlap (2026-04-05 03:00 -> 02:00).
    ("Australia/Sydney", "2026-01-01T09:00:00",
     "RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO",
     ("168h", timedelta(hours=168)), None, "2026-01-01", "2027-12-31"),
    ("Australia/Sydney", "2026-10-02T02:30:00", "FREQ=DAILY;COUNT=4",
     ("1h", timedelta(hours=1)), None, "2026-09-30", "2026-10-10"),
    ("Australia/Sydney", "2026-04-03T02:30:00", "FREQ=DAILY;COUNT=4",
     ("1h", timedelta(hours=1)), None, "2026-04-01", "2026-04-10"),
    ("Australia/Sydney", "2026-01-01T23:00:00",
     "FREQ=YEARLY;BYMONTH=4,10;BYDAY=1SU;BYHOUR=1,2,3",
     ("30m", timedelta(minutes=30)), None, "2026-01-01", "2031-12-31"),
    # UTC: weekdays merged into weeks, clipped at stop_date; yearly
    # ordinals; every third day twice a day with a local UNTIL; BYSETPOS
    # over days x hours with COUNT; the five-year horizon.
    ("UTC", "2026-01-05T00:00:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
     ("24h", timedelta(hours=24)), "2026-03-04T12:00:00", "2026-01-01",
     "2026-04-01"),
    ("UTC", "2026-01-01T09:00:00", "FREQ=YEARLY;BYMONTH=2,8;BYDAY=1MO,-1FR",
     ("2h30m", timedelta(hours=2, minutes=30)), None, "2026-01-01", "2032-01-01"),
    ("UTC", "2026-01-01T08:00:00",
     "FREQ=DAILY;INTERVAL=3;BYHOUR=8,20;BYMINUTE=15;UNTIL=20260201T000000",
     ("90m", timedelta(minutes=90)), None, "2026-01-01", "2026-03-01"),
    ("UTC", "2026-01-01T09:00:00",
     "FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=9,21;BYSETPOS=1,-1;COUNT=10",
     ("PT1H", timedelta(hours=1)), None, "2026-01-01", "2027-01-01"),
    ("UTC", "2026-06-01T12:00:00", "FREQ=DAILY;INTERVAL=7",
     ("PT36H", timedelta(hours=36)), None, "2026-01-01", "2032-01-01"),
]


def localize(naive, zone):
    """RFC 5545 §3.3.5: fold=0 for a repeated time, forward by the gap for
    a skipped one."""
    return tz.resolve_imaginary(naive.replace(tzinfo=zone, fold=0)).astimezone(UTC)


def oracle(zone_name, start, rule, duration, stop, lo, hi):
    zone = tz.gettz(zone_name)
    dtstart = datetime.fromisoformat(start)
    # The campaign's bounds: start_date and stop_date are wall-clock times in
    # the zone, none of them in a gap or overlap here.
    start_at = dtstart.replace(tzinfo=zone).astimezone(UTC)
    horizon = localize(dtstart.replace(year=dtstart.year + 5), zone)
    stop_at = None
    if stop:
        stop_at = datetime.fromisoformat(stop).replace(tzinfo=zone).astimezone(UTC)
        horizon = min(horizon, stop_at)
    # dateutil refuses a UTC UNTIL with a naive DTSTART: drop it and bound
    # the instants instead (UNTIL is inclusive); a local date keeps its day.
    parts, until_utc = [], None
    for part in rule.removeprefix("RRULE:").split(";"):
        name, value = part.split("=")
        if name == "UNTIL" and value.endswith("Z"):
            until_utc = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            continue
        if name == "UNTIL" and len(value) == 8:
            value += "T235959"
        parts.append(f"{name}={value}")
    occurrences = []
    last_local = horizon.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    for naive in rrulestr(";".join(parts), dtstart=dtstart):
        if naive > last_local:
            break
        at = localize(naive, zone)
        if until_utc is not None and at > until_utc:
            continue
        if at < horizon:
            occurrences.append(at)
    windows = []
    for at in sorted(occurrences):
        begin, end = max(at, start_at), at + duration
        if stop_at is not None:
            end = min(end, stop_at)
        if begin >= end:
            continue
        if windows and begin <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([begin, end])
    return [(b, e) for b, e in windows if b <= hi and e > lo]


@pytest.mark.parametrize(
    "zone,start,rule,duration,stop,lo,hi", CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3][0]}" for c in CASES])
def test_windows_match_dateutil(tmp_path, allot_bin, zone, start, rule, duration, stop,
                                lo, hi):
    command = allot_bin
    scheduler = {"start_date": start, "timezone": zone, "recurrence": rule,
                 "duration": duration[0]}
    if stop:
        scheduler["stop_date"] = stop
    config = {"campaigns": [{
        "id": "c", "type": "ab", "scheduler": scheduler,
        "variation_groups": [{"id": "g", "variations": [{"id": "v", "allocation": 100}]}],
    }]}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    lo_at = datetime.fromisoformat(lo).replace(tzinfo=UTC)
    hi_at = datetime.fromisoformat(hi).replace(tzinfo=UTC)
    out = subprocess.run(
        [str(command), "windows", "--config", str(path), "--campaign", "c",
         "--from", lo_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "--to", hi_at.strftime("%Y-%m-%dT%H:%M:%SZ")],
        capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "start,end"
    got = [tuple(datetime.fromisoformat(f) for f in line.split(",")) for line in lines[1:]]
    expected = oracle(zone, start, rule, duration[1], stop, lo_at, hi_at)
    assert expected, "the case should have windows in [from, to]"
    assert got == expected
    # Printed in the scheduler's zone: the offsets are the zone's.
    zone_info = tz.gettz(zone)
    for b, e in got:
        assert b.utcoffset() == b.astimezone(zone_info).utcoffset()


def test_spring_forward_is_the_offset_before_the_gap(tmp_path):
    """New York 2026-03-08 02:30 -> 03:30 EDT (07:30Z), not absl::FromCivil's
    03:00 EDT; checked against dateutil and stated outright."""
    expected = oracle("America/New_York", "2026-03-07T02:30:00", "FREQ=DAILY;COUNT=3",
                      timedelta(hours=1), None,
                      datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert [b for b, _ in expected] == [
        datetime(2026, 3, 7, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 9, 6, 30, tzinfo=UTC),
    ]
