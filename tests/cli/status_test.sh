#!/usr/bin/env bash
# Checks of `allot status` (DESIGN §6, §14): the guarded groups with their
# KPI, latest value and latch, required KPIs without data, and exit 2 with
# the JSON path for bad files. Usage: status_test.sh ALLOT REPO_ROOT
set -uo pipefail
allot="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"
ex="$root/examples"

# The example: the FR group latched on its mean order value, the DE group's
# required checkout rate not fed yet.
"$allot" status --config "$ex/kpi_rollout.json" --kpis "$ex/kpis.json" \
  --state "$ex/kpi_state.json" > "$tmp/out" 2> "$tmp/err"
check "status exits 0" test $? -eq 0
check "status has a header" grep -q '^CAMPAIGN  *GROUP  *KPI  *UNIT  *VALUE  *CONDITION  *MIN_VISITORS  *STATUS$' "$tmp/out"
check "the latched mean KPI row" grep -q '^one-page-checkout  *one-page-checkout-fr  *avg_order_value  *EUR  *38\.50 (850 visitors)  *LOWER_THAN 40  *200  *latched$' "$tmp/out"
check "the conversion KPI row without data" grep -q '^one-page-checkout  *one-page-checkout-de  *checkout_rate  *%  *no data  *LOWER_THAN 2\.5  *1000  *ok$' "$tmp/out"
check "a required KPI lacks data" grep -q '^required KPIs have data: no (none fed for checkout_rate)$' "$tmp/out"
check "columns are aligned" test "$(sed -n 2,3p "$tmp/out" | awk '{print index($0, $3)}' | sort -u | wc -l)" -eq 1
check "nothing on stderr" test ! -s "$tmp/err"

# Fed data for the DE group too: every required KPI has data, nothing latched.
cat > "$tmp/state.json" <<'JSON'
{"allot_state":1,"groups":[
{"id":"one-page-checkout-fr","metrics":{"goal":"order-value","kpi":"avg_order_value","kind":"mean","unit":"EUR","visitors":300,"sum":13500,"updated_at":"2026-05-06T14:00:00Z"}},
{"id":"one-page-checkout-de","metrics":{"goal":"Checkout rate","kpi":"checkout_rate","kind":"conversion","unit":"%","visitors":2000,"conversions":61,"updated_at":"2026-05-06T14:00:00Z"}}]}
JSON
"$allot" status --config "$ex/kpi_rollout.json" --kpis "$ex/kpis.json" --state "$tmp/state.json" > "$tmp/out" 2>&1
check "status with full data exits 0" test $? -eq 0
check "mean value is sum / visitors" grep -q 'avg_order_value  *EUR  *45\.00 (300 visitors) .* ok$' "$tmp/out"
check "conversion value is a percent" grep -q 'checkout_rate  *%  *3\.05 (2000 visitors) .* ok$' "$tmp/out"
check "required KPIs all have data" grep -q '^required KPIs have data: yes$' "$tmp/out"

# A config without KPIs: the goal key stands in for the KPI.
"$allot" status --config "$ex/rollout.json" --state "$ex/state.json" > "$tmp/out" 2>&1
check "plain goals list" grep -q '^new-search-rollout  *new-search-all  *search-to-cart  *%  *3\.50 (8200 visitors)  *LOWER_THAN 4  *5000  *latched$' "$tmp/out"

# Usage and bad files: exit 2.
"$allot" status --config "$ex/kpi_rollout.json" > "$tmp/out" 2>&1
check "missing --state exits 2" test $? -eq 2
check "missing --state says so" grep -q -- '--state is required' "$tmp/out"
"$allot" status --config "$ex/kpi_rollout.json" --state "$ex/kpi_state.json" --bogus x > "$tmp/out" 2>&1
check "unknown option exits 2" test $? -eq 2
"$allot" status --config "$ex/kpi_rollout.json" --state "$ex/kpi_state.json" > "$tmp/out" 2>&1
check "a KPI the config lacks exits 2" test $? -eq 2
check "unknown KPI names the goal path" grep -q 'rollback_condition.goal.kpi: unknown KPI "avg_order_value"' "$tmp/out"
printf '{"allot_state":1,"groups":[{"id":"g","metrics":{"goal":"x","kpi":"k","kind":"median","visitors":1,"sum":1,"updated_at":"2026-01-01T00:00:00Z"}}]}' > "$tmp/bad_state.json"
"$allot" status --config "$ex/kpi_rollout.json" --kpis "$ex/kpis.json" --state "$tmp/bad_state.json" > "$tmp/out" 2>&1
check "a bad state exits 2" test $? -eq 2
check "a bad state names its JSON path" grep -q 'bad_state.json: groups\[0\].metrics.kind: expected "mean" or "conversion", got "median"' "$tmp/out"
printf '{"name":"x","kpis":[{"id":"a","value_type":"float"}]}' > "$tmp/bad_kpis.json"
"$allot" status --config "$ex/kpi_rollout.json" --kpis "$tmp/bad_kpis.json" --state "$ex/kpi_state.json" > "$tmp/out" 2>&1
check "a bad KPI file exits 2" test $? -eq 2
check "a bad KPI file names its file and path" grep -q 'bad_kpis.json: kpis\[0\].value_type: expected number, integer, percentage or boolean, got "float"' "$tmp/out"
"$allot" status --config "$ex/kpi_rollout.json" --kpis "$ex/kpis.json" --state "$tmp/missing.json" > "$tmp/out" 2>&1
check "a missing state file exits 2" test $? -eq 2

check_summary cli.status
