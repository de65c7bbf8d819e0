#!/usr/bin/env python3
"""Writes examples/flagship/: a Flagship bucketing file, 2,400 visitors and
their expected decisions.

  tests/flagship/make_examples.py [REPO_ROOT]

bucketing.json and visitors.jsonl are built here from a fixed seed (the run is
deterministic); expected.jsonl and tests/flagship/expected_flag_sources.jsonl
come from the independent reference implementation, tests/flagship/
reference.py. Nothing here calls the C++ library.

The bucketing file is shaped like the ones Flagship's CDN serves (20-character
xid ids, camelCase, `variationGroups`, `targetingGroups`, `bucketRanges`,
`accountSettings.enabled1V1T`) and covers: ab / toggle / perso / deployment /
flag campaigns, all twelve operators with string, number, bool and (nested,
empty) list values, fs_all_users and fs_users, fractional allocations whose
double running sum crosses an integer, sums under 100, zero allocations,
groups that can never match, bucket ranges, single assignment, flag keys
shared by several campaigns, and non-ASCII and astral-plane ids.
"""

import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
XID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"


class Ids:
    """Flagship-style ids: 20 characters of xid's base32 alphabet."""

    def __init__(self, rng):
        self.rng = rng

    def __call__(self):
        return "c" + "".join(self.rng.choice(XID_ALPHABET) for _ in range(19))


def t(key, operator, value=None, has_value=True):
    out = {"key": key, "operator": operator}
    if has_value:
        out["value"] = value
    return out


def targeting(*groups):
    return {"targetingGroups": [{"targetings": list(g)} for g in groups]}


def variation(vid, allocation, flags, reference=False, name=None,
              mtype="FLAG"):
    v = {"id": vid, "name": name or "Variation", "reference": reference,
         "allocation": allocation,
         "modifications": {"type": mtype, "value": flags}}
    return v


def group(gid, tgt, variations, name=None):
    g = {"id": gid, "name": name or "Variation group",
         "variations": variations}
    if tgt is not None:
        g["targeting"] = tgt
    return g


def campaign(cid, ctype, slug, groups, name=None, ranges=None):
    c = {"id": cid, "name": name or slug.replace("-", " ").capitalize(),
         "type": ctype, "slug": slug, "variationGroups": groups}
    if ranges is not None:
        c["bucketRanges"] = [{"r": list(r)} for r in ranges]
    return c


def build_config(rng):
    ids = Ids(rng)
    campaigns = []

    # An A/B test on the home page for paying plans; 89.75 % allocated, one
    # variation switched off (allocation 0, skipped by the walk).
    campaigns.append(campaign(ids(), "ab", "homepage-hero", [
        group(ids(), targeting(
            [t("plan", "EQUALS", "premium")],
            [t("plan", "EQUALS", ["gold", "platinum"]),
             t("age", "GREATER_THAN_OR_EQUALS", 18)]), [
            variation(ids(), 40, {"hero_title": "Welcome back",
                                  "hero_color": "#ffffff",
                                  "show_badge": False},
                      reference=True, name="Original"),
            variation(ids(), 39.5, {"hero_title": "Your premium space",
                                    "hero_color": "#ffd700",
                                    "show_badge": True}, name="Gold hero"),
            variation(ids(), 0, {"hero_title": "Retired",
                                 "hero_color": "#000000"}, name="Retired"),
            variation(ids(), 10.25, {"hero_title": "Bienvenue ✨",
                                     "hero_color": "#0055a4",
                                     "show_badge": True}, name="Localised"),
        ]),
    ]))

    # A toggle on visitor id suffixes (fs_users) or a beta flag; overrides
    # hero_color for whoever it allocates.
    campaigns.append(campaign(ids(), "toggle", "dark-mode", [
        group(ids(), targeting(
            [t("fs_users", "ENDS_WITH", ["7", "9", "é", "😀"])],
            [t("beta", "EQUALS", True)],
            [t("beta", "EQUALS", "true"), t("fs_users", "CONTAINS", "_")]), [
            variation(ids(), 100, {"dark_mode": True, "hero_color": "#111111"},
                      name="On"),
        ]),
    ]))

    # Checkout A/B test on half the population (bucket range [0, 50)).
    campaigns.append(campaign(ids(), "ab", "checkout-redesign", [
        group(ids(), targeting(
            [t("country", "EQUALS", "FR"),
             t("cart_value", "GREATER_THAN", 50)],
            [t("country", "EQUALS", [["DE", "BE"], "CH"]),
             t("cart_value", "GREATER_THAN_OR_EQUALS", "20")]), [
            variation(ids(), 50, {"checkout_steps": 3, "express_pay": False},
                      reference=True, name="Three steps"),
            variation(ids(), 50, {"checkout_steps": 1, "express_pay": True},
                      name="One page"),
        ]),
    ], ranges=[(0, 50)]))

    # Personalisation with three groups: the first match decides, even when
    # its 50 % allocation leaves the visitor out (no fall-through).
    campaigns.append(campaign(ids(), "perso", "loyalty-perks", [
        group(ids(), targeting([t("loyalty_points", "GREATER_THAN", 1000)]), [
            variation(ids(), 50, {"perk_level": "gold", "free_shipping": True},
                      name="Gold"),
        ], name="Gold members"),
        group(ids(), targeting(
            [t("loyalty_points", "GREATER_THAN_OR_EQUALS", "500")]), [
            variation(ids(), 100, {"perk_level": "silver",
                                   "free_shipping": False}, name="Silver"),
        ], name="Silver members"),
        group(ids(), targeting([t("fs_all_users", "EQUALS", "")]), [
            variation(ids(), 0.5, {"perk_level": "lucky",
                                   "discount_rate": 0.15}, name="Lucky"),
            variation(ids(), 99.5, {"perk_level": "basic",
                                    "discount_rate": 0}, name="Basic"),
        ], name="Everyone else"),
    ]))

    # A progressive deployment at 25.5 % for apps newer than "2.10" in
    # string order ("2.9" > "2.10"), and everything for tablets.
    campaigns.append(campaign(ids(), "deployment", "search-v2", [
        group(ids(), targeting(
            [t("app_version", "GREATER_THAN", "2.10"),
             t("app_version", "LOWER_THAN", "3")]), [
            variation(ids(), 25.5, {"search_engine": "v2",
                                    "search_limit": 50}, name="Search v2"),
        ]),
        group(ids(), targeting([t("device", "EQUALS", "tablet")]), [
            variation(ids(), 100, {"search_engine": "v2-tablet",
                                   "search_limit": 20}, name="Tablets"),
        ]),
    ]))

    # Pricing A/B test on two bucket ranges, thirds with two decimals.
    campaigns.append(campaign(ids(), "ab", "pricing-test", [
        group(ids(), targeting([t("fs_all_users", "EXISTS", None,
                                  has_value=False)]), [
            variation(ids(), 33.33, {"price_multiplier": 1,
                                     "price_label": "standard"},
                      reference=True, name="Control"),
            variation(ids(), 33.33, {"price_multiplier": 0.9,
                                     "price_label": "-10 %"}, name="Ten off"),
            variation(ids(), 33.34, {"price_multiplier": 0.8,
                                     "price_label": "-20 %"},
                      name="Twenty off"),
        ]),
    ], ranges=[(0, 33.5), (66, 100)]))

    # Onboarding: targets visitors without an email or with few visits;
    # NOT_EXISTS / NOT_EQUALS hold on missing keys. Allocations whose double
    # running sum is 57.00000000000001, so bucket 57 still gets "Short".
    campaigns.append(campaign(ids(), "ab", "onboarding-tour", [
        group(ids(), targeting(
            [t("email", "NOT_EXISTS", None, has_value=False),
             t("plan", "NOT_EQUALS", ["premium", "gold"])],
            [t("email", "ENDS_WITH", "@example.com"),
             t("visits", "LOWER_THAN_OR_EQUALS", 3)]), [
            variation(ids(), 34.1, {"tour": "full", "tour_steps": 7},
                      reference=True, name="Full tour"),
            variation(ids(), 22.8, {"tour": "quick", "tour_steps": 3},
                      name="Quick"),
            variation(ids(), 0.1, {"tour": "short", "tour_steps": 1},
                      name="Short"),
            variation(ids(), 20, {"tour": "video", "tour_steps": 2},
                      name="Video"),
        ]),
    ]))

    # Flags for Paris zip codes (a number STARTS_WITH a number), booleans
    # read as "true"/"false", and exclusions by NOT_CONTAINS.
    campaigns.append(campaign(ids(), "flag", "paris-delivery", [
        group(ids(), targeting(
            [t("zipcode", "STARTS_WITH", 75),
             t("zipcode", "NOT_CONTAINS", ["999", 0.5])],
            [t("is_vip", "CONTAINS", "ru"),
             t("zipcode", "ENDS_WITH", ["01", 2])]), [
            variation(ids(), 100, {"same_day_delivery": True,
                                   "delivery_slots": [9, 12, 18]},
                      name="Same day"),
        ]),
    ]))

    # Regional personalisation with a non-ASCII campaign, group and
    # variation ids: nested lists, accents, UTF-16 ordering of strings.
    campaigns.append(campaign("perso-région-été", "perso", "regional-perso", [
        group("vg-été-用户-1", targeting(
            [t("country", "EQUALS", [["FR", "BE"], ["CA"], []])],
            [t("city", "CONTAINS", ["é", "ü", "ß"])],
            [t("nickname", "GREATER_THAN", "～")]), [
            variation("var-ü-1", 50, {"greeting": "Bonjour",
                                      "locale_hint": "fr"}, reference=True,
                      name="Français"),
            variation("var-😀-2", 49.99, {"greeting": "Salut 😀",
                                          "locale_hint": "fr-casual"},
                      name="Casual"),
        ]),
    ]))

    # Scores sent as strings of every shape: JavaScript StringToNumber
    # (hex, exponents, whitespace, "" = 0, NaN) and booleans as 0 / 1.
    campaigns.append(campaign(ids(), "ab", "score-based-offer", [
        group(ids(), targeting(
            [t("score", "GREATER_THAN_OR_EQUALS", "0x10"),
             t("score", "LOWER_THAN", 1e21)],
            [t("score", "LOWER_THAN_OR_EQUALS", False),
             t("beta", "GREATER_THAN", 0)],
            [t("age", "GREATER_THAN", "65"), t("age", "LOWER_THAN", [100])]), [
            variation(ids(), 49.77, {"offer": "A"}, reference=True, name="A"),
            variation(ids(), 0.09, {"offer": "B"}, name="B"),
            variation(ids(), 1.14, {"offer": "C"}, name="C"),
            variation(ids(), 30, {"offer": "D"}, name="D"),
        ]),
    ]))

    # Groups that never match: no targeting, no targeting groups, a group
    # with no targetings; then a real one.
    campaigns.append(campaign(ids(), "perso", "language-banner", [
        group(ids(), None, [variation(ids(), 100, {"banner": "never-1"})]),
        group(ids(), {"targetingGroups": []},
              [variation(ids(), 100, {"banner": "never-2"})]),
        group(ids(), {"targetingGroups": [{"targetings": []}]},
              [variation(ids(), 100, {"banner": "never-3"})]),
        group(ids(), targeting([t("lang", "EXISTS", None, has_value=False)],
                               [t("lang", "EXISTS", ["ignored"])]), [
            variation(ids(), 60, {"banner": "translated",
                                  "banner_style": {"position": "top",
                                                   "dismissible": True}},
                      name="Translated"),
            variation(ids(), 40, {"banner": "english"}, reference=True,
                      name="English"),
        ]),
    ]))

    # Empty lists: EXISTS [] and NOT_EXISTS [[]] hold for no element, so
    # never; NOT_CONTAINS [] and NOT_EQUALS [[]] hold for every (no)
    # element, so always, present key or not.
    campaigns.append(campaign(ids(), "flag", "list-corner-cases", [
        group(ids(), targeting([t("tier", "EXISTS", [])]), [
            variation(ids(), 100, {"corner": "exists-empty"}),
        ]),
        group(ids(), targeting([t("tier", "NOT_EXISTS", [[]])]), [
            variation(ids(), 100, {"corner": "not-exists-empty"}),
        ]),
        group(ids(), targeting([t("referrer", "NOT_CONTAINS", []),
                                t("country", "NOT_EQUALS", [[]])]), [
            variation(ids(), 70, {"corner": "every-of-nothing"}),
        ]),
    ]))

    # A second A/B test for everyone: with single assignment on, only
    # visitors no earlier `ab` campaign allocated can enter it.
    campaigns.append(campaign(ids(), "ab", "newsletter-popup", [
        group(ids(), targeting([t("fs_all_users", "EQUALS", True)]), [
            variation(ids(), 50, {"popup": False, "hero_title": "Stay tuned"},
                      reference=True, name="No popup"),
            variation(ids(), 50, {"popup": True, "hero_title": "Subscribe!"},
                      name="Popup"),
        ]),
    ]))

    # Targeting by id with non-ASCII and astral values, relational
    # comparison of the id itself.
    campaigns.append(campaign(ids(), "perso", "unicode-ids", [
        group("vgAlloc", targeting(
            [t("fs_users", "CONTAINS", ["é", "中", "😀", "𝔘"])],
            [t("fs_users", "LOWER_THAN", "a"),
             t("fs_users", "GREATER_THAN_OR_EQUALS", "V")]), [
            variation(ids(), 33.33, {"unicode_badge": "①"}, name="One"),
            variation(ids(), 33.33, {"unicode_badge": "②"}, name="Two"),
            variation(ids(), 33.33, {"unicode_badge": "③"}, name="Three"),
        ]),
    ]))

    return {
        "panic": False,
        "campaigns": campaigns,
        "accountSettings": {"enabled1V1T": True, "enabledXPC": False,
                            "troubleshooting": None},
    }


# Context values per key, by type; some of them are the corner cases the
# targetings above are about.
CONTEXT_POOLS = {
    "plan": ["premium", "gold", "platinum", "free", "Premium", "", "pro"],
    "age": [17, 18, 30, 42, 65, 66, 99, 100, 101, 12.5, "18", "42", " 66 ",
            "4.2e1", "0x42", "", "abc", True, False, "Infinity", "-0"],
    "beta": [True, False, "true", "false", 1, 0, "1"],
    "country": ["FR", "BE", "DE", "CH", "CA", "US", "fr", "IT", "中国", ""],
    "cart_value": [0, 19.99, 20, 50, 50.01, 120, "75", "20", "abc", True,
                   1e21, -5, -0.0],
    "loyalty_points": [0, 499, 500, 501, 1000, 1001, 2500, "500", "1000.5",
                       "0x3E8", " 750 ", "lots", True, 999.99],
    "app_version": ["2.10", "2.9", "2.10.1", "2.2", "3.0", "10.0", "2", "3",
                    "2.11-beta", 2.5, 3],
    "device": ["tablet", "mobile", "desktop", "Tablet", "tv"],
    "email": ["anna@example.com", "bob@EXAMPLE.com", "chloé@exemple.fr",
              "dev@example.com.au", "ops@example.com"],
    "visits": [0, 1, 3, 3.5, 4, 10, "3", "2", "", "many", False, True],
    "zipcode": [75001, 75002, 75999, 75015, 69001, 750, 7, "75001", "75010",
                "69002", 75000.5, 1e21, 92, "7502"],
    "is_vip": [True, False, "true", "truly", "no", 1],
    "city": ["Paris", "Liège", "München", "Straße", "Zürich", "Lyon",
             "São Paulo", "北京", "Montréal"],
    "nickname": ["zoe", "～tilde", "😀smile", "ｚｅｎ", "\uffffmax", "Ω",
                 "𝔘nicode", "中文", "~ascii", "ｗ"],
    "score": [16, 15, 0, -1, 1e21, 1e20, 0.000001, "0x10", "0x0F", "16",
              " 17\n", "1e2", "", "Infinity", "-Infinity", "0b10001",
              "0o20", "1_000", "NaN", "-0x20", ".5", "5.", True, False],
    "lang": ["fr", "en", "de", "zh", "", 0, False],
    "tier": ["bronze", "silver", 1, True],
    "referrer": ["google", "newsletter", "", "ads"],
}
EXTRA_NOISE = [None, [1, 2], {"nested": "object"}, ["FR"]]


def visitor_id(rng, i):
    kind = rng.random()
    if kind < 0.35:
        return "visitor_%d" % i
    if kind < 0.50:
        return "%08x-%04x-4%03x-%04x-%012x" % (
            rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
            rng.getrandbits(16), rng.getrandbits(48))
    if kind < 0.58:
        return "user%d@example.com" % i
    if kind < 0.68:
        return rng.choice(["utilisateur-é", "Ñandú-", "Zoë_", "müller.",
                           "用户", "訪問者-", "Øystein_"]) + str(i)
    if kind < 0.78:
        return rng.choice(["😀-user-", "𝔘𝔫𝔦-", "👩‍💻dev", "🇫🇷fr-",
                           "a😀b", "𝟘𝟙𝟚-"]) + str(i)
    if kind < 0.86:
        return rng.choice(["VIP-", "Visitor", "Z", "W"]) + str(i)
    if kind < 0.90:
        return str(rng.randint(1, 10 ** 9))
    if kind < 0.93:
        return rng.choice(['quote"d-', "back\\slash-", "tab\there-",
                           "slash/", "esc\u0001-"]) + str(i)
    return "anon_%d_%s" % (i, rng.choice(["7", "9", "é", "😀", "x"]))


def visitor_context(rng):
    context = {}
    for key, pool in CONTEXT_POOLS.items():
        if rng.random() < 0.55:
            context[key] = rng.choice(pool)
    if rng.random() < 0.08:
        context[rng.choice(list(CONTEXT_POOLS))] = rng.choice(EXTRA_NOISE)
    if rng.random() < 0.03:
        context["fs_users"] = "someone-else"
    keys = list(context)
    rng.shuffle(keys)
    return {k: context[k] for k in keys}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(HERE))
    out_dir = os.path.join(root, "examples", "flagship")
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20240611)
    config = build_config(rng)
    config_path = os.path.join(out_dir, "bucketing.json")
    with open(config_path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    visitors_path = os.path.join(out_dir, "visitors.jsonl")
    with open(visitors_path, "w", encoding="utf-8", newline="\n") as f:
        # The specification's hash vectors, as visitors of their groups.
        fixed = ["visitor_1", "用户7", "flagship@abtast.com", "toto123456"]
        for i in range(2400):
            visitor = {"id": fixed[i] if i < len(fixed) else
                       visitor_id(rng, i)}
            if rng.random() < 0.97:
                visitor["context"] = visitor_context(rng)
            f.write(json.dumps(visitor, ensure_ascii=False) + "\n")
    sources_dir = os.path.join(root, "tests", "flagship")
    os.makedirs(sources_dir, exist_ok=True)
    subprocess.run(
        [sys.executable, os.path.join(HERE, "reference.py"),
         "--config", config_path, "--input", visitors_path,
         "--output", os.path.join(out_dir, "expected.jsonl"),
         "--flag-sources", os.path.join(sources_dir,
                                        "expected_flag_sources.jsonl")],
        check=True)


if __name__ == "__main__":
    main()
