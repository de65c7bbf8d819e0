#!/usr/bin/env python3
"""Summarizes decision_benchmark runs: the figures the README tracks.

Reads the JSON that decision_benchmark writes with
  --benchmark_out=FILE --benchmark_out_format=json
and prints the README's benchmark rows as a Markdown table: W1 and W2
against their floors of the same run, each variant against its plain
workload, W3 against W2, the exposure logger's cost over the Engine, and
the two-thread speed-ups (one thread's wall time per item over two
threads').

One file: a run with --benchmark_repetitions=N (N >= 3); each benchmark's
median and coefficient of variation. Rows measured too noisily to trust
(CV above --max-cv, default 5 %) are marked.

Several files: rounds, each one run of every benchmark once in a random
order (--benchmark_repetitions=1, a few seconds of the host's time). Each
figure (a time, a ratio, a difference) is computed within each round, from
benchmarks that ran seconds apart, and the table gives its median over the
rounds; a row is marked when its first figure's spread over the rounds
(half the interquartile range, relative to the median) is above --max-cv.
On a host whose speed drifts by tens of percent over minutes, ratios from
rounds stay put where the medians of one long run do not.

The exit status is 1 when any single-thread row is marked: rerun when the
machine is quieter.

  # one run
  build/bench/decision_benchmark --benchmark_min_time=0.3 \\
    --benchmark_repetitions=9 --benchmark_enable_random_interleaving=true \\
    --benchmark_report_aggregates_only=true \\
    --benchmark_out=/tmp/run.json --benchmark_out_format=json
  python3 bench/summarize.py /tmp/run.json
  # rounds
  for r in $(seq 20); do
    build/bench/decision_benchmark --benchmark_min_time=0.1 \\
      --benchmark_enable_random_interleaving=true \\
      --benchmark_out=/tmp/round-$r.json --benchmark_out_format=json >/dev/null
  done
  python3 bench/summarize.py /tmp/round-*.json
"""

import argparse
import json
import statistics
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
SCALE = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(path):
    """{run name: (ns, cv % or None)} from a benchmark JSON file: the
    medians (and CVs) of a file with aggregates, else the median of each
    benchmark's repetitions (one per benchmark in a round)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    medians, cvs, runs = {}, {}, {}
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            sys.exit(f"{path}: {b['name']}: {b.get('error_message', 'error')}")
        t = b["real_time"] * SCALE[b["time_unit"]]
        kind = b.get("aggregate_name")
        if kind == "median":
            medians[b["run_name"]] = t
        elif kind == "cv":
            cvs[b["run_name"]] = 100.0 * b["real_time"]
        elif b.get("run_type", "iteration") == "iteration":
            runs.setdefault(b["run_name"], []).append(t)
    if not medians:
        medians = {name: statistics.median(ts) for name, ts in runs.items()}
    if not medians:
        sys.exit(f"{path}: no benchmark results")
    return {name: (t, cvs.get(name)) for name, t in medians.items()}


def ns(t):
    return f"{t:,.1f} ns" if t < 100 else f"{t:,.0f} ns"


def pct(ratio):
    return f"{100.0 * (ratio - 1.0):+.0f} %"


def rows_of():
    """The table's rows: (label, figures, format, benchmarks). Each figure
    is a function of `t` (a benchmark's time in one run); `format` turns
    the figures' values into the cell; `benchmarks` are the names whose
    noise marks the row."""
    def one(name):
        return f"{name}/threads:1"

    def speedup(name):
        # Google Benchmark's real time of a multi-threaded run is per item
        # of all threads together, so this is the throughput ratio.
        return lambda t: t(f"{name}/threads:1") / t(f"{name}/threads:2")

    f1, f2 = one("BM_Floor_Xxh3Bucket"), "BM_Floor_W2FiftyBuckets"
    w1, w2, w3 = one("BM_W1_DecideAll"), one("BM_W2_DecideAll"), one("BM_W3_DecideAll")
    engine, exposures = one("BM_W1_EngineDecideAll"), one("BM_W1_Exposures")
    logger = one("BM_ExposureLoggerLog")
    rows = [
        ("floor: XXH3 + `% 10000` per id / 50 buckets",
         [lambda t: t(f1), lambda t: t(f2)],
         lambda v: f"{ns(v[0])} / {ns(v[1])}", [f1, f2]),
        ("W1, `CompiledConfig::DecideAll`",
         [lambda t: t(w1) / t(f1), lambda t: t(w1)],
         lambda v: f"{ns(v[1])} ({v[0]:.2f}× the floor)", [w1, f1]),
    ]
    for key, label in W1_VARIANTS:
        b = one(f"BM_W1_{key}")
        rows.append((label, [lambda t, b=b: t(b) / t(w1), lambda t, b=b: t(b)],
                     lambda v: f"{ns(v[1])} ({pct(v[0])})", [b]))
    rows += [
        ("W1 through `Engine::DecideAll`", [lambda t: t(engine)],
         lambda v: ns(v[0]), [engine]),
        ("W1 through an exposure logger, 1,000,000 distinct visitors",
         [lambda t: t(exposures) - t(engine), lambda t: t(exposures)],
         lambda v: f"{ns(v[1])} (+{v[0]:.1f} ns over the Engine)",
         [exposures, engine]),
        ("the logger alone, a new key every call", [lambda t: t(logger)],
         lambda v: f"{ns(v[0])} per call", [logger]),
        ("W1 / the logger / W1 through the logger on 2 threads",
         [speedup("BM_W1_DecideAll"), speedup("BM_ExposureLoggerLog"),
          speedup("BM_W1_Exposures")],
         lambda v: f"{v[0]:.2f}× / {v[1]:.2f}× / {v[2]:.2f}× one thread",
         ["BM_W1_DecideAll/", "BM_ExposureLoggerLog/", "BM_W1_Exposures/"]),
        ("W2, all 50 campaigns per visitor",
         [lambda t: t(w2) / t(f2), lambda t: t(w2)],
         lambda v: f"{ns(v[1])} ({v[0]:.2f}× the floor)", [w2, f2]),
    ]
    for key, label in W2_VARIANTS:
        b = one(f"BM_W2_{key}")
        rows.append((label, [lambda t, b=b: t(b) / t(w2), lambda t, b=b: t(b)],
                     lambda v: f"{ns(v[1])} ({pct(v[0])}, {v[0]:.2f}×)", [b]))
    flagship, ranges = one("BM_W2_Flagship"), one("BM_W2_FlagshipRanges")
    rows += [
        ("W2 with Flagship bucketing and bucket ranges on every "
         "campaign (`BM_W2_FlagshipRanges`)",
         [lambda t: t(ranges) / t(flagship), lambda t: t(ranges)],
         lambda v: f"{ns(v[1])} ({pct(v[0])} over BM_W2_Flagship)", [ranges]),
        ("W2 on 2 threads", [speedup("BM_W2_DecideAll")],
         lambda v: f"{v[0]:.2f}× one thread", ["BM_W2_DecideAll/"]),
        ("W3, 1,000 sparse campaigns per visitor",
         [lambda t: t(w3) / t(w2), lambda t: t(w3)],
         lambda v: f"{ns(v[1])} ({v[0]:.2f}× W2 per visitor)", [w3]),
        ("W3 on 2 threads", [speedup("BM_W3_DecideAll")],
         lambda v: f"{v[0]:.2f}× one thread", ["BM_W3_DecideAll/"]),
        ("W3 with a sticky record per visitor (`BM_W3_Sticky`)",
         [lambda t: t(one("BM_W3_Sticky")) / t(w3),
          lambda t: t(one("BM_W3_Sticky"))],
         lambda v: f"{ns(v[1])} ({pct(v[0])})", [one("BM_W3_Sticky")]),
        ("W3 with Flagship bucketing / and a tenth of the campaigns' bucket "
         "ranges holding each visitor (`BM_W3_Flagship`, "
         "`BM_W3_FlagshipRanges`)",
         [lambda t: t(one("BM_W3_Flagship")),
          lambda t: t(one("BM_W3_FlagshipRanges"))],
         lambda v: f"{ns(v[0])} / {ns(v[1])}",
         [one("BM_W3_Flagship"), one("BM_W3_FlagshipRanges")]),
    ]
    return rows


def spread(values):
    """Half the interquartile range relative to the median, in percent."""
    q = statistics.quantiles(values, n=4)
    return 100.0 * (q[2] - q[0]) / 2 / abs(statistics.median(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("json", nargs="+",
                        help="decision_benchmark --benchmark_out files: one "
                        "run with repetitions, or several rounds")
    parser.add_argument("--max-cv", type=float, default=5.0,
                        help="a row noisier than this (percent) is marked")
    args = parser.parse_args()
    rounds = [load(p) for p in args.json]

    def accessor(run, path):
        def t(name):
            if name not in run:
                sys.exit(f"{path}: no result for {name}")
            return run[name][0]
        return t

    if len(rounds) == 1:
        header = "median of the run"
    else:
        header = f"median of {len(rounds)} rounds"
        if len(rounds) < 4:
            sys.exit("rounds: give at least 4 files (or one run with repetitions)")
    noisy = []
    print(f"| benchmark | {header} |")
    print("|---|---|")
    for label, figures, fmt, names in rows_of():
        per_round = [[fig(accessor(run, path)) for fig in figures]
                     for run, path in zip(rounds, args.json)]
        values = [statistics.median(col) for col in zip(*per_round)]
        if len(rounds) == 1:
            cvs = [(n, cv) for n, (_, cv) in rounds[0].items()
                   if cv is not None and cv > args.max_cv
                   and any(n.startswith(x) for x in names)]
            noisy += cvs
            mark = " (noisy)" if cvs else ""
        else:
            s = spread([r[0] for r in per_round])
            mark = f" (spread ±{s:.1f} %)" if s > args.max_cv else ""
            if s > args.max_cv:
                noisy.append((label, s))
        print(f"| {label} | {fmt(values)}{mark} |")
    single = sorted((cv, n) for n, cv in set(noisy) if "2 threads" not in n
                    and "threads:2" not in n)
    if noisy:
        worst = max(cv for _, cv in noisy)
        print(f"\n{len(set(noisy))} rows above {args.max_cv:g} % "
              f"(worst {worst:.1f} %); single-thread: "
              + (", ".join(f"{n} {cv:.1f} %" for cv, n in single) or "none"),
              file=sys.stderr)
    return 1 if single else 0


if __name__ == "__main__":
    sys.exit(main())
