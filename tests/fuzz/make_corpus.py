#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from the examples and test data:
tests/fuzz/corpus/config/ (example configs, the decision-case configs, every bad
config of tests/testdata/bad_configs.json) and tests/fuzz/corpus/state/. The
hand-written corpus/campaigns/ (CSV sheets) and corpus/regex/ (a flags byte,
a pattern, NUL, a text) are left as they are."""
import json
import pathlib
import shutil

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "tests" / "fuzz" / "corpus"
# Inputs that once crashed a target stay in the corpora as regression-*.
config_dir = out / "config"
state_dir = out / "state"
keep = {p.parent.name + "/" + p.name: p.read_bytes()
        for d in (config_dir, state_dir) for p in d.glob("regression-*")}
shutil.rmtree(config_dir, ignore_errors=True)
shutil.rmtree(state_dir, ignore_errors=True)
config_dir.mkdir(parents=True)
state_dir.mkdir(parents=True)

for name in ["campaigns.json", "campaigns-next.json", "rollout.json", "recurring.json",
             "kpi_rollout.json"]:
    shutil.copy(root / "examples" / name, config_dir / f"example-{name}")
for i, suite in enumerate(json.loads((root / "tests/testdata/decision_cases.json").read_text())):
    (config_dir / f"case-{i:03d}.json").write_text(json.dumps(suite["config"]))
for i, bad in enumerate(json.loads((root / "tests/testdata/bad_configs.json").read_text())):
    text = json.dumps(bad["config"]) if "config" in bad else bad["config_text"]
    (config_dir / f"bad-{i:03d}.json").write_text(text)



def sparse_config(bucketing):
    """Campaigns that take DecideAll's sparse path (indexed EQUALS, batched IN,
    bucket ranges, a paused one, a live window), for the decide-vs-Decide check."""
    campaigns = []
    for i in range(8):
        if i % 4 == 3:
            targeting = {"key": "country", "operator": "IN", "value": ["FR", "US"]}
        else:
            targeting = {"key": "country", "operator": "EQUALS", "value": ["FR", "US", "DE"][i % 3]}
        c = {"id": f"c{i}", "type": "ab",
             "variation_groups": [{"id": f"g{i}", "targeting": {"targeting_groups": [
                 {"targetings": [targeting]}]},
                 "variations": [{"id": f"v{i}a", "allocation": 50},
                                {"id": f"v{i}b", "allocation": 50}]}]}
        if i % 2 == 0:
            c["bucket_ranges"] = [{"r": [0, 50]}] if i % 4 == 0 else [{"r": [10, 20]}, {"r": [40, 90]}]
        if i == 5:
            c["status"] = "paused"
        if i == 6:
            c["scheduler"] = {"start_date": "2026-01-01T00:00:00", "timezone": "UTC"}
        campaigns.append(c)
    return {"settings": {"bucketing": bucketing}, "campaigns": campaigns}


for bucketing in ["flagship", "xxh3"]:
    (config_dir / f"sparse-{bucketing}.json").write_text(json.dumps(sparse_config(bucketing)))

shutil.copy(root / "examples" / "state.json", state_dir / "example-state.json")
shutil.copy(root / "examples" / "kpi_state.json", state_dir / "example-kpi_state.json")
(state_dir / "toggle.json").write_text(
    '{"allot_state":1,"campaigns":[{"id":"c","active":false}],"groups":[]}')
(state_dir / "latch.json").write_text(
    '{"allot_state":1,"campaigns":[],"groups":[{"id":"g","rollback":{"goal":"goal",'
    '"visitors":100,"conversions":1,"at":"2026-06-01T12:00:00.5+00:00"},'
    '"metrics":{"goal":"goal","visitors":100,"conversions":1,'
    '"updated_at":"2026-06-01T12:00:00.5+00:00"}}]}')

for rel, data in keep.items():
    (out / rel).write_bytes(data)
