#!/usr/bin/env python3
"""Summarizes one decision_benchmark run: the figures the README tracks.

Reads the JSON that decision_benchmark writes with
  --benchmark_out=FILE --benchmark_out_format=json
(run with --benchmark_repetitions=N, N >= 3), takes each benchmark's median
and coefficient of variation, and prints the README's benchmark rows as a
Markdown table: W1 and W2 against their floors of the same run, each
variant against its plain workload, W3 against W2, the exposure logger's
cost over the Engine, and the two-thread speed-ups (one thread's wall time
per item over two threads'). Rows measured too noisily to trust (CV above
--max-cv, default 5 %) are marked, and the exit status is 1 when any
single-thread row is: rerun when the machine is quieter.

  build/bench/decision_benchmark --benchmark_min_time=0.3 \\
    --benchmark_repetitions=9 --benchmark_enable_random_interleaving=true \\
    --benchmark_report_aggregates_only=true \\
    --benchmark_out=/tmp/run.json --benchmark_out_format=json
  python3 bench/summarize.py /tmp/run.json
"""

import argparse
import json
import sys

W1_VARIANTS = [
    ("DecideAllWithRamp", "W1 with a mid-ramp rollout"),
    ("Flagship", "W1 with Flagship bucketing (`BM_W1_Flagship`)"),
    ("Scheduled", "W1 with a scheduler window (`BM_W1_Scheduled`)"),
    ("Recurring", "W1 with a weekly recurrence (`BM_W1_Recurring`)"),
    ("Forced100k", "W1, its group force-listing 100,000 other visitors"),
    ("Sticky", "W1 with a sticky record per visitor (`BM_W1_Sticky`)"),
]
W2_VARIANTS = [
    ("DecideAllWithRamp", "W2 with a mid-ramp rollout on all 50 groups"),
    ("Flagship", "W2 with Flagship bucketing (`BM_W2_Flagship`)"),
    ("Scheduled", "W2 with a scheduler window on every campaign"),
    ("Recurring", "W2 with a weekly recurrence on every campaign"),
    ("Layered", "W2 in 5 layers and a 5 % holdout (`BM_W2_Layered`)"),
    ("Holdout", "W2 with the 5 % holdout alone (`BM_W2_Holdout`)"),
]


def load(path):
    """{run name: (median ns, cv %)} from a benchmark JSON file."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    medians, cvs = {}, {}
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            sys.exit(f"{b['name']}: {b.get('error_message', 'error')}")
        kind = b.get("aggregate_name")
        if kind == "median":
            medians[b["run_name"]] = b["real_time"] * scale[b["time_unit"]]
        elif kind == "cv":
            cvs[b["run_name"]] = 100.0 * b["real_time"]
    if not medians:
        sys.exit(f"{path}: no medians; run with --benchmark_repetitions=N")
    return {name: (t, cvs.get(name)) for name, t in medians.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("json", help="decision_benchmark --benchmark_out file")
    parser.add_argument("--max-cv", type=float, default=5.0,
                        help="a row above this CV (percent) is marked noisy")
    args = parser.parse_args()
    runs = load(args.json)
    noisy = []

    def get(name):
        if name not in runs:
            sys.exit(f"{args.json}: no median for {name}")
        t, cv = runs[name]
        if cv is not None and cv > args.max_cv:
            noisy.append((name, cv))
        return t

    def one(name):
        return get(f"{name}/threads:1")

    def mark(*names):
        bad = [n for n, cv in noisy if any(n.startswith(x) for x in names)]
        return " (noisy)" if bad else ""

    def ns(t):
        return f"{t:,.1f} ns" if t < 100 else f"{t:,.0f} ns"

    def pct(t, base):
        return f"{100.0 * (t / base - 1.0):+.0f} %"

    def speedup(name):
        # Google Benchmark's real time of a multi-threaded run is per item
        # of all threads together, so this is the throughput ratio.
        return get(f"{name}/threads:1") / get(f"{name}/threads:2")

    f1 = one("BM_Floor_Xxh3Bucket")
    f2 = get("BM_Floor_W2FiftyBuckets")
    w1 = one("BM_W1_DecideAll")
    w2 = one("BM_W2_DecideAll")
    w3 = one("BM_W3_DecideAll")
    engine = one("BM_W1_EngineDecideAll")
    exposures = one("BM_W1_Exposures")
    logger = one("BM_ExposureLoggerLog")

    rows = [
        ("floor: XXH3 + `% 10000` per id / 50 buckets",
         f"{ns(f1)} / {ns(f2)}", mark("BM_Floor")),
        ("W1, `CompiledConfig::DecideAll`",
         f"{ns(w1)} ({w1 / f1:.2f}× the floor)", mark("BM_W1_DecideAll/")),
    ]
    for key, label in W1_VARIANTS:
        t = one(f"BM_W1_{key}")
        rows.append((label, f"{ns(t)} ({pct(t, w1)})", mark(f"BM_W1_{key}/")))
    rows += [
        ("W1 through `Engine::DecideAll`", ns(engine),
         mark("BM_W1_EngineDecideAll/")),
        ("W1 through an exposure logger, 1,000,000 distinct visitors",
         f"{ns(exposures)} (+{exposures - engine:.1f} ns over the Engine)",
         mark("BM_W1_Exposures/", "BM_W1_EngineDecideAll/")),
        ("the logger alone, a new key every call", f"{ns(logger)} per call",
         mark("BM_ExposureLoggerLog/")),
        ("W1 / the logger / W1 through the logger on 2 threads",
         f"{speedup('BM_W1_DecideAll'):.2f}× / "
         f"{speedup('BM_ExposureLoggerLog'):.2f}× / "
         f"{speedup('BM_W1_Exposures'):.2f}× one thread",
         mark("BM_W1_DecideAll/", "BM_ExposureLoggerLog/",
              "BM_W1_Exposures/")),
        ("W2, all 50 campaigns per visitor",
         f"{ns(w2)} ({w2 / f2:.2f}× the floor)",
         mark("BM_W2_DecideAll/", "BM_Floor_W2")),
    ]
    for key, label in W2_VARIANTS:
        t = one(f"BM_W2_{key}")
        rows.append((label, f"{ns(t)} ({pct(t, w2)}, {t / w2:.2f}×)",
                     mark(f"BM_W2_{key}/")))
    flagship = one("BM_W2_Flagship")
    ranges = one("BM_W2_FlagshipRanges")
    rows.append(("W2 with Flagship bucketing and bucket ranges on every "
                 "campaign (`BM_W2_FlagshipRanges`)",
                 f"{ns(ranges)} ({pct(ranges, flagship)} over BM_W2_Flagship)",
                 mark("BM_W2_FlagshipRanges/")))
    rows += [
        ("W2 on 2 threads", f"{speedup('BM_W2_DecideAll'):.2f}× one thread",
         mark("BM_W2_DecideAll/")),
        ("W3, 1,000 sparse campaigns per visitor",
         f"{ns(w3)} ({w3 / w2:.2f}× W2 per visitor)",
         mark("BM_W3_DecideAll/")),
        ("W3 on 2 threads", f"{speedup('BM_W3_DecideAll'):.2f}× one thread",
         mark("BM_W3_DecideAll/")),
        ("W3 with Flagship bucketing / and a tenth of the campaigns' bucket "
         "ranges holding each visitor (`BM_W3_Flagship`, "
         "`BM_W3_FlagshipRanges`)",
         f"{ns(one('BM_W3_Flagship'))} / {ns(one('BM_W3_FlagshipRanges'))}",
         mark("BM_W3_Flagship/", "BM_W3_FlagshipRanges/")),
    ]

    print("| benchmark | median of the run |")
    print("|---|---|")
    for label, value, note in rows:
        print(f"| {label} | {value}{note} |")
    single = sorted((cv, n) for n, cv in set(noisy) if "threads:2" not in n)
    if noisy:
        worst = max(cv for _, cv in noisy)
        print(f"\n{len(set(noisy))} rows above {args.max_cv:g} % CV "
              f"(worst {worst:.1f} %); single-thread: "
              + (", ".join(f"{n} {cv:.1f} %" for cv, n in single) or "none"),
              file=sys.stderr)
    return 1 if single else 0


if __name__ == "__main__":
    sys.exit(main())
