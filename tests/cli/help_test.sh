#!/usr/bin/env bash
# Checks of the allot command's help and version: every subcommand answers
# --help and -h on stdout with exit 0, naming each of its options and giving
# an example; `allot --version` prints the project's version; `allot --help`
# lists the subcommands; usage errors still exit 2.
# Usage: help_test.sh ALLOT REPO_ROOT
set -uo pipefail
allot="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"

# Subcommand, then its options.
commands=(
  "decide|--config --at --bucketing --flags --flag-metadata --state --input --output --exposures --exposure-capacity --new-assignments"
  "validate|FILE --against --bucketing"
  "diff|--from --to --visitors --at --format --bucketing"
  "schedule|--config --group --from --to --every --tz --bucketing"
  "windows|--config --campaign --from --to --tz --bucketing"
  "status|--config --state --kpis"
  "campaigns export|--config --at --output --bucketing"
  "campaigns import|--config --csv --output --bucketing"
)
for entry in "${commands[@]}"; do
  command="${entry%%|*}"
  for flag in --help -h; do
    # shellcheck disable=SC2086  # "campaigns export" is two words
    "$allot" $command $flag > "$tmp/out" 2> "$tmp/err"
    check "$command $flag exits 0" test $? -eq 0
    check "$command $flag prints nothing on stderr" test ! -s "$tmp/err"
  done
  check "$command --help shows its usage" grep -q "^usage: allot $command" "$tmp/out"
  check "$command --help gives an example" grep -q "^  allot $command " "$tmp/out"
  for option in ${entry#*|}; do
    # An option's line: the option, then a description.
    check "$command --help describes $option" \
      grep -qE -- "^  $option( [^ ]+)*( REQUIRED)? +[^ ]" "$tmp/out"
  done
done

# --version: the project's version, from the top-level CMakeLists.txt.
version=$(sed -n 's/^project(allot VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
"$allot" --version > "$tmp/out" 2>&1
check "--version exits 0" test $? -eq 0
check "--version prints allot $version" test "$(cat "$tmp/out")" = "allot $version"

# --help lists the subcommands; no arguments prints the usage and exits 2.
"$allot" --help > "$tmp/out" 2>&1
check "--help exits 0" test $? -eq 0
for command in decide validate diff schedule windows status campaigns; do
  check "--help lists $command" grep -qE "^  $command +[^ ]" "$tmp/out"
done
"$allot" > "$tmp/out" 2> /dev/null
check "no command exits 2" test $? -eq 2
check "no command prints the usage" grep -q "^usage: allot <command>" "$tmp/out"
"$allot" frobnicate > /dev/null 2> "$tmp/err"
check "an unknown command exits 2" test $? -eq 2
check "an unknown command is named" grep -q 'unknown command "frobnicate"' "$tmp/err"

# Unknown options are still usage errors, in our words.
"$allot" schedule --config "$root/examples/rollout.json" --bogus 1 > /dev/null 2> "$tmp/err"
check "an unknown option exits 2" test $? -eq 2
check "an unknown option is named" grep -q "^allot schedule: unknown option --bogus$" "$tmp/err"
"$allot" campaigns export --config "$root/examples/recurring.json" --csv x > /dev/null 2> "$tmp/err"
check "an option of the other action exits 2" test $? -eq 2
"$allot" decide --config > /dev/null 2> "$tmp/err"
check "a missing value exits 2" test $? -eq 2
check "a missing value is named" grep -q "^allot decide: option --config needs a value$" "$tmp/err"

# Progress goes to a terminal only: none when stderr is a file.
"$allot" decide --config "$root/examples/campaigns.json" --at 2026-06-01T12:00:00Z \
  --input "$root/examples/visitors.jsonl" > /dev/null 2> "$tmp/err"
check "decide writes no progress when stderr is not a terminal" test ! -s "$tmp/err"

check_summary cli.help
