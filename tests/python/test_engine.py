"""Engine: run-time state (toggles, rollback latches, export/import) applied
to decisions, and reloads."""
import json

import pytest

import allot
from conftest import EXAMPLES

AT = "2026-06-01T12:00:00Z"
GROUP = "new-checkout-rollout"  # rollback: goal-checkout-rate LOWER_THAN 2.5, min 1000
CONTEXT = {"country": "FR", "plan": "pro", "app_version": "2.5.0"}


def _checkout(decisions):
    return next(d for d in decisions if d.campaign_id == "new-checkout")


def _in_traffic_visitor(engine):
    frame = engine.assign([f"v{i}" for i in range(200)], {"app_version": ["2.5.0"] * 200},
                          campaign="new-checkout", at=AT)
    return frame[frame.reason == "allocated"]["visitor_id"].iloc[0]


@pytest.fixture
def engine(example_config):
    return allot.Engine(example_config)


def test_fresh_engine_decides_like_its_config(engine, example_config):
    for i in range(100):
        assert engine.decide(f"v{i}", CONTEXT, at=AT) == example_config.decide(f"v{i}", CONTEXT, at=AT)


def test_campaign_toggles(engine):
    engine.set_campaign_active("homepage-hero", False)
    assert engine.decide("v1", CONTEXT, at=AT)[0].reason == "campaign_inactive"
    # Turning a campaign on undoes a run-time toggle; it does not override a
    # paused status in the config.
    engine.set_campaign_active("winter-banner", True)
    winter = [d for d in engine.decide("v1", CONTEXT, at=AT) if d.campaign_id == "winter-banner"]
    assert [d.reason for d in winter] == ["campaign_inactive"]
    assert engine.flags("v1", CONTEXT, at=AT).get("hero_title") is None
    engine.set_campaign_active("homepage-hero")
    assert engine.decide("v1", CONTEXT, at=AT)[0].reason == "allocated"
    with pytest.raises(KeyError, match="unknown campaign id"):
        engine.set_campaign_active("nope", False)


def test_rollback_latches_and_resets(engine, example_config):
    assert example_config.group(GROUP).rollback_goal == "goal-checkout-rate"
    visitor = _in_traffic_visitor(engine)
    assert _checkout(engine.decide(visitor, CONTEXT, at=AT)).variation_id == "checkout-v2"
    # KPI 4 % >= 2.5 %: no rollback; below min_visitors: no rollback.
    assert engine.update_goal_metrics(GROUP, "goal-checkout-rate", 2000, 80) is False
    assert engine.update_goal_metrics(GROUP, "goal-checkout-rate", 999, 1) is False
    assert engine.is_rolled_back(GROUP) is False
    # KPI 2 % < 2.5 % with enough visitors: rolled back to the reference.
    assert engine.update_goal_metrics(GROUP, "goal-checkout-rate", 2000, 40,
                                      at="2026-06-01T10:00:00Z") is True
    assert engine.is_rolled_back(GROUP)
    d = _checkout(engine.decide(visitor, CONTEXT, at=AT))
    assert (d.reason, d.variation_id) == ("rolled_back", "checkout-v1")
    assert engine.flags(visitor, CONTEXT, at=AT)["checkout_v2"] is False
    batch = engine.assign([visitor], {k: [v] for k, v in CONTEXT.items()}, at=AT)
    assert batch[batch.campaign_id == "new-checkout"]["reason"].iloc[0] == "rolled_back"
    # The latch holds even when the KPI recovers.
    assert engine.update_goal_metrics(GROUP, "goal-checkout-rate", 4000, 400) is True
    engine.reset_rollback(GROUP)
    assert not engine.is_rolled_back(GROUP)
    assert _checkout(engine.decide(visitor, CONTEXT, at=AT)).reason == "allocated"


def test_goal_metric_errors(engine):
    with pytest.raises(KeyError, match="unknown variation group"):
        engine.update_goal_metrics("nope", "goal-checkout-rate", 10, 1)
    with pytest.raises(ValueError, match="has no rollback_condition"):
        engine.update_goal_metrics("pricing-europe", "x", 10, 1)
    with pytest.raises(ValueError, match="watches goal"):
        engine.update_goal_metrics(GROUP, "goal-signup", 10, 1)
    with pytest.raises(ValueError):
        engine.update_goal_metrics(GROUP, "goal-checkout-rate", 10, 11)
    with pytest.raises(KeyError):
        engine.reset_rollback("nope")
    with pytest.raises(KeyError):
        engine.is_rolled_back("nope")
    assert engine.decide("v1", CONTEXT, at=AT)[0].reason == "allocated"


def test_state_export_import_round_trip(engine, example_config):
    engine.set_campaign_active("pricing-page", False)
    engine.update_goal_metrics(GROUP, "goal-checkout-rate", 5000, 50, at="2026-06-01T10:00:00Z")
    state = engine.export_state()
    doc = json.loads(state)
    assert doc["allot_state"] == 1
    assert {"id": "pricing-page", "active": False} in doc["campaigns"]

    restored = allot.Engine(example_config)
    restored.import_state(state)
    assert restored.export_state() == state
    assert restored.is_rolled_back(GROUP)
    for i in range(50):
        assert restored.decide(f"v{i}", CONTEXT, at=AT) == engine.decide(f"v{i}", CONTEXT, at=AT)

    with pytest.raises(ValueError) as e:
        restored.import_state('{"allot_state": 1, "campaigns": [{"id": 3}]}')
    assert str(e.value).startswith("campaigns[0].id")
    assert restored.export_state() == state  # unchanged


def test_reload_keeps_state_and_refuses_bad_configs(engine, campaigns_json):
    engine.set_campaign_active("homepage-hero", False)
    with pytest.raises(allot.ConfigError, match=r"^\(document\): malformed JSON"):
        engine.reload('{"campaigns": [')
    assert engine.decide("v1", CONTEXT, at=AT)[0].reason == "campaign_inactive"

    doc = json.loads(campaigns_json.read_text())
    doc["campaigns"] = [c for c in doc["campaigns"] if c["id"] != "staff-search"]
    engine.reload(json.dumps(doc))
    assert [c.id for c in engine.config.campaigns] == [
        "homepage-hero", "pricing-page", "new-checkout", "winter-banner",
        "checkout-button", "checkout-copy"]
    decisions = engine.decide("v1", CONTEXT, at=AT)
    assert len(decisions) == 6 and decisions[0].reason == "campaign_inactive"
    engine.reload(campaigns_json)
    assert len(engine.config.campaigns) == 7


def test_engine_from_a_path():
    engine = allot.Engine(EXAMPLES / "rollout.json")
    assert [c.id for c in engine.config.campaigns] == ["new-search-rollout"]
