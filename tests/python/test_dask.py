"""allot.dask: batch assignment over a Dask DataFrame on a LocalCluster with
worker processes, row for row what the in-process assign gives."""
import pickle

import numpy as np
import pandas as pd
import pytest

import allot

dd = pytest.importorskip("dask.dataframe", reason="python3-dask is a test dependency")
distributed = pytest.importorskip("distributed", reason="python3-distributed")
import allot.dask  # noqa: E402  (after the skips: it needs dask)

AT = "2026-06-01T12:00:00Z"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def visitors(n, first=0, seed=7):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "visitor_id": [f"visitor-{i}" for i in range(first, first + n)],
        "country": rng.choice(["FR", "DE", "US", "ES"], n),
        "plan": rng.choice(["pro", "free", "enterprise"], n),
        "app_version": rng.choice(["1.9.0", "2.5.0", "3.0.1"], n),
    }, index=pd.RangeIndex(first, first + n))


def assert_same_rows(got, want):
    """Row for row equality, the categories of each Categorical included
    (pandas' assert_frame_equal takes minutes on millions of object rows)."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for name in want.columns:
        a, b = got[name], want[name]
        if isinstance(b.dtype, pd.CategoricalDtype):
            assert a.dtype == b.dtype, name  # same categories, same order
            np.testing.assert_array_equal(a.cat.codes.to_numpy(), b.cat.codes.to_numpy(),
                                          err_msg=name)
        else:
            assert (a.to_numpy() == b.to_numpy()).all(), name


def generated(partitions, per_partition):
    """A Dask DataFrame whose partitions are generated on the workers (as
    they would be read from storage there), and the same rows in memory."""
    import dask

    parts = [dask.delayed(visitors)(per_partition, p * per_partition, p)
             for p in range(partitions)]
    ddf = dd.from_delayed(parts, meta=visitors(1).iloc[:0])
    frame = pd.concat([visitors(per_partition, p * per_partition, p)
                       for p in range(partitions)])
    return ddf, frame


def test_a_config_pickles_as_its_json_and_compiles_once_per_process(example_config):
    clone = pickle.loads(pickle.dumps(example_config))
    assert clone.campaigns == example_config.campaigns
    assert pickle.loads(pickle.dumps(example_config)) is clone  # cached by content
    flagship = allot.load(example_config._core.source, bucketing="flagship")
    assert pickle.loads(pickle.dumps(flagship)).bucketing == "flagship"


def test_two_million_visitors_over_sixteen_partitions_match_in_process(client, example_config):
    # Wide: a row per visitor, so 2 M rows (not 10 M) travel back to the client.
    ddf, frame = generated(16, 125_000)
    got = allot.dask.assign(ddf, example_config, at=AT, wide=True).compute()
    want = example_config.assign(frame["visitor_id"], frame.drop(columns="visitor_id"), at=AT,
                                 wide=True)
    assert len(got) == 2_000_000
    assert list(got.columns) == ["visitor_id"] + [c.id for c in example_config.campaigns]
    assert_same_rows(got, want)


def test_long_rows_match_in_process(client, example_config):
    ddf, frame = generated(8, 25_000)
    got = allot.dask.assign(ddf, example_config, at=AT, context_columns=["country", "plan"])
    want = example_config.assign(frame["visitor_id"], frame[["country", "plan"]], at=AT)
    assert len(want) == 200_000 * len(example_config.campaigns)
    assert_same_rows(got.compute(), want)


def test_a_bad_config_fails_on_the_client_with_its_path(client):
    ddf = dd.from_pandas(visitors(100), npartitions=2)
    bad = '{"campaigns":[{"id":"c","variation_groups":[{"id":"g","variations":[{"id":"v","allocation":120}]}]}]}'
    with pytest.raises(allot.ConfigError, match=r"campaigns\[0\]\.variation_groups\[0\]"):
        allot.dask.assign(ddf, bad)
    with pytest.raises(KeyError, match="id_column"):
        allot.dask.assign(ddf, allot.load(bad.replace("120", "100")), id_column="user")
    with pytest.raises(ValueError):
        allot.dask.assign(ddf, allot.load(bad.replace("120", "100")), at="not a time")


def test_per_row_times_and_index_match_in_process(client, example_config):
    """at= a column of the frame: each visitor decided at its own time on
    the workers, as in process; the frame's index labels the rows."""
    frame = visitors(4_000)
    rng = np.random.default_rng(3)
    frame["seen"] = (pd.Timestamp("2026-01-05T06:00:00")
                     + pd.to_timedelta(rng.integers(0, 5 * 3600, len(frame)), unit="s"))
    frame.index = frame.index + 10_000
    ddf = dd.from_pandas(frame, npartitions=4)
    got = allot.dask.assign(ddf, example_config, at="seen",
                            context_columns=["country", "plan"]).compute()
    want = example_config.assign(frame["visitor_id"], frame[["country", "plan", "seen"]],
                                 at="seen")[list(got.columns)]
    assert_same_rows(got, want)
    assert (got.index.to_numpy() == want.index.to_numpy()).all()
    assert got.index[0] == 10_000
    assert {"outside_schedule", "allocated"} <= set(got["reason"].astype(str))
