#!/usr/bin/env bash
# End-to-end checks of the allot command: usage errors, validate, decide with
# bad visitor lines, --flags, --output, --state; schedule. Usage: cli_test.sh ALLOT REPO_ROOT
set -uo pipefail
allot="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"

# validate: good config
"$allot" validate "$root/examples/campaigns.json" > "$tmp/out" 2>&1
check "validate accepts the example" test $? -eq 0
check "validate summary counts campaigns" grep -q "7 campaigns" "$tmp/out"
check "validate summary names the structure" \
  grep -q "bucketing xxh3, 1 layer, 1 holdout, 1 campaign with prerequisites$" "$tmp/out"

# validate: bad config names the JSON path, exit 1
printf '{"campaigns":[{"id":"c","variation_groups":[{"id":"g","variations":[{"id":"v","allocation":120}]}]}]}' > "$tmp/bad.json"
"$allot" validate "$tmp/bad.json" > "$tmp/out" 2>&1
check "validate rejects a bad config with exit 1" test $? -eq 1
check "validate names the path" grep -q "campaigns\[0\].variation_groups\[0\].variations\[0\].allocation:" "$tmp/out"

# validate: a broken null atom is a clean error, not an abort (exit 1, not 134)
printf '[n]' > "$tmp/atom.json"
"$allot" validate "$tmp/atom.json" > "$tmp/out" 2>&1
check "validate of [n] exits 1" test $? -eq 1
check "validate of [n] says malformed JSON" grep -q "malformed JSON" "$tmp/out"
printf '{"a":nul}' > "$tmp/atom.json"
"$allot" decide --config "$tmp/atom.json" < /dev/null > "$tmp/out" 2>&1
check "decide with a broken config exits 2" test $? -eq 2

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
check "every campaign in config order" grep -q '^{"id":"visitor-1","decisions":\[{"campaign_id":"homepage-hero",.*{"campaign_id":"winter-banner","variation_group_id":null,"variation_id":null,"reason":"campaign_inactive"},{"campaign_id":"checkout-button",[^]]*{"campaign_id":"checkout-copy",[^]]*\],"flags":{' "$tmp/out"
check "flags present" grep -q '"hero_title":' "$tmp/out"

# decide: forced and sticky visitors, exposures and new assignments (DESIGN §12)
"$allot" decide --config "$root/examples/campaigns.json" --input "$root/examples/sticky_visitors.jsonl" \
  --at 2026-06-01T12:00:00Z --exposures "$tmp/exposures.jsonl" --new-assignments "$tmp/new.jsonl" \
  > "$tmp/out" 2> "$tmp/err"
check "decide with force/sticky exits 0" test $? -eq 0
check "a QA visitor of the forced list is forced" grep -q '^{"id":"qa-alice","decisions":\[{"campaign_id":"homepage-hero","variation_group_id":"homepage-hero-everyone","variation_id":"hero-bold","reason":"forced"}' "$tmp/out"
check "a per-line force is forced" grep -q '^{"id":"qa-carol","decisions":\[{"campaign_id":"homepage-hero","variation_group_id":"homepage-hero-everyone","variation_id":"hero-original","reason":"forced"}' "$tmp/out"
check "a sticky record holds" grep -q '^{"id":"visitor-1001","decisions":\[{"campaign_id":"homepage-hero","variation_group_id":"homepage-hero-everyone","variation_id":"hero-original","reason":"sticky"}' "$tmp/out"
check "exposure lines have every field" grep -q '^{"visitor_id":"qa-alice","campaign_id":"homepage-hero","variation_group_id":"homepage-hero-everyone","variation_id":"hero-bold","reason":"forced","at":"2026-06-01T12:00:00+00:00"}$' "$tmp/exposures.jsonl"
check "a repeated visitor is exposed once" test "$(grep -c '"visitor_id":"visitor-1003","campaign_id":"homepage-hero"' "$tmp/exposures.jsonl")" -eq 1
check "non-exposures are not logged" test "$(grep -c 'not_targeted' "$tmp/exposures.jsonl")" -eq 0
check "exposure counters on stderr" grep -q "13 exposures logged, 2 repeats skipped" "$tmp/err"
check "sticky decisions are not new assignments" test "$(grep -c '"visitor_id":"visitor-1001","variation_group_id":"homepage-hero-everyone"' "$tmp/new.jsonl")" -eq 0
check "allocations are new assignments with their version" grep -q '^{"visitor_id":"visitor-1003","variation_group_id":"homepage-hero-everyone","variation_id":"hero-bold","version":0}$' "$tmp/new.jsonl"
# layers, holdouts and prerequisites (DESIGN §15): the example's checkout
# layer splits its two tests, its 5 % global holdout holds visitors out of
# every campaign, and checkout-button needs the new checkout
for i in $(seq 1 300); do
  printf '{"id":"v%d","context":{"country":"FR","plan":"pro","app_version":"2.5.0"}}\n' "$i"
done > "$tmp/many.jsonl"
"$allot" decide --config "$root/examples/campaigns.json" --input "$tmp/many.jsonl" \
  --at 2026-06-01T12:00:00Z --exposures "$tmp/structure_exposures.jsonl" > "$tmp/out" 2> "$tmp/err"
check "decide over 300 visitors exits 0" test $? -eq 0
check "no visitor gets both tests of the layer" \
  bash -c "! grep -q '\"campaign_id\":\"checkout-button\",\"variation_group_id\":\"checkout-button-everyone\",\"variation_id\":\"[a-z-]*\",\"reason\":\"allocated\"},{\"campaign_id\":\"checkout-copy\",\"variation_group_id\":\"checkout-copy-everyone\"' '$tmp/out'"
check "outside_layer_range is a reason" grep -q '"campaign_id":"checkout-copy","variation_group_id":null,"variation_id":null,"reason":"outside_layer_range"' "$tmp/out"
check "prerequisite_failed is a reason" grep -q '"campaign_id":"checkout-button","variation_group_id":null,"variation_id":null,"reason":"prerequisite_failed"' "$tmp/out"
held=$(grep -c '"campaign_id":"homepage-hero","variation_group_id":null,"variation_id":null,"reason":"holdout"' "$tmp/out")
check "about 5 % of 300 visitors are held out ($held)" test "$held" -ge 5 -a "$held" -le 30
check "held-out visitors are held out of every live campaign" \
  test "$(grep -c '"campaign_id":"pricing-page","variation_group_id":null,"variation_id":null,"reason":"holdout"' "$tmp/out")" -eq "$held"
check "holdouts are logged as exposures without a variation" \
  test "$(grep -c '"campaign_id":"homepage-hero","variation_group_id":null,"variation_id":null,"reason":"holdout"' "$tmp/structure_exposures.jsonl")" -eq "$held"

# bad force/sticky members are bad lines, reported and skipped
printf '%s\n' '{"id":"a","force":{"homepage-hero":3}}' '{"id":"b","sticky":{"g":{"variation_id":"x","version":-1}}}' \
  '{"id":"c","sticky":["g"]}' '{"id":"d","force":{"homepage-hero":"hero-bold"}}' |
  "$allot" decide --config "$root/examples/campaigns.json" --at 2026-06-01T12:00:00Z > "$tmp/out" 2> "$tmp/err"
check "bad force/sticky lines exit 1" test $? -eq 1
check "bad force named" grep -q ':1: skipped: "force"."homepage-hero" must be a non-empty variation id string' "$tmp/err"
check "bad sticky version named" grep -q ':2: skipped: "sticky"."g" must be' "$tmp/err"
check "sticky not an object" grep -q ':3: skipped: "sticky" must be an object' "$tmp/err"
check "the good line is decided" test "$(wc -l < "$tmp/out")" -eq 1
"$allot" decide --config "$root/examples/campaigns.json" --exposure-capacity 5 < /dev/null > /dev/null 2> "$tmp/err"
check "--exposure-capacity without --exposures exits 2" test $? -eq 2
"$allot" decide --config "$root/examples/campaigns.json" --exposures "$tmp/e2" --exposure-capacity 0 < /dev/null > /dev/null 2> "$tmp/err"
check "--exposure-capacity 0 exits 2" test $? -eq 2

# decide: one visitor line with 200,000 attributes is decided in linear time
# (it took 45 s when each attribute scanned the ones before it)
python3 -c 'import json; print(json.dumps({"id": "wide", "context": {"k%d" % i: i for i in range(200000)}}))' > "$tmp/wide.jsonl"
timeout 10 "$allot" decide --config "$root/examples/campaigns.json" --input "$tmp/wide.jsonl" \
  --at 2026-06-01T12:00:00Z > "$tmp/out" 2> "$tmp/err"
check "a 200,000-attribute visitor is decided within 10 s" test $? -eq 0
check "the wide visitor gets its line" grep -q '^{"id":"wide"' "$tmp/out"

# decide: --at is RFC 3339 with an offset and nothing else
for at in infinite-future 99999-01-01T00:00:00Z 2026-06-01T12:00:00.123456789012Z 2026-06-01T12:00:00; do
  "$allot" decide --config "$root/examples/campaigns.json" --at "$at" < /dev/null > /dev/null 2> "$tmp/err"
  check "--at $at exits 2" test $? -eq 2
done
check "--at error says why" grep -q "an instant needs an offset" "$tmp/err"
# file errors name the reason
"$allot" validate "$tmp" > "$tmp/out" 2>&1
check "validate of a directory exits 1" test $? -eq 1
check "a directory is named as such" grep -q "it is a directory" "$tmp/out"
"$allot" validate "$tmp/no-such-file.json" > "$tmp/out" 2>&1
check "a missing file gives the system's reason" grep -q "cannot open $tmp/no-such-file.json: No such file or directory" "$tmp/out"
"$allot" decide --config= < /dev/null > "$tmp/out" 2>&1
check "--config= exits 2" test $? -eq 2
check "--config= says the path is empty" grep -q "the path is empty" "$tmp/out"
"$allot" decide --config "$root/examples/campaigns.json" --input "$tmp" < /dev/null > "$tmp/out" 2>&1
check "--input DIR exits 2" test $? -eq 2
check "--input DIR is named" grep -q -- "--input: cannot read $tmp: it is a directory" "$tmp/out"
"$allot" decide --config "$root/examples/campaigns.json" --state "$tmp" < /dev/null > "$tmp/out" 2>&1
check "--state DIR exits 2" test $? -eq 2
check "--state DIR is named" grep -q "it is a directory" "$tmp/out"

# decide: valid JSON numbers out of range name the attribute (they once gave
# "malformed JSON" with no position)
printf '%s\n' '{"id":"a","context":{"age":1e400}}' '{"id":"b","context":{"big":18446744073709551616}}' \
  '{"id":"c","context":{"tiny":1e-400}}' |
  "$allot" decide --config "$root/examples/campaigns.json" --at 2026-06-01T12:00:00Z > "$tmp/out" 2> "$tmp/err"
check "out-of-range numbers make bad lines" test $? -eq 1
check "1e400 is named with its attribute" grep -q ':1: skipped: context.age: the number 1e400 is out of range' "$tmp/err"
check "2^64 is named with its attribute" grep -q ':2: skipped: context.big: the number 18446744073709551616 is out of range' "$tmp/err"
check "an underflow is just 0" grep -q '^{"id":"c"' "$tmp/out"

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

# schedule: a daily 10 % ramp from 09:00 Paris stays at 09:00 local across the
# DST change of 29 March 2026 (08:00Z before, 07:00Z after).
"$allot" schedule --config "$root/examples/rollout.json" --group new-search-all \
  --from 2026-03-26T09:00 --to 2026-04-06T09:00 --every 1d > "$tmp/sched.csv" 2> "$tmp/err"
check "schedule exits 0" test $? -eq 0
check "schedule has a CSV header" test "$(head -1 "$tmp/sched.csv")" = "time,traffic_percent"
check "schedule: 0 % before the start" grep -qx '2026-03-26T09:00:00+01:00,0.00' "$tmp/sched.csv"
check "schedule: 10 % at the start" grep -qx '2026-03-27T09:00:00+01:00,10.00' "$tmp/sched.csv"
check "schedule: 30 % at 09:00 summer time" grep -qx '2026-03-29T09:00:00+02:00,30.00' "$tmp/sched.csv"
check "schedule: capped at 100 %" grep -qx '2026-04-06T09:00:00+02:00,100.00' "$tmp/sched.csv"
check "schedule: one row per day" test "$(wc -l < "$tmp/sched.csv")" -eq 13
"$allot" schedule --config "$root/examples/rollout.json" --group new-search-all \
  --from 2026-03-29T06:00:00Z --to 2026-03-29T08:00:00Z --every 30m --tz UTC > "$tmp/sched.csv"
check "schedule: the step lands at 07:00Z in summer" grep -qx '2026-03-29T07:00:00+00:00,30.00' "$tmp/sched.csv"
check "schedule: still 20 % at 06:30Z" grep -qx '2026-03-29T06:30:00+00:00,20.00' "$tmp/sched.csv"
"$allot" schedule --config "$root/examples/rollout.json" --group nope --from 2026-03-26T09:00 --to 2026-03-27T09:00 2> "$tmp/err"
check "schedule: unknown group exits 2" test $? -eq 2
check "schedule: unknown group is named" grep -q 'no variation group "nope"' "$tmp/err"
"$allot" schedule --config "$root/examples/rollout.json" --group new-search-all --from 2026-03-26T09:00 --to 2026-03-27T09:00 --every 0s 2> "$tmp/err"
check "schedule: a zero step exits 2" test $? -eq 2
"$allot" schedule --config "$root/examples/rollout.json" --group new-search-all --from 2026-03-26T09:00 --to 2026-03-27T09:00 --tz Mars/Olympus 2> "$tmp/err"
check "schedule: an unknown --tz exits 2" test $? -eq 2
check "schedule: an unknown --tz is named" grep -q -- '--tz: .*Mars/Olympus' "$tmp/err"

# decide --state: a rolled-back group serves no variation (it has no
# reference) with reason rolled_back; without the state the visitor is in.
echo '{"id": "visitor-1", "context": {"country": "FR"}}' > "$tmp/fr.jsonl"
"$allot" decide --config "$root/examples/rollout.json" --at 2026-04-10T00:00:00Z \
  --input "$tmp/fr.jsonl" > "$tmp/out"
check "decide without state allocates" grep -q '"reason":"allocated"' "$tmp/out"
"$allot" decide --config "$root/examples/rollout.json" --at 2026-04-10T00:00:00Z \
  --state "$root/examples/state.json" --input "$tmp/fr.jsonl" > "$tmp/out"
check "decide --state applies the rollback" grep -q '"variation_group_id":"new-search-all","variation_id":null,"reason":"rolled_back"' "$tmp/out"
echo '{"allot_state":1,"groups":[{"id":"new-search-all","rollback":{"goal":"x"}}]}' > "$tmp/badstate.json"
"$allot" decide --config "$root/examples/rollout.json" --state "$tmp/badstate.json" \
  --input "$tmp/fr.jsonl" > "$tmp/out" 2> "$tmp/err"
check "decide: a bad state document exits 2" test $? -eq 2
check "decide: a bad state names its path" grep -q 'groups\[0\].rollback.visitors:' "$tmp/err"

# decide --flag-metadata: each flag says which campaign, group and variation
# it comes from, and whether that variation is its group's reference.
head -1 "$tmp/visitors.jsonl" | "$allot" decide --config "$root/examples/campaigns.json" \
  --at 2026-06-01T12:00:00Z --flag-metadata > "$tmp/meta.jsonl"
check "--flag-metadata implies --flags" grep -q '"flags":{"hero_title":' "$tmp/meta.jsonl"
check "--flag-metadata names the source of a flag" grep -q '"flag_metadata":{"hero_title":{"campaign_id":"homepage-hero","variation_group_id":"homepage-hero-everyone","variation_id":"hero-[a-z]*","reference":\(true\|false\)}' "$tmp/meta.jsonl"

check_summary cli
