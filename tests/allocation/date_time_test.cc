#include "allocation/date_time.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

absl::TimeZone Paris() {
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZoneOrError("Europe/Paris");
  EXPECT_TRUE(tz.ok()) << tz.status();
  return tz.ok() ? *tz : absl::UTCTimeZone();
}

TEST(ParseDateTime, Rfc3339WithOffsetIsAnInstant) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00:00Z", utc),
            Utc(2026, 3, 27, 9, 0));
  EXPECT_EQ(*ParseDateTime("2026-03-27t09:00:00z", utc),
            Utc(2026, 3, 27, 9, 0));
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00:00+01:00", utc),
            Utc(2026, 3, 27, 8, 0));
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00:00-05:30", utc),
            Utc(2026, 3, 27, 14, 30));
  // The zone does not matter once an offset is given.
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00:00Z", Paris()),
            Utc(2026, 3, 27, 9, 0));
}

TEST(ParseDateTime, FractionalSeconds) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00:00.250Z", utc),
            Utc(2026, 3, 27, 9, 0) + absl::Milliseconds(250));
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00:00.123456789Z", utc),
            Utc(2026, 3, 27, 9, 0) + absl::Nanoseconds(123456789));
  // More than nanoseconds is refused, not silently dropped.
  absl::StatusOr<absl::Time> twelve =
      ParseDateTime("2026-03-27T09:00:00.123456789123Z", utc);
  ASSERT_FALSE(twelve.ok());
  EXPECT_NE(std::string(twelve.status().message()).find("1 to 9 digits"),
            std::string::npos)
      << twelve.status().message();
  EXPECT_EQ(*ParseDateTime("2026-03-27 09:00:00.5", Paris()),
            Utc(2026, 3, 27, 8, 0) + absl::Milliseconds(500));
}

TEST(ParseDateTime, CivilTimeIsReadInTheZone) {
  const absl::TimeZone paris = Paris();
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00:00", paris),
            Utc(2026, 3, 27, 8, 0));
  EXPECT_EQ(*ParseDateTime("2026-03-27T09:00", paris), Utc(2026, 3, 27, 8, 0));
  EXPECT_EQ(*ParseDateTime("2026-03-27 09:00:00", paris),
            Utc(2026, 3, 27, 8, 0));
  EXPECT_EQ(*ParseDateTime("2026-07-01T09:00:00", paris),
            Utc(2026, 7, 1, 7, 0));
  EXPECT_EQ(*ParseDateTime("2026-07-01T09:00:00", absl::UTCTimeZone()),
            Utc(2026, 7, 1, 9, 0));
}

TEST(ParseDateTime, DstGapAndOverlapResolveAsFromCivil) {
  const absl::TimeZone paris = Paris();
  // 02:30 does not exist on 29 March 2026 in Paris: FromCivil maps a skipped
  // time to the transition itself, 01:00Z (03:00 CEST), which keeps civil
  // order.
  EXPECT_EQ(*ParseDateTime("2026-03-29T02:30:00", paris),
            Utc(2026, 3, 29, 1, 0));
  // 02:30 happens twice on 25 October 2026: the first one (+02:00).
  EXPECT_EQ(*ParseDateTime("2026-10-25T02:30:00", paris),
            Utc(2026, 10, 25, 0, 30));
}

TEST(ParseDateTime, LeapSecondReadsAsNextMinute) {
  EXPECT_EQ(*ParseDateTime("2016-12-31T23:59:60Z", absl::UTCTimeZone()),
            Utc(2017, 1, 1, 0, 0));
}

TEST(ParseDateTime, RejectsMalformedText) {
  const char* bad[] = {
      "",
      "2026-03-27",
      "next tuesday",
      "2026-3-27T09:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-02-29T00:00:00Z",  // 2026 is not a leap year
      "2026-04-31T00:00:00",
      "2026-03-27T24:00:00Z",
      "2026-03-27T09:60:00Z",
      "2026-03-27T09:00:00+0100",
      "2026-03-27T09:00:00+24:00",
      "2026-03-27T09:00:00Zjunk",
      "2026-03-27T09:00:00.",
      "2026-03-27T09",
      " 2026-03-27T09:00:00Z",
  };
  for (const char* text : bad) {
    absl::StatusOr<absl::Time> t = ParseDateTime(text, absl::UTCTimeZone());
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(t.status().message());
    EXPECT_THAT(message,
                StartsWith(std::string("invalid date-time \"") + text + "\""));
    EXPECT_THAT(message, HasSubstr("expected RFC 3339"));
  }
  EXPECT_EQ(ParseDateTime("2026-13-01T00:00:00Z", absl::UTCTimeZone())
                .status()
                .message(),
            "invalid date-time \"2026-13-01T00:00:00Z\": month 13 out of "
            "range; expected RFC 3339 such as \"2026-03-27T09:00:00Z\" or "
            "\"2026-03-27T09:00:00+01:00\", or a civil time such as "
            "\"2026-03-27T09:00:00\" read in the time zone");
}

TEST(LoadTimeZoneOrError, LoadsIanaZonesAndEmptyIsUtc) {
  absl::StatusOr<absl::TimeZone> utc = LoadTimeZoneOrError("");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->name(), "UTC");
  absl::StatusOr<absl::TimeZone> paris = LoadTimeZoneOrError("Europe/Paris");
  ASSERT_TRUE(paris.ok()) << paris.status();
  EXPECT_EQ(paris->name(), "Europe/Paris");
  EXPECT_TRUE(LoadTimeZoneOrError("America/New_York").ok());
}

TEST(LoadTimeZoneOrError, RejectsUnknownZones) {
  for (const char* name :
       {"Mars/Olympus", "Europe/Pariss", "/etc/passwd", "../zoneinfo/UTC"}) {
    absl::StatusOr<absl::TimeZone> tz = LoadTimeZoneOrError(name);
    ASSERT_FALSE(tz.ok()) << name;
    EXPECT_EQ(tz.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(tz.status().message()),
                StartsWith(std::string("unknown time zone \"") + name + "\""));
  }
}

TEST(ParseStepDuration, AcceptsAbslUnitsPlusMinAndDays) {
  EXPECT_EQ(*ParseStepDuration("30m"), absl::Minutes(30));
  EXPECT_EQ(*ParseStepDuration("15min"), absl::Minutes(15));
  EXPECT_EQ(*ParseStepDuration("1h"), absl::Hours(1));
  EXPECT_EQ(*ParseStepDuration("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseStepDuration("1.5h"), absl::Minutes(90));
  EXPECT_EQ(*ParseStepDuration("90s"), absl::Seconds(90));
  EXPECT_EQ(*ParseStepDuration("1d"), absl::Hours(24));
  EXPECT_EQ(*ParseStepDuration("2d12h"), absl::Hours(60));
  EXPECT_EQ(*ParseStepDuration("0.5d"), absl::Hours(12));
}

TEST(ParseStepDuration, RejectsNonPositiveAndMalformed) {
  for (const char* text :
       {"", "0", "0m", "-1h", "1", "h", "abc", "1x", "1 h", "1h-", "inf"}) {
    absl::StatusOr<absl::Duration> d = ParseStepDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(
        std::string(d.status().message()),
        StartsWith(std::string("invalid step duration \"") + text + "\""));
  }
}

}  // namespace
}  // namespace allot

namespace allot {
namespace {

// The one instant parser of the project (the command's --at, Python's at,
// state documents): RFC 3339 with an offset, nothing else.
TEST(ParseInstant, AcceptsRfc3339WithAnOffsetOnly) {
  EXPECT_EQ(*ParseInstant("2026-06-01T12:00:00Z"),
            absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(*ParseInstant("2026-06-01T14:00:00.5+02:00"),
            absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone()) +
                absl::Milliseconds(500));
  for (const char* bad : {"infinite-future", "infinite-past", "99999-01-01T00:00:00Z",
                          "2026-06-01T12:00:00.123456789012Z", "2026-06-01T12:00:00",
                          "2026-06-01", "", "2026-13-01T00:00:00Z", "2026-06-01T12:00:00+2:00",
                          "2026-06-01T12:00:00Z trailing"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<absl::Time> t = ParseInstant(bad);
    EXPECT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace allot

namespace allot {
namespace {

// Campaign periods (DESIGN §13) are whole days written YYYY-MM-DD.
TEST(ParseCivilDate, AcceptsOnlyRealDatesInTheStrictForm) {
  EXPECT_EQ(*ParseCivilDate("2026-03-08"), absl::CivilDay(2026, 3, 8));
  EXPECT_EQ(*ParseCivilDate("2028-02-29"), absl::CivilDay(2028, 2, 29));
  for (const char* bad : {"2026-3-08", "2026-03-8", "26-03-08", "+2026-03-08",
                          "2026-02-29", "2026-04-31", "2026-13-01", "2026-00-01",
                          "2026-01-00", "2026-03-08T00:00:00", "2026-03-08Z",
                          "2026/03/08", " 2026-03-08", "2026-03-08 ", ""}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<absl::CivilDay> d = ParseCivilDate(bad);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(d.status().message()),
                HasSubstr("expected a calendar date YYYY-MM-DD"));
  }
  EXPECT_THAT(std::string(ParseCivilDate("2026-02-30").status().message()),
              HasSubstr("day 30 out of range"));
}

absl::TimeZone Zone(const char* name) {
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZoneOrError(name);
  EXPECT_TRUE(tz.ok()) << tz.status();
  return tz.ok() ? *tz : absl::UTCTimeZone();
}

TEST(StartOfDay, IsLocalMidnightAcrossDstChanges) {
  const absl::TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 3, 8), ny), Utc(2026, 3, 8, 5, 0));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 3, 9), ny), Utc(2026, 3, 9, 4, 0));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 3, 29), Paris()),
            Utc(2026, 3, 28, 23, 0));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 3, 30), Paris()),
            Utc(2026, 3, 29, 22, 0));
}

TEST(StartOfDay, SkippedMidnightIsTheTransitionRepeatedTheFirst) {
  // Santiago: 2026-09-06 00:00 -04 jumps to 01:00 -03, at 04:00Z.
  const absl::TimeZone santiago = Zone("America/Santiago");
  ASSERT_EQ(santiago.At(absl::CivilSecond(2026, 9, 6, 0, 0, 0)).kind,
            absl::TimeZone::TimeInfo::SKIPPED);
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 9, 6), santiago),
            Utc(2026, 9, 6, 4, 0));
  // Havana: 2026-11-01 01:00 -04 falls back to 00:00 -05; midnight is
  // 04:00Z and again 05:00Z, and the day starts at the first.
  const absl::TimeZone havana = Zone("America/Havana");
  ASSERT_EQ(havana.At(absl::CivilSecond(2026, 11, 1, 0, 0, 0)).kind,
            absl::TimeZone::TimeInfo::REPEATED);
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 11, 1), havana),
            Utc(2026, 11, 1, 4, 0));
}

}  // namespace
}  // namespace allot
