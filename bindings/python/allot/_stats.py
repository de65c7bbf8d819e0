"""``allot.split_check``: sample-ratio-mismatch (SRM) check of assignments,
per campaign (its variations) or per layer (its campaigns' ranges).

The p-value is the chi-square survival function, computed with the
regularized upper incomplete gamma function Q(k/2, x/2) written here (series
and continued fraction, as in Numerical Recipes §6.2), so that scipy is not
needed.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Dict, Optional

from ._config import ALLOCATIONS_ATTR, LAYERS_ATTR, Config

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITERATIONS = 10_000

# Reasons decided before the layer step (DESIGN §3, steps 1-4, and an unknown
# campaign): such a row says nothing of the visitor's layer bucket. A forced
# visitor of a rolled-back group decides "rolled_back" without the layer step
# too, but that row cannot be told from others: forced lists are QA-sized.
_BEFORE_LAYER = ("panic", "campaign_inactive", "outside_schedule", "outside_bucket_range",
                 "forced", "unknown_campaign")


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


def _layer_check(assignments: Any, layers: Mapping[str, Mapping[str, Any]], alpha: float):
    """split_check(by="layer"): ``layers`` is layer id -> campaign id ->
    (low, high) percent."""
    import numpy as np
    import pandas as pd

    ids = [c for ranges in layers.values() for c in ranges]
    if len(set(ids)) != len(ids):
        raise ValueError("split_check: a campaign is placed in two layers")
    codes = np.asarray(pd.Categorical(assignments["campaign_id"], categories=ids).codes)
    reason = assignments["reason"]
    reached = ~reason.isin(_BEFORE_LAYER).to_numpy(dtype=bool)
    outside = (reason == "outside_layer_range").to_numpy(dtype=bool)
    visitor_ids = assignments["visitor_id"].to_numpy()

    rows = []
    first = 0
    for layer_id, ranges in layers.items():
        k = len(ranges)
        widths = [int(round((float(high) - float(low)) * 100)) for low, high in ranges.values()]
        rows_in = reached & (codes >= first) & (codes < first + k)
        slot = codes[rows_in] - first
        first += k
        if not rows_in.any():
            continue
        # One row per visitor (a visitor listed twice counts once: its layer
        # bucket is the same each time): which campaigns of the layer reached
        # the layer step, and which of those found it inside their range.
        visitor, unique_ids = pd.factorize(visitor_ids[rows_in])
        n = len(unique_ids)
        seen = np.zeros((n, k), dtype=bool)
        seen[visitor, slot] = True
        inside = np.zeros((n, k), dtype=bool)
        hit = ~outside[rows_in]
        inside[visitor[hit], slot[hit]] = True
        hits = inside.sum(axis=1)
        # Cell k: the part of the layer that no campaign covers; k + 1: in two
        # campaigns' ranges at once, which a correct split never does.
        cell = np.where(hits == 1, inside.argmax(axis=1), np.where(hits == 0, k, k + 1))
        # Visitors for whom some campaign of the layer never reached the layer
        # step (paused, outside its schedule, left out of the frame, ...)
        # cannot be told apart between that campaign's range and the uncovered
        # part: per pattern of campaigns seen, those join the uncovered cell,
        # and the chi-square statistics of the patterns add up.
        _, first_of, pattern = np.unique(np.packbits(seen, axis=1), axis=0,
                                         return_index=True, return_inverse=True)
        pattern = pattern.reshape(-1)
        counts = np.bincount(pattern * (k + 2) + cell,
                             minlength=len(first_of) * (k + 2)).reshape(-1, k + 2)
        statistic, dof = 0.0, 0
        for p, representative in enumerate(first_of):
            row = seen[representative]
            weights = {j: widths[j] for j in range(k) if row[j]}
            weights[k] = 10000 - sum(weights.values())
            weights[k + 1] = 0
            observed = {j: int(counts[p, j]) for j in weights}
            s, d = _chi2(observed, weights)
            statistic += s
            dof += d
        p_value = chi2_sf(statistic, dof)
        rows.append((layer_id, n, statistic, dof, p_value, p_value < alpha))
    return pd.DataFrame(rows, columns=["layer_id", "visitors", "chi2", "dof", "p_value", "srm"])


def split_check(assignments: Any, expected: Optional[Mapping[str, Any]] = None, *,
                config: Optional[Config] = None, alpha: float = 0.001, by: str = "campaign"):
    """Sample-ratio-mismatch check of an :meth:`Config.assign` result, per
    campaign (``by="campaign"``, the default) or per layer (``by="layer"``).

    By campaign, only rows whose reason is ``allocated`` count. By default each variation
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

    ``by="layer"`` checks that the visitors of each layer (DESIGN §15) split
    over its campaigns as their ranges say: a visitor counts for campaign X
    when its row for X reached the layer step (any reason but ``panic``,
    ``campaign_inactive``, ``outside_schedule``, ``outside_bucket_range``,
    ``forced`` and ``unknown_campaign``) with a reason other than
    ``outside_layer_range``; a visitor outside every range counts for the
    part of the layer that no campaign covers, a cell of its own. The
    expected shares are the range widths (and the uncovered rest). A
    visitor counts once however many rows it has, and when a campaign of
    the layer has no row that reached the layer step for it (a paused
    campaign, a frame of ``assign(campaign=...)``), that campaign's range
    joins the uncovered cell for that visitor. A visitor inside two ranges
    of one layer makes ``chi2`` infinite. The ranges come from the
    assignments (``assign`` records them in ``DataFrame.attrs``) or from
    ``config``; ``expected`` does not apply. Returns one row per layer with
    such visitors, in declaration order: ``layer_id``, ``visitors``,
    ``chi2``, ``dof``, ``p_value`` and ``srm``.
    """
    import pandas as pd

    if by not in ("campaign", "layer"):
        raise ValueError(f'by: expected "campaign" or "layer", got {by!r}')
    if by == "layer":
        needed = {"visitor_id", "campaign_id", "reason"}
        if not isinstance(assignments, pd.DataFrame) or not needed <= set(assignments.columns):
            raise TypeError(
                "assignments: expected the DataFrame of Config.assign (columns visitor_id, "
                "campaign_id, reason)"
            )
        if expected is not None:
            raise ValueError('split_check: expected= does not apply with by="layer" (the '
                             "expected shares are the layer ranges)")
        if config is not None:
            layers = config._layer_ranges()
        elif LAYERS_ATTR in assignments.attrs:
            layers = assignments.attrs[LAYERS_ATTR]
        else:
            raise ValueError(
                "split_check: no layer ranges in these assignments (the result of "
                "Config.assign carries them); pass config=")
        return _layer_check(assignments, layers, alpha)

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
