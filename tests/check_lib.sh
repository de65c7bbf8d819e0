# Shared by the shell tests: a scratch directory removed on exit, and check()
# which counts passes and failures. Source it, run checks, end with
# check_summary NAME (its exit status is the test's).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0
check() {  # description, condition...
  local what="$1"; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
check_summary() {  # name
  echo "$1: $passes passed, $failures failed"
  test "$failures" -eq 0
}
