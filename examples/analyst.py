#!/usr/bin/env python3
"""What an analyst runs: assign a million synthetic visitors to the example
campaigns, look at the split, check it for sample-ratio mismatch, and plot
the progressive rollout of the new checkout.

    scripts/demo        # or scripts/test: builds the Python package too
    PYTHONPATH=build/bindings/python /usr/bin/python3 examples/analyst.py
"""
import argparse
import pathlib
import time

import numpy as np
import pandas as pd

import allot

HERE = pathlib.Path(__file__).resolve().parent
# The group of examples/campaigns.json with an allocation_config (weekly +15 %
# from 10 % on 2026-05-04 09:00 Paris).
ROLLOUT_GROUP = "new-checkout-rollout"


def synthetic_visitors(n, seed=2026):
    """Visitors shaped like examples/visitors.jsonl, with some attributes
    missing (None / NaN), as real traffic has."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"visitor-{i}" for i in range(n)], dtype=object)
    countries = np.array(["FR", "DE", "ES", "IT", "US", "GB", "JP", "BR", None], dtype=object)
    country = countries[rng.choice(len(countries), n, p=[.2, .15, .08, .07, .25, .1, .05, .05, .05])]
    plans = np.array(["free", "pro", "enterprise"], dtype=object)
    plan = plans[rng.choice(3, n, p=[.6, .3, .1])]
    versions = np.array(["2.3.9", "2.4.0", "2.4.7", "v2.5.1", "3.0.0-beta.2", None], dtype=object)
    app_version = versions[rng.choice(len(versions), n)]
    domains = np.array(["@example.org", "@acme.com", "@ACME.com"], dtype=object)
    has_email = rng.random(n) < 0.4
    email = np.where(has_email, ids + domains[rng.choice(3, n, p=[.8, .15, .05])], None)
    context = pd.DataFrame({"country": country, "plan": pd.Categorical(plan),
                            "app_version": app_version, "email": email})
    return ids, context


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=str(HERE / "campaigns.json"))
    parser.add_argument("--visitors", type=int, default=1_000_000)
    parser.add_argument("--at", default="2026-06-01T12:00:00Z",
                        help="when the visitors arrive (RFC 3339; default %(default)s)")
    parser.add_argument("--png", default="new-checkout-rollout.png",
                        help="where to write the rollout chart (default %(default)s)")
    args = parser.parse_args()

    config = allot.load(args.config)
    print(f"{config}: {', '.join(c.id for c in config.campaigns)}")
    ids, context = synthetic_visitors(args.visitors)

    start = time.perf_counter()
    frame = config.assign(ids, context, at=args.at)
    elapsed = time.perf_counter() - start
    print(f"assigned {len(ids):,} visitors x {len(config.campaigns)} campaigns = "
          f"{len(frame):,} decisions in {elapsed:.2f} s "
          f"({len(frame) / elapsed / 1e6:.1f} M decisions/s)\n")

    print("Outcomes per campaign (share of visitors):")
    outcomes = pd.crosstab(frame["campaign_id"], frame["reason"], normalize="index")
    outcomes = outcomes.loc[:, (outcomes > 0).any()]
    print(outcomes.to_string(float_format=lambda x: f"{x:.1%}"))

    print("\nVariation shares among allocated visitors, by variation group "
          "(configured allocation in brackets):")
    allocated = frame[frame["reason"] == "allocated"]
    counts = allocated.groupby(["campaign_id", "variation_group_id", "variation_id"],
                               observed=True).size()
    for campaign in config.campaigns:
        for group in campaign.groups:
            if (campaign.id, group.id) not in counts.index.droplevel(2):
                continue
            group_counts = counts.loc[(campaign.id, group.id)]
            total = group_counts.sum()
            configured = sum(v.allocation for v in group.variations)
            print(f"  {campaign.id} / {group.id}: {total:,} visitors")
            for v in group.variations:
                n = int(group_counts.get(v.id, 0))
                print(f"    {v.id:<22} {n / total:7.2%}  [{v.allocation / configured:7.2%}]")

    print("\nSample-ratio-mismatch check (chi-square against the configured split):")
    srm = allot.split_check(frame)
    print(srm.to_string(index=False, formatters={
        "chi2": "{:.3f}".format, "p_value": "{:.4f}".format}))
    if srm["srm"].any():
        print("=> sample-ratio mismatch: do not trust these results before finding the cause")
    else:
        print("=> no sample-ratio mismatch")

    print(f"\nTraffic schedule of {ROLLOUT_GROUP} (start of each week):")
    schedule = config.traffic_schedule(ROLLOUT_GROUP, "2026-05-04T07:00:00Z",
                                       "2026-07-06T07:00:00Z", "7D")
    print(schedule.to_string(index=False))
    try:
        path = allot.plot_schedule(config, ROLLOUT_GROUP, "2026-04-27", "2026-07-20", args.png)
        print(f"wrote {path}")
    except ImportError as e:
        print(f"no chart: {e}")


if __name__ == "__main__":
    main()
