#!/usr/bin/env bash
# End-to-end checks of campaign operations (DESIGN §13): allot validate
# --against (report, locked campaigns) and allot diff (text, JSON, visitors,
# bad lines). Usage: operations_test.sh ALLOT REPO_ROOT
set -uo pipefail
allot="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"
old="$root/examples/campaigns.json"
new="$root/examples/campaigns-next.json"

# validate --against: the report, exit 0
"$allot" validate "$new" --against "$old" > "$tmp/out" 2>&1
check "validate --against accepts the next config" test $? -eq 0
check "report: added" grep -q "^added (1): spring-banner$" "$tmp/out"
check "report: changed" grep -q "^changed (1): homepage-hero$" "$tmp/out"
check "report: payload only" grep -q "^payload only (1): winter-banner$" "$tmp/out"
check "report: a renamed locked campaign is unchanged" \
  grep -q "^unchanged (5): pricing-page new-checkout staff-search checkout-button checkout-copy$" "$tmp/out"

# the same content again: identical
"$allot" validate "$old" --against "$old" > "$tmp/out" 2>&1
check "validate against itself says identical" grep -q "^identical content" "$tmp/out"

# a change to the locked campaign: refused, exit 1, path and id named
sed 's/"pricing-control", "name": "Monthly first", "reference": true, "allocation": 33.34/"pricing-control", "name": "Monthly first", "reference": true, "allocation": 30/' \
  "$old" > "$tmp/locked.json"
check "the edit changed the locked campaign" bash -c "! cmp -s '$old' '$tmp/locked.json'"
"$allot" validate "$tmp/locked.json" --against "$old" > "$tmp/out" 2> "$tmp/err"
check "validate --against refuses a change to a locked campaign with exit 1" test $? -eq 1
check "the refusal names the path and the id" \
  grep -q 'campaigns\[1\]: locked campaign "pricing-page" would change who gets what' "$tmp/err"
"$allot" validate "$tmp/locked.json" --against "$tmp/missing.json" > "$tmp/out" 2> "$tmp/err"
check "a missing --against file exits 1" test $? -eq 1

# diff: report only, then with visitors in text and JSON
"$allot" diff --from "$old" --to "$new" > "$tmp/out"
check "diff without visitors exits 0" test $? -eq 0
check "diff without visitors has no campaign table" bash -c "! grep -q '^campaign ' '$tmp/out'"
for i in $(seq 1 4000); do echo "{\"id\": \"visitor-$i\", \"context\": {\"country\": \"FR\"}}"; done \
  > "$tmp/visitors.jsonl"
"$allot" diff --from "$old" --to "$new" --visitors "$tmp/visitors.jsonl" \
  --at 2026-06-01T12:00:00Z > "$tmp/out"
check "diff with visitors exits 0" test $? -eq 0
check "diff text: per changed campaign" grep -q "^campaign homepage-hero: [0-9]* of 4000 visitors move" "$tmp/out"
check "diff text: the movers go original -> bold" grep -q "^  hero-original -> hero-bold: [0-9]*$" "$tmp/out"
"$allot" diff --from "$old" --to "$new" --visitors "$tmp/visitors.jsonl" \
  --at 2026-06-01T12:00:00Z --format json > "$tmp/out.json"
check "diff --format json is one valid object with the documented members" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["added", "removed", "changed", "payload_only", "unchanged", "campaigns"], list(d)
(c,) = d["campaigns"]
assert c["campaign_id"] == "homepage-hero" and c["visitors"] == 4000
assert sum(t["visitors"] for t in c["transitions"]) == 4000
moved = sum(t["visitors"] for t in c["transitions"] if t["from"] != t["to"])
assert moved == c["moved"] and 300 < moved < 500, moved  # about 10 %
' "$tmp/out.json"

# bad visitor lines: reported with their number, skipped, exit 1
printf '{"id": "a"}\nnot json\n{"id": ""}\n{"id": "b"}\n' > "$tmp/bad.jsonl"
"$allot" diff --from "$old" --to "$new" --visitors "$tmp/bad.jsonl" > "$tmp/out" 2> "$tmp/err"
check "diff exits 1 when lines were bad" test $? -eq 1
check "diff names the bad line" grep -q "bad.jsonl:2: skipped" "$tmp/err"
check "diff counts the good lines" grep -q "^campaign homepage-hero: [0-9] of 2 visitors move" "$tmp/out"

# usage errors: exit 2
"$allot" diff --from "$old" > /dev/null 2>&1
check "diff without --to exits 2" test $? -eq 2
"$allot" diff --from "$old" --to "$new" --format xml > /dev/null 2>&1
check "diff with a bad --format exits 2" test $? -eq 2

check_summary operations
