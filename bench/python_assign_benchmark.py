#!/usr/bin/env python3
"""Throughput of allot's Python batch path, Config.assign, on the workloads of
bench-workloads.md (W1: one campaign; W2: fifty campaigns).

Times the whole call as an analyst sees it: reading the visitor ids and the
context columns out of Python objects, deciding on worker threads without
the GIL, and building the pandas DataFrame of Categoricals. Each result is
checked against a reference before timing (W1's 50/50 split, W2's targeted
and allocated shares). Targets (DESIGN §11): >= 12 million decisions per
second on W1 on a 2-core machine (first bar), >= 20 million.

    PYTHONPATH=build/bindings/python /usr/bin/python3 bench/python_assign_benchmark.py
"""
import argparse
import json
import os
import time

import numpy as np
import pandas as pd

import allot

AT = "2026-06-01T12:00:00Z"
COUNTRIES = ["FR", "DE", "US", "GB", "ES", "IT", "NL", "BE", "CH", "AT", "SE", "NO", "DK",
             "FI", "PL", "PT", "IE", "CZ", "GR", "HU", "RO", "CA", "AU", "JP", "BR"]


def w1_config():
    return json.dumps({"settings": {"bucketing": "xxh3"}, "campaigns": [{
        "id": "w1", "type": "ab", "variation_groups": [{
            "id": "w1-group",
            "targeting": {"targeting_groups": [{"targetings": [
                {"key": "country", "operator": "EQUALS", "value": "FR"}]}]},
            "variations": [{"id": "w1-a", "allocation": 50}, {"id": "w1-b", "allocation": 50}]}]}]})


def w1_visitors(n):
    ids = np.array([f"visitor-{i}" for i in range(n)], dtype=object)
    context = {"country": np.full(n, "FR", dtype=object), "plan": np.full(n, "pro", dtype=object),
               "age": np.arange(n) % 90}
    return ids, context


def w2_config():
    combos = [(0, 1, 2), (0, 1, 3), (0, 1, 4), (0, 2, 3), (0, 2, 4), (0, 3, 4), (1, 2, 3),
              (1, 2, 4), (1, 3, 4), (2, 3, 4)]
    versions = ["1.0.0", "1.5.0", "2.0.0", "1.10.0", "2.3.1"]
    campaigns = []
    for i in range(50):
        targetings = []
        for kind in combos[i % 10]:
            if kind == 0:
                targetings.append({"key": "plan", "operator": "EQUALS",
                                   "value": "enterprise" if i % 4 == 3 else "pro"})
            elif kind == 1:
                targetings.append({"key": "country", "operator": "IN",
                                   "value": [COUNTRIES[(i % 25 + k) % 25] for k in range(20)]})
            elif kind == 2:
                targetings.append({"key": "age", "operator": "GREATER_THAN_OR_EQUALS",
                                   "value": (7 * i) % 40})
            elif kind == 3:
                targetings.append({"key": "email", "operator": "MATCHES_REGEX",
                                   "value": r"^[a-z0-9.+-]+@acme\.com$"})
            else:
                targetings.append({"key": "version", "operator": "SEMVER_GREATER_THAN_OR_EQUALS",
                                   "value": versions[i % 5]})
        cid = f"exp-{i}"
        campaigns.append({"id": cid, "type": "ab", "variation_groups": [{
            "id": f"{cid}-group", "targeting": {"targeting_groups": [{"targetings": targetings}]},
            "variations": [{"id": f"{cid}-control", "allocation": 26.67},
                           {"id": f"{cid}-v1", "allocation": 26.67},
                           {"id": f"{cid}-v2", "allocation": 26.66}]}]})
    return json.dumps({"settings": {"bucketing": "xxh3"}, "campaigns": campaigns})


def w2_visitors(n):
    rng = np.random.default_rng(20261123)
    ids = np.array([f"visitor-{i}" for i in range(n)], dtype=object)
    p = rng.integers(0, 100, n)
    plan = np.where(p < 70, "pro", np.where(p < 90, "free", "enterprise")).astype(object)
    country = np.array(COUNTRIES, dtype=object)[rng.integers(0, 25, n)]
    domain = np.where(rng.integers(0, 100, n) < 75, "acme.com", "example.org")
    email = np.array([f"{v}@{d}" for v, d in zip(ids, domain)], dtype=object)
    version = np.array([f"{a}.{b}.{c}" for a, b, c in zip(rng.integers(1, 4, n),
                                                          rng.integers(0, 20, n),
                                                          rng.integers(0, 10, n))], dtype=object)
    return ids, {"plan": plan, "country": country, "age": np.arange(n) % 90,
                 "email": email, "version": version}


def best_of(repeat, fn):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        del out
    return min(times), float(np.median(times))


def report(name, decisions, best, median):
    print(f"{name:<44} {decisions:>10,} decisions  best {best * 1e3:8.1f} ms  "
          f"median {median * 1e3:8.1f} ms  {decisions / best / 1e6:6.2f} M decisions/s  "
          f"({best / decisions * 1e9:5.1f} ns/decision)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=1_000_000, help="W1 visitors")
    parser.add_argument("--w2-visitors", type=int, default=100_000, help="W2 visitors")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cores = os.cpu_count()
    print(f"allot Python batch assignment; {cores} cores; numpy {np.__version__}, "
          f"pandas {pd.__version__}; best and median of {args.repeat} runs")

    w1 = allot.load(w1_config())
    ids, context = w1_visitors(args.visitors)
    check = w1.assign(ids, context, at=AT)
    shares = check["variation_id"].value_counts(normalize=True)
    assert (check["reason"] == "allocated").all(), "W1: every visitor is targeted"
    assert abs(shares["w1-a"] - 0.5) < 0.01 and abs(shares["w1-b"] - 0.5) < 0.01, shares
    n = args.visitors
    for threads, label in ((None, "all cores"), (1, "1 thread")):
        report(f"W1 assign, numpy columns, {label}", n,
               *best_of(args.repeat, lambda: w1.assign(ids, context, at=AT, threads=threads)))
    frame = pd.DataFrame(context)
    report("W1 assign, pandas DataFrame context", n,
           *best_of(args.repeat, lambda: w1.assign(ids, frame, at=AT)))
    as_lists = ids.tolist()
    report("W1 assign, list of ids", n,
           *best_of(args.repeat, lambda: w1.assign(as_lists, context, at=AT)))
    categorical = {k: pd.Categorical(v) if v.dtype == object else v for k, v in context.items()}
    report("W1 assign, categorical context columns", n,
           *best_of(args.repeat, lambda: w1.assign(ids, categorical, at=AT)))

    w2 = allot.load(w2_config())
    ids2, context2 = w2_visitors(args.w2_visitors)
    check = w2.assign(ids2, context2, at=AT)
    targeted = (check["reason"] != "not_targeted").mean()
    allocated = (check["reason"] == "allocated").mean()
    assert 0.33 < targeted < 0.43 and 0.26 < allocated < 0.34, (targeted, allocated)
    report("W2 assign, 50 campaigns, all cores", len(check),
           *best_of(max(3, args.repeat // 2), lambda: w2.assign(ids2, context2, at=AT)))
    print(f"W2 check: {targeted:.1%} of pairs targeted, {allocated:.1%} allocated")


if __name__ == "__main__":
    main()
