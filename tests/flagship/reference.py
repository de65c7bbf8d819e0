#!/usr/bin/env python3
"""An independent reference implementation of `bucketing: flagship`.

Written from /work/shared/flagship-compat.md and DESIGN §3 alone, in plain
Python 3 (standard library only), sharing no code with the C++ library. It
decides every campaign of a Flagship bucketing file for JSON Lines visitors
and prints what `allot decide --flags` must print for them:

  {"id":...,"decisions":[{"campaign_id":...,"variation_group_id":...|null,
   "variation_id":...|null,"reason":"..."}, ...],"flags":{...}}

Usage:
  reference.py --config BUCKETING.json --input VISITORS.jsonl \
      [--output EXPECTED.jsonl] [--flag-sources SOURCES.jsonl]
  reference.py --self-test      # the hash vectors and JavaScript corners

--flag-sources writes, per visitor, {"id", "flags": {key: [campaign_id,
reference]}}: the campaign each merged flag came from (its group and
variation are that campaign's decision) and whether the variation is marked
as its group's reference.

What it implements (flagship-compat.md):
  * MurmurHash3 x86_32, seed 0, over the low byte of each UTF-16 code unit.
  * bucket = hash(group_id + visitor_id) % 100; running sum of allocations in
    file order as IEEE doubles (as JavaScript adds them), zero or missing
    allocations skipped, first variation with bucket < sum; past it nothing.
  * The first variation group whose targeting matches decides (no
    fall-through). Targeting groups OR'ed, targetings AND'ed; a group with no
    targetings, or a variation group without targeting, is false.
  * The twelve operators with JavaScript semantics, list values (any-of;
    every-of for NOT_EQUALS / NOT_CONTAINS; nested lists recurse),
    fs_all_users, fs_users, and the deliberate deviation: string operators on
    a missing key are false.
  * panic; single assignment (enabled1V1T, `ab` campaigns only); campaign
    bucketRanges with z = hash(visitor_id) % 100.
  * Flags: modifications.value of assigned variations in campaign order,
    later campaigns overwriting earlier keys (first-seen key order).
"""

import argparse
import json
import math
import re
import sys

MISSING = object()

# --------------------------------------------------------------------------
# Hash


def _rotl32(x, r):
    return ((x << r) | (x >> (32 - r))) & 0xFFFFFFFF


def murmur3_x86_32(data, seed=0):
    """Plain MurmurHash3 x86_32 of a bytes object."""
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h1 = seed & 0xFFFFFFFF
    n = len(data)
    nblocks = n // 4
    for i in range(nblocks):
        k1 = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k1 = (k1 * c1) & 0xFFFFFFFF
        k1 = _rotl32(k1, 15)
        k1 = (k1 * c2) & 0xFFFFFFFF
        h1 ^= k1
        h1 = _rotl32(h1, 13)
        h1 = (h1 * 5 + 0xE6546B64) & 0xFFFFFFFF
    tail = data[4 * nblocks:]
    k1 = 0
    for j, b in enumerate(tail):
        k1 |= b << (8 * j)
    if tail:
        k1 = (k1 * c1) & 0xFFFFFFFF
        k1 = _rotl32(k1, 15)
        k1 = (k1 * c2) & 0xFFFFFFFF
        h1 ^= k1
    h1 ^= n & 0xFFFFFFFF
    h1 ^= h1 >> 16
    h1 = (h1 * 0x85EBCA6B) & 0xFFFFFFFF
    h1 ^= h1 >> 13
    h1 = (h1 * 0xC2B2AE35) & 0xFFFFFFFF
    h1 ^= h1 >> 16
    return h1


def utf16_low_bytes(text):
    """One byte per UTF-16 code unit: its low 8 bits."""
    units = text.encode("utf-16-le", "surrogatepass")
    return units[0::2]


def flagship_hash(text):
    return murmur3_x86_32(utf16_low_bytes(text))


# --------------------------------------------------------------------------
# JavaScript values. A value is (kind, payload) with kind in "string",
# "number", "bool"; MISSING for an absent context key.


def js_value(v):
    """A JSON-decoded scalar as a typed JavaScript primitive, or None."""
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (int, float)):
        return ("number", float(v))
    if isinstance(v, str):
        return ("string", v)
    return None


def js_number_to_string(x):
    """ECMAScript Number::toString(10)."""
    if x != x:
        return "NaN"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number_to_string(-x)
    if math.isinf(x):
        return "Infinity"
    # repr gives the shortest digits that read back as x (as JavaScript's
    # algorithm does); only the layout differs.
    mantissa, _, exp_text = repr(x).partition("e")
    exponent = int(exp_text) if exp_text else 0
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    point = exponent - len(frac_part)  # x = int(digits) * 10**point
    stripped = digits.rstrip("0")
    point += len(digits) - len(stripped)
    s = stripped
    k = len(s)
    n = point + k  # x = 0.s * 10**n
    if k <= n <= 21:
        return s + "0" * (n - k)
    if 0 < n <= 21:
        return s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + s
    e = n - 1
    sign = "+" if e >= 0 else "-"
    if k == 1:
        return s + "e" + sign + str(abs(e))
    return s[0] + "." + s[1:] + "e" + sign + str(abs(e))


def js_to_string(v):
    kind, payload = v
    if kind == "string":
        return payload
    if kind == "bool":
        return "true" if payload else "false"
    return js_number_to_string(payload)


# StrWhiteSpaceChar: WhiteSpace (TAB VT FF SP NBSP ZWNBSP and category Zs)
# and LineTerminator (LF CR LS PS).
_JS_WHITESPACE = (
    "\u0009\u000b\u000c\u0020\u00a0\ufeff"
    "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u202f\u205f\u3000"
    "\u000a\u000d\u2028\u2029")
_DECIMAL = re.compile(
    r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_NON_DECIMAL = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def js_string_to_number(text):
    """ECMAScript StringToNumber."""
    s = text.strip(_JS_WHITESPACE)
    if s == "":
        return 0.0
    if _NON_DECIMAL.fullmatch(s):
        base = {"x": 16, "o": 8, "b": 2}[s[1].lower()]
        return float(int(s[2:], base))
    if _DECIMAL.fullmatch(s):
        if s.endswith("Infinity"):
            return -math.inf if s.startswith("-") else math.inf
        return float(s)
    return math.nan


def js_to_number(v):
    kind, payload = v
    if kind == "number":
        return payload
    if kind == "bool":
        return 1.0 if payload else 0.0
    return js_string_to_number(payload)


def utf16_key(text):
    # Big-endian code units compare bytewise in code-unit order.
    return text.encode("utf-16-be", "surrogatepass")


def js_relational(op, a, b):
    """a <op> b with JavaScript's abstract relational comparison."""
    if a[0] == "string" and b[0] == "string":
        x, y = utf16_key(a[1]), utf16_key(b[1])
    else:
        x, y = js_to_number(a), js_to_number(b)
        if x != x or y != y:
            return False
    if op == "GREATER_THAN":
        return x > y
    if op == "GREATER_THAN_OR_EQUALS":
        return x >= y
    if op == "LOWER_THAN":
        return x < y
    return x <= y


def strict_equals(a, b):
    return a[0] == b[0] and a[1] == b[1]


# --------------------------------------------------------------------------
# Targeting

OPERATORS = (
    "EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH",
    "ENDS_WITH", "GREATER_THAN", "GREATER_THAN_OR_EQUALS", "LOWER_THAN",
    "LOWER_THAN_OR_EQUALS", "EXISTS", "NOT_EXISTS")
EVERY_OPERATORS = ("NOT_EQUALS", "NOT_CONTAINS")


def evaluate_scalar(op, a, b):
    """One operator, visitor value `a` (or MISSING), scalar targeting `b`."""
    if op == "EXISTS":
        return a is not MISSING
    if op == "NOT_EXISTS":
        return a is MISSING
    if op == "EQUALS":
        return a is not MISSING and strict_equals(a, b)
    if op == "NOT_EQUALS":
        return a is MISSING or not strict_equals(a, b)
    if a is MISSING:
        # Relational: false. String operators: false by allot's deliberate
        # deviation (the SDK throws and drops the visitor).
        return False
    if op in ("CONTAINS", "NOT_CONTAINS", "STARTS_WITH", "ENDS_WITH"):
        x, y = js_to_string(a), js_to_string(b)
        if op == "CONTAINS":
            return y in x
        if op == "NOT_CONTAINS":
            return y not in x
        if op == "STARTS_WITH":
            return x.startswith(y)
        return x.endswith(y)
    return js_relational(op, a, b)


def evaluate_value(op, a, value):
    """Operator over a targeting value that may be a (nested) list."""
    if isinstance(value, list):
        results = (evaluate_value(op, a, item) for item in value)
        return all(results) if op in EVERY_OPERATORS else any(results)
    if value is MISSING or value is None:
        # Only EXISTS / NOT_EXISTS may omit their value (validated below).
        return evaluate_scalar(op, a, None)
    return evaluate_scalar(op, a, js_value(value))


def targeting_matches(t, visitor_id, context):
    key = t["key"]
    if key == "fs_all_users":
        return True
    if key == "fs_users":
        a = ("string", visitor_id)
    else:
        a = context.get(key, MISSING)
    return evaluate_value(t["operator"], a, t.get("value", MISSING))


def group_targeting_matches(variation_group, visitor_id, context):
    targeting = variation_group.get("targeting")
    if not targeting:
        return False
    for tgroup in targeting.get("targetingGroups") or []:
        targetings = tgroup.get("targetings") or []
        if targetings and all(
                targeting_matches(t, visitor_id, context) for t in targetings):
            return True
    return False


def validate_targeting_value(value, path):
    if isinstance(value, list):
        for i, item in enumerate(value):
            validate_targeting_value(item, "%s[%d]" % (path, i))
        return
    if js_value(value) is None:
        raise ValueError("%s: not a valid targeting value" % path)


def validate(config):
    """The spec's load-time checks this file relies on."""
    seen = set()
    for ci, campaign in enumerate(config.get("campaigns") or []):
        if campaign["id"] in seen:
            raise ValueError("campaigns[%d].id: duplicate" % ci)
        seen.add(campaign["id"])
        for gi, group in enumerate(campaign["variationGroups"]):
            total = 0
            for variation in group["variations"]:
                allocation = variation.get("allocation", 0)
                if not 0 <= allocation <= 100:
                    raise ValueError("allocation out of range")
                if abs(allocation * 100 - round(allocation * 100)) > 1e-6:
                    raise ValueError("allocation with more than 2 decimals")
                total += round(allocation * 100)
            if total > 10000:
                raise ValueError("allocations sum above 100")
            tg = (group.get("targeting") or {}).get("targetingGroups") or []
            for ti, tgroup in enumerate(tg):
                for ki, t in enumerate(tgroup.get("targetings") or []):
                    path = "campaigns[%d].variationGroups[%d]...[%d][%d]" % (
                        ci, gi, ti, ki)
                    if t["key"] == "fs_all_users":
                        continue
                    if t["operator"] not in OPERATORS:
                        raise ValueError(path + ": unknown operator")
                    if t["operator"] in ("EXISTS", "NOT_EXISTS"):
                        continue
                    if "value" not in t:
                        raise ValueError(path + ": missing value")
                    validate_targeting_value(t["value"], path)


# --------------------------------------------------------------------------
# The decision


def pick_variation(variation_group, visitor_id):
    bucket = flagship_hash(variation_group["id"] + visitor_id) % 100
    total = 0.0
    for variation in variation_group["variations"]:
        allocation = variation.get("allocation")
        if allocation is None or allocation == 0:
            continue
        total += allocation  # IEEE double addition, as JavaScript does it
        if bucket < total:
            return variation
    return None


def in_bucket_ranges(campaign, visitor_id):
    ranges = campaign.get("bucketRanges") or []
    if not ranges:
        return True
    z = flagship_hash(visitor_id) % 100
    return any(r["r"][0] <= z < r["r"][1] for r in ranges)


def decide(config, visitor_id, context):
    """Returns [(campaign, reason, group or None, variation or None)]."""
    panic = bool(config.get("panic"))
    single = bool((config.get("accountSettings") or {}).get("enabled1V1T"))
    ab_taken = False
    out = []
    for campaign in config.get("campaigns") or []:
        if panic:
            out.append((campaign, "panic", None, None))
            continue
        if not in_bucket_ranges(campaign, visitor_id):
            out.append((campaign, "outside_bucket_range", None, None))
            continue
        is_ab = campaign.get("type") == "ab"
        if single and is_ab and ab_taken:
            out.append((campaign, "single_assignment", None, None))
            continue
        group = next((g for g in campaign["variationGroups"]
                      if group_targeting_matches(g, visitor_id, context)),
                     None)
        if group is None:
            out.append((campaign, "not_targeted", None, None))
            continue
        variation = pick_variation(group, visitor_id)
        if variation is None:
            out.append((campaign, "not_allocated", group, None))
            continue
        out.append((campaign, "allocated", group, variation))
        if is_ab:
            ab_taken = True
    return out


def merge_flags(decisions):
    """{key: (value, campaign, group, variation)}, first-seen key order."""
    flags = {}
    for campaign, _, group, variation in decisions:
        if variation is None:
            continue
        values = (variation.get("modifications") or {}).get("value") or {}
        for key, value in values.items():
            flags[key] = (value, campaign, group, variation)
    return flags


# --------------------------------------------------------------------------
# Output, in the shape `allot decide --flags` writes.


def json_string(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_value(v):
    """Minified JSON of a flag value (strings via json_string)."""
    if isinstance(v, str):
        return json_string(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, list):
        return "[" + ",".join(json_value(x) for x in v) + "]"
    return "{" + ",".join(json_string(k) + ":" + json_value(x)
                          for k, x in v.items()) + "}"


def id_or_null(obj):
    return "null" if obj is None else json_string(obj["id"])


def render_line(visitor_id, decisions, flags):
    parts = []
    for campaign, reason, group, variation in decisions:
        parts.append('{"campaign_id":%s,"variation_group_id":%s,'
                     '"variation_id":%s,"reason":"%s"}' %
                     (json_string(campaign["id"]), id_or_null(group),
                      id_or_null(variation), reason))
    flag_text = ",".join(json_string(k) + ":" + json_value(v[0])
                         for k, v in flags.items())
    return '{"id":%s,"decisions":[%s],"flags":{%s}}' % (
        json_string(visitor_id), ",".join(parts), flag_text)


def render_sources(visitor_id, flags):
    """{"id", "flags": {key: [campaign_id, reference]}}: the campaign each
    merged flag came from (its group and variation are that campaign's
    decision) and whether the variation is its group's reference."""
    entries = []
    for key, (_, campaign, _, variation) in flags.items():
        entries.append('%s:[%s,%s]' % (
            json_string(key), json_string(campaign["id"]),
            "true" if variation.get("reference") else "false"))
    return '{"id":%s,"flags":{%s}}' % (json_string(visitor_id),
                                       ",".join(entries))


def read_visitor(line):
    visitor = json.loads(line)
    context = {}
    for key, value in (visitor.get("context") or {}).items():
        typed = js_value(value)
        if typed is not None:  # null, lists and objects are dropped
            context[key] = typed
    return visitor["id"], context


# --------------------------------------------------------------------------
# Self-test: the specification's vectors and JavaScript corners.

HASH_VECTORS = [
    ("hello", 613153351),
    ("123visitor_1", 3635969351),
    ("9273BKSDJtoto123456", 2207745127),
    ("vgidflagship@abtast.com", 1551214225),
    ("vgid\u00e9\u00e9\u00e9\u00e0\u00eb\u00e9\u00e9\u00e9\u00e9\u00e9",
     1027180842),
    ("c20j8bk3fk9hdphqtd2g" + "visitor_1", 1558043948),
    ("vgAlloc" + "\u7528\u62377", 3582074234),
]


def self_test():
    for text, expected in HASH_VECTORS:
        got = flagship_hash(text)
        assert got == expected, (text, got, expected)
    # UTF-8 bytes would give another hash (the spec lists both).
    assert murmur3_x86_32("vgAlloc\u7528\u62377".encode()) == 1897967942
    assert murmur3_x86_32(
        "vgid\u00e9\u00e9\u00e9\u00e0\u00eb\u00e9\u00e9\u00e9\u00e9\u00e9"
        .encode()) == 1846876870
    # An astral character is two code units, so two bytes.
    assert utf16_low_bytes("\U0001F600") == bytes([0x3D, 0x00])
    for x, s in [(5.0, "5"), (5.5, "5.5"), (1e21, "1e+21"), (1e20,
                 "100000000000000000000"), (0.000001, "0.000001"),
                 (1e-7, "1e-7"), (-0.0, "0"), (123.456, "123.456"),
                 (1.5e-10, "1.5e-10"), (2.5e25, "2.5e+25"), (-42.0, "-42"),
                 (0.1 + 0.2, "0.30000000000000004")]:
        assert js_number_to_string(x) == s, (x, js_number_to_string(x), s)
    for s, x in [("", 0.0), ("  42 ", 42.0), ("0x1F", 31.0), ("0o17", 15.0),
                 ("0b101", 5.0), ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0),
                 ("-Infinity", -math.inf), ("\u00a012\u3000", 12.0)]:
        assert js_string_to_number(s) == x, (s, js_string_to_number(s), x)
    for s in ["abc", "-0x10", "1_000", "12px", "inf", "nan", ".", "0x",
              "Infinityx", "\u0661"]:
        assert math.isnan(js_string_to_number(s)), s
    assert js_relational("GREATER_THAN", ("string", "9"), ("string", "10"))
    assert not js_relational("GREATER_THAN", ("string", "Z"), ("string", "a"))
    # U+FF5E is above the surrogate D83D of U+1F600 in UTF-16 order.
    assert js_relational("LOWER_THAN", ("string", "\U0001F600"),
                         ("string", "\uff5e"))
    assert js_relational("GREATER_THAN", ("bool", True), ("number", 0.5))
    assert not js_relational("GREATER_THAN_OR_EQUALS", ("string", "abc"),
                             ("number", 5.0))
    assert evaluate_value("NOT_CONTAINS", MISSING, [])
    assert not evaluate_value("NOT_CONTAINS", MISSING, ["x"])
    assert not evaluate_value("EXISTS", ("string", "x"), [])
    assert not evaluate_value("NOT_EXISTS", MISSING, [[]])
    assert evaluate_value("NOT_EQUALS", MISSING, ["x", ["y"]])
    assert not evaluate_value("EQUALS", ("number", 5.0), "5")
    assert evaluate_value("STARTS_WITH", ("number", 75001.0), 7)
    assert evaluate_value("CONTAINS", ("bool", True), "ru")
    print("reference self-test: ok")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config")
    parser.add_argument("--input")
    parser.add_argument("--output", default="-")
    parser.add_argument("--flag-sources")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return 0
    if not args.config or not args.input:
        parser.error("--config and --input are required")
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    validate(config)
    out = sys.stdout if args.output == "-" else open(
        args.output, "w", encoding="utf-8", newline="\n")
    sources = open(args.flag_sources, "w", encoding="utf-8",
                   newline="\n") if args.flag_sources else None
    with open(args.input, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            visitor_id, context = read_visitor(line)
            decisions = decide(config, visitor_id, context)
            flags = merge_flags(decisions)
            out.write(render_line(visitor_id, decisions, flags) + "\n")
            if sources:
                sources.write(render_sources(visitor_id, flags) + "\n")
    if out is not sys.stdout:
        out.close()
    if sources:
        sources.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
