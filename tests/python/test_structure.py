"""Experiment structure (DESIGN §15) through Python: layers, holdouts and
prerequisites; Config.layers / Config.holdouts / Campaign.prerequisites;
split_check(by="layer"). Every config is built here, inline."""
import ctypes
import ctypes.util
import json
import pickle

import numpy as np
import pandas as pd
import pytest

import allot

AT = "2026-06-01T12:00:00Z"
N = 40_000
EVERYONE = {"targeting_groups": [{"targetings": [
    {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]}

# Layer "l1": four campaigns over 90 % of it, 10 % covered by none.
RANGES = {"c1": (0, 10), "c2": (10, 35), "c3": (35, 60), "c4": (60, 90)}


def _campaign(cid, allocations=(100,), *, layer=None, prerequisites=None, status=None):
    """Campaign `cid`, one group `cid`-g targeting everyone, variations
    `cid`-a, `cid`-b, ... with these allocations."""
    c = {"id": cid, "type": "ab", "variation_groups": [{
        "id": f"{cid}-g", "targeting": EVERYONE,
        "variations": [{"id": f"{cid}-{name}", "allocation": a,
                        "modifications": {"type": "FLAG", "value": {cid: name}}}
                       for name, a in zip("abcd", allocations)]}]}
    if layer is not None:
        c["layer"] = {"id": layer[0], "range": list(layer[1:])}
    if prerequisites is not None:
        c["prerequisites"] = prerequisites
    if status is not None:
        c["status"] = status
    return c


def _document(campaigns, layers=(), holdouts=()):
    settings = {"bucketing": "xxh3"}
    if layers:
        settings["layers"] = list(layers)
    if holdouts:
        settings["holdouts"] = list(holdouts)
    return {"settings": settings, "campaigns": campaigns}


def _load(campaigns, layers=(), holdouts=()):
    return allot.load(json.dumps(_document(campaigns, layers, holdouts)))


def _ids(n=N, prefix="visitor"):
    return [f"{prefix}-{i}" for i in range(n)]


def _layered(status=None):
    """Campaigns c1..c4 in layer l1 (RANGES), "free" outside any layer,
    and an empty layer l2."""
    campaigns = [_campaign(cid, layer=("l1", low, high),
                           status=status if cid == "c2" else None)
                 for cid, (low, high) in RANGES.items()]
    campaigns.append(_campaign("free"))
    return _load(campaigns, layers=[{"id": "l1", "name": "Checkout"}, {"id": "l2"}])


def _grid(frame, n_campaigns, column="reason"):
    """The frame's `column` as a (visitors, campaigns) array: assign gives
    one row per visitor and campaign, visitor by visitor, campaigns in
    config order."""
    return frame[column].astype(object).to_numpy().reshape(-1, n_campaigns)


@pytest.fixture(scope="module")
def layered():
    return _layered()


@pytest.fixture(scope="module")
def layered_frame(layered):
    return layered.assign(_ids(), at=AT)


# --- the structure, read back ---------------------------------------------

def test_layers_holdouts_and_prerequisites_read_back():
    config = _load(
        [_campaign("x", layer=("l1", 0, 30)),
         _campaign("y", (50, 50), layer=("l1", 30, 60.5)),
         _campaign("z", prerequisites=[{"campaign_id": "y", "variation_ids": ["y-b"]},
                                       {"campaign_id": "x"}])],
        layers=[{"id": "l1", "name": "Checkout"}, {"id": "l2"}],
        holdouts=[{"id": "h", "percent": 5, "campaigns": ["z", "x"]},
                  {"id": "global", "percent": 1.25, "campaigns": "all"}])
    l1, l2 = config.layers
    assert (l1.id, l1.name, l2.id, l2.name, l2.campaigns) == ("l1", "Checkout", "l2", "", ())
    assert l1.campaigns == (allot.LayerRange("x", 0.0, 30.0), allot.LayerRange("y", 30.0, 60.5))
    assert [r.width for r in l1.campaigns] == [30.0, 30.5]
    assert l1.uncovered == 39.5 and l2.uncovered == 100.0
    # Covered campaigns in config order, whatever the order of the list.
    assert config.holdouts == (allot.Holdout("h", 5.0, ("x", "z"), False),
                               allot.Holdout("global", 1.25, ("x", "y", "z"), True))
    x, y, z = config.campaigns
    assert x.prerequisites == y.prerequisites == ()
    assert z.prerequisites == (allot.Prerequisite("y", ("y-b",)), allot.Prerequisite("x", ()))
    # Pickling compiles the same JSON again: the structure travels with it.
    again = pickle.loads(pickle.dumps(config))
    assert again.layers == config.layers and again.holdouts == config.holdouts
    assert again.campaigns == config.campaigns


def test_no_structure_reads_back_empty():
    config = _load([_campaign("a"), _campaign("b")])
    assert config.layers == () and config.holdouts == ()
    assert all(c.prerequisites == () for c in config.campaigns)
    result = allot.split_check(config.assign(_ids(100), at=AT), by="layer")
    assert result.empty
    assert list(result.columns) == ["layer_id", "visitors", "chi2", "dof", "p_value", "srm"]


def test_bucketing_file_prerequisites_read_back():
    def campaign(cid, **extra):
        c = {"id": cid, "type": "ab", "variationGroups": [{
            "id": f"{cid}-g", "targeting": {"targetingGroups": [{"targetings": [
                {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]},
            "variations": [{"id": f"{cid}-a", "allocation": 50,
                            "modifications": {"type": "FLAG", "value": {}}},
                           {"id": f"{cid}-b", "allocation": 50,
                            "modifications": {"type": "FLAG", "value": {}}}]}]}
        c.update(extra)
        return c

    config = allot.load(json.dumps({"panic": False, "campaigns": [
        campaign("p"),
        campaign("q", prerequisites=[{"campaignId": "p", "variationIds": ["p-b"]}])]}))
    assert config.format == "bucketing_file"
    assert config.campaign("q").prerequisites == (allot.Prerequisite("p", ("p-b",)),)
    for i in range(300):
        p, q = config.decide(f"v{i}", at=AT)
        assert (q.reason == "prerequisite_failed") == (p.variation_id != "p-b")


def test_new_reasons_are_listed():
    for reason in ("outside_layer_range", "holdout", "prerequisite_failed"):
        assert reason in allot.REASONS


# --- layers ----------------------------------------------------------------

def test_layer_campaigns_are_mutually_exclusive_with_their_shares(layered, layered_frame):
    reasons = _grid(layered_frame, 5)
    in_layer = reasons[:, :4]
    # Every campaign of the layer is all-in: inside its range, allocated.
    assert set(np.unique(in_layer)) == {"allocated", "outside_layer_range"}
    allocated = in_layer == "allocated"
    assert allocated.sum(axis=1).max() == 1  # never two campaigns of the layer
    for j, (cid, (low, high)) in enumerate(RANGES.items()):
        assert abs(allocated[:, j].mean() * 100 - (high - low)) < 1.0, cid
    # The uncovered 10 % get none of them.
    assert abs((allocated.sum(axis=1) == 0).mean() * 100 - 10) < 1.0
    # A campaign outside any layer is untouched.
    assert (reasons[:, 4] == "allocated").all()
    # The batch path decides as decide() does.
    ids = _ids()
    for i in range(0, N, 997):
        got = [d.reason for d in layered.decide(ids[i], at=AT)]
        assert got == list(reasons[i]), ids[i]


def _xxh3():
    """XXH3_64bits and XXH3_64bits_withSeed of the system libxxhash, or
    None."""
    name = ctypes.util.find_library("xxhash")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        plain, seeded = lib.XXH3_64bits, lib.XXH3_64bits_withSeed
    except (OSError, AttributeError):
        return None
    plain.restype = seeded.restype = ctypes.c_uint64
    plain.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    seeded.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]
    return plain, seeded


def test_layer_bucket_follows_the_frozen_formula(layered, layered_frame):
    xxh3 = _xxh3()
    # libxxhash is a build dependency (scripts/setup installs it): the
    # reference is always there.
    assert xxh3 is not None, "no libxxhash with XXH3 on this system"
    plain, seeded = xxh3
    seed_text = b"layer:l1"
    seed = plain(seed_text, len(seed_text))
    reasons = _grid(layered_frame, 5)
    ids = _ids()
    for i in range(0, N, 7):
        raw = ids[i].encode()
        bucket = seeded(raw, len(raw), seed) % 10000
        for j, (low, high) in enumerate(RANGES.values()):
            inside = low * 100 <= bucket < high * 100
            assert (reasons[i, j] == "allocated") == inside, (ids[i], bucket, j)


def test_layer_bucket_depends_on_visitor_and_layer_only(layered_frame):
    # Other campaign ids and other variations, same layer and ranges: the
    # same visitors land in each range.
    renamed = _load([_campaign(f"other-{cid}", (50, 50), layer=("l1", low, high))
                     for cid, (low, high) in RANGES.items()],
                    layers=[{"id": "l1"}])
    frame = renamed.assign(_ids(), at=AT)
    a = _grid(layered_frame, 5)[:, :4] == "outside_layer_range"
    b = _grid(frame, 4) == "outside_layer_range"
    assert (a == b).all()


# --- holdouts --------------------------------------------------------------

def _holdout_configs(percent=5, covered=("a", "c")):
    campaigns = [_campaign("a", (50, 50)), _campaign("b", (50, 50)), _campaign("c", (30, 70))]
    plain = _load(campaigns)
    held = _load(campaigns, holdouts=[{"id": "h", "percent": percent,
                                       "campaigns": covered if covered == "all"
                                       else list(covered)}])
    return plain, held


def test_holdout_share_and_the_same_visitors_out_of_every_covered_campaign():
    plain, held = _holdout_configs()
    ids = _ids()
    before = plain.assign(ids, at=AT)
    after = held.assign(ids, at=AT)
    reasons = _grid(after, 3)
    out_a, out_b, out_c = (reasons[:, j] == "holdout" for j in range(3))
    assert abs(out_a.mean() * 100 - 5) < 0.5
    assert (out_a == out_c).all()  # the same visitors, held out of both
    assert not out_b.any()
    # The held-out rows carry no variation.
    variations = _grid(after, 3, "variation_id")
    assert pd.isna(variations[out_a, 0]).all() and pd.isna(variations[out_c, 2]).all()
    # The uncovered campaign decides exactly as without the holdout, and so
    # do the covered ones for everyone not held out.
    before_v = _grid(before, 3, "variation_id")
    assert (pd.Series(before_v[:, 1]).equals(pd.Series(variations[:, 1])))
    for j, out in ((0, out_a), (2, out_c)):
        assert pd.Series(before_v[~out, j]).equals(pd.Series(variations[~out, j]))
    assert (_grid(before, 3)[:, 1] == reasons[:, 1]).all()


def test_holdout_all_covers_every_campaign():
    _, held = _holdout_configs(percent=2.5, covered="all")
    assert held.holdouts[0].campaigns == ("a", "b", "c") and held.holdouts[0].all
    reasons = _grid(held.assign(_ids(), at=AT), 3)
    out = reasons == "holdout"
    assert (out[:, 0] == out[:, 1]).all() and (out[:, 1] == out[:, 2]).all()
    assert abs(out[:, 0].mean() * 100 - 2.5) < 0.5


# --- prerequisites ----------------------------------------------------------

def test_prerequisite_failed_exactly_when_the_variation_is_not_listed():
    # p gives p-a or p-b to 80 % (20 % not allocated); q needs p-a; r needs
    # any variation of p; s needs q (a chain).
    config = _load([
        _campaign("p", (40, 40)),
        _campaign("q", prerequisites=[{"campaign_id": "p", "variation_ids": ["p-a"]}]),
        _campaign("r", prerequisites=[{"campaign_id": "p"}]),
        _campaign("s", prerequisites=[{"campaign_id": "q", "variation_ids": ["q-a"]}]),
    ])
    ids = _ids(4_000)
    seen = {"p-a": 0, "p-b": 0, None: 0}
    for vid in ids:
        p, q, r, s = config.decide(vid, at=AT)
        seen[p.variation_id] += 1
        assert (q.reason == "prerequisite_failed") == (p.variation_id != "p-a"), vid
        assert (r.reason == "prerequisite_failed") == (p.variation_id is None), vid
        assert (s.reason == "prerequisite_failed") == (q.variation_id != "q-a"), vid
        for d in (q, r, s):
            if d.reason == "prerequisite_failed":
                assert d.variation_id is None
            else:
                assert d.reason == "allocated"
    assert min(seen.values()) > 500  # every branch taken
    # The batch path, for every campaign and for one campaign alone (which
    # decides the earlier ones it needs).
    whole = _grid(config.assign(ids, at=AT), 4)
    alone = config.assign(ids, campaign="s", at=AT)["reason"].astype(object).to_numpy()
    for i in range(0, len(ids), 37):
        got = [d.reason for d in config.decide(ids[i], at=AT)]
        assert got == list(whole[i])
    assert (alone == whole[:, 3]).all()


def test_a_held_out_prerequisite_fails_its_dependents():
    config = _load([_campaign("p"),
                    _campaign("q", prerequisites=[{"campaign_id": "p"}])],
                   holdouts=[{"id": "h", "percent": 10, "campaigns": ["p"]}])
    reasons = _grid(config.assign(_ids(10_000), at=AT), 2)
    held = reasons[:, 0] == "holdout"
    assert held.any()
    assert (reasons[held, 1] == "prerequisite_failed").all()
    assert (reasons[~held, 1] == "allocated").all()


# --- split_check(by="layer") -------------------------------------------------

def test_layer_split_check_passes_a_correct_split(layered, layered_frame):
    result = allot.split_check(layered_frame, by="layer")
    # l2 has no campaign: nothing to check.
    assert list(result["layer_id"]) == ["l1"]
    row = result.iloc[0]
    assert row["visitors"] == N
    assert row["dof"] == 4  # four campaigns and the uncovered part
    assert not row["srm"] and row["p_value"] > 0.001
    bare = layered_frame.copy()
    bare.attrs = {}
    assert allot.split_check(bare, by="layer", config=layered).equals(result)
    # A visitor listed twice counts once.
    twice = pd.concat([layered_frame, layered_frame.iloc[:5 * 1000]])
    assert allot.split_check(twice, by="layer").equals(result)


def _visitors_in(frame, campaign):
    rows = (frame["campaign_id"] == campaign) & (frame["reason"] == "allocated")
    return frame.loc[rows.to_numpy(), "visitor_id"].to_numpy()


def test_layer_split_check_flags_a_tampered_frame(layered_frame):
    # Lose a fifth of c1's visitors (all their rows), as a broken pipeline
    # would.
    c1 = _visitors_in(layered_frame, "c1")
    lost = set(c1[: len(c1) // 5])
    dropped = layered_frame[~layered_frame["visitor_id"].isin(lost).to_numpy()]
    result = allot.split_check(dropped, by="layer")
    assert result["srm"].iloc[0] and result["p_value"].iloc[0] < 1e-6
    # The per-campaign check cannot see it: each campaign is all-in.
    assert not allot.split_check(dropped)["srm"].any()

    # Visitors of c2 that also show in c3's range: impossible in a correct
    # split.
    reasons = layered_frame["reason"].astype(object).to_numpy().copy()
    c2 = set(_visitors_in(layered_frame, "c2")[:3])
    rows = np.flatnonzero(((layered_frame["campaign_id"] == "c3").to_numpy()
                           & layered_frame["visitor_id"].isin(c2).to_numpy()))
    assert len(rows) == 3
    reasons[rows] = "allocated"
    overlapping = layered_frame.assign(reason=pd.Categorical(reasons, categories=allot.REASONS))
    result = allot.split_check(overlapping, by="layer")
    assert result["srm"].iloc[0] and result["chi2"].iloc[0] == np.inf

    # Visitors moved from the uncovered part into c4's range.
    reasons = layered_frame["reason"].astype(object).to_numpy().copy()
    grid = reasons.reshape(-1, 5)
    nowhere = np.flatnonzero((grid[:, :4] == "outside_layer_range").all(axis=1))
    grid[nowhere[: len(nowhere) // 4], 3] = "allocated"
    moved = layered_frame.assign(reason=pd.Categorical(reasons, categories=allot.REASONS))
    assert allot.split_check(moved, by="layer")["srm"].iloc[0]


def test_layer_split_check_with_campaigns_that_skip_the_layer_step():
    # c2 paused: its rows never look at the layer bucket, so its range joins
    # the uncovered part (35 %) instead of being read as uncovered (10 %).
    paused = _layered(status="paused")
    frame = paused.assign(_ids(), at=AT)
    assert (frame.loc[(frame["campaign_id"] == "c2").to_numpy(), "reason"]
            == "campaign_inactive").all()
    row = allot.split_check(frame, by="layer").iloc[0]
    assert row["visitors"] == N and row["dof"] == 3 and not row["srm"]

    # Forced rows skip the layer step too.
    config = _layered()
    forced = config.assign(_ids(), at=AT, force={"c1": "c1-a", "c4": "c4-a"})
    row = allot.split_check(forced, by="layer").iloc[0]
    assert row["visitors"] == N and row["dof"] == 2 and not row["srm"]

    # A frame of one campaign: its range against the rest of the layer.
    alone = config.assign(_ids(), campaign="c3", at=AT)
    row = allot.split_check(alone, by="layer").iloc[0]
    assert row["visitors"] == N and row["dof"] == 1 and not row["srm"]
    # ... and the same frame with a share of c3's visitors lost.
    c3 = _visitors_in(alone, "c3")
    lost = alone[~alone["visitor_id"].isin(set(c3[: len(c3) // 10])).to_numpy()]
    assert allot.split_check(lost, by="layer")["srm"].iloc[0]

    # Every campaign of the layer paused: nothing to check.
    none = allot.split_check(forced[(forced["campaign_id"] == "free").to_numpy()], by="layer")
    assert none.empty


def test_layer_split_check_of_an_engine_batch(layered):
    engine = allot.Engine(layered)
    frame = engine.assign(_ids(5_000), at=AT)
    row = allot.split_check(frame, by="layer").iloc[0]
    assert row["visitors"] == 5_000 and not row["srm"]


def test_layer_split_check_bad_arguments(layered, layered_frame):
    with pytest.raises(ValueError, match='by: expected "campaign" or "layer"'):
        allot.split_check(layered_frame, by="layers")
    with pytest.raises(ValueError, match="does not apply"):
        allot.split_check(layered_frame, {"c1-a": 1}, by="layer")
    bare = layered_frame.copy()
    bare.attrs = {}
    with pytest.raises(ValueError, match="pass config="):
        allot.split_check(bare, by="layer")
    wide = layered.assign(_ids(10), at=AT, wide=True)
    with pytest.raises(TypeError, match="DataFrame of Config.assign"):
        allot.split_check(wide, by="layer")


# --- load errors ---------------------------------------------------------------

def _error(campaigns, layers=(), holdouts=()):
    with pytest.raises(allot.ConfigError) as e:
        _load(campaigns, layers, holdouts)
    assert isinstance(e.value, ValueError)
    return str(e.value)


def test_unknown_layer_names_its_path():
    message = _error([_campaign("a", layer=("l1", 0, 50)), _campaign("b", layer=("l9", 0, 50))],
                     layers=[{"id": "l1"}])
    assert message.startswith('campaigns[1].layer.id: unknown layer "l9"')
    assert '"l1"' in message


def test_overlapping_ranges_name_both_campaigns():
    message = _error([_campaign("a", layer=("l1", 0, 50)), _campaign("b", layer=("l1", 60, 70)),
                      _campaign("c", layer=("l1", 45, 55))],
                     layers=[{"id": "l1"}])
    assert message.startswith("campaigns[2].layer.range: ")
    assert '"c"' in message and '"a"' in message and "overlap" in message
    # Touching ranges do not overlap.
    config = _load([_campaign("a", layer=("l1", 0, 50)), _campaign("b", layer=("l1", 50, 100))],
                   layers=[{"id": "l1"}])
    assert config.layers[0].uncovered == 0.0


def test_unknown_holdout_campaign_names_its_path():
    message = _error([_campaign("a"), _campaign("b")],
                     holdouts=[{"id": "h", "percent": 5, "campaigns": ["a", "zz"]}])
    assert message.startswith('settings.holdouts[0].campaigns[1]: unknown campaign "zz"')


def test_prerequisite_later_in_the_file_names_its_path():
    message = _error([_campaign("a", prerequisites=[{"campaign_id": "b"}]), _campaign("b")])
    assert message.startswith("campaigns[0].prerequisites[0].campaign_id: ")
    assert '"b"' in message and "later" in message


def test_prerequisite_unknown_variation_names_its_path():
    message = _error([_campaign("a"),
                      _campaign("b", prerequisites=[{"campaign_id": "a",
                                                     "variation_ids": ["a-a", "b-a"]}])])
    assert message.startswith("campaigns[1].prerequisites[0].variation_ids[1]: ")
    assert '"b-a"' in message
