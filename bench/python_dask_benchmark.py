#!/usr/bin/env python3
"""Decisions per second through allot.dask.assign on a LocalCluster of
worker processes, against the in-process Config.assign on the same rows.

W2 (bench-workloads.md: 50 campaigns) in wide form, the visitors generated
on the workers partition by partition (as they would be read from storage
there), so what is timed is deciding and bringing the wide rows back. The
in-process figure decides the same rows from memory in this process.

    PYTHONPATH=build/bindings/python /usr/bin/python3 bench/python_dask_benchmark.py
"""
import argparse
import os
import sys
import time

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_assign_benchmark as workloads  # noqa: E402  (the W2 config and visitors)

import allot  # noqa: E402


def partition(n, first):
    ids, context = workloads.w2_visitors(n + first)
    frame = pd.DataFrame({"visitor_id": ids[first:], **{k: v[first:] for k, v in context.items()}})
    frame.index = pd.RangeIndex(first, first + n)
    return frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=400_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    import distributed

    import allot.dask

    config = allot.load(workloads.w2_config())
    campaigns = len(config.campaigns)
    per = args.visitors // args.partitions
    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        parts = [dask.delayed(partition)(per, p * per) for p in range(args.partitions)]
        ddf = dd.from_delayed(parts, meta=partition(1, 0).iloc[:0])
        ddf = ddf.persist()  # generated on the workers before timing
        distributed.wait(ddf)
        allot.dask.assign(ddf, config, at=workloads.AT, wide=True).compute()  # warm-up
        start = time.perf_counter()
        out = allot.dask.assign(ddf, config, at=workloads.AT, wide=True).compute()
        dask_s = time.perf_counter() - start
    assert len(out) == per * args.partitions
    frame = pd.concat([partition(per, p * per) for p in range(args.partitions)])
    context = frame.drop(columns="visitor_id")
    config.assign(frame["visitor_id"], context, at=workloads.AT, wide=True)  # warm-up
    start = time.perf_counter()
    config.assign(frame["visitor_id"], context, at=workloads.AT, wide=True)
    local_s = time.perf_counter() - start
    decisions = len(out) * campaigns
    print(f"W2 wide, {len(out):,} visitors x {campaigns} campaigns, {args.partitions} partitions")
    print(f"dask.assign, {args.workers} worker processes: {decisions / dask_s / 1e6:6.2f} M decisions/s")
    print(f"Config.assign in process:              {decisions / local_s / 1e6:6.2f} M decisions/s")


if __name__ == "__main__":
    main()
