#!/usr/bin/env python3
"""Writes bad_configs.json: invalid configs, each with the JSON path its error
must start with. Run it after changing the cases below; the output is checked
in and read by both the C++ and the Python tests."""
import copy
import json

def base():
    return {
        "settings": {"bucketing": "xxh3"},
        "campaigns": [{
            "id": "c1", "name": "Campaign one", "type": "ab",
            "variation_groups": [{
                "id": "g1",
                "targeting": {"targeting_groups": [{"targetings": [
                    {"key": "country", "operator": "EQUALS", "value": "FR"}]}]},
                "variations": [
                    {"id": "v1", "reference": True, "allocation": 50,
                     "modifications": {"type": "JSON", "value": {"color": "blue"}}},
                    {"id": "v2", "allocation": 50,
                     "modifications": {"type": "JSON", "value": {"color": "red"}}},
                ],
            }],
        }],
    }

def bucketing():
    return {
        "panic": False,
        "campaigns": [{
            "id": "bc1", "type": "ab", "slug": "bc1",
            "variationGroups": [{
                "id": "bg1",
                "targeting": {"targetingGroups": [{"targetings": [
                    {"key": "fs_all_users", "operator": "EQUALS", "value": ""}]}]},
                "variations": [{"id": "bv1", "allocation": 100,
                                "modifications": {"type": "FLAG", "value": {"f": 1}}}],
            }],
        }],
        "accountSettings": {"enabled1V1T": False},
    }

cases = []

def case(name, path, mutate=None, make=base, text=None):
    entry = {"name": name, "path": path}
    if text is not None:
        entry["config_text"] = text
    else:
        cfg = make()
        mutate(cfg)
        entry["config"] = cfg
    cases.append(entry)

C = lambda cfg: cfg["campaigns"][0]
G = lambda cfg: C(cfg)["variation_groups"][0]
V = lambda cfg, i=0: G(cfg)["variations"][i]
T = lambda cfg: G(cfg)["targeting"]["targeting_groups"][0]["targetings"][0]
P = "campaigns[0].variation_groups[0]"
TP = P + ".targeting.targeting_groups[0].targetings[0]"

def set_(obj_fn, key, value):
    def f(cfg):
        obj_fn(cfg)[key] = value
    return f

def del_(obj_fn, key):
    def f(cfg):
        del obj_fn(cfg)[key]
    return f

def schedule(cfg, **over):
    ac = {"start_date": "2026-03-27T09:00:00", "timezone": "Europe/Paris",
          "start_allocation": 10,
          "periodic_steps": {"allocation_step": 10, "step": 1, "step_type": "day"}}
    ac.update(over)
    G(cfg)["allocation_config"] = ac
    return ac

case("malformed JSON", "(document)", text='{"campaigns": [')
case("trailing garbage", "(document)", text='{"campaigns": []} x')
case("document not an object", "(document)", text='[1, 2]')
case("unrecognized document", "(document)", text='{"foo": 1}')
case("campaigns not an array", "campaigns", set_(lambda c: c, "campaigns", 5))
case("campaign not an object", "campaigns[0]", set_(lambda c: c, "campaigns", [1]))
case("campaign id missing", "campaigns[0].id", del_(C, "id"))
case("campaign id not a string", "campaigns[0].id", set_(C, "id", 7))
case("campaign id empty", "campaigns[0].id", set_(C, "id", ""))
case("duplicate campaign id", "campaigns[1].id",
     lambda cfg: cfg["campaigns"].append(
         dict(copy.deepcopy(C(cfg)), variation_groups=[dict(copy.deepcopy(G(cfg)), id="g2")])))
case("variation_groups missing", "campaigns[0].variation_groups", del_(C, "variation_groups"))
case("variation_groups not an array", "campaigns[0].variation_groups",
     set_(C, "variation_groups", {"id": "g1"}))
case("group id missing", P + ".id", del_(G, "id"))
case("duplicate group id across campaigns", "campaigns[1].variation_groups[0].id",
     lambda cfg: cfg["campaigns"].append(dict(copy.deepcopy(C(cfg)), id="c2")))
case("variations missing", P + ".variations", del_(G, "variations"))
case("variation id missing", P + ".variations[1].id", del_(lambda c: V(c, 1), "id"))
case("duplicate variation id", P + ".variations[1].id", set_(lambda c: V(c, 1), "id", "v1"))
case("allocation not a number", P + ".variations[0].allocation", set_(V, "allocation", "50"))
case("allocation with three decimals", P + ".variations[0].allocation",
     set_(V, "allocation", 33.333))
case("allocation negative", P + ".variations[0].allocation", set_(V, "allocation", -1))
case("allocation over 100", P + ".variations[0].allocation", set_(V, "allocation", 150))
case("allocations sum over 100", P + ".variations", set_(V, "allocation", 60))
case("modifications not an object", P + ".variations[0].modifications",
     set_(V, "modifications", "blue"))
case("modifications value not an object", P + ".variations[0].modifications.value",
     lambda cfg: V(cfg)["modifications"].update(value=["blue"]))
case("reference not a boolean", P + ".variations[0].reference", set_(V, "reference", "yes"))
case("targeting not an object", P + ".targeting", set_(G, "targeting", []))
case("targeting_groups not an array", P + ".targeting.targeting_groups",
     set_(lambda c: G(c)["targeting"], "targeting_groups", {}))
case("targeting not an object in list", TP,
     set_(lambda c: G(c)["targeting"]["targeting_groups"][0], "targetings", ["country"]))
case("unknown operator", TP + ".operator", set_(T, "operator", "EQUAL"))
case("operator missing", TP + ".operator", del_(T, "operator"))
case("operator not a string", TP + ".operator", set_(T, "operator", 3))
case("key missing", TP + ".key", del_(T, "key"))
case("value null", TP + ".value", set_(T, "value", None))
case("value an object", TP + ".value", set_(T, "value", {"a": 1}))
case("value missing", TP + ".value", del_(T, "value"))
case("null inside a list value", TP + ".value[1]", set_(T, "value", ["FR", None]))
case("bad regex", TP + ".value",
     lambda cfg: T(cfg).update(operator="MATCHES_REGEX", value="([a-z"))
case("bad semver", TP + ".value",
     lambda cfg: T(cfg).update(operator="SEMVER_GREATER_THAN", value="1.x"))
case("bad date", TP + ".value",
     lambda cfg: T(cfg).update(operator="BEFORE", value="yesterday"))
case("regex value not a string", TP + ".value",
     lambda cfg: T(cfg).update(operator="MATCHES_REGEX", value=5))
case("ignore_case on a relational operator", TP + ".ignore_case",
     lambda cfg: T(cfg).update(operator="GREATER_THAN", value=5, ignore_case=True))
case("ignore_case not a boolean", TP + ".ignore_case", set_(T, "ignore_case", "yes"))
case("error in a later group and targeting",
     P + ".targeting.targeting_groups[1].targetings[2].operator",
     lambda cfg: G(cfg)["targeting"]["targeting_groups"].append({"targetings": [
         {"key": "a", "operator": "EXISTS"}, {"key": "b", "operator": "EQUALS", "value": 1},
         {"key": "c", "operator": "LIKE", "value": "x"}]}))
case("scheduler unknown time zone", "campaigns[0].scheduler.timezone",
     set_(C, "scheduler", {"start_date": "2026-01-01T00:00:00Z", "timezone": "Mars/Olympus"}))
case("scheduler bad start date", "campaigns[0].scheduler.start_date",
     set_(C, "scheduler", {"start_date": "January 1st"}))
case("scheduler stop before start", "campaigns[0].scheduler.stop_date",
     set_(C, "scheduler", {"start_date": "2026-02-01T00:00:00Z", "stop_date": "2026-01-01T00:00:00Z"}))
case("unknown bucketing mode", "settings.bucketing",
     set_(lambda c: c["settings"], "bucketing", "md5"))
case("panic not a boolean", "settings.panic", set_(lambda c: c["settings"], "panic", "no"))
case("unknown step type", P + ".allocation_config.periodic_steps.step_type",
     lambda cfg: schedule(cfg, periodic_steps={"allocation_step": 10, "step": 1, "step_type": "fortnight"}))
case("non-positive custom step", P + ".allocation_config.custom_steps[1].step",
     lambda cfg: schedule(cfg, periodic_steps=None, custom_steps=[
         {"allocation_step": 10, "step": 1, "step_type": "day"},
         {"allocation_step": 10, "step": 0, "step_type": "day"}]))
case("both periodic and custom steps", P + ".allocation_config.custom_steps",
     lambda cfg: schedule(cfg, custom_steps=[{"allocation_step": 10, "step": 1, "step_type": "day"}]))
case("schedule unknown time zone", P + ".allocation_config.timezone",
     lambda cfg: schedule(cfg, timezone="Europe/Atlantis"))
case("schedule start date missing", P + ".allocation_config.start_date",
     lambda cfg: schedule(cfg).pop("start_date"))
case("start allocation over 100", P + ".allocation_config.start_allocation",
     lambda cfg: schedule(cfg, start_allocation=120))
case("rollback operator not a comparison", P + ".allocation_config.rollback_condition.operator",
     lambda cfg: schedule(cfg, rollback_condition={
         "goal": {"id": "g"}, "operator": "CONTAINS", "value": 1}))
case("rollback min_visitors negative", P + ".allocation_config.rollback_condition.min_visitors",
     lambda cfg: schedule(cfg, rollback_condition={
         "goal": {"id": "g"}, "operator": "LOWER_THAN", "value": 1, "min_visitors": -5}))
case("rollback goal without id or label", P + ".allocation_config.rollback_condition.goal",
     lambda cfg: schedule(cfg, rollback_condition={
         "goal": {"type": "click"}, "operator": "LOWER_THAN", "value": 1}))
case("periodic step of zero", P + ".allocation_config.periodic_steps.step",
     lambda cfg: schedule(cfg, periodic_steps={"allocation_step": 10, "step": 0, "step_type": "day"}))
case("negative periodic allocation step", P + ".allocation_config.periodic_steps.allocation_step",
     lambda cfg: schedule(cfg, periodic_steps={"allocation_step": -5, "step": 1, "step_type": "day"}))
case("custom allocation step with three decimals", P + ".allocation_config.custom_steps[0].allocation_step",
     lambda cfg: schedule(cfg, periodic_steps=None, custom_steps=[
         {"allocation_step": 10.125, "step": 1, "step_type": "hour"}]))
case("schedule start date unparsable", P + ".allocation_config.start_date",
     lambda cfg: schedule(cfg, start_date="next monday"))
case("rollback value missing", P + ".allocation_config.rollback_condition.value",
     lambda cfg: schedule(cfg, rollback_condition={"goal": {"id": "g"}, "operator": "LOWER_THAN"}))

BP = "campaigns[0].variationGroups[0]"
BC = lambda cfg: cfg["campaigns"][0]
BG = lambda cfg: BC(cfg)["variationGroups"][0]
case("bucketing file duplicate campaign id", "campaigns[1].id",
     lambda cfg: cfg["campaigns"].append(
         dict(copy.deepcopy(BC(cfg)), variationGroups=[dict(copy.deepcopy(BG(cfg)), id="bg2")])),
     make=bucketing)
case("bucketing file allocation over 100", BP + ".variations[0].allocation",
     lambda cfg: BG(cfg)["variations"][0].update(allocation=101), make=bucketing)
case("bucketing file unknown operator", BP + ".targeting.targetingGroups[0].targetings[0].operator",
     lambda cfg: BG(cfg)["targeting"]["targetingGroups"][0]["targetings"][0].update(operator="IS"),
     make=bucketing)
case("bucketing file bad bucket range", "campaigns[0].bucketRanges[0].r",
     lambda cfg: BC(cfg).update(bucketRanges=[{"r": [50, 10]}]), make=bucketing)
case("bucketing file enabled1V1T not a boolean", "accountSettings.enabled1V1T",
     lambda cfg: cfg["accountSettings"].update(enabled1V1T="true"), make=bucketing)

def page(cfg):
    c = C(cfg)
    second = dict(copy.deepcopy(c), id="c2", variation_groups=[dict(copy.deepcopy(G(cfg)), id="g2")])
    third = dict(copy.deepcopy(c), id="c3", variation_groups=[dict(copy.deepcopy(G(cfg)), id="g3")])
    third["variation_groups"][0]["variations"][0]["allocation"] = 100.5
    cfg.clear()
    cfg.update({"items": [c, second, third], "current_page": 1, "total_count": 3})
case("page of campaigns", "items[2].variation_groups[0].variations[0].allocation", page)

def single(cfg):
    c = C(cfg)
    del c["variation_groups"][0]["variations"][0]["id"]
    cfg.clear()
    cfg.update(c)
case("single campaign document", "variation_groups[0].variations[0].id", single)

with open("bad_configs.json", "w") as f:
    json.dump(cases, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(len(cases), "cases")
