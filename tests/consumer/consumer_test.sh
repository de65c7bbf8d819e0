#!/usr/bin/env bash
# Installs allot from the build tree into a scratch prefix, then builds
# tests/consumer against it twice: with find_package(allot CONFIG REQUIRED)
# and with pkg-config, and runs both on examples/campaigns.json; checks that
# no installed header reaches into an internal/ directory.
# Usage: consumer_test.sh BUILD_DIR REPO_ROOT
set -uo pipefail
build="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/../check_lib.sh"
prefix="$tmp/prefix"

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1
check "cmake --install succeeds" test $? -eq 0
check "the umbrella header is installed" test -f "$prefix/include/allot/allot.h"
check "the CMake package is installed" test -f "$prefix/lib/cmake/allot/allotConfig.cmake"
check "the version file is installed" test -f "$prefix/lib/cmake/allot/allotConfigVersion.cmake"
check "the pkg-config file is installed" test -f "$prefix/lib/pkgconfig/allot.pc"
check "the command is installed" test -x "$prefix/bin/allot"
check "no internal/ directory is installed" \
  bash -c "! find '$prefix/include' -type d -name internal | grep -q ."
check "no installed header includes an internal/ header" \
  bash -c "! grep -rn '#include \"[a-z]*/internal/' '$prefix/include'"
check "the run-time state layout and the command's JSON helpers are not installed" \
  bash -c "! find '$prefix/include' -name runtime_state.h -o -name json_text.h | grep -q ."
check "every installed header compiles alone" \
  bash -c "for h in \$(cd '$prefix/include/allot' && find . -name '*.h'); do echo \"#include <allot/\${h#./}>\" | c++ -std=c++20 -fsyntax-only -I'$prefix/include' -I'$prefix/include/allot' -x c++ - || exit 1; done"

cmake -S "$root/tests/consumer" -B "$tmp/cmake-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/configure.log" 2>&1
check "the consumer configures with find_package(allot)" test $? -eq 0 || cat "$tmp/configure.log"
cmake --build "$tmp/cmake-build" > "$tmp/build.log" 2>&1
check "the consumer builds against allot::allot" test $? -eq 0 || tail -30 "$tmp/build.log"
"$tmp/cmake-build/consumer" "$root/examples/campaigns.json" > "$tmp/out" 2>&1
check "the CMake consumer decides" grep -q "^homepage-hero allocated$" "$tmp/out"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# shellcheck disable=SC2046
c++ -std=c++20 -O1 "$root/tests/consumer/main.cc" -o "$tmp/pc-consumer" \
  $(pkg-config --cflags --libs allot) > "$tmp/pc.log" 2>&1
check "the consumer builds with pkg-config --cflags --libs allot" test $? -eq 0 || tail -30 "$tmp/pc.log"
"$tmp/pc-consumer" "$root/examples/campaigns.json" > "$tmp/out" 2>&1
check "the pkg-config consumer decides" grep -q "^homepage-hero allocated$" "$tmp/out"

check_summary consumer
