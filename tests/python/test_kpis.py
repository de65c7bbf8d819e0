"""KPI definitions (DESIGN §14): Config.kpis, VariationGroup.rollback_kpi and
Engine.update_kpi_metrics (mean KPIs), with the state document's KPI
members."""
import dataclasses
import json
import math

import pytest

import allot
from conftest import EXAMPLES

AT = "2026-06-01T12:00:00Z"


def _config(goal, op="LOWER_THAN", value=40, min_visitors=200, deadline=None):
    """Campaign "c" with group "g" guarded by `goal`, and the example KPIs
    (examples/kpis.json) as the config's own."""
    kpis = json.loads((EXAMPLES / "kpis.json").read_text())
    campaign = {
        "id": "c", "type": "ab",
        "variation_groups": [{
            "id": "g",
            "targeting": {"targeting_groups": [{"targetings": [
                {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]},
            "variations": [{"id": "g-ref", "reference": True, "allocation": 50},
                           {"id": "g-new", "allocation": 50}],
            "allocation_config": {
                "start_date": "2026-01-01T00:00:00Z", "start_allocation": 100,
                "rollback_condition": {"goal": goal, "operator": op, "value": value,
                                       "min_visitors": min_visitors}},
        }, {
            "id": "plain",
            "targeting": {"targeting_groups": [{"targetings": [
                {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]},
            "variations": [{"id": "p", "allocation": 100}],
        }],
    }
    if deadline:
        campaign["deadline"] = deadline
    return json.dumps({"kpis": kpis, "campaigns": [campaign]})


AOV = {"type": "transaction", "id": "order-value", "kpi": "avg_order_value"}


def test_config_kpis_are_frozen_dataclasses_sorted_by_sort_order_then_id():
    declared = json.dumps({"kpis": [
        {"id": "b", "name": "B", "value_type": "number", "sort_order": 2},
        {"id": "a", "name": "A", "unit": "EUR", "value_type": "integer", "sort_order": 2,
         "required": True, "description": "the a"},
        {"id": "z", "value_type": "boolean", "sort_order": 1},
        {"id": "c", "value_type": "percentage"},
    ], "campaigns": []})
    kpis = allot.load(declared).kpis
    assert isinstance(kpis, tuple)
    assert [k.id for k in kpis] == ["c", "z", "a", "b"]
    assert kpis[2] == allot.Kpi("a", "A", "the a", "EUR", "integer", True, 2)
    assert kpis[0].sort_order == 0 and kpis[0].required is False and kpis[0].name == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        kpis[0].unit = "USD"


def test_example_dataset_and_rollback_kpi():
    config = allot.load(_config(AOV))
    assert [k.id for k in config.kpis] == [
        "avg_order_value", "items_per_order", "checkout_rate", "newsletter_signup"]
    aov = config.kpis[0]
    assert (aov.unit, aov.value_type, aov.required) == ("EUR", "number", True)
    group = config.group("g")
    assert group.rollback_kpi == "avg_order_value"
    assert group.rollback_goal == "order-value"
    assert config.group("plain").rollback_kpi is None
    # By name, and without a goal id: the KPI as written keys the goal.
    by_name = allot.load(_config({"kpi": "Checkout rate"})).group("g")
    assert by_name.rollback_kpi == "checkout_rate"
    assert by_name.rollback_goal == "Checkout rate"


def test_variation_group_positional_construction_still_works():
    group = allot.VariationGroup("g", "G", False, None, ())
    assert group.sticky_version == 0 and group.rollback_kpi is None
    assert allot.VariationGroup("g", "G", False, "goal", (), 3).sticky_version == 3


def test_config_without_kpis_has_none():
    config = allot.load(EXAMPLES / "campaigns.json")
    assert config.kpis == ()
    assert all(g.rollback_kpi is None for c in config.campaigns for g in c.groups)


def test_load_errors_name_the_json_path():
    bad = json.dumps({"kpis": [{"id": "a", "value_type": "number"},
                               {"id": "b", "value_type": "number"},
                               {"id": "c", "value_type": "float"}], "campaigns": []})
    with pytest.raises(allot.ConfigError,
                       match=r'^kpis\[2\]\.value_type: expected number, integer, percentage '
                             r'or boolean, got "float"'):
        allot.load(bad)
    with pytest.raises(allot.ConfigError,
                       match=r'rollback_condition\.goal\.kpi: unknown KPI "revenue"'):
        allot.load(_config({"kpi": "revenue"}))


def test_mean_rollback_latches_at_the_threshold_boundary():
    engine = allot.Engine(_config(AOV, "LOWER_THAN", 40, 200))
    assert engine.update_kpi_metrics("g", "avg_order_value", 199, 0.0, at=AT) is False
    assert engine.update_kpi_metrics("g", "avg_order_value", 200, 8000, at=AT) is False
    assert engine.is_rolled_back("g") is False
    assert engine.update_kpi_metrics("g", "avg_order_value", 200, 7999.5, at=AT) is True
    assert engine.is_rolled_back("g")
    assert engine.decide("visitor-1", at=AT)[0].reason == "rolled_back"
    state = json.loads(engine.export_state())
    rollback = state["groups"][0]["rollback"]
    assert rollback == {"goal": "order-value", "kpi": "avg_order_value", "kind": "mean",
                        "unit": "EUR", "visitors": 200, "sum": 7999.5,
                        "at": "2026-06-01T12:00:00+00:00"}
    # Round trip into a fresh engine.
    restored = allot.Engine(_config(AOV, "LOWER_THAN", 40, 200))
    restored.import_state(engine.export_state())
    assert restored.export_state() == engine.export_state()
    assert restored.is_rolled_back("g")


def test_integer_kpi_needs_a_whole_total():
    engine = allot.Engine(_config({"kpi": "items_per_order"}, "LOWER_THAN", 2, 10))
    with pytest.raises(ValueError, match="integer KPI"):
        engine.update_kpi_metrics("g", "items_per_order", 10, 19.5, at=AT)
    assert engine.update_kpi_metrics("g", "items_per_order", 10, 19, at=AT) is True


def test_bad_feeds():
    engine = allot.Engine(_config(AOV))
    with pytest.raises(KeyError, match="unknown variation group"):
        engine.update_kpi_metrics("nope", "avg_order_value", 10, 1.0, at=AT)
    with pytest.raises(ValueError, match="has no rollback_condition"):
        engine.update_kpi_metrics("plain", "avg_order_value", 10, 1.0, at=AT)
    with pytest.raises(ValueError, match='watches KPI "avg_order_value", not "items_per_order"'):
        engine.update_kpi_metrics("g", "items_per_order", 10, 1.0, at=AT)
    with pytest.raises(ValueError, match="visitors must be >= 0"):
        engine.update_kpi_metrics("g", "avg_order_value", -1, 1.0, at=AT)
    with pytest.raises(ValueError, match="finite"):
        engine.update_kpi_metrics("g", "avg_order_value", 10, math.inf, at=AT)
    with pytest.raises(TypeError, match="total: expected a number"):
        engine.update_kpi_metrics("g", "avg_order_value", 10, "12.5", at=AT)
    # A mean KPI through update_goal_metrics.
    with pytest.raises(ValueError, match="feed it with UpdateKpiMetrics"):
        engine.update_goal_metrics("g", "order-value", 10, 1, at=AT)
    assert json.loads(engine.export_state())["groups"] == []


def test_conversion_kpi_is_fed_as_conversions():
    engine = allot.Engine(_config({"kpi": "checkout_rate"}, "LOWER_THAN", 2.5, 100))
    with pytest.raises(ValueError, match="feed it with UpdateGoalMetrics"):
        engine.update_kpi_metrics("g", "checkout_rate", 1000, 20.0, at=AT)
    assert engine.update_goal_metrics("g", "checkout_rate", 1000, 20, at=AT) is True
    metrics = json.loads(engine.export_state())["groups"][0]["metrics"]
    assert metrics["kind"] == "conversion" and metrics["unit"] == "%"
    assert metrics["conversions"] == 20 and "sum" not in metrics


def test_deadline_closes_kpi_feeds():
    engine = allot.Engine(_config(AOV, min_visitors=0, deadline="2026-06-30"))
    assert engine.update_kpi_metrics("g", "avg_order_value", 10, 500,
                                     at="2026-06-30T23:00:00Z") is False
    with pytest.raises(ValueError, match="deadline 2026-06-30"):
        engine.update_kpi_metrics("g", "avg_order_value", 10, 1, at="2026-07-01T00:00:00Z")
