#!/usr/bin/env bash
# End-to-end checks of `allot campaigns export|import` (DESIGN §14): the CSV
# a spreadsheet gets, an edited one applied, export then import as a no-op,
# errors naming row and column with nothing written, usage errors.
# Usage: campaigns_test.sh ALLOT REPO_ROOT
set -uo pipefail
allot="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"
config="$root/examples/recurring.json"

"$allot" campaigns export --config "$config" --at 2026-03-03T12:00:00Z \
  > "$tmp/out.csv" 2> "$tmp/err"
check "export exits 0" test $? -eq 0
printf '%s\r\n' \
  'ID,Name,Description,Status,Start Date,End Date,Percentage Completed,Is Published,Recurrence,Escalation,Escalation Date' \
  'monday-deals,First-Monday deals week,,,2026-01-01,2026-12-31,100.00,TRUE,RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO,168h,2026-01-01' \
  'night-owls,Late-night weekday offer,,,2026-03-01,,100.00,FALSE,"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=22",PT6H,2026-03-01' \
  'spring-sale,Spring sale,,,2026-03-20,2026-06-20,100.00,FALSE,,,' \
  'always-on,,,,,,100.00,TRUE,,,' > "$tmp/expected.csv"
check "export: RFC 4180 with CRLF, quoted where needed" cmp "$tmp/expected.csv" "$tmp/out.csv"

# Export then import: nothing changes.
"$allot" campaigns import --config "$config" --csv "$tmp/out.csv" \
  --output "$tmp/same.json" 2> "$tmp/err"
check "import exits 0" test $? -eq 0
check "import says who gets what is unchanged" grep -q "4 rows applied; who gets what is unchanged" "$tmp/err"
"$allot" validate "$tmp/same.json" --against "$config" > "$tmp/report" 2>&1
check "export then import: identical content" grep -q "identical content" "$tmp/report"

# An edited sheet: a BOM, LF endings, a quoted name with a comma and a line
# break, a new recurrence on a campaign without a scheduler.
printf '\xef\xbb\xbfID,Name,Status,Start Date,End Date,Recurrence,Escalation,Escalation Date\n' > "$tmp/edit.csv"
printf 'spring-sale,"Spring sale, extended\nto July",paused,2026-03-20,2026-07-31,,,\n' >> "$tmp/edit.csv"
printf 'always-on,,,,,RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO,168h,2024-05-23\n' >> "$tmp/edit.csv"
"$allot" campaigns import --config "$config" --csv "$tmp/edit.csv" \
  --output "$tmp/edited.json" 2> "$tmp/err"
check "edited import exits 0" test $? -eq 0
check "edited import names the campaigns that change" \
  grep -q "who gets what changes in 2 campaigns: spring-sale, always-on" "$tmp/err"
"$allot" campaigns export --config "$tmp/edited.json" --at 2024-06-04T12:00:00Z > "$tmp/again.csv"
check "the new name, status and end date are in the config" \
  grep -q "^spring-sale,\"Spring sale, extended" "$tmp/again.csv"
check "paused until July 31st" grep -q "^to July\",,paused,2026-03-20,2026-07-31,100.00,FALSE" "$tmp/again.csv"
check "the BalkanID sample: live in the week of 2024-06-03" \
  grep -q "^always-on,,,,2024-05-23,,100.00,TRUE,RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO,168h,2024-05-23" "$tmp/again.csv"
"$allot" windows --config "$tmp/edited.json" --campaign always-on \
  --from 2024-05-23T00:00:00Z --to 2024-07-10T00:00:00Z > "$tmp/windows"
check "windows from each first Monday for a week" test "$(cat "$tmp/windows")" = "$(printf 'start,end\n2024-06-03T00:00:00+00:00,2024-06-10T00:00:00+00:00\n2024-07-01T00:00:00+00:00,2024-07-08T00:00:00+00:00')"

# Bad rows: every one named, exit 1, nothing written (not even over --config).
cp "$config" "$tmp/config.json"
printf 'ID,End Date,Recurrence\r\nnope,,\r\nspring-sale,2026-02-31,\r\nnight-owls,,FREQ=DAILY;BYWEEKNO=2\r\n' > "$tmp/bad.csv"
"$allot" campaigns import --config "$tmp/config.json" --csv "$tmp/bad.csv" \
  --output "$tmp/config.json" > "$tmp/out" 2> "$tmp/err"
check "bad rows exit 1" test $? -eq 1
check "unknown id on row 2" grep -q 'bad.csv: row 2, column "ID": no campaign "nope"' "$tmp/err"
check "bad date on row 3" grep -q 'row 3, column "End Date": ' "$tmp/err"
check "bad rule part on row 4" grep -q 'row 4, column "Recurrence": BYWEEKNO is not supported' "$tmp/err"
check "the config is untouched" cmp "$config" "$tmp/config.json"
check "no temporary file is left" test ! -e "$tmp/config.json.tmp"

# A result that does not load: the row and column of the change at fault.
printf 'ID,Start Date,End Date\nspring-sale,2026-05-01,2026-04-01\n' > "$tmp/order.csv"
"$allot" campaigns import --config "$config" --csv "$tmp/order.csv" --output "$tmp/o.json" 2> "$tmp/err"
check "end before start: exit 1" test $? -eq 1
check "end before start: row 2, End Date" grep -q 'row 2, column "End Date": campaigns\[2\].scheduler.stop_date: must be later than start_date' "$tmp/err"
check "end before start: nothing written" test ! -e "$tmp/o.json"

# Malformed CSV and headers.
printf 'ID,Name\nspring-sale,"open\n' > "$tmp/open.csv"
"$allot" campaigns import --config "$config" --csv "$tmp/open.csv" --output "$tmp/o.json" 2> "$tmp/err"
check "unclosed quote: exit 1 with the row" grep -q "row 2, field 2: a quoted field is not closed" "$tmp/err"
printf 'Name\nx\n' > "$tmp/noid.csv"
"$allot" campaigns import --config "$config" --csv "$tmp/noid.csv" --output "$tmp/o.json" 2> "$tmp/err"
check "missing ID column" grep -q 'column "ID": missing' "$tmp/err"

# Usage.
"$allot" campaigns --help > "$tmp/out" 2>&1
check "campaigns --help exits 0" test $? -eq 0
check "campaigns --help shows both actions" grep -q "campaigns import --config FILE --csv FILE" "$tmp/out"
"$allot" campaigns import --config "$config" > "$tmp/out" 2>&1
check "import without --csv: exit 2" test $? -eq 2
check "import without --csv: says so" grep -q -- "--csv is required" "$tmp/out"
"$allot" campaigns frobnicate > "$tmp/out" 2>&1
check "unknown action: exit 2" test $? -eq 2
"$allot" campaigns export --config "$config" --at yesterday > "$tmp/out" 2>&1
check "bad --at: exit 2" test $? -eq 2

check_summary campaigns_test
