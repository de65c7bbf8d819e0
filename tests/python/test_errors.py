"""Bad inputs raise clear exceptions and leave the Config usable."""
import json

import numpy as np
import pandas as pd
import pytest

import allot

AT = "2026-06-01T12:00:00Z"


def _still_works(config):
    out = config.assign(["visitor-1", "visitor-2"], {"country": ["FR", "US"]}, at=AT)
    assert len(out) == 2 * len(config.campaigns)
    assert config.decide("visitor-1", {"country": "FR"}, at=AT)[0].reason == "allocated"


def test_bad_config_raises_config_error_with_json_path():
    bad = {"campaigns": [{"id": "c1", "type": "ab", "variation_groups": [{
        "id": "g1", "variations": [{"id": "a", "allocation": 60}, {"id": "b", "allocation": 50}]}]}]}
    with pytest.raises(allot.ConfigError) as e:
        allot.load(json.dumps(bad))
    assert str(e.value).startswith("campaigns[0].variation_groups[0].variations")
    assert "110" in str(e.value)
    assert isinstance(e.value, ValueError)
    assert type(e.value).__module__ == "allot" and type(e.value).__name__ == "ConfigError"


def test_unknown_operator_names_the_path():
    bad = {"campaigns": [{"id": "c", "type": "ab", "variation_groups": [{
        "id": "g", "targeting": {"targeting_groups": [{"targetings": [
            {"key": "k", "operator": "EQUAL", "value": 1}]}]},
        "variations": [{"id": "v", "allocation": 100}]}]}]}
    with pytest.raises(allot.ConfigError, match=r"^campaigns\[0\]\.variation_groups\[0\]\."
                       r"targeting\.targeting_groups\[0\]\.targetings\[0\]\.operator: "):
        allot.load(json.dumps(bad))


def test_malformed_json_and_missing_file(tmp_path):
    with pytest.raises(allot.ConfigError, match="malformed JSON"):
        allot.load('{"campaigns": [')
    with pytest.raises(FileNotFoundError, match="neither JSON text"):
        allot.load(str(tmp_path / "nope.json"))
    with pytest.raises(TypeError):
        allot.load(42)


def test_load_from_path_bytes_and_text(campaigns_json):
    a = allot.load(campaigns_json)
    b = allot.load(str(campaigns_json))
    c = allot.load(campaigns_json.read_bytes())
    d = allot.load(campaigns_json.read_text())
    assert a.campaigns == b.campaigns == c.campaigns == d.campaigns
    assert [x.id for x in a.campaigns] == ["homepage-hero", "pricing-page", "new-checkout",
                                           "staff-search", "winter-banner", "checkout-button",
                                           "checkout-copy"]


def test_bad_bucketing(campaigns_json):
    with pytest.raises(ValueError, match="bucketing"):
        allot.load(campaigns_json, bucketing="md5")
    assert allot.load(campaigns_json, bucketing="flagship").bucketing == "flagship"


def test_non_str_visitor_ids(example_config):
    with pytest.raises(TypeError,
                       match=r"visitor_ids\[1\]: expected a str \(or int\) visitor id, got float"):
        example_config.assign(["a", 7.5, "c"], at=AT)
    with pytest.raises(TypeError, match=r"visitor_ids\[0\].*NoneType"):
        example_config.assign(np.array([None, "b"], dtype=object), at=AT)
    with pytest.raises(TypeError, match="dtype float64"):
        example_config.assign(np.arange(3.0), at=AT)
    with pytest.raises(TypeError, match="single str"):
        example_config.assign("visitor-1", at=AT)
    with pytest.raises(ValueError, match=r"visitor_ids\[1\]: empty visitor id"):
        example_config.assign(["a", ""], at=AT)
    with pytest.raises(TypeError, match="NAType"):
        example_config.assign(pd.Series(["a", None], dtype="string"), at=AT)
    _still_works(example_config)


def test_decide_bad_arguments(example_config):
    with pytest.raises(TypeError, match="visitor_id: expected a str"):
        example_config.decide(12)
    with pytest.raises(ValueError, match="empty visitor id"):
        example_config.decide("")
    with pytest.raises(TypeError, match=r'context\["plan"\]: unsupported value of type list'):
        example_config.decide("v", {"plan": ["pro"]})
    with pytest.raises(TypeError, match="context: expected a dict"):
        example_config.decide("v", [("plan", "pro")])
    with pytest.raises(ValueError, match="not an RFC 3339 time"):
        example_config.decide("v", at="yesterday")
    with pytest.raises(TypeError, match="at:"):
        example_config.decide("v", at=3.5)
    _still_works(example_config)


def test_ragged_columns(example_config):
    ids = ["a", "b", "c"]
    with pytest.raises(ValueError, match=r"context column 'country' has 2 values, expected 3"):
        example_config.assign(ids, {"country": ["FR", "DE"]}, at=AT)
    with pytest.raises(ValueError, match=r"context has 4 rows, expected 3"):
        example_config.assign(ids, pd.DataFrame({"country": ["FR"] * 4}), at=AT)
    with pytest.raises(TypeError, match=r"context column 'age': expected a column"):
        example_config.assign(ids, {"age": 31}, at=AT)
    with pytest.raises(TypeError, match=r'context column "plan", row 2: unsupported value of type dict'):
        example_config.assign(ids, {"plan": ["pro", "free", {"x": 1}]}, at=AT)
    with pytest.raises(TypeError, match="column names must be str"):
        example_config.assign(ids, {1: ["a", "b", "c"]}, at=AT)
    with pytest.raises(TypeError, match="expected a pandas DataFrame or a dict"):
        example_config.assign(ids, [["FR", "DE", "US"]], at=AT)
    _still_works(example_config)


def test_unknown_campaign_and_bad_options(example_config):
    with pytest.raises(KeyError, match="unknown campaign id \"nope\""):
        example_config.assign(["a"], campaign="nope", at=AT)
    with pytest.raises(TypeError, match="campaign: expected a str"):
        example_config.assign(["a"], campaign=3, at=AT)
    with pytest.raises(ValueError, match="threads: expected at least 1"):
        example_config.assign(["a"], threads=0, at=AT)
    with pytest.raises(KeyError):
        example_config.campaign("nope")
    _still_works(example_config)


def test_config_is_not_built_directly():
    with pytest.raises(TypeError, match="allot.load"):
        allot.Config()
