"""``allot.split_check``: sample-ratio-mismatch (SRM) check of assignments.

The p-value is the chi-square survival function, computed with the
regularized upper incomplete gamma function Q(k/2, x/2) written here (series
and continued fraction, as in Numerical Recipes §6.2), so that scipy is not
needed.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Dict, Optional

from ._config import ALLOCATIONS_ATTR, Config

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITERATIONS = 10_000


def gamma_q(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), a > 0."""
    if a <= 0:
        raise ValueError(f"gamma_q: a must be positive, got {a}")
    if x < 0:
        raise ValueError(f"gamma_q: x must be non-negative, got {x}")
    if x == 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    log_prefactor = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        # Series for P(a, x); Q = 1 - P.
        term = total = 1.0 / a
        ap = a
        for _ in range(_MAX_ITERATIONS):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefactor))
    # Continued fraction for Q(a, x) (modified Lentz).
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return min(1.0, math.exp(log_prefactor) * h)


def chi2_sf(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X chi-square with ``dof`` degrees of freedom."""
    if dof <= 0:
        return 1.0 if statistic <= 0 else 0.0
    return gamma_q(dof / 2.0, statistic / 2.0)


def _chi2(observed: Dict[str, int], weights: Mapping[str, float]):
    """Chi-square statistic and degrees of freedom of ``observed`` counts
    against ``weights`` normalised over the observed total."""
    unknown = sorted(set(observed) - set(weights))
    if unknown:
        raise ValueError(f"no expected share for variation(s) {', '.join(map(repr, unknown))}")
    positive = {v: float(w) for v, w in weights.items() if w > 0}
    if any(w < 0 for w in weights.values()):
        raise ValueError("expected shares must be non-negative")
    n = sum(observed.values())
    if n == 0 or not positive:
        return 0.0, 0
    if any(observed.get(v, 0) > 0 for v in weights if v not in positive):
        return math.inf, len(positive) - 1  # visitors where none were expected
    total = sum(positive.values())
    statistic = 0.0
    for v, w in positive.items():
        expected = n * w / total
        statistic += (observed.get(v, 0) - expected) ** 2 / expected
    return statistic, len(positive) - 1


def split_check(assignments: Any, expected: Optional[Mapping[str, Any]] = None, *,
                config: Optional[Config] = None, alpha: float = 0.001):
    """Sample-ratio-mismatch check of an :meth:`Config.assign` result, per
    campaign.

    Only rows whose reason is ``allocated`` count. By default each variation
    is expected to get its configured allocation, normalised over the
    allocated rows of its variation group (a campaign with several groups
    sums the chi-square statistics and degrees of freedom of its groups). The
    allocations come from the assignments themselves (``assign`` records
    them in ``DataFrame.attrs``) or from ``config``.

    ``expected`` overrides them: ``{campaign_id: {variation_id: weight}}``,
    or ``{variation_id: weight}`` when the assignments hold one campaign;
    weights are normalised over the campaign's allocated rows (groups are
    then pooled).

    Returns a pandas DataFrame, one row per campaign with allocated rows:
    ``campaign_id``, ``visitors`` (allocated rows), ``chi2``, ``dof``,
    ``p_value``, and ``srm`` (``p_value < alpha``; a mismatch this unlikely
    means the split is broken, not unlucky).
    """
    import pandas as pd

    needed = {"campaign_id", "variation_group_id", "variation_id", "reason"}
    if not isinstance(assignments, pd.DataFrame) or not needed <= set(assignments.columns):
        raise TypeError(
            "assignments: expected the DataFrame of Config.assign (columns campaign_id, "
            "variation_group_id, variation_id, reason)"
        )
    allocations = None
    if config is not None:
        allocations = config._allocations()
    elif ALLOCATIONS_ATTR in assignments.attrs:
        allocations = assignments.attrs[ALLOCATIONS_ATTR]
    allocated = assignments[assignments["reason"] == "allocated"]
    counts = (allocated.groupby(["campaign_id", "variation_group_id", "variation_id"],
                                observed=True, sort=False).size())
    campaigns: Dict[str, Dict[str, Dict[str, int]]] = {}
    for (campaign, group, variation), n in counts.items():
        if n > 0:
            campaigns.setdefault(str(campaign), {}).setdefault(str(group), {})[str(variation)] = int(n)

    if expected is not None:
        if not isinstance(expected, Mapping):
            raise TypeError("expected: a dict {campaign_id: {variation_id: weight}} "
                            "or {variation_id: weight}")
        nested = all(isinstance(v, Mapping) for v in expected.values())
        if not nested:
            if len(campaigns) > 1:
                raise ValueError(
                    "expected: the assignments hold several campaigns; give "
                    "{campaign_id: {variation_id: weight}}")
            expected = {c: expected for c in campaigns}
    elif allocations is None:
        raise ValueError(
            "split_check: no configured allocations in these assignments (the result of "
            "Config.assign carries them); pass config= or expected=")

    rows = []
    for campaign, groups in campaigns.items():
        if expected is not None:
            if campaign not in expected:
                continue
            pooled: Dict[str, int] = {}
            for by_variation in groups.values():
                for v, n in by_variation.items():
                    pooled[v] = pooled.get(v, 0) + n
            statistic, dof = _chi2(pooled, expected[campaign])
        else:
            if campaign not in allocations:
                raise ValueError(f"split_check: campaign {campaign!r} is not in the config")
            statistic, dof = 0.0, 0
            for group, by_variation in groups.items():
                s, d = _chi2(by_variation, allocations[campaign][group])
                statistic += s
                dof += d
        visitors = sum(sum(g.values()) for g in groups.values())
        p = chi2_sf(statistic, dof)
        rows.append((campaign, visitors, statistic, dof, p, p < alpha))
    return pd.DataFrame(rows, columns=["campaign_id", "visitors", "chi2", "dof", "p_value", "srm"])
