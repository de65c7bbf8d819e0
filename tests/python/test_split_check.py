"""split_check: the sample-ratio-mismatch check and its chi-square p-value."""
import math

import numpy as np
import pytest

import allot
from allot._stats import gamma_q

AT = "2026-06-01T12:00:00Z"
N = 100_000


@pytest.fixture(scope="module")
def assignments(example_config):
    rng = np.random.default_rng(3)
    ids = [f"visitor-{i}" for i in range(N)]
    countries = rng.choice(np.array(["FR", "DE", "US", "JP"], dtype=object), N)
    return example_config.assign(ids, {"country": countries, "plan": ["pro"] * N,
                                       "app_version": ["2.5.0"] * N}, at=AT)


def test_unskewed_assignment_passes(assignments):
    result = allot.split_check(assignments).set_index("campaign_id")
    assert sorted(result.index) == ["checkout-button", "checkout-copy", "homepage-hero",
                                    "new-checkout", "pricing-page"]
    assert not result["srm"].any()
    assert (result.loc[["homepage-hero", "pricing-page"], "p_value"] > 0.01).all()
    assert result.loc["homepage-hero", "dof"] == 1
    # Two groups of three and two variations: 2 + 1 degrees of freedom.
    assert result.loc["pricing-page", "dof"] == 3
    # Everyone but the example's 5 % global holdout.
    hero = assignments[assignments["campaign_id"] == "homepage-hero"]
    held = int((hero["reason"] == "holdout").sum())
    assert 0.04 * N < held < 0.06 * N
    assert result.loc["homepage-hero", "visitors"] == N - held


def test_skewed_assignment_is_flagged(assignments):
    # Lose 3 % of one variation's visitors, as a buggy redirect would.
    bold = np.flatnonzero((assignments["variation_id"] == "hero-bold").to_numpy())
    drop = bold[: len(bold) * 3 // 100]
    skewed = assignments.drop(index=assignments.index[drop])
    result = allot.split_check(skewed).set_index("campaign_id")
    assert result.loc["homepage-hero", "srm"]
    assert result.loc["homepage-hero", "p_value"] < 1e-6
    assert not result.loc["pricing-page", "srm"]


def test_expected_override(assignments, example_config):
    hero = assignments[assignments["campaign_id"] == "homepage-hero"]
    fair = allot.split_check(hero, {"hero-original": 1, "hero-bold": 1})
    assert not fair["srm"].iloc[0]
    unfair = allot.split_check(hero, {"hero-original": 3, "hero-bold": 1})
    assert unfair["srm"].iloc[0]
    nested = allot.split_check(assignments, {"homepage-hero": {"hero-original": 3, "hero-bold": 1}})
    assert list(nested["campaign_id"]) == ["homepage-hero"] and nested["srm"].iloc[0]
    with pytest.raises(ValueError, match="several campaigns"):
        allot.split_check(assignments, {"hero-original": 1})
    with pytest.raises(ValueError, match="no expected share"):
        allot.split_check(hero, {"hero-original": 1})


def test_allocations_from_config_when_attrs_are_gone(assignments, example_config):
    bare = assignments.copy()
    bare.attrs = {}
    with pytest.raises(ValueError, match="pass config= or expected="):
        allot.split_check(bare)
    a = allot.split_check(bare, config=example_config)
    b = allot.split_check(assignments)
    assert a.equals(b)


def test_rejects_other_frames():
    with pytest.raises(TypeError, match="DataFrame of Config.assign"):
        allot.split_check([1, 2, 3])


@pytest.mark.parametrize("x", [0.0, 0.1, 1.0, 2.5, 10.0, 60.0, 300.0])
def test_chi2_sf_closed_forms(x):
    # dof 2: exp(-x/2); dof 1: erfc(sqrt(x/2)); dof 4: exp(-x/2)(1 + x/2).
    assert allot.chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-12, abs=1e-300)
    assert allot.chi2_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-9, abs=1e-300)
    assert allot.chi2_sf(x, 4) == pytest.approx(math.exp(-x / 2) * (1 + x / 2), rel=1e-9, abs=1e-300)


def test_chi2_sf_known_quantiles():
    assert allot.chi2_sf(3.841458820694124, 1) == pytest.approx(0.05, rel=1e-9)
    assert allot.chi2_sf(10.827566170662733, 1) == pytest.approx(0.001, rel=1e-9)
    assert allot.chi2_sf(124.34211340400407, 100) == pytest.approx(0.05, rel=1e-9)
    # Upper 5 % points of the chi-square table for 3, 7 and 30 degrees of freedom.
    assert allot.chi2_sf(7.814727903251178, 3) == pytest.approx(0.05, rel=1e-6)
    assert allot.chi2_sf(14.067140449340169, 7) == pytest.approx(0.05, rel=1e-6)
    assert allot.chi2_sf(43.77297182574219, 30) == pytest.approx(0.05, rel=1e-6)
    assert allot.chi2_sf(0.0, 3) == 1.0
    assert allot.chi2_sf(math.inf, 3) == 0.0
    assert gamma_q(1.0, 1.0) == pytest.approx(math.exp(-1), rel=1e-12)
