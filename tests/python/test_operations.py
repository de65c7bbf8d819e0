"""Campaign operations from Python (DESIGN §13): reload reports, locked
campaigns, fingerprints, Config.compare and Config.diff."""
import json

import pandas as pd
import pytest

import allot


def ab(campaign_id, a, b, **extra):
    """An ab campaign over everyone, split a/b percent."""
    return dict(id=campaign_id, type="ab", **extra, variation_groups=[{
        "id": campaign_id + "-g",
        "targeting": {"targeting_groups": [{"targetings": [
            {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]},
        "variations": [
            {"id": campaign_id + "-a", "allocation": a,
             "modifications": {"type": "FLAG", "value": {"color": "blue"}}},
            {"id": campaign_id + "-b", "allocation": b},
        ],
    }])


def french(campaign_id):
    """A toggle for visitors whose country is FR."""
    return dict(id=campaign_id, type="toggle", variation_groups=[{
        "id": campaign_id + "-g",
        "targeting": {"targeting_groups": [{"targetings": [
            {"key": "country", "operator": "EQUALS", "value": "FR"}]}]},
        "variations": [{"id": campaign_id + "-on", "allocation": 100}],
    }])


def doc(*campaigns, **settings):
    out = {"campaigns": list(campaigns)}
    if settings:
        out["settings"] = settings
    return json.dumps(out)


def test_reload_reports_what_changed_and_identical_content_changes_nothing():
    engine = allot.Engine(allot.load(doc(ab("c1", 50, 50), french("c2"))))
    same = engine.reload(json.dumps(json.loads(doc(ab("c1", 50, 50), french("c2"))), indent=2))
    assert same.identical
    assert same.unchanged == ("c1", "c2")
    report = engine.reload(doc(ab("c1", 40, 60), french("c3")))
    assert report == allot.ReloadReport(identical=False, added=("c3",), removed=("c2",),
                                        changed=("c1",), payload_only=(), unchanged=())
    assert [c.id for c in engine.config.campaigns] == ["c1", "c3"]


def test_a_locked_campaign_refuses_a_change_and_keeps_serving():
    engine = allot.Engine(allot.load(doc(ab("c1", 50, 50, locked=True), french("c2"))))
    with pytest.raises(ValueError, match=r'campaigns\[0\]: locked campaign "c1" would change'):
        engine.reload(doc(ab("c1", 40, 60, locked=True), french("c2")))
    with pytest.raises(ValueError, match=r'locked campaign "c1" would be removed'):
        engine.reload(doc(french("c2")))
    assert engine.config.campaign("c1").groups[0].variations[0].allocation == 50
    # Pausing it and changing its payload are allowed.
    paused = ab("c1", 50, 50, locked=True, status="paused")
    assert engine.reload(doc(paused, french("c2"))).changed == ("c1",)
    assert engine.config.campaign("c1").locked


def test_fingerprints_ignore_key_order_and_names_but_not_allocations():
    base = allot.load(doc(ab("c1", 50, 50)))
    campaign = ab("c1", 50, 50, name="renamed")
    reordered = allot.load(json.dumps({"campaigns": [dict(reversed(list(campaign.items())))]}))
    moved = allot.load(doc(ab("c1", 60, 40)))
    fp = base.campaigns[0].assignment_fingerprint
    assert fp != 0
    assert reordered.campaigns[0].assignment_fingerprint == fp
    assert reordered.campaigns[0].payload_fingerprint == base.campaigns[0].payload_fingerprint
    assert moved.campaigns[0].assignment_fingerprint != fp
    assert base.compare(reordered).unchanged == ("c1",)
    assert not base.compare(reordered).identical  # the name is content
    assert base.compare(moved).changed == ("c1",)
    with pytest.raises(TypeError, match="allot.Config"):
        base.compare("not a config")


@pytest.mark.parametrize("bucketing", ["xxh3", "flagship"])
def test_diff_of_a_sixty_forty_split_moves_ten_percent_one_way(bucketing):
    before = allot.load(doc(ab("c1", 50, 50), french("c2")), bucketing=bucketing)
    after = allot.load(doc(ab("c1", 40, 60), french("c2")), bucketing=bucketing)
    ids = [f"visitor-{i}" for i in range(50_000)]
    report, transitions = before.diff(after, ids)
    assert report.changed == ("c1",) and report.unchanged == ("c2",)
    assert list(transitions.columns) == list(allot.TRANSITION_COLUMNS)
    assert transitions["visitors"].dtype == "int64"
    assert transitions["visitors"].sum() == len(ids)
    movers = transitions[transitions["from_variation"] != transitions["to_variation"]]
    assert list(movers["from_variation"]) == ["c1-a"]
    assert list(movers["to_variation"]) == ["c1-b"]
    assert 0.09 * len(ids) < movers["visitors"].iloc[0] < 0.11 * len(ids)


def test_diff_reads_the_context_and_threads_do_not_change_the_counts():
    before = allot.load(doc(french("c2")))
    after = allot.load(doc(dict(french("c2"), status="paused")))
    ids = [f"v{i}" for i in range(20_000)]
    context = pd.DataFrame({"country": ["FR" if i % 4 == 0 else "DE" for i in range(len(ids))]})
    report, one = before.diff(after, ids, context, at="2026-06-01T12:00:00Z", threads=1)
    _, two = before.diff(after, ids, context, at="2026-06-01T12:00:00Z", threads=2)
    pd.testing.assert_frame_equal(one, two)
    rows = {(r.from_variation, r.to_variation): r.visitors for r in one.itertuples()}
    # Pausing takes the campaign from the French quarter; the rest had none.
    assert rows == {("c2-on", None): len(ids) // 4, (None, None): 3 * len(ids) // 4}
    assert report.changed == ("c2",)


def test_diff_with_nothing_changed_is_an_empty_frame():
    config = allot.load(doc(ab("c1", 50, 50)))
    report, transitions = config.diff(allot.load(doc(ab("c1", 50, 50))), ["a", "b"])
    assert report.identical
    assert transitions.empty
    assert list(transitions.columns) == list(allot.TRANSITION_COLUMNS)
    with pytest.raises(ValueError):
        config.diff(config, ["a", ""])  # an empty visitor id
