#include "base/date_time_text.h"

#include <string_view>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "tests/common/allocation_counter.h"

namespace allot::base {
namespace {

absl::Time P(std::string_view s) {
  absl::Time t;
  EXPECT_TRUE(ParseRfc3339Instant(s, &t)) << s;
  return t;
}

DateTimeTextError Read(std::string_view s, bool require_offset = false) {
  DateTimeText t;
  return ReadDateTimeText(s, require_offset, &t);
}

TEST(ParseRfc3339Instant, ParsesOffsetsAndFractions) {
  EXPECT_EQ(P("1970-01-01T00:00:00Z"), absl::UnixEpoch());
  EXPECT_EQ(P("2024-05-01T12:00:00Z"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01T14:00:00+02:00"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01t07:30:00-04:30"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01 12:00:00z"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01T12:00Z"), absl::FromUnixSeconds(1714564800));
  EXPECT_EQ(P("2024-05-01T12:00:00.25Z"),
            absl::FromUnixSeconds(1714564800) + absl::Milliseconds(250));
  EXPECT_EQ(P("2024-05-01T12:00:00,25Z"),
            absl::FromUnixSeconds(1714564800) + absl::Milliseconds(250));
  EXPECT_EQ(P("2024-05-01T12:00:00.123456789Z"),
            absl::FromUnixSeconds(1714564800) + absl::Nanoseconds(123456789));
  EXPECT_EQ(P("1969-12-31T23:59:59Z"), absl::FromUnixSeconds(-1));
  EXPECT_EQ(P("2024-02-29T00:00:00Z"), absl::FromUnixSeconds(1709164800));
  EXPECT_EQ(P("2000-02-29T00:00:00Z"), absl::FromUnixSeconds(951782400));
  EXPECT_EQ(P("2016-12-31T23:59:60Z"), absl::FromUnixSeconds(1483228800));
  EXPECT_EQ(P("0001-01-01T00:00:00Z"), absl::FromUnixSeconds(-62135596800));
}

TEST(ParseRfc3339Instant, AgreesWithAbslOnEveryDayOfFourCenturies) {
  // InstantInUtc does its own calendar arithmetic; absl is the oracle.
  for (absl::CivilDay d(1800, 1, 1); d < absl::CivilDay(2201, 1, 1); d += 1) {
    DateTimeText t;
    t.year = static_cast<int>(d.year());
    t.month = d.month();
    t.day = d.day();
    t.hour = 13;
    t.minute = 7;
    t.second = 9;
    t.has_offset = true;
    t.offset_seconds = -(5 * 3600 + 30 * 60);
    const absl::Time want =
        absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 18,
                                          37, 9),
                        absl::UTCTimeZone());
    ASSERT_EQ(InstantInUtc(t), want) << d;
  }
}

TEST(ParseRfc3339Instant, RejectsMalformedDateTimes) {
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T12:00:00", "2024-05-01T12",
        "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T12:00:61Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00.1234567891Z",
        "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00+24:00",
        "2024-5-01T12:00:00Z", "2024-05-01T12:00:00Zjunk", "yesterday",
        "99999-01-01T00:00:00Z", "2024-05-01X12:00:00Z"}) {
    absl::Time t = absl::UnixEpoch();
    EXPECT_FALSE(ParseRfc3339Instant(bad, &t)) << bad;
    EXPECT_EQ(t, absl::UnixEpoch()) << bad << ": output touched";
  }
}

TEST(ReadDateTimeText, NamesWhatIsWrong) {
  using E = DateTimeTextError;
  EXPECT_EQ(Read("2024-05-01T12:00"), E::kNone);
  EXPECT_EQ(Read("2024-05-01T12:00", /*require_offset=*/true), E::kNoOffset);
  EXPECT_EQ(Read("2024-05-01T12"), E::kSyntax);
  EXPECT_EQ(Read("2024-05-01T12:00:00."), E::kFraction);
  EXPECT_EQ(Read("2024-05-01T12:00:00.1234567890"), E::kFraction);
  EXPECT_EQ(Read("2024-05-01T12:00:00+25:00"), E::kOffsetRange);
  EXPECT_EQ(Read("2024-05-01T12:00:00Z "), E::kTrailing);
  EXPECT_EQ(Read("2024-00-01T12:00:00Z"), E::kMonthRange);
  EXPECT_EQ(Read("2024-04-31T12:00:00Z"), E::kDayRange);
  EXPECT_EQ(Read("2024-04-30T12:00:61Z"), E::kTimeRange);
  // The syntax is checked before the offset requirement, which comes before
  // the ranges.
  EXPECT_EQ(Read("2024-13-01T12:00", true), E::kNoOffset);
  EXPECT_EQ(Read("2024-13-01 12", true), E::kSyntax);

  DateTimeText t;
  EXPECT_EQ(ReadDateTimeText("2024-02-30T01:02:03.5-01:30", false, &t),
            E::kDayRange);
  EXPECT_EQ(t.day, 30);  // the fields read are there for the message
  ASSERT_EQ(ReadDateTimeText("2024-02-29T01:02:03.5-01:30", false, &t),
            E::kNone);
  EXPECT_EQ(t.year, 2024);
  EXPECT_EQ(t.month, 2);
  EXPECT_EQ(t.day, 29);
  EXPECT_EQ(t.hour, 1);
  EXPECT_EQ(t.minute, 2);
  EXPECT_EQ(t.second, 3);
  EXPECT_EQ(t.nanos, 500000000);
  EXPECT_TRUE(t.has_offset);
  EXPECT_EQ(t.offset_seconds, -5400);
  EXPECT_STREQ(DescribeDateTimeTextError(E::kTrailing),
               "unexpected trailing text");
  EXPECT_STREQ(DescribeDateTimeTextError(E::kSyntax), "");
}

TEST(ReadDateText, ReadsOnlyAStrictCalendarDate) {
  DateTimeText t;
  EXPECT_EQ(ReadDateText("2024-02-29", &t), DateTimeTextError::kNone);
  EXPECT_EQ(t.year, 2024);
  EXPECT_EQ(t.day, 29);
  EXPECT_EQ(ReadDateText("2023-02-29", &t), DateTimeTextError::kDayRange);
  EXPECT_EQ(ReadDateText("2023-14-01", &t), DateTimeTextError::kMonthRange);
  EXPECT_EQ(ReadDateText("2023-1-01", &t), DateTimeTextError::kSyntax);
  EXPECT_EQ(ReadDateText("2023-01-01T00:00", &t), DateTimeTextError::kSyntax);
}

#if ALLOT_COUNT_ALLOCATIONS
TEST(ParseRfc3339Instant, NeverAllocates) {
  // The BEFORE / AFTER operators run it on the decision path.
  absl::Time t;
  testing::AllocationWindow window;
  for (const char* s : {"2024-05-01T12:00:00.25+02:00", "not a date",
                        "2024-02-30T00:00:00Z", "2024-05-01T12:00:00"}) {
    (void)ParseRfc3339Instant(s, &t);
  }
  EXPECT_EQ(window.Stop(), 0);
}
#endif

}  // namespace
}  // namespace allot::base
