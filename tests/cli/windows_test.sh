#!/usr/bin/env bash
# End-to-end checks of `allot windows` (DESIGN §14): recurring windows as
# CSV, merged and clipped, in the scheduler's zone or --tz; a campaign
# without recurrence; usage errors. Usage: windows_test.sh ALLOT REPO_ROOT
set -uo pipefail
allot="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"
config="$root/examples/recurring.json"

# The first Monday of each month in Paris, a week from 09:00 local.
"$allot" windows --config "$config" --campaign monday-deals \
  --from 2026-01-01T00:00:00Z --to 2026-04-30T00:00:00Z > "$tmp/out" 2> "$tmp/err"
check "windows exits 0" test $? -eq 0
cat > "$tmp/expected" <<'CSV'
start,end
2026-01-05T09:00:00+01:00,2026-01-12T09:00:00+01:00
2026-02-02T09:00:00+01:00,2026-02-09T09:00:00+01:00
2026-03-02T09:00:00+01:00,2026-03-09T09:00:00+01:00
2026-04-06T09:00:00+02:00,2026-04-13T09:00:00+02:00
CSV
check "first Mondays, wall-clock across DST, in the scheduler's zone" diff "$tmp/expected" "$tmp/out"

# A window live at --from is printed whole; --tz changes the printed zone.
"$allot" windows --config "$config" --campaign monday-deals \
  --from 2026-02-05T00:00:00Z --to 2026-02-05T00:00:00Z --tz UTC > "$tmp/out" 2>&1
check "a window live at --from, in UTC" test "$(cat "$tmp/out")" = "$(printf 'start,end\n2026-02-02T08:00:00+00:00,2026-02-09T08:00:00+00:00')"

# Between windows: the header only.
"$allot" windows --config "$config" --campaign monday-deals \
  --from 2026-02-10T00:00:00Z --to 2026-02-20T00:00:00Z > "$tmp/out" 2>&1
check "nothing between windows" test "$(cat "$tmp/out")" = "start,end"

# Clipped to stop_date: no window in 2027.
"$allot" windows --config "$config" --campaign monday-deals \
  --from 2026-12-01T00:00:00Z --to 2027-03-01T00:00:00Z > "$tmp/out" 2>&1
check "clipped to stop_date" test "$(cat "$tmp/out")" = "$(printf 'start,end\n2026-12-07T09:00:00+01:00,2026-12-14T09:00:00+01:00')"

# Weeknights in New York, 22:00 for six hours; the DST change keeps 22:00.
"$allot" windows --config "$config" --campaign night-owls \
  --from 2026-03-06T00:00:00Z --to 2026-03-10T12:00:00Z > "$tmp/out" 2>&1
cat > "$tmp/expected" <<'CSV'
start,end
2026-03-05T22:00:00-05:00,2026-03-06T04:00:00-05:00
2026-03-06T22:00:00-05:00,2026-03-07T04:00:00-05:00
2026-03-09T22:00:00-04:00,2026-03-10T04:00:00-04:00
CSV
check "weeknights across spring-forward" diff "$tmp/expected" "$tmp/out"

# Without a recurrence: the scheduler window; an open end is an empty field.
"$allot" windows --config "$config" --campaign spring-sale \
  --from 2026-01-01T00:00:00Z --to 2026-12-31T00:00:00Z > "$tmp/out" 2>&1
check "a plain scheduler window" test "$(cat "$tmp/out")" = "$(printf 'start,end\n2026-03-20T00:00:00+01:00,2026-06-21T00:00:00+02:00')"
"$allot" windows --config "$config" --campaign spring-sale \
  --from 2026-07-01T00:00:00Z --to 2026-12-31T00:00:00Z > "$tmp/out" 2>&1
check "a plain window outside [from, to] is not printed" test "$(cat "$tmp/out")" = "start,end"
"$allot" windows --config "$config" --campaign always-on \
  --from 2026-01-01T00:00:00Z --to 2026-01-02T00:00:00Z > "$tmp/out" 2>&1
check "no scheduler: one row of open ends" test "$(cat "$tmp/out")" = "$(printf 'start,end\n,')"

cat > "$tmp/open.json" <<'JSON'
{"campaigns":[
 {"id":"o","scheduler":{"start_date":"2026-03-20T00:00:00","timezone":"Europe/Paris"},
  "variation_groups":[{"id":"g","variations":[{"id":"v","allocation":100}]}]},
 {"id":"p","scheduler":{"stop_date":"2026-03-20T00:00:00"},
  "variation_groups":[{"id":"g2","variations":[{"id":"v2","allocation":100}]}]}]}
JSON
"$allot" windows --config "$tmp/open.json" --campaign o \
  --from 2026-01-01T00:00:00Z --to 2026-12-01T00:00:00Z > "$tmp/out" 2>&1
check "no stop_date: an empty end" test "$(cat "$tmp/out")" = "$(printf 'start,end\n2026-03-20T00:00:00+01:00,')"
"$allot" windows --config "$tmp/open.json" --campaign p \
  --from 2026-01-01T00:00:00Z --to 2026-12-01T00:00:00Z > "$tmp/out" 2>&1
check "no start_date: an empty start" test "$(cat "$tmp/out")" = "$(printf 'start,end\n,2026-03-20T00:00:00+00:00')"

# Errors: unknown campaign exits 1; usage errors exit 2.
"$allot" windows --config "$config" --campaign nope \
  --from 2026-01-01T00:00:00Z --to 2026-01-02T00:00:00Z > "$tmp/out" 2>&1
check "unknown campaign exits 1" test $? -eq 1
check "unknown campaign is named" grep -q 'no campaign "nope"' "$tmp/out"
"$allot" windows --config "$config" --campaign monday-deals --to 2026-01-02T00:00:00Z > "$tmp/out" 2>&1
check "missing --from exits 2" test $? -eq 2
check "missing --from is named" grep -q -- "--from is required" "$tmp/out"
"$allot" windows --config "$config" --campaign monday-deals \
  --from 2026-01-01 --to 2026-01-02T00:00:00Z > "$tmp/out" 2>&1
check "a --from without offset exits 2" test $? -eq 2
check "bad --from is named" grep -q -- "--from: invalid instant" "$tmp/out"
"$allot" windows --config "$config" --campaign monday-deals \
  --from 2026-02-01T00:00:00Z --to 2026-01-01T00:00:00Z > "$tmp/out" 2>&1
check "--to before --from exits 2" test $? -eq 2
"$allot" windows --config "$config" --campaign monday-deals \
  --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z --tz Mars/Olympus > "$tmp/out" 2>&1
check "a bad --tz exits 2" test $? -eq 2
check "a bad --tz is named" grep -q -- "--tz: unknown time zone" "$tmp/out"
"$allot" windows --config "$config" --campaign monday-deals --bogus 1 > "$tmp/out" 2>&1
check "an unknown option exits 2" test $? -eq 2

# A bad rule in the config: exit 2 with the JSON path.
sed 's/BYDAY=+1MO/BYWEEKNO=1/' "$config" > "$tmp/bad.json"
"$allot" windows --config "$tmp/bad.json" --campaign monday-deals \
  --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z > "$tmp/out" 2>&1
check "a bad rule exits 2" test $? -eq 2
check "a bad rule names its path" grep -q 'campaigns\[0\].scheduler.recurrence: BYWEEKNO is not supported' "$tmp/out"

check_summary windows_test
