"""Config.assign: the batch path gives, row for row, what decide gives."""
import gc
import json
import math
import sys

import numpy as np
import pandas as pd
import pytest

import allot
from conftest import EXAMPLES

AT = "2026-06-01T12:00:00Z"


def _targeted(key, op, value):
    return {"targeting_groups": [{"targetings": [{"key": key, "operator": op, "value": value}]}]}


def _campaign(cid, targeting, allocations=(50, 50), **extra):
    c = {"id": cid, "type": "ab", "variation_groups": [{
        "id": f"{cid}-g", "targeting": targeting,
        "variations": [{"id": f"{cid}-v{i}", "allocation": a,
                        "modifications": {"type": "FLAG", "value": {cid: i}}}
                       for i, a in enumerate(allocations)]}]}
    c.update(extra)
    return c


# One campaign per attribute type and operator family, so that every kind of
# column (str, number, bool, missing) changes some decision.
MIXED_CONFIG = json.dumps({"settings": {"bucketing": "xxh3"}, "campaigns": [
    _campaign("everyone", _targeted("fs_all_users", "EQUALS", True), (33.34, 33.33, 33.33)),
    _campaign("eu", _targeted("country", "IN", ["FR", "DE", "ES"])),
    _campaign("adults", _targeted("age", "GREATER_THAN_OR_EQUALS", 18)),
    _campaign("beta", _targeted("beta", "EQUALS", True), (100,)),
    _campaign("no-plan", _targeted("plan", "NOT_EXISTS", None), (100,)),
    _campaign("plan-42", _targeted("plan", "EQUALS", 42), (100,)),
    _campaign("acme", _targeted("email", "MATCHES_REGEX", r"@acme\.com$"), (60, 30)),
    _campaign("new-app", _targeted("app_version", "SEMVER_GREATER_THAN_OR_EQUALS", "2.4.0")),
    _campaign("score", _targeted("score", "LOWER_THAN", 0.5)),
    _campaign("tier", _targeted("tier", "EQUALS", "gold"), (100,)),
    _campaign("paused", _targeted("fs_all_users", "EQUALS", True), status="paused"),
]})

N = 10_000


def _mixed_visitors(n=N, seed=7):
    rng = np.random.default_rng(seed)
    ids = np.array([f"visitor-{i}" for i in range(n)], dtype=object)
    country = rng.choice(np.array(["FR", "DE", "US", "JP", None], dtype=object), n)
    age = rng.integers(0, 90, n).astype(float)
    age[rng.random(n) < 0.1] = np.nan
    # One column mixing str, int, bool and missing values row by row.
    plan = np.array([["pro", 42, True, None, math.nan, "free"][k]
                     for k in rng.integers(0, 6, n)], dtype=object)
    beta = rng.random(n) < 0.3
    email = np.array([f"v{i}@acme.com" if k == 0 else (f"v{i}@example.org" if k == 1 else None)
                      for i, k in enumerate(rng.integers(0, 3, n))], dtype=object)
    app_version = rng.choice(np.array(["2.3.9", "2.4.0", "v2.5.1", "3.0.0-beta.2", "x"],
                                      dtype=object), n)
    score = pd.array(rng.integers(0, 2, n), dtype="Int64")  # nullable integers
    score[rng.random(n) < 0.2] = pd.NA
    tier = pd.Categorical(rng.choice(["gold", "silver"], n))
    tier[rng.random(n) < 0.1] = np.nan
    frame = pd.DataFrame({"country": country, "age": age, "plan": plan, "beta": beta,
                          "email": email, "app_version": app_version,
                          "score": score, "tier": tier})
    return ids, frame


def _present(value):
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _row_context(frame, i):
    out = {}
    for name in frame.columns:
        v = frame[name].iat[i]
        if _present(v):
            out[name] = v.item() if hasattr(v, "item") else v
    return out


def _none(v):
    return None if isinstance(v, float) and math.isnan(v) else v


@pytest.fixture(scope="module")
def mixed():
    return allot.load(MIXED_CONFIG)


def test_assign_equals_decide_row_by_row(mixed):
    ids, frame = _mixed_visitors()
    out = mixed.assign(ids, frame, at=AT, threads=2)
    k = len(mixed.campaigns)
    assert len(out) == N * k
    cols = [out[c].tolist() for c in
            ("visitor_id", "campaign_id", "variation_group_id", "variation_id", "reason")]
    reasons = set()
    for i in range(N):
        expected = mixed.decide(ids[i], _row_context(frame, i), at=AT)
        for j, d in enumerate(expected):
            r = i * k + j
            got = allot.Decision(cols[1][r], _none(cols[2][r]), _none(cols[3][r]), cols[4][r])
            assert cols[0][r] == ids[i]
            assert got == d, (i, _row_context(frame, i))
            reasons.add(d.reason)
    # The inputs really exercise the targeting: several outcomes occur.
    assert {"allocated", "not_targeted", "campaign_inactive"} <= reasons


def test_every_column_kind_changes_decisions(mixed):
    ids, frame = _mixed_visitors(2000)
    out = mixed.assign(ids, frame, at=AT)
    allocated = out[out.reason == "allocated"].groupby("campaign_id", observed=False).size()
    for campaign in ("eu", "adults", "beta", "no-plan", "plan-42", "acme", "new-app",
                     "score", "tier"):
        # Neither nobody nor everybody: the column decided.
        assert 0 < allocated[campaign] < 2000, campaign


def test_single_campaign_rows(mixed):
    ids, frame = _mixed_visitors(3000)
    full = mixed.assign(ids, frame, at=AT)
    one = mixed.assign(ids, frame, at=AT, campaign="acme")
    assert len(one) == 3000
    assert list(one["campaign_id"].cat.categories) == ["acme"]
    expected = full[full.campaign_id == "acme"].reset_index(drop=True)
    for col in ("visitor_id", "variation_group_id", "variation_id", "reason"):
        assert expected[col].astype(object).fillna("-").tolist() == \
            one[col].astype(object).fillna("-").tolist(), col


def test_output_columns_are_categoricals_from_codes(example_config):
    out = example_config.assign(["a", "b", "c"], at=AT)
    assert list(out.columns) == ["visitor_id", "campaign_id", "variation_group_id",
                                 "variation_id", "reason"]
    for col in ("campaign_id", "variation_group_id", "variation_id", "reason"):
        assert isinstance(out[col].dtype, pd.CategoricalDtype), col
    assert list(out["reason"].cat.categories) == list(allot.REASONS)
    assert list(out["campaign_id"].cat.categories) == [c.id for c in example_config.campaigns]
    n = len(example_config.campaigns)
    assert out["visitor_id"].tolist() == ["a"] * n + ["b"] * n + ["c"] * n


def test_thread_counts_agree(mixed):
    ids, frame = _mixed_visitors(20_000, seed=11)
    one = mixed.assign(ids, frame, at=AT, threads=1)
    many = mixed.assign(ids, frame, at=AT, threads=3)
    pd.testing.assert_frame_equal(one, many)


def test_object_columns_read_by_several_workers_agree_with_one(mixed):
    """An object column's rows are read by several workers (ASCII str by
    content, anything else in runs left to the thread holding the GIL):
    runs of one object across a worker's bounds, equal strings as distinct
    objects, non-ASCII strings, numbers, bools and missing values decide as
    one worker reads them, and as decide does."""
    n = 30_000
    rng = np.random.default_rng(5)
    pool = ["FR", "DE", "US", "é-land", 42, 7.5, True, None, math.nan, "gold", "silver"]
    picks = rng.integers(0, len(pool), n)
    country = np.empty(n, dtype=object)
    for i, k in enumerate(picks):
        v = pool[k]
        # A new str object per row for the ASCII strings (as numpy makes them).
        country[i] = "".join(list(v)) if isinstance(v, str) else v
    # Long runs of one object over the bounds of 2 and 3 workers.
    country[9_000:21_000] = None
    country[14_500:15_500] = "DE"
    tier = np.array(["gold" if i % 7 else "é" for i in range(n)], dtype=object)
    tier[9_990:10_010] = 3
    # Runs of one int object (plan-42 targets it) and of a non-ASCII str.
    plan = np.array([42 if (i // 3_000) % 2 else "prö" for i in range(n)], dtype=object)
    frame = pd.DataFrame({"country": country, "tier": tier, "plan": plan})
    ids = np.array([f"visitor-{i}" for i in range(n)], dtype=object)
    one = mixed.assign(ids, frame, at=AT, threads=1)
    for threads in (2, 3):
        many = mixed.assign(ids, frame, at=AT, threads=threads)
        # Column by column through the codes (assert_frame_equal takes
        # seconds on 330,000 categorical rows).
        assert list(many.columns) == list(one.columns)
        assert (many["visitor_id"].to_numpy() == one["visitor_id"].to_numpy()).all()
        for col in ("campaign_id", "variation_group_id", "variation_id", "reason"):
            assert list(many[col].cat.categories) == list(one[col].cat.categories), col
            assert np.array_equal(many[col].cat.codes.to_numpy(), one[col].cat.codes.to_numpy()), col
    per_visitor = len(mixed.campaigns)
    for i in list(range(9_985, 10_015)) + list(range(14_995, 15_005)) + [0, n - 1]:
        rows = one.iloc[i * per_visitor:(i + 1) * per_visitor]
        got = mixed.decide(ids[i], _row_context(frame, i), at=AT)
        assert [d.variation_id for d in got] == [_none(v) for v in rows["variation_id"]], i
        assert [d.reason for d in got] == list(rows["reason"]), i


def test_a_bad_object_value_names_the_first_bad_row_whatever_the_workers(mixed):
    n = 30_000
    ids = [f"visitor-{i}" for i in range(n)]
    plan = np.array(["pro"] * n, dtype=object)
    plan[25_000] = {"a": 1}
    plan[12_000] = [1]
    for threads in (1, 2, 3):
        with pytest.raises(TypeError, match=r'context column "plan", row 12000: unsupported value of type list'):
            mixed.assign(ids, {"plan": plan}, at=AT, threads=threads)


@pytest.mark.parametrize("n", [126, 127, 200])
def test_codes_come_in_the_type_pandas_keeps(n):
    """The campaign, group and variation codes come in the integer type that
    pandas gives a Categorical of that many categories (int8 below 127,
    int16 below 32,767), so that from_codes keeps them as they are; the
    values around each bound are the decisions."""
    config = allot.load(json.dumps({"settings": {"bucketing": "xxh3"}, "campaigns": [
        {"id": f"c{i}", "type": "toggle", "variation_groups": [{
            "id": f"g{i}", "targeting": _targeted("fs_all_users", "EQUALS", True),
            "variations": [{"id": f"v{i}", "allocation": 100}]}]} for i in range(n)]}))
    ids = ["a", "b", "c"]
    frame = config.assign(ids, at=AT)
    expected = pd.Categorical.from_codes(np.zeros(1, dtype=np.int64),
                                         categories=pd.Index(range(n))).codes.dtype
    for col in ("campaign_id", "variation_group_id", "variation_id"):
        assert frame[col].cat.codes.dtype == expected, col
    # As they come out of C++ (from_codes would convert others silently).
    from allot._batch import batch_at_arg, threads_arg
    raw = config._core.assign(ids, [], None, batch_at_arg(AT, None, 3), threads_arg(None),
                              None, None)
    assert [a.dtype for a in raw[:3]] == [expected] * 3
    for k, vid in enumerate(ids):
        got = [d.variation_id for d in config.decide(vid, at=AT)]
        assert got == list(frame["variation_id"].iloc[k * n:(k + 1) * n]), vid
    assert list(frame["campaign_id"].iloc[:n]) == [f"c{i}" for i in range(n)]


@pytest.mark.parametrize("make_ids", [
    lambda ids: list(ids),
    lambda ids: tuple(ids),
    lambda ids: np.array(ids, dtype=object),
    lambda ids: np.array(ids, dtype=str),
    lambda ids: pd.Series(ids),
    lambda ids: pd.Series(ids, dtype="string"),
    lambda ids: pd.Index(ids),
])
def test_visitor_id_containers(example_config, make_ids):
    ids = [f"visitor-{i}" for i in range(50)] + ["visiteur-é", "访客-1"]
    expected = example_config.assign(list(ids), at=AT)
    got = example_config.assign(make_ids(ids), at=AT)
    # A Series keeps its index on the rows (see test_input_index_is_kept).
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)
    assert got["visitor_id"].iloc[-1] == "访客-1"



def test_visitor_id_column_holds_the_input_strings_and_releases_them(example_config):
    """The visitor_id column holds the very str objects given (one reference
    each per row), with one row per visitor or one per campaign; once the
    frame is gone, every reference is released, also when a bad id stops
    the call part way."""
    # 10,000 ids: two workers write the repeated rows of the long form.
    ids = [f"refcount-visitor-{i}" for i in range(10_000)]
    before = [sys.getrefcount(v) for v in ids]
    n_campaigns = len(example_config.campaigns)
    one = example_config.assign(ids, at=AT, campaign=example_config.campaigns[0].id)
    assert all(one["visitor_id"].iat[i] is ids[i] for i in range(len(ids)))
    assert [sys.getrefcount(v) for v in ids] == [b + 1 for b in before]
    long = example_config.assign(np.array(ids, dtype=object), at=AT, threads=2)
    column = long["visitor_id"].to_numpy()
    assert all(column[n_campaigns * i + k] is ids[i]
               for i in (0, 7, 4_999, 5_000, 9_999) for k in range(n_campaigns))
    assert len(column) == n_campaigns * len(ids)
    assert [sys.getrefcount(v) for v in ids] == [b + 1 + n_campaigns for b in before]
    del one, long, column
    gc.collect()
    assert [sys.getrefcount(v) for v in ids] == before
    with pytest.raises(TypeError, match=r"visitor_ids\[500\]"):
        example_config.assign(ids[:500] + [2.5] + ids[500:], at=AT)
    with pytest.raises(ValueError, match=r"visitor_ids\[3\]"):
        example_config.assign(ids[:3] + [""], at=AT, campaign=example_config.campaigns[0].id)
    gc.collect()
    assert [sys.getrefcount(v) for v in ids] == before


def test_numeric_columns_are_read_where_they_are(mixed):
    """float64 and bool columns are read in place: views with strides, and
    arrays changed after the call, decide as copies made before it would."""
    ids, frame = _mixed_visitors(2000)
    age = frame["age"].to_numpy(dtype=np.float64)
    beta = frame["beta"].to_numpy()
    expected = mixed.assign(ids, {"age": age.copy(), "beta": beta.copy()}, at=AT)
    wide_age = np.empty((2000, 2))
    wide_age[:, 0] = age
    wide_age[:, 1] = -1.0
    strided = {"age": wide_age[:, 0], "beta": np.repeat(beta, 2)[::2]}
    pd.testing.assert_frame_equal(mixed.assign(ids, strided, at=AT), expected)
    inputs = {"age": age, "beta": beta}
    got = mixed.assign(ids, inputs, at=AT)
    age[:] = 0.0
    beta[:] = False
    pd.testing.assert_frame_equal(got, expected)
    assert (mixed.assign(ids, inputs, at=AT)["reason"] !=
            expected["reason"]).any()


def test_input_index_is_kept(example_config):
    """Each visitor's rows carry its label from the ids Series (or the
    context DataFrame): one per campaign in the long form, one in the wide."""
    n_campaigns = len(example_config.campaigns)
    ids = pd.Series(["a", "b", "c"], index=["x", "y", "z"])
    long = example_config.assign(ids, at=AT)
    assert list(long.index) == [label for label in "xyz" for _ in range(n_campaigns)]
    assert (long.loc["y", "visitor_id"] == "b").all()
    wide = example_config.assign(ids, at=AT, wide=True)
    assert list(wide.index) == ["x", "y", "z"]
    one = example_config.assign(ids, at=AT, campaign=example_config.campaigns[0].id)
    assert list(one.index) == ["x", "y", "z"]
    context = pd.DataFrame({"country": ["FR", "DE"]}, index=[10, 20])
    from_context = example_config.assign(["a", "b"], context, at=AT, wide=True)
    assert list(from_context.index) == [10, 20]
    # A list gives a RangeIndex.
    plain = example_config.assign(["a", "b"], at=AT, wide=True)
    assert isinstance(plain.index, pd.RangeIndex)
    # One row per visitor keeps the index as it is (no copy into an
    # Int64Index).
    ranged = pd.DataFrame({"country": ["FR", "DE", "US"]}, index=pd.RangeIndex(5, 8))
    for kwargs in ({"campaign": example_config.campaigns[0].id}, {"wide": True}):
        kept = example_config.assign(["a", "b", "c"], ranged, at=AT, **kwargs)
        assert isinstance(kept.index, pd.RangeIndex) and kept.index.equals(ranged.index)


def test_integer_ids_decide_as_their_decimal_strings(example_config):
    as_text = example_config.assign(["7", "12345678901234567890", "-3"], at=AT)
    for ints in ([7, 12345678901234567890, -3],
                 np.array([7, 2**63 - 1, -3], dtype=np.int64)):
        got = example_config.assign(ints, at=AT)
        if isinstance(ints, list):
            pd.testing.assert_frame_equal(got, as_text)
        assert got["visitor_id"].iloc[0] == "7"
    series = pd.Series([1, 2, 3], dtype="int64")
    assert list(example_config.assign(series, at=AT, wide=True)["visitor_id"]) == ["1", "2", "3"]
    with pytest.raises(TypeError, match=r"visitor_ids\[0\]"):
        example_config.assign([True, False], at=AT)
    with pytest.raises(TypeError):
        example_config.assign(np.array([1.5, 2.5]), at=AT)


def test_dict_of_columns_equals_dataframe(mixed):
    ids, frame = _mixed_visitors(1000)
    as_dict = {name: frame[name] for name in frame.columns}
    as_lists = {name: frame[name].astype(object).tolist() for name in frame.columns}
    as_lists["tier"] = [None if not isinstance(v, str) else v for v in as_lists["tier"]]
    as_lists["score"] = [None if v is pd.NA else v for v in as_lists["score"]]
    # The DataFrame's index labels the rows; the dicts give a RangeIndex.
    a = mixed.assign(ids, frame, at=AT).reset_index(drop=True)
    pd.testing.assert_frame_equal(mixed.assign(ids, as_dict, at=AT), a)
    pd.testing.assert_frame_equal(mixed.assign(ids, as_lists, at=AT), a)


def test_numpy_columns_and_context_is_positional(mixed):
    ids = [f"v{i}" for i in range(500)]
    ages = np.arange(500) % 40
    by_numpy = mixed.assign(ids, {"age": ages.astype(np.int16)}, at=AT, campaign="adults")
    by_series = mixed.assign(pd.Series(ids, index=np.arange(500)[::-1]),
                             pd.DataFrame({"age": ages.astype(float)},
                                          index=np.arange(1000, 1500)),
                             at=AT, campaign="adults")
    # Context values go by position, whatever the indexes; the rows keep
    # the ids' index.
    assert list(by_series.index) == list(np.arange(500)[::-1])
    pd.testing.assert_frame_equal(by_numpy, by_series.reset_index(drop=True))
    adults = by_numpy["reason"].ne("not_targeted").to_numpy()
    assert (adults == (ages >= 18)).all()


def test_at_changes_the_window(example_config):
    # homepage-hero runs from 2026-01-05 09:00 Paris.
    before = example_config.assign(["v"], campaign="homepage-hero", at="2026-01-05T07:59:59Z")
    after = example_config.assign(["v"], campaign="homepage-hero", at="2026-01-05T08:00:00Z")
    assert before["reason"][0] == "outside_schedule"
    assert after["reason"][0] == "allocated"


def test_empty_batch(example_config):
    out = example_config.assign([], at=AT)
    assert len(out) == 0
    assert list(out.columns)[0] == "visitor_id"


def test_concurrent_python_threads_share_a_config(mixed):
    import threading

    ids, frame = _mixed_visitors(2000, seed=5)
    expected = mixed.assign(ids, frame, at=AT, threads=1)
    expected_one = [mixed.decide(ids[i], _row_context(frame, i), at=AT) for i in range(100)]
    failures = []

    def work():
        try:
            for _ in range(2):
                pd.testing.assert_frame_equal(mixed.assign(ids, frame, at=AT), expected)
                got = [mixed.decide(ids[i], _row_context(frame, i), at=AT) for i in range(100)]
                assert got == expected_one
        except Exception as e:  # reported below, with the thread's error
            failures.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[0]


def test_pandas_extension_and_datetime_columns():
    config = allot.load(json.dumps({"campaigns": [
        _campaign("flag", _targeted("beta", "EQUALS", True), (100,)),
        _campaign("name", _targeted("name", "STARTS_WITH", "a"), (100,)),
        _campaign("late", _targeted("signup", "AFTER", "2026-01-01T00:00:00Z"), (100,)),
        _campaign("count", _targeted("count", "GREATER_THAN", 1.5), (100,)),
    ]}))
    ids = ["v0", "v1", "v2", "v3"]
    frame = pd.DataFrame({
        "beta": pd.array([True, False, None, True], dtype="boolean"),
        "name": pd.array(["ann", "bob", None, "al"], dtype="string"),
        "signup": pd.to_datetime(["2026-02-01", "2025-12-31", None, "2026-01-01 00:00:01"]),
        "count": pd.array([2.5, 1.0, None, 3], dtype="Float64"),
    })
    out = config.assign(ids, frame, at=AT)
    got = out.pivot(index="visitor_id", columns="campaign_id", values="reason")
    allocated = (got == "allocated")
    assert allocated["flag"].tolist() == [True, False, False, True]
    assert allocated["name"].tolist() == [True, False, False, True]
    assert allocated["late"].tolist() == [True, False, False, True]
    assert allocated["count"].tolist() == [True, False, False, True]
    # The same through decide, with plain Python values.
    assert config.decide("v3", {"beta": True, "name": "al", "signup": "2026-01-01T00:00:01Z",
                                "count": 3}, at=AT) == [
        allot.Decision(c, f"{c}-g", f"{c}-v0", "allocated")
        for c in ("flag", "name", "late", "count")]


def test_object_column_values_keep_their_types():
    # Equal-looking neighbours of different types must not be merged: "" after
    # a number, "1" after 1, True after 1.
    config = allot.load(json.dumps({"campaigns": [
        _campaign("empty", _targeted("x", "EQUALS", ""), (100,)),
        _campaign("one", _targeted("x", "EQUALS", 1), (100,)),
        _campaign("yes", _targeted("x", "EQUALS", True), (100,)),
    ]}))
    values = [1.0, "", 1, "1", True, 1, "", "", None, 1.0]
    out = config.assign([f"v{i}" for i in range(len(values))], {"x": values}, at=AT)
    reasons = out["reason"].to_numpy().reshape(len(values), 3)
    for i, v in enumerate(values):
        expected = [d.reason for d in config.decide(f"v{i}", {"x": v}, at=AT)]
        assert list(reasons[i]) == expected, (i, v)
    assert list(reasons[1]) == ["allocated", "not_targeted", "not_targeted"]
    assert list(reasons[4]) == ["not_targeted", "not_targeted", "allocated"]


def test_wide_has_a_row_per_visitor_and_agrees_with_the_long_form(example_config):
    n = 3000
    ids = [f"visitor-{i}" for i in range(n)]
    context = {"country": ["FR", "US", "DE"] * (n // 3), "plan": ["pro", "free"] * (n // 2)}
    at = "2026-06-01T12:00:00Z"
    long = example_config.assign(ids, context, at=at)
    wide = example_config.assign(ids, context, at=at, wide=True)
    campaigns = example_config.campaigns
    assert list(wide.columns) == ["visitor_id"] + [c.id for c in campaigns]
    assert len(wide) == n and list(wide["visitor_id"]) == ids
    for c in campaigns:
        column = wide[c.id]
        # Categories: the campaign's variations, whatever the batch holds.
        assert list(column.cat.categories) == list(
            dict.fromkeys(v.id for g in c.groups for v in g.variations))
        expected = long.loc[long["campaign_id"] == c.id, "variation_id"].astype(object)
        assert [x if isinstance(x, str) else None for x in column.astype(object)] == \
            [x if isinstance(x, str) else None for x in expected]
    one = example_config.assign(ids, context, at=at, wide=True, campaign=campaigns[0].id)
    assert list(one.columns) == ["visitor_id", campaigns[0].id]
    assert one[campaigns[0].id].equals(wide[campaigns[0].id])
    with pytest.raises(TypeError, match="wide"):
        example_config.assign(ids, context, wide="yes")


def test_one_at_per_row_matches_one_call_per_time(example_config):
    """at= a context column (or a Series of times) decides each visitor at
    its own instant, exactly as a batch at that one instant would."""
    rng = np.random.default_rng(5)
    n = 300
    base = pd.Timestamp("2026-01-05T07:00:00Z")
    times = base + pd.to_timedelta(rng.integers(0, 4 * 3600, n), unit="s")
    ids = [f"visitor-{i}" for i in range(n)]
    context = pd.DataFrame({"country": rng.choice(["FR", "DE", "US"], n),
                            "event_time": times})
    per_row = example_config.assign(ids, context, at="event_time", campaign="homepage-hero")
    reasons = set()
    for i in range(0, n, 7):
        one = example_config.assign([ids[i]], context.iloc[[i]], at=times[i],
                                    campaign="homepage-hero")
        assert per_row["variation_id"].iloc[i] == one["variation_id"].iloc[0] or (
            pd.isna(per_row["variation_id"].iloc[i]) and pd.isna(one["variation_id"].iloc[0]))
        assert per_row["reason"].iloc[i] == one["reason"].iloc[0]
        reasons.add(per_row["reason"].iloc[i])
    # The window opens at 08:00 UTC: both sides of it are in the batch.
    assert {"outside_schedule", "allocated"} <= reasons
    # Naive datetimes are UTC; strings with offsets; a Series of times works too.
    naive = context.assign(event_time=times.tz_convert(None))
    pd.testing.assert_frame_equal(
        example_config.assign(ids, naive, at="event_time", campaign="homepage-hero"), per_row)
    as_text = [t.isoformat() for t in times.tz_convert("Europe/Paris")]
    pd.testing.assert_frame_equal(
        example_config.assign(ids, context, at=as_text, campaign="homepage-hero"), per_row)
    engine = allot.Engine(example_config)
    pd.testing.assert_frame_equal(
        engine.assign(ids, context, at="event_time", campaign="homepage-hero"), per_row)


def test_per_row_at_errors(example_config):
    context = pd.DataFrame({"t": [pd.Timestamp("2026-06-01"), pd.NaT]})
    with pytest.raises(ValueError, match=r"at\[1\]: missing time"):
        example_config.assign(["a", "b"], context, at="t")
    with pytest.raises(ValueError, match="1 times for 2 visitors"):
        example_config.assign(["a", "b"], at=["2026-06-01T00:00:00Z"])
    with pytest.raises(ValueError, match=r'at\[0\]: "yesterday-ish" is not an RFC 3339 time'):
        example_config.assign(["a"], at=["yesterday-ish"])


def test_one_time_convention(example_config):
    """Strings without an offset are UTC in decide, assign (one at or one
    per row) and traffic_schedule alike, as naive datetimes are."""
    import datetime as dt

    forms = ["2026-01-05T08:00:00", "2026-01-05 08:00", "2026-01-05T08:00:00Z",
             "2026-01-05T09:00:00+01:00", dt.datetime(2026, 1, 5, 8)]
    for at in forms:
        d = example_config.decide("v", at=at)[0]
        assert d.reason == "allocated", at
        a = example_config.assign(["v"], at=at, campaign="homepage-hero")
        assert a["reason"][0] == "allocated", at
    per_row = example_config.assign(["v"] * 2, at=["2026-01-05T07:59:59", "2026-01-05"],
                                    campaign="homepage-hero")
    assert list(per_row["reason"]) == ["outside_schedule", "outside_schedule"]
    rollout = allot.load(EXAMPLES / "rollout.json")
    by_text = rollout.traffic_schedule("new-search-all", "2026-03-27", "2026-03-28T00:00:00")
    by_datetime = rollout.traffic_schedule("new-search-all", dt.datetime(2026, 3, 27),
                                           dt.datetime(2026, 3, 28))
    pd.testing.assert_frame_equal(by_text, by_datetime)
    with pytest.raises(ValueError, match=r'at: "March 5" is not an RFC 3339 time'):
        example_config.decide("v", at="March 5")


def test_numpy_bools_are_booleans(example_config):
    """numpy.bool_ values read as booleans (found by type, not by name):
    in contexts, refused as ids and as sticky versions."""
    config = allot.load(json.dumps({"campaigns": [{
        "id": "c", "variation_groups": [{
            "id": "g", "targeting": {"targeting_groups": [{"targetings": [
                {"key": "beta", "operator": "EQUALS", "value": True}]}]},
            "variations": [{"id": "v", "allocation": 100}]}]}]}))
    flags = np.array([True, False])
    got = config.assign(["a", "b"], {"beta": flags.astype(object)}, at=AT)
    assert list(got["reason"]) == ["allocated", "not_targeted"]
    assert config.decide("a", {"beta": np.True_}, at=AT)[0].reason == "allocated"
    with pytest.raises(TypeError, match=r"visitor_ids\[0\]"):
        config.assign(np.array([np.True_], dtype=object), at=AT)
