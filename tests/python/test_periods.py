"""Campaign periods and deadlines (DESIGN §13) through the Python API: the
period is a live window of whole days, and after the deadline's day the goal
metrics are closed and the rollback latch is frozen."""
import json

import pytest

import allot

GROUP = "g"
EVERYONE = {"targeting_groups": [{"targetings": [
    {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]}


def _config(**fields):
    campaign = {
        "id": "p", "type": "ab",
        "scheduler": {"timezone": "Europe/Paris"},
        "period_start": "2026-06-01", "period_end": "2026-07-31", "deadline": "2026-06-30",
        "variation_groups": [{
            "id": GROUP, "targeting": EVERYONE,
            "variations": [{"id": "g-ref", "reference": True, "allocation": 50},
                           {"id": "g-new", "allocation": 50}],
            "allocation_config": {
                "start_date": "2026-01-01T00:00:00Z", "start_allocation": 100,
                "rollback_condition": {"goal": {"type": "transaction", "id": "checkout"},
                                       "operator": "LOWER_THAN", "value": 5,
                                       "min_visitors": 100}},
        }],
    }
    campaign.update(fields)
    return json.dumps({"campaigns": [campaign]})


# The end of 2026-06-30 in Paris (+02:00).
CLOSE = "2026-06-30T22:00:00Z"
BEFORE_CLOSE = "2026-06-30T21:59:59Z"


@pytest.fixture
def engine():
    return allot.Engine(_config())


def test_period_is_whole_local_days():
    config = allot.load(_config())
    # 2026-06-01 starts at 2026-05-31T22:00Z in Paris.
    assert config.decide("v1", at="2026-05-31T21:59:59Z")[0].reason == "outside_schedule"
    assert config.decide("v1", at="2026-05-31T22:00:00Z")[0].reason == "allocated"
    assert config.decide("v1", at="2026-07-31T21:59:59Z")[0].reason == "allocated"
    assert config.decide("v1", at="2026-07-31T22:00:00Z")[0].reason == "outside_schedule"


def test_reset_rollback_after_the_deadline_raises_value_error(engine):
    assert engine.update_goal_metrics(GROUP, "checkout", 400, 4, at=BEFORE_CLOSE) is True
    with pytest.raises(ValueError, match=r'"g" of campaign "p".*2026-06-30.*frozen'):
        engine.reset_rollback(GROUP, at=CLOSE)
    assert engine.is_rolled_back(GROUP)
    # Before the end of the deadline day the latch still resets.
    engine.reset_rollback(GROUP, at=BEFORE_CLOSE)
    assert not engine.is_rolled_back(GROUP)


def test_goal_metrics_after_the_deadline_raise_value_error(engine):
    with pytest.raises(ValueError, match="deadline 2026-06-30"):
        engine.update_goal_metrics(GROUP, "checkout", 400, 4, at=CLOSE)
    assert not engine.is_rolled_back(GROUP)


def test_reset_rollback_at_defaults_to_now():
    # No deadline: nothing closes, and `at` may be left out.
    engine = allot.Engine(_config(deadline=None))
    assert engine.update_goal_metrics(GROUP, "checkout", 400, 4, at="2099-01-01T00:00:00Z")
    engine.reset_rollback(GROUP)
    assert not engine.is_rolled_back(GROUP)
    with pytest.raises(ValueError):
        engine.reset_rollback(GROUP, at="not a time")


def test_bad_period_is_a_config_error():
    with pytest.raises(allot.ConfigError, match=r"^campaigns\[0\]\.period_end: .*YYYY-MM-DD"):
        allot.load(_config(period_end="2026-02-30"))
    with pytest.raises(allot.ConfigError, match=r"^campaigns\[0\]\.deadline: .*before period_start"):
        allot.load(_config(deadline="2026-05-31"))
