"""Assignment lifecycle (DESIGN §12) through Python: forced variations,
sticky records (decide and assign), new assignments to persist, and the
Engine's exposure logger."""
import datetime
import gc
import json
import os
import subprocess
import sys
import types

import numpy as np
import pandas as pd
import pytest

import allot

AT = "2026-06-01T12:00:00Z"
AT_DATETIME = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.timezone.utc)
N = 2_000


def _group(gid, allocations, sticky_version=0, forced=None, targeting=None):
    g = {
        "id": gid,
        "targeting": targeting or {"targeting_groups": [{"targetings": [
            {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]},
        "variations": [{"id": f"{gid}-{name}", "allocation": a,
                        "modifications": {"type": "FLAG", "value": {gid: name}}}
                       for name, a in zip("ab", allocations)],
    }
    if sticky_version:
        g["sticky_version"] = sticky_version
    if forced:
        g["forced_assignments"] = forced
    return g


def _config(allocations=(50, 50), sticky_version=0, forced=None, second=(50, 50)):
    """Campaign "c" (group "g": g-a / g-b) and campaign "d" (group "h": h-a /
    h-b), both targeting everyone."""
    return allot.load(json.dumps({"settings": {"bucketing": "xxh3"}, "campaigns": [
        {"id": "c", "type": "ab",
         "variation_groups": [_group("g", allocations, sticky_version, forced)]},
        {"id": "d", "type": "ab", "variation_groups": [_group("h", second)]},
    ]}))


def _ids(n=N, prefix="visitor"):
    return [f"{prefix}-{i}" for i in range(n)]


# --- forced --------------------------------------------------------------

def test_forced_by_the_config_list():
    # g-b takes no traffic: only the forced_assignments list gives it.
    config = _config((100, 0), forced=[{"variation_id": "g-b", "visitor_ids": ["qa-1", "qa-2"]}])
    for qa in ("qa-1", "qa-2"):
        d = config.decide(qa, at=AT)[0]
        assert (d.variation_group_id, d.variation_id, d.reason) == ("g", "g-b", "forced")
        assert d.new_assignment is True
        assert config.flags(qa, at=AT)["g"] == "b"
    other = config.decide("someone", at=AT)[0]
    assert (other.variation_id, other.reason) == ("g-a", "allocated")
    # The Engine and the batch path agree.
    assert allot.Engine(config).decide("qa-1", at=AT)[0].reason == "forced"
    frame = config.assign(["qa-1", "someone", "qa-2"], at=AT, campaign="c")
    assert frame["reason"].tolist() == ["forced", "allocated", "forced"]
    assert frame["variation_id"].tolist() == ["g-b", "g-a", "g-b"]


def test_force_argument_overrides_the_split():
    config = _config((100, 0))
    plain = config.decide("v-1", at=AT)
    assert plain[0].variation_id == "g-a"
    forced = config.decide("v-1", at=AT, force={"c": "g-b"})
    assert (forced[0].variation_id, forced[0].reason) == ("g-b", "forced")
    assert forced[0].new_assignment is True
    assert forced[1] == plain[1]  # campaign d untouched
    assert config.flags("v-1", at=AT, force={"c": "g-b"})["g"] == "b"
    engine = allot.Engine(config)
    assert engine.decide("v-1", at=AT, force={"c": "g-b"})[0].reason == "forced"
    assert engine.flags("v-1", at=AT, force={"c": "g-b"})["g"] == "b"
    # Any Mapping will do.
    force = types.MappingProxyType({"c": "g-b"})
    assert config.decide("v-1", at=AT, force=force)[0].reason == "forced"


def test_force_naming_a_missing_variation_or_campaign_is_ignored():
    config = _config()
    plain = config.decide("v-7", at=AT)
    assert plain[0].reason == "allocated"
    # h-a is a variation of the other campaign, not of c.
    for force in ({"c": "nope"}, {"c": "h-a"}, {"unknown-campaign": "g-a"}):
        got = config.decide("v-7", at=AT, force=force)
        assert got == plain, force
        assert [d.reason for d in got] == ["allocated", "allocated"]


def test_force_in_assign_applies_to_every_row():
    config = _config((100, 0))
    frame = config.assign(_ids(50), at=AT, force={"c": "g-b"})
    c_rows = frame[frame["campaign_id"] == "c"]
    assert (c_rows["reason"] == "forced").all()
    assert (c_rows["variation_id"] == "g-b").all()
    assert (frame[frame["campaign_id"] == "d"]["reason"] == "allocated").all()


# --- sticky ----------------------------------------------------------------

def test_sticky_keeps_visitors_when_allocations_change():
    ids = _ids()
    first = _config((50, 50))
    frame, records = first.assign(ids, at=AT, new_assignments=True)
    # Every allocation of a visitor without records is new: one record per
    # visitor and campaign, with the group's version.
    assert list(records.columns) == ["visitor_id", "variation_group_id", "variation_id",
                                     "version"]
    assert len(records) == 2 * N
    assert records["version"].dtype == np.int64
    assert (records["version"] == 0).all()
    before = records[records["variation_group_id"] == "g"].set_index("visitor_id")["variation_id"]
    assert set(before) == {"g-a", "g-b"}

    second = _config((10, 90))
    without = second.assign(ids, at=AT, campaign="c")
    moved = (without["variation_id"].astype(object).to_numpy()
             != before.loc[ids].astype(object).to_numpy()).mean()
    # Without records ~40 % move (those between the 10 % and 50 % marks).
    assert 0.30 < moved < 0.50, moved

    with_records, new = second.assign(ids, at=AT, campaign="c", sticky=records,
                                      new_assignments=True)
    assert (with_records["reason"] == "sticky").all()
    assert with_records["variation_id"].astype(object).tolist() == before.loc[ids].tolist()
    assert len(new) == 0  # nothing to persist: every visitor kept its record
    # decide with the same records agrees.
    for i in range(0, N, 97):
        vid = ids[i]
        d = second.decide(vid, at=AT, sticky={"g": before[vid]})[0]
        assert (d.variation_id, d.reason, d.new_assignment) == (before[vid], "sticky", False)


def test_sticky_version_bump_lets_about_half_move():
    ids = _ids()
    _, records = _config((50, 50)).assign(ids, at=AT, campaign="c", new_assignments=True)
    bumped = _config((50, 50), sticky_version=3)
    assert bumped.group("g").sticky_version == 3
    frame, new = bumped.assign(ids, at=AT, campaign="c", sticky=records, new_assignments=True)
    assert (frame["reason"] == "allocated").all()
    moved = (frame["variation_id"].astype(object).to_numpy()
             != records["variation_id"].astype(object).to_numpy()).mean()
    # A new version re-seeds the group's buckets: about half of a 50/50 group
    # lands elsewhere (binomial sd ~1.1 % at 2,000 visitors).
    assert 0.40 < moved < 0.60, moved
    # Every decision is new again, recorded at the new version...
    assert len(new) == N
    assert (new["version"] == 3).all()
    # ...and those records hold in the next round.
    again = bumped.assign(ids, at=AT, campaign="c", sticky=new)
    assert (again["reason"] == "sticky").all()
    # decide reads versions from tuples and dicts alike.
    vid = ids[0]
    old = records["variation_id"].iloc[0]
    assert bumped.decide(vid, at=AT, sticky={"g": (old, 0)})[0].reason == "allocated"
    assert bumped.decide(vid, at=AT, sticky={"g": (old, 3)})[0].reason == "sticky"
    assert bumped.decide(vid, at=AT, sticky={"g": {"variation_id": old, "version": 3}})[0] \
        .reason == "sticky"
    assert bumped.decide(vid, at=AT, sticky={"g": {"variation_id": old}})[0].reason == "allocated"


def _mixed_records(ids):
    """Records of several kinds: current, stale version, unknown variation,
    unknown group, a variation of another group, duplicates (the later row
    wins), none at all; a visitor's rows scattered over the frame."""
    rng = np.random.default_rng(11)
    early, late = [], []  # `late` rows come after every `early` row
    for i, vid in enumerate(ids):
        kind = i % 7
        if kind == 1:
            early.append((vid, "g", "g-b", 0))
        elif kind == 2:
            early.append((vid, "g", "g-a", 1))  # stale: version 1 != 0
        elif kind == 3:
            early.append((vid, "g", "gone", 0))  # the variation no longer exists
        elif kind == 4:
            early.append((vid, "retired-group", "x", 0))
            early.append((vid, "h", "h-a", 0))
        elif kind == 5:
            early.append((vid, "g", "g-a", 0))
            late.append((vid, "g", "g-b", 0))  # later wins
        elif kind == 6:
            early.append((vid, "h", str(rng.choice(["h-a", "h-b"])), 0))
            early.append((vid, "g", "h-a", 0))  # a variation of another group
    rows = ([early[k] for k in rng.permutation(len(early))]
            + [late[k] for k in rng.permutation(len(late))])
    return pd.DataFrame(rows, columns=["visitor_id", "variation_group_id", "variation_id",
                                       "version"])


def test_assign_with_a_sticky_frame_equals_decide_row_by_row():
    config = _config((30, 70), second=(60, 40))
    ids = _ids(700)
    # A batch may repeat a visitor: every row with that id gets its records.
    batch = ids + ids[:50]
    records = _mixed_records(ids)
    frame, new = config.assign(batch, at=AT, sticky=records, new_assignments=True, threads=2)
    by_visitor = {}
    for r in records.itertuples(index=False):
        by_visitor.setdefault(r.visitor_id, {})[r.variation_group_id] = (r.variation_id,
                                                                         int(r.version))
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    expected_new = []
    reasons = set()
    for vid in batch:
        decisions = config.decide(vid, at=AT, sticky=by_visitor.get(vid))
        for d in decisions:
            r = next(rows)
            assert r.visitor_id == vid
            got = allot.Decision(r.campaign_id, r.variation_group_id, r.variation_id, r.reason)
            assert got == d, (vid, by_visitor.get(vid))
            reasons.add(d.reason)
            if d.new_assignment:
                expected_new.append((vid, d.variation_group_id, d.variation_id, 0))
    assert {"sticky", "allocated"} <= reasons
    got_new = list(new.astype(object).itertuples(index=False, name=None))
    assert got_new == expected_new


def test_a_sticky_frame_in_any_order_over_several_workers():
    """The records of 12,000 visitors over two workers: a frame in the
    batch's visitor order (read in step) and the same frame shuffled, with
    visitors it lacks and visitors the batch lacks, give the same rows, and
    each row is what decide gives."""
    config = _config((50, 50), second=(50, 50))
    ids = _ids(12_000)
    _, new = config.assign(ids, at=AT, new_assignments=True)
    moved = _config((10, 90), second=(90, 10))
    in_order = new[~new["visitor_id"].isin(ids[3::7])]  # one in seven has none
    extra = pd.DataFrame({"visitor_id": ["nobody-1", "nobody-2"],
                          "variation_group_id": ["g", "h"],
                          "variation_id": ["g-a", "h-b"], "version": [0, 0]})
    framed = pd.concat([extra, in_order.astype(object), extra], ignore_index=True)
    shuffled = framed.sample(frac=1.0, random_state=3)
    got = {}
    for name, sticky in (("in order", in_order), ("with extras", framed),
                         ("shuffled", shuffled)):
        for threads in (1, 2):
            frame = moved.assign(ids, at=AT, sticky=sticky, threads=threads)
            got[name, threads] = list(frame["variation_id"].astype(object))
            assert (frame["reason"] == "sticky").sum() == len(in_order), (name, threads)
    first = got["in order", 1]
    assert all(v == first for v in got.values())
    by_visitor = {}
    for r in in_order.itertuples(index=False):
        by_visitor.setdefault(r.visitor_id, {})[r.variation_group_id] = (r.variation_id,
                                                                         int(r.version))
    for i in list(range(5_990, 6_010)) + [0, 3, 10, 11_999]:
        vid = ids[i]
        decisions = moved.decide(vid, at=AT, sticky=by_visitor.get(vid))
        assert [d.variation_id for d in decisions] == first[2 * i:2 * i + 2], vid
        assert decisions[0].reason == ("sticky" if i % 7 != 3 else "allocated"), vid


def test_sticky_frame_without_version_and_with_categoricals():
    config = _config((50, 50))
    ids = _ids(200)
    _, records = config.assign(ids, at=AT, new_assignments=True)
    moved = _config((0, 100), second=(100, 0))
    plain = records.drop(columns="version").astype(object)  # version defaults to 0
    for sticky in (records, plain, records.astype({"version": float})):
        frame = moved.assign(ids, at=AT, sticky=sticky)
        assert (frame["reason"] == "sticky").all()
    # An empty frame is no records at all.
    empty = records.iloc[:0]
    frame = moved.assign(ids, at=AT, sticky=empty)
    assert (frame["reason"] == "allocated").all()


def test_engine_assign_takes_sticky_and_returns_new_assignments():
    engine = allot.Engine(_config((50, 50)))
    ids = _ids(300)
    frame, records = engine.assign(ids, at=AT, new_assignments=True)
    assert len(records) == len(frame)
    assert frame.attrs["allot_allocations"]["c"]["g"] == {"g-a": 50.0, "g-b": 50.0}
    engine.reload(json.dumps({"campaigns": [
        {"id": "c", "type": "ab", "variation_groups": [_group("g", (0, 100))]},
        {"id": "d", "type": "ab", "variation_groups": [_group("h", (100, 0))]}]}))
    again, new = engine.assign(ids, at=AT, sticky=records, new_assignments=True)
    assert (again["reason"] == "sticky").all()
    assert len(new) == 0


# --- bad inputs ------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    ({"force": ["c"]}, TypeError, "force: expected a dict"),
    ({"force": {1: "g-a"}}, TypeError, "force: key 1: expected a str campaign id"),
    ({"force": {"c": 7}}, TypeError, 'force["c"]: expected a str variation id, got int'),
    ({"force": {"c": ""}}, ValueError, 'force["c"]: empty variation id'),
    ({"force": {"": "g-a"}}, ValueError, "empty campaign id"),
    ({"sticky": "g"}, TypeError, "sticky: expected a dict"),
    ({"sticky": {("g",): "g-a"}}, TypeError, "sticky: key ('g',): expected a str"),
    ({"sticky": {"g": 1.5}}, TypeError, 'sticky["g"]: expected a variation id'),
    ({"sticky": {"g": None}}, TypeError, 'sticky["g"]: expected a variation id'),
    ({"sticky": {"g": ("g-a",)}}, ValueError, 'sticky["g"]: expected a (variation_id, version)'),
    ({"sticky": {"g": ("g-a", "1")}}, TypeError, 'sticky["g"][1]: expected an int version'),
    ({"sticky": {"g": ("g-a", True)}}, TypeError, 'sticky["g"][1]: expected an int version'),
    ({"sticky": {"g": ("g-a", 2**64)}}, ValueError, "does not fit in 64 bits"),
    ({"sticky": {"g": (3, 0)}}, TypeError, 'sticky["g"][0]: expected a str variation id'),
    ({"sticky": {"g": {"version": 1}}}, ValueError, 'sticky["g"]: missing "variation_id"'),
    ({"sticky": {"g": {"variation_id": "g-a", "verison": 1}}}, ValueError,
     "unknown key 'verison'"),
    ({"sticky": {"g": {"variation_id": "g-a", "version": 1.0}}}, TypeError,
     'sticky["g"]["version"]: expected an int version'),
])
def test_bad_force_and_sticky_raise_naming_the_key(kwargs, error, message):
    config = _config()
    engine = allot.Engine(config)
    for call in (config.decide, config.flags, engine.decide, engine.flags):
        with pytest.raises(error) as info:
            call("v-1", at=AT, **kwargs)
        assert message in str(info.value)
    # Still usable afterwards.
    assert config.decide("v-1", at=AT)[0].reason == "allocated"


def test_numpy_integer_versions_are_accepted():
    config = _config(sticky_version=2)
    assert config.decide("v", at=AT, sticky={"g": ("g-a", np.int64(2))})[0].reason == "sticky"


def _frame(**columns):
    base = {"visitor_id": ["v-1", "v-2"], "variation_group_id": ["g", "g"],
            "variation_id": ["g-a", "g-b"], "version": [0, 0]}
    base.update(columns)
    return pd.DataFrame({k: v for k, v in base.items() if v is not None})


@pytest.mark.parametrize("sticky, error, message", [
    ({"v-1": {"g": "g-a"}}, TypeError, "sticky: expected a pandas DataFrame"),
    (_frame(variation_id=None), ValueError, "missing column(s) variation_id"),
    (_frame(visitor_id=["v-1", 3]), TypeError,
     "sticky column visitor_id, row 1: expected a str visitor id, got int"),
    (_frame(variation_group_id=["g", None]), TypeError,
     "sticky column variation_group_id, row 1"),
    (_frame(variation_id=["", "g-b"]), ValueError,
     "sticky column variation_id, row 0: empty variation id"),
    (_frame(version=[0.0, 1.5]), ValueError, "row 1: 1.5 is not an integer version"),
    (_frame(version=[0.0, np.nan]), ValueError, "row 1: missing version"),
    (_frame(version=[True, False]), TypeError, "expected int versions"),
    (_frame(version=["1", "2"]), TypeError, "expected int versions"),
])
def test_bad_sticky_frames_raise(sticky, error, message):
    config = _config()
    with pytest.raises(error) as info:
        config.assign(["v-1", "v-2"], at=AT, sticky=sticky)
    assert message in str(info.value)
    with pytest.raises(error):
        allot.Engine(config).assign(["v-1"], at=AT, sticky=sticky)


def test_bad_force_in_assign_and_bad_new_assignments_flag():
    config = _config()
    with pytest.raises(TypeError, match=r'force\["c"\]: expected a str variation id'):
        config.assign(["v"], at=AT, force={"c": 1})
    with pytest.raises(TypeError, match="new_assignments: expected a bool"):
        config.assign(["v"], at=AT, new_assignments="yes")


# --- exposures -------------------------------------------------------------

def _exposure_keys(exposures):
    return [(e["visitor_id"], e["variation_group_id"], e["variation_id"]) for e in exposures]


def test_exposures_to_a_list_are_logged_once_per_visitor_group_and_variation():
    # Campaign d is targeted by nothing: its decisions are not exposures.
    config = allot.load(json.dumps({"campaigns": [
        {"id": "c", "type": "ab", "variation_groups": [_group("g", (50, 50))]},
        {"id": "d", "type": "ab", "variation_groups": [_group("h", (50, 50), targeting={
            "targeting_groups": [{"targetings": [
                {"key": "plan", "operator": "EQUALS", "value": "pro"}]}]})]},
    ]}))
    engine = allot.Engine(config)
    sink = []
    engine.log_exposures(sink, capacity=10_000, batch_size=64)
    ids = _ids(300)
    for _ in range(3):
        for vid in ids:
            engine.decide(vid, at=AT)
    # A pro visitor is exposed to both campaigns, through flags as well.
    engine.flags("pro-1", {"plan": "pro"}, at=AT)
    engine.flush_exposures()

    keys = _exposure_keys(sink)
    assert len(keys) == len(set(keys)) == 302
    assert {k[1] for k in keys} == {"g", "h"}
    expected = {(vid, "g", engine.decide(vid, at=AT)[0].variation_id) for vid in ids}
    assert expected <= set(keys)
    first = sink[0]
    assert set(first) == {"visitor_id", "campaign_id", "variation_group_id", "variation_id",
                          "reason", "at"}
    assert first["campaign_id"] == "c" and first["reason"] == "allocated"
    assert first["at"] == AT_DATETIME
    counters = engine.exposure_counters()
    # Logged: 300 visitors once, pro-1 twice. Repeats: rounds 2 and 3, and
    # the round that computed `expected`.
    assert counters == {"logged": 302, "deduplicated": 3 * 300, "evicted": 0}


def test_a_changed_variation_is_logged_again():
    engine = allot.Engine(_config((50, 50)))
    sink = []
    engine.log_exposures(sink)
    engine.decide("v-1", at=AT, force={"c": "g-a"})
    engine.decide("v-1", at=AT, force={"c": "g-a"})
    engine.decide("v-1", at=AT, force={"c": "g-b"})
    engine.decide("v-1", at=AT, force={"c": "g-b"})
    engine.decide("v-1", at=AT, sticky={"g": "g-a"})
    engine.flush_exposures()
    got = [(e["variation_id"], e["reason"]) for e in sink if e["campaign_id"] == "c"]
    assert got == [("g-a", "forced"), ("g-b", "forced"), ("g-a", "sticky")]
    counters = engine.exposure_counters()
    assert counters["logged"] == len(sink) == 4  # and campaign d once
    assert counters["deduplicated"] == 2 + 4  # c: calls 2 and 4; d: calls 2 to 5


def test_exposures_to_a_callable_come_in_batches():
    engine = allot.Engine(_config())
    batches = []
    engine.log_exposures(batches.append, batch_size=16)
    ids = _ids(500)
    for vid in ids:
        engine.decide(vid, at=AT)
        engine.decide(vid, at=AT)
    engine.flush_exposures()
    assert batches and all(isinstance(b, list) and 1 <= len(b) <= 16 for b in batches)
    exposures = [e for b in batches for e in b]
    keys = _exposure_keys(exposures)
    assert len(keys) == len(set(keys)) == 1000
    counters = engine.exposure_counters()
    assert counters["logged"] == 1000
    assert counters["deduplicated"] == 1000
    assert counters["logged"] + counters["deduplicated"] == 2 * 2 * len(ids)
    engine.flush_exposures()  # nothing pending: no empty batch
    assert sum(len(b) for b in batches) == 1000


def test_a_small_table_evicts_and_logs_again():
    engine = allot.Engine(_config())
    sink = []
    engine.log_exposures(sink, capacity=28)
    ids = _ids(400)
    for _ in range(2):
        for vid in ids:
            engine.decide(vid, at=AT)
    engine.flush_exposures()
    counters = engine.exposure_counters()
    assert counters["evicted"] > 0
    # At least once: every exposure logged, repeats only after an eviction.
    assert {(v, g) for v, g, _ in _exposure_keys(sink)} == {
        (v, g) for v in ids for g in ("g", "h")}
    assert counters["logged"] == len(sink)
    assert counters["logged"] + counters["deduplicated"] == 2 * 2 * len(ids)


def test_stop_replace_and_what_does_not_log():
    engine = allot.Engine(_config())
    assert engine.exposure_counters() == {"logged": 0, "deduplicated": 0, "evicted": 0}
    first = []
    engine.log_exposures(first)
    engine.decide("v-1", at=AT)
    # assign never logs.
    engine.assign(_ids(100), at=AT)
    engine.log_exposures(None)  # flushes
    shown = engine.decide("v-1", at=AT)
    assert sorted(_exposure_keys(first)) == [("v-1", "g", shown[0].variation_id),
                                             ("v-1", "h", shown[1].variation_id)]
    engine.decide("v-2", at=AT)
    engine.flush_exposures()
    assert len(first) == 2
    # The counters of the stopped logger stay readable.
    assert engine.exposure_counters()["logged"] == 2
    # A new logger starts afresh (its own table and counters).
    second = []
    engine.log_exposures(second)
    engine.decide("v-1", at=AT)
    engine.log_exposures(None)
    assert len(second) == 2
    assert engine.exposure_counters()["logged"] == 2
    assert len(first) == 2


def test_sink_errors_and_reentry():
    engine = allot.Engine(_config())

    calls = []

    def failing(batch):
        calls.append(batch)
        if len(calls) == 1:
            raise KeyError("sink is down")

    engine.log_exposures(failing, batch_size=1)
    with pytest.raises(KeyError, match="sink is down"):
        engine.decide("v-1", at=AT)
    assert len(calls) == 2  # the next batch still reached the sink
    # The Engine still decides (the logger is not stuck).
    engine.log_exposures([], batch_size=1)
    assert engine.decide("v-2", at=AT)[0].reason == "allocated"

    def reentrant(batch):
        if len(calls) < 3:
            calls.append(batch)
            engine.decide("inner", at=AT)

    engine.log_exposures(reentrant, batch_size=1)
    with pytest.raises(RuntimeError, match="own exposure sink"):
        engine.decide("v-3", at=AT)
    engine.log_exposures(None)
    assert engine.decide("v-4", at=AT)[0].reason == "allocated"


def test_pending_exposures_reach_the_sink_when_the_engine_goes():
    engine = allot.Engine(_config())
    sink = []
    engine.log_exposures(sink)
    engine.decide("v-1", at=AT)
    assert sink == []  # pending: the batch is not full
    del engine
    gc.collect()
    assert sorted(e["variation_group_id"] for e in sink) == ["g", "h"]


@pytest.mark.parametrize("args, error", [
    (("not a sink",), TypeError),
    ((42,), TypeError),
    (([], 0), ValueError),
    (([], 10, 0), ValueError),
    (([], 1.5), TypeError),
    (([], True), TypeError),
])
def test_bad_logger_arguments(args, error):
    with pytest.raises(error):
        allot.Engine(_config()).log_exposures(*args)


_THREADS_SCRIPT = """
import json, sys, threading, time
import allot

config = allot.load(sys.argv[1])
engine = allot.Engine(config)
exposures = []
lock = threading.Lock()

def sink(batch):
    time.sleep(0)  # lets the other threads take the GIL meanwhile
    with lock:
        exposures.extend(batch)

engine.log_exposures(sink, batch_size=8)
per_thread = 400
errors = []

def work(t):
    try:
        for i in range(per_thread):
            engine.decide(f"t{t}-{i}", at="2026-06-01T12:00:00Z")
            engine.decide(f"t{t}-{i}", at="2026-06-01T12:00:00Z")
            if i % 50 == 0:
                engine.flush_exposures()
                engine.assign([f"t{t}-{i}"], at="2026-06-01T12:00:00Z", threads=2)
    except Exception as e:
        errors.append(repr(e))

threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
engine.flush_exposures()
keys = [(e["visitor_id"], e["variation_group_id"], e["variation_id"]) for e in exposures]
print(json.dumps({"errors": errors, "exposures": len(keys), "distinct": len(set(keys)),
                  "counters": engine.exposure_counters()}))
"""


def test_threads_deciding_while_the_sink_runs_do_not_deadlock():
    # In a child process, so that a deadlock is a timeout here, not a hung
    # test run: a thread holding the GIL while it waits for the logger would
    # block a sink waiting for the GIL forever.
    source = json.dumps({"settings": {"bucketing": "xxh3"}, "campaigns": [
        {"id": "c", "type": "ab", "variation_groups": [_group("g", (50, 50))]},
        {"id": "d", "type": "ab", "variation_groups": [_group("h", (50, 50))]}]})
    done = subprocess.run([sys.executable, "-c", _THREADS_SCRIPT, source],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["errors"] == []
    expected = 4 * 400 * 2  # threads x visitors x campaigns
    assert result["exposures"] == result["distinct"] == expected
    assert result["counters"] == {"logged": expected, "deduplicated": expected, "evicted": 0}


def test_decision_new_assignment_is_in_repr_but_not_in_equality():
    d = allot.Decision("c", "g", "g-a", "allocated", True)
    assert "new_assignment=True" in repr(d)
    assert d == allot.Decision("c", "g", "g-a", "allocated")
    assert allot.Decision("c", "g", "g-a", "allocated").new_assignment is False
    assert "forced" in allot.REASONS and "sticky" in allot.REASONS
