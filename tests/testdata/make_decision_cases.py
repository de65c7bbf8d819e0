#!/usr/bin/env python3
"""Writes decision_cases.json: language-neutral decision cases (config,
visitor, time, expected decision per campaign) run by both the GoogleTest and
the pytest suites. Outcomes are chosen so they do not depend on hash values
(allocations of 0 or 100 %), except where a frozen Flagship vector fixes the
bucket (visitor "hello" has range bucket 51 in flagship mode)."""
import json

ALL = {"targeting_groups": [{"targetings": [
    {"key": "fs_all_users", "operator": "EQUALS", "value": True}]}]}

def tg(*targetings):
    return {"targeting_groups": [{"targetings": list(targetings)}]}

def group(gid, targeting=ALL, allocs=(100,), **extra):
    g = {"id": gid, "variations": [
        {"id": f"{gid}-v{i}", "allocation": a,
         "modifications": {"type": "FLAG", "value": {"flag": f"{gid}-v{i}"}}}
        for i, a in enumerate(allocs)]}
    if targeting is not None:
        g["targeting"] = targeting
    g.update(extra)
    return g

def campaign(cid, groups, type_="ab", **extra):
    c = {"id": cid, "type": type_, "variation_groups": groups}
    c.update(extra)
    return c

def d(cid, reason, gid=None, vid=None):
    return {"campaign_id": cid, "variation_group_id": gid, "variation_id": vid, "reason": reason}

suites = []

def suite(name, config, cases, bucketing="auto"):
    suites.append({"name": name, "config": config, "bucketing": bucketing, "cases": cases})

AT = "2026-06-01T12:00:00Z"

suite("basic steps", {"settings": {}, "campaigns": [
    campaign("all", [group("all-g")]),
    campaign("paused", [group("paused-g")], status="paused"),
    campaign("running", [group("running-g")], status="running"),
    campaign("windowed", [group("windowed-g")], scheduler={
        "start_date": "2026-05-01T00:00:00", "stop_date": "2026-07-01T00:00:00",
        "timezone": "Europe/Paris"}),
    campaign("fr-only", [group("fr-g", tg({"key": "country", "operator": "EQUALS", "value": "FR"}))]),
    campaign("no-targeting", [group("nt-g", targeting=None)]),
    campaign("first-group-wins", [
        group("fg-1", tg({"key": "plan", "operator": "EXISTS"}), allocs=(0,)),
        group("fg-2")]),
    campaign("zero-skip", [group("zs-g", allocs=(0, 100))]),
    campaign("unallocated", [group("un-g", allocs=(0,))]),
]}, [
    {"visitor": "v-1", "context": {"country": "FR", "plan": "pro"}, "at": AT, "decisions": [
        d("all", "allocated", "all-g", "all-g-v0"),
        d("paused", "campaign_inactive"),
        d("running", "allocated", "running-g", "running-g-v0"),
        d("windowed", "allocated", "windowed-g", "windowed-g-v0"),
        d("fr-only", "allocated", "fr-g", "fr-g-v0"),
        d("no-targeting", "not_targeted"),
        d("first-group-wins", "not_allocated", "fg-1"),
        d("zero-skip", "allocated", "zs-g", "zs-g-v1"),
        d("unallocated", "not_allocated", "un-g"),
    ]},
    {"visitor": "v-2", "context": {"country": "DE"}, "at": "2026-04-30T21:59:59Z", "decisions": [
        d("all", "allocated", "all-g", "all-g-v0"),
        d("paused", "campaign_inactive"),
        d("running", "allocated", "running-g", "running-g-v0"),
        d("windowed", "outside_schedule"),
        d("fr-only", "not_targeted"),
        d("no-targeting", "not_targeted"),
        d("first-group-wins", "allocated", "fg-2", "fg-2-v0"),
        d("zero-skip", "allocated", "zs-g", "zs-g-v1"),
        d("unallocated", "not_allocated", "un-g"),
    ]},
    {"visitor": "v-3", "context": {}, "at": "2026-04-30T22:00:00Z", "decisions": [
        d("all", "allocated", "all-g", "all-g-v0"),
        d("paused", "campaign_inactive"),
        d("running", "allocated", "running-g", "running-g-v0"),
        d("windowed", "allocated", "windowed-g", "windowed-g-v0"),
        d("fr-only", "not_targeted"),
        d("no-targeting", "not_targeted"),
        d("first-group-wins", "allocated", "fg-2", "fg-2-v0"),
        d("zero-skip", "allocated", "zs-g", "zs-g-v1"),
        d("unallocated", "not_allocated", "un-g"),
    ]},
    {"visitor": "v-4", "context": {}, "at": "2026-06-30T22:00:00Z", "decisions": [
        d("all", "allocated", "all-g", "all-g-v0"),
        d("paused", "campaign_inactive"),
        d("running", "allocated", "running-g", "running-g-v0"),
        d("windowed", "outside_schedule"),
        d("fr-only", "not_targeted"),
        d("no-targeting", "not_targeted"),
        d("first-group-wins", "allocated", "fg-2", "fg-2-v0"),
        d("zero-skip", "allocated", "zs-g", "zs-g-v1"),
        d("unallocated", "not_allocated", "un-g"),
    ]},
])

suite("panic", {"settings": {"panic": True}, "campaigns": [
    campaign("a", [group("a-g")]), campaign("b", [group("b-g")])]}, [
    {"visitor": "v-1", "context": {}, "at": AT,
     "decisions": [d("a", "panic"), d("b", "panic")]}])

suite("single assignment", {"settings": {"single_assignment": True}, "campaigns": [
    campaign("t1", [group("t1-g")], type_="toggle"),
    campaign("ab1", [group("ab1-g", tg({"key": "beta", "operator": "EQUALS", "value": True}))]),
    campaign("ab2", [group("ab2-g")]),
    campaign("ab3", [group("ab3-g")]),
    campaign("perso", [group("perso-g")], type_="perso"),
]}, [
    {"visitor": "v-1", "context": {"beta": True}, "at": AT, "decisions": [
        d("t1", "allocated", "t1-g", "t1-g-v0"),
        d("ab1", "allocated", "ab1-g", "ab1-g-v0"),
        d("ab2", "single_assignment"),
        d("ab3", "single_assignment"),
        d("perso", "allocated", "perso-g", "perso-g-v0")]},
    {"visitor": "v-2", "context": {"beta": False}, "at": AT, "decisions": [
        d("t1", "allocated", "t1-g", "t1-g-v0"),
        d("ab1", "not_targeted"),
        d("ab2", "allocated", "ab2-g", "ab2-g-v0"),
        d("ab3", "single_assignment"),
        d("perso", "allocated", "perso-g", "perso-g-v0")]},
])

def bgroup(gid, allocs=(100,)):
    return {"id": gid, "targeting": {"targetingGroups": [{"targetings": [
        {"key": "fs_all_users", "operator": "EQUALS", "value": ""}]}]},
        "variations": [{"id": f"{gid}-v{i}", "allocation": a,
                        "modifications": {"type": "FLAG", "value": {"k": i}}}
                       for i, a in enumerate(allocs)]}

suite("flagship bucket ranges", {"campaigns": [
    {"id": "r-below", "type": "ab", "bucketRanges": [{"r": [0, 51]}], "variationGroups": [bgroup("rb-g")]},
    {"id": "r-at", "type": "ab", "bucketRanges": [{"r": [51, 52]}], "variationGroups": [bgroup("ra-g")]},
    {"id": "r-two", "type": "ab", "bucketRanges": [{"r": [0, 10]}, {"r": [50, 60]}], "variationGroups": [bgroup("r2-g")]},
    {"id": "r-above", "type": "ab", "bucketRanges": [{"r": [52, 100]}], "variationGroups": [bgroup("rh-g")]},
], "accountSettings": {"enabled1V1T": False}}, [
    {"visitor": "hello", "context": {}, "at": AT, "decisions": [
        d("r-below", "outside_bucket_range"),
        d("r-at", "allocated", "ra-g", "ra-g-v0"),
        d("r-two", "allocated", "r2-g", "r2-g-v0"),
        d("r-above", "outside_bucket_range")]},
])

suite("progressive rollout edges", {"campaigns": [
    campaign("ramp-zero", [group("rz-g", allocation_config={
        "start_date": "2026-05-01T00:00:00Z", "start_allocation": 0})]),
    campaign("ramp-full", [group("rf-g", allocation_config={
        "start_date": "2026-05-01T00:00:00Z", "start_allocation": 100})]),
    campaign("ramp-later", [group("rl-g", allocation_config={
        "start_date": "2026-07-01T00:00:00Z", "start_allocation": 100})]),
]}, [
    {"visitor": "v-1", "context": {}, "at": AT, "decisions": [
        d("ramp-zero", "not_in_traffic", "rz-g"),
        d("ramp-full", "allocated", "rf-g", "rf-g-v0"),
        d("ramp-later", "not_in_traffic", "rl-g")]},
])

with open("decision_cases.json", "w") as f:
    json.dump(suites, f, indent=1)
    f.write("\n")
print(len(suites), "suites")
