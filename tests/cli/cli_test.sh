#!/usr/bin/env bash
# End-to-end checks of the allot command: usage errors, validate, decide with
# bad visitor lines, --flags, --output. Usage: cli_test.sh ALLOT REPO_ROOT
set -uo pipefail
allot="$1"
root="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0
check() {  # description, condition...
  local what="$1"; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

# validate: good config
"$allot" validate "$root/examples/campaigns.json" > "$tmp/out" 2>&1
check "validate accepts the example" test $? -eq 0
check "validate summary counts campaigns" grep -q "5 campaigns" "$tmp/out"

# validate: bad config names the JSON path, exit 1
printf '{"campaigns":[{"id":"c","variation_groups":[{"id":"g","variations":[{"id":"v","allocation":120}]}]}]}' > "$tmp/bad.json"
"$allot" validate "$tmp/bad.json" > "$tmp/out" 2>&1
check "validate rejects a bad config with exit 1" test $? -eq 1
check "validate names the path" grep -q "campaigns\[0\].variation_groups\[0\].variations\[0\].allocation:" "$tmp/out"

# decide: a bad line is reported with its number and skipped, exit 1
cat > "$tmp/visitors.jsonl" <<'JSONL'
{"id": "visitor-1", "context": {"country": "FR", "plan": "pro", "app_version": "2.5.0"}}
{"id": 42}
not json

{"id": "visitor-2", "context": {"country": "US"}}
{"id": ""}
JSONL
"$allot" decide --config "$root/examples/campaigns.json" --input "$tmp/visitors.jsonl" \
  --at 2026-06-01T12:00:00Z --flags > "$tmp/out" 2> "$tmp/err"
check "decide exits 1 when lines were bad" test $? -eq 1
check "decide writes the good lines" test "$(wc -l < "$tmp/out")" -eq 2
check "bad line 2 reported" grep -q ":2: skipped" "$tmp/err"
check "bad line 3 reported" grep -q ":3: skipped" "$tmp/err"
check "empty id on line 6 reported" grep -q ":6: skipped" "$tmp/err"
check "every campaign in config order" grep -q '^{"id":"visitor-1","decisions":\[{"campaign_id":"homepage-hero",.*{"campaign_id":"winter-banner","variation_group_id":null,"variation_id":null,"reason":"campaign_inactive"}\],"flags":{' "$tmp/out"
check "flags present" grep -q '"hero_title":' "$tmp/out"

# decide: good input exits 0, --output writes a file, stdin works
head -1 "$tmp/visitors.jsonl" | "$allot" decide --config "$root/examples/campaigns.json" \
  --at 2026-06-01T12:00:00Z --output "$tmp/o.jsonl" 2> "$tmp/err"
check "decide exits 0 on good input" test $? -eq 0
check "--output written without flags" grep -qv '"flags"' "$tmp/o.jsonl"

# decide: usage errors exit 2
"$allot" decide --config "$root/examples/campaigns.json" --at yesterday < /dev/null 2> "$tmp/err"
check "bad --at exits 2" test $? -eq 2
"$allot" decide --config "$root/examples/campaigns.json" --bucketing md5 < /dev/null 2> "$tmp/err"
check "bad --bucketing exits 2" test $? -eq 2
"$allot" decide --config "$tmp/bad.json" < /dev/null 2> "$tmp/err"
check "bad config exits 2" test $? -eq 2
check "bad config error names the path" grep -q "variations\[0\].allocation:" "$tmp/err"

echo "cli: $passes passed, $failures failed"
test $failures -eq 0
