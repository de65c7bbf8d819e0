#!/usr/bin/env bash
# Flagship parity through the allot command and the reference:
#   flagship_cli_test.sh ALLOT REPO_ROOT PYTHON3
# - the reference implementation passes its self-test (hash vectors, JS
#   number forms, StringToNumber, UTF-16 ordering);
# - the checked-in examples are exactly what the reference generates;
# - `allot decide --flags` prints exactly examples/flagship/expected.jsonl,
#   whether flagship bucketing is detected or asked for;
# - `--bucketing xxh3` on the bucketing file loads and re-randomizes.
set -uo pipefail
allot="$1"
root="$2"
python="${3:-python3}"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"
ex="$root/examples/flagship"

"$python" "$root/tests/flagship/reference.py" --self-test > "$tmp/self" 2>&1
check "reference self-test" test $? -eq 0

"$python" "$root/tests/flagship/make_examples.py" "$tmp/gen" > "$tmp/gen.log" 2>&1
check "make_examples runs" test $? -eq 0
for f in bucketing.json visitors.jsonl expected.jsonl; do
  check "checked-in $f is what the reference generates" \
    cmp -s "$tmp/gen/examples/flagship/$f" "$ex/$f"
done
check "checked-in flag sources are what the reference generates" \
  cmp -s "$tmp/gen/tests/flagship/expected_flag_sources.jsonl" \
    "$root/tests/flagship/expected_flag_sources.jsonl"

"$allot" validate "$ex/bucketing.json" > "$tmp/validate" 2>&1
check "validate accepts the bucketing file" test $? -eq 0

at=2026-01-01T00:00:00Z
"$allot" decide --config "$ex/bucketing.json" --input "$ex/visitors.jsonl" \
  --at "$at" --flags > "$tmp/auto.jsonl" 2> "$tmp/err"
check "decide (auto) exits 0" test $? -eq 0
check "decide (auto) prints the expected decisions and flags" \
  cmp -s "$tmp/auto.jsonl" "$ex/expected.jsonl"
check "decide (auto) writes nothing on stderr" test ! -s "$tmp/err"

"$allot" decide --config "$ex/bucketing.json" --bucketing flagship --flags \
  --at "$at" < "$ex/visitors.jsonl" > "$tmp/flagship.jsonl"
check "decide --bucketing flagship exits 0" test $? -eq 0
check "decide --bucketing flagship prints the expected output" \
  cmp -s "$tmp/flagship.jsonl" "$ex/expected.jsonl"

"$allot" decide --config "$ex/bucketing.json" --bucketing xxh3 --flags \
  --at "$at" --input "$ex/visitors.jsonl" > "$tmp/xxh3.jsonl"
check "decide --bucketing xxh3 exits 0" test $? -eq 0
check "decide --bucketing xxh3 decides every visitor" \
  test "$(wc -l < "$tmp/xxh3.jsonl")" -eq "$(wc -l < "$ex/expected.jsonl")"
differing=$(paste -d '\n' "$tmp/xxh3.jsonl" "$ex/expected.jsonl" |
  awk 'NR % 2 == 1 { a = $0; next } a != $0 { n++ } END { print n + 0 }')
total=$(wc -l < "$ex/expected.jsonl")
check "decide --bucketing xxh3 re-randomizes (most visitors differ: $differing of $total)" \
  test "$differing" -gt $((total / 2))

check_summary flagship
