// Helpers shared by the core tests.
#ifndef ALLOT_TESTS_CORE_TEST_UTIL_H_
#define ALLOT_TESTS_CORE_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace allot::testing {

inline std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline std::string TestData(const std::string& name) {
  return ReadTestFile(std::string(ALLOT_TESTDATA_DIR) + "/" + name);
}

inline absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

}  // namespace allot::testing

#endif  // ALLOT_TESTS_CORE_TEST_UTIL_H_
