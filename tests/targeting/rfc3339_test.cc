#include "targeting/internal/rfc3339.h"

#include "gtest/gtest.h"

namespace allot::internal {
namespace {

absl::Time P(std::string_view s) {
  absl::Time t;
  EXPECT_TRUE(ParseRfc3339(s, &t)) << s;
  return t;
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(P("1970-01-01T00:00:00Z"), absl::UnixEpoch());
  EXPECT_EQ(P("2024-05-01T12:00:00Z"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01T14:00:00+02:00"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01t07:30:00-04:30"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01 12:00:00z"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01T12:00:00.25Z"),
            absl::FromUnixSeconds(1714564800) + absl::Milliseconds(250));
  EXPECT_EQ(P("1969-12-31T23:59:59Z"), absl::FromUnixSeconds(-1));
  EXPECT_EQ(P("2024-02-29T00:00:00Z"), absl::FromUnixSeconds(1709164800));
  EXPECT_EQ(P("2016-12-31T23:59:60Z"), absl::FromUnixSeconds(1483228800));
}

TEST(Rfc3339, RejectsMalformedDateTimes) {
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T12:00:00", "2024-05-01T12:00Z",
        "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+0200",
        "2024-5-01T12:00:00Z", "2024-05-01T12:00:00Zjunk", "yesterday"}) {
    absl::Time t;
    EXPECT_FALSE(ParseRfc3339(bad, &t)) << bad;
  }
}

}  // namespace
}  // namespace allot::internal
