// The bulk campaign table (DESIGN §14): RFC 4180 reading and writing,
// export, import, and export then import as a no-op.
#include "core/campaign_table.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/internal/csv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

using ::allot::testing::At;
using ::allot::testing::ReadTestFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Records = std::vector<std::vector<std::string>>;

std::string Example(const std::string& name) {
  return ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) + "/" + name);
}

// --- CSV ---------------------------------------------------------------

TEST(Csv, ReadsQuotedFieldsWithCommasQuotesAndLineBreaks) {
  auto r = internal::ReadCsv(
      "a,b,c\r\n"
      "\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n"
      "plain,,\"\"\r\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ElementsAre(ElementsAre("a", "b", "c"),
                              ElementsAre("x, y", "say \"hi\"", "two\r\nlines"),
                              ElementsAre("plain", "", "")));
}

TEST(Csv, AcceptsBomLfEndingsMissingFinalNewlineAndBlankLines) {
  auto r = internal::ReadCsv("\xEF\xBB\xBFID,Name\n\nc1,One\n\r\nc2,\"Two\"");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ElementsAre(ElementsAre("ID", "Name"), ElementsAre("c1", "One"),
                              ElementsAre("c2", "Two")));
  auto trailing = internal::ReadCsv("a,\n");
  ASSERT_TRUE(trailing.ok());
  EXPECT_THAT(*trailing, ElementsAre(ElementsAre("a", "")));
}

TEST(Csv, MalformedRecordsNameRowAndField) {
  auto unclosed = internal::ReadCsv("a,b\nx,\"open\nstill open");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_THAT(unclosed.status().message(),
              HasSubstr("row 2, field 2: a quoted field is not closed"));
  auto stray = internal::ReadCsv("a,b\nx,y\"z\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_THAT(stray.status().message(),
              HasSubstr("row 2, field 2: a quote inside an unquoted field"));
  auto after = internal::ReadCsv("a\n\"q\"x\n");
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(after.status().message(),
              HasSubstr("row 2, field 1: text after the closing quote"));
}

TEST(Csv, WriterQuotesOnlyWhatNeedsIt) {
  std::string out;
  internal::AppendCsvRecord({"plain", "a,b", "q\"q", "l\nf", ""}, &out);
  EXPECT_EQ(out, "plain,\"a,b\",\"q\"\"q\",\"l\nf\",\r\n");
}

TEST(Csv, RandomCellsRoundTrip) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab ,\"\r\n\xC3\xA9;";
  for (int trial = 0; trial < 300; ++trial) {
    Records records(1 + rng() % 4);
    const size_t width = 1 + rng() % 4;
    std::string text;
    for (auto& record : records) {
      for (size_t f = 0; f < width; ++f) {
        std::string cell;
        for (size_t n = rng() % 6; n > 0; --n) cell += alphabet[rng() % alphabet.size()];
        record.push_back(cell);
      }
      internal::AppendCsvRecord(record, &text);
    }
    // A record of one empty field is a blank line, which readers skip.
    Records expected;
    for (auto& record : records) {
      if (!(record.size() == 1 && record[0].empty())) expected.push_back(record);
    }
    auto back = internal::ReadCsv(text);
    ASSERT_TRUE(back.ok()) << back.status() << "\n" << text;
    EXPECT_EQ(*back, expected) << text;
  }
}

// --- Export ------------------------------------------------------------

const CampaignTable& RecurringAt(absl::Time at) {
  static CampaignTable* table = nullptr;
  delete table;
  auto t = ExportCampaignTable(Example("recurring.json"), at);
  EXPECT_TRUE(t.ok()) << t.status();
  table = new CampaignTable(t.ok() ? *t : CampaignTable());
  return *table;
}

TEST(CampaignExport, ColumnsAndRowsOfTheRecurringExample) {
  const CampaignTable& t = RecurringAt(At("2026-03-03T12:00:00Z"));
  EXPECT_THAT(t.columns,
              ElementsAre("ID", "Name", "Description", "Status", "Start Date",
                          "End Date", "Percentage Completed", "Is Published",
                          "Recurrence", "Escalation", "Escalation Date"));
  ASSERT_EQ(t.rows.size(), 4u);
  // Stops at 2027-01-01T00:00 Paris: the last live day is 2026-12-31.
  EXPECT_THAT(t.rows[0],
              ElementsAre("monday-deals", "First-Monday deals week", "", "",
                          "2026-01-01", "2026-12-31", "100.00", "TRUE",
                          "RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO", "168h",
                          "2026-01-01"));
  // 2026-03-03 12:00 UTC is a Tuesday morning in New York: between windows.
  EXPECT_EQ(t.rows[1][7], "FALSE");
  EXPECT_EQ(t.rows[1][5], "");  // open stop
  // No recurrence: no escalation.
  EXPECT_THAT(t.rows[2], ElementsAre("spring-sale", "Spring sale", "", "",
                                     "2026-03-20", "2026-06-20", "100.00",
                                     "FALSE", "", "", ""));
  EXPECT_EQ(t.rows[3][7], "TRUE");  // no scheduler: always live
}

TEST(CampaignExport, IsPublishedFollowsTheRecurrence) {
  // Monday 2026-03-02 09:00 Paris opens a week.
  EXPECT_EQ(RecurringAt(At("2026-03-02T07:59:59Z")).rows[0][7], "FALSE");
  EXPECT_EQ(RecurringAt(At("2026-03-02T08:00:00Z")).rows[0][7], "TRUE");
  EXPECT_EQ(RecurringAt(At("2026-03-09T07:59:59Z")).rows[0][7], "TRUE");
  EXPECT_EQ(RecurringAt(At("2026-03-09T08:00:00Z")).rows[0][7], "FALSE");
}

constexpr char kRollout[] = R"({"campaigns": [{
  "id": "ramp", "name": "Ramp", "description": "slow start", "status": "active",
  "variation_groups": [
    {"id": "g1", "targeting": {"targeting_groups": [{"targetings": [
       {"key": "fs_all_users", "operator": "EQUALS", "value": true}]}]},
     "variations": [{"id": "v1", "allocation": 100}],
     "allocation_config": {"start_date": "2026-01-01T00:00:00Z",
       "start_allocation": 12.5,
       "periodic_steps": {"allocation_step": 12.5, "step": 1, "step_type": "day"}}},
    {"id": "g2", "variations": [{"id": "v2", "allocation": 100}]}]},
  {"id": "paused", "status": "paused", "variation_groups": [
    {"id": "g3", "variations": [{"id": "v3", "allocation": 100}]}]}],
  "settings": {}})";

TEST(CampaignExport, PercentageCompletedIsTheSmallestCurrentShare) {
  auto before = ExportCampaignTable(kRollout, At("2025-12-31T00:00:00Z"));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->rows[0][6], "0.00");
  auto day3 = ExportCampaignTable(kRollout, At("2026-01-03T12:00:00Z"));
  ASSERT_TRUE(day3.ok());
  EXPECT_EQ(day3->rows[0][1], "Ramp");
  EXPECT_EQ(day3->rows[0][2], "slow start");
  EXPECT_EQ(day3->rows[0][3], "active");
  EXPECT_EQ(day3->rows[0][6], "37.50");
  auto later = ExportCampaignTable(kRollout, At("2027-01-01T00:00:00Z"));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->rows[0][6], "100.00");
  EXPECT_EQ(later->rows[1][3], "paused");
  EXPECT_EQ(later->rows[1][7], "FALSE");  // paused: never published
}

TEST(CampaignExport, ConfigErrorsNameTheJsonPath) {
  auto t = ExportCampaignTable(R"({"campaigns": [{"id": 5}]})", absl::Now());
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("campaigns[0].id"));
}

// --- Export then import -------------------------------------------------

uint64_t ContentFingerprint(const std::string& json,
                            const LoadOptions& options) {
  auto config = LoadConfig(json, options);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? (*config)->content_fingerprint() : 0;
}

class RoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(RoundTrip, ExportThenImportKeepsEveryFingerprint) {
  const std::string json = Example(GetParam());
  LoadOptions options;
  // The KPI example keeps its definitions apart.
  if (std::string(GetParam()) == "kpi_rollout.json") {
    options.kpis_json = Example("kpis.json");
  }
  auto table = ExportCampaignTable(json, At("2026-04-01T00:00:00Z"), options);
  ASSERT_TRUE(table.ok()) << table.status();
  // Through the CSV text too, as the command does.
  auto read = ReadCampaignTableCsv(CampaignTableCsv(*table));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->rows, table->rows);
  auto imported = ImportCampaignTable(json, *read, options);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->rows, static_cast<int64_t>(table->rows.size()));
  EXPECT_TRUE(imported->changed.empty());
  EXPECT_EQ(ContentFingerprint(imported->config_json, options),
            ContentFingerprint(json, options));
  auto old_config = LoadConfig(json, options);
  auto new_config = LoadConfig(imported->config_json, options);
  ASSERT_TRUE(old_config.ok() && new_config.ok());
  ASSERT_EQ((*old_config)->campaigns().size(), (*new_config)->campaigns().size());
  for (size_t i = 0; i < (*old_config)->campaigns().size(); ++i) {
    EXPECT_EQ((*old_config)->campaigns()[i].assignment_fingerprint,
              (*new_config)->campaigns()[i].assignment_fingerprint);
    EXPECT_EQ((*old_config)->campaigns()[i].payload_fingerprint,
              (*new_config)->campaigns()[i].payload_fingerprint);
  }
  // And the written JSON holds the same document.
  simdjson::dom::parser a, b;
  EXPECT_EQ(simdjson::minify(a.parse(json)),
            simdjson::minify(b.parse(imported->config_json)));
}

INSTANTIATE_TEST_SUITE_P(Examples, RoundTrip,
                         ::testing::Values("campaigns.json", "recurring.json",
                                           "rollout.json", "kpi_rollout.json",
                                           "campaigns-next.json",
                                           "flagship/bucketing.json"));

// --- Import ------------------------------------------------------------

CampaignTable Table(std::vector<std::string> columns, Records rows) {
  CampaignTable t;
  t.columns = std::move(columns);
  t.rows = std::move(rows);
  return t;
}

std::string Field(const std::string& json, int campaign, const char* key,
                  const char* nested = nullptr) {
  simdjson::dom::parser parser;
  simdjson::dom::element c = parser.parse(json)["campaigns"].at(campaign);
  simdjson::dom::element v;
  auto e = nested ? c[key][nested].get(v) : c[key].get(v);
  if (e) return "<absent>";
  std::string_view s;
  if (v.get_string().get(s)) return "<not a string>";
  return std::string(s);
}

TEST(CampaignImport, AppliesNamesStatusesDescriptionsAndDates) {
  const std::string json = Example("recurring.json");
  auto r = ImportCampaignTable(
      json, Table({"id", " Name ", "Description", "STATUS", "Start Date", "End Date"},
                  {{"monday-deals", "Deals, \"first\"", "two\nlines", "paused",
                    "2026-01-05", "2026-11-30"},
                   {"spring-sale", "Spring sale", "", "", "2026-03-20", ""},
                   {"always-on", "", "", "", "2026-05-01", "2026-05-31"}}));
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string& out = r->config_json;
  EXPECT_EQ(Field(out, 0, "name"), "Deals, \"first\"");
  EXPECT_EQ(Field(out, 0, "description"), "two\nlines");
  EXPECT_EQ(Field(out, 0, "status"), "paused");
  // A changed date keeps the time of day (09:00 Paris, written as it was:
  // civil); an end date at midnight stops at the end of the new day.
  EXPECT_EQ(Field(out, 0, "scheduler", "start_date"), "2026-01-05T09:00:00");
  EXPECT_EQ(Field(out, 0, "scheduler", "stop_date"), "2026-12-01T00:00:00");
  // An empty End Date removes stop_date; an unchanged start keeps its text.
  EXPECT_EQ(Field(out, 2, "scheduler", "stop_date"), "<absent>");
  EXPECT_EQ(Field(out, 2, "scheduler", "start_date"), "2026-03-20T00:00:00");
  // A campaign without a scheduler gets one: dates in UTC, with offsets.
  EXPECT_EQ(Field(out, 3, "name"), "<absent>");
  EXPECT_EQ(Field(out, 3, "scheduler", "start_date"), "2026-05-01T00:00:00+00:00");
  EXPECT_EQ(Field(out, 3, "scheduler", "stop_date"), "2026-06-01T00:00:00+00:00");
  // Rows not listed are untouched.
  EXPECT_EQ(Field(out, 1, "name"), "Late-night weekday offer");
  EXPECT_THAT(r->changed, ElementsAre("monday-deals", "spring-sale", "always-on"));
  // Exported again, the table says what was imported.
  auto t = ExportCampaignTable(out, At("2026-05-02T12:00:00Z"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->rows[0][4], "2026-01-05");
  EXPECT_EQ(t->rows[0][5], "2026-11-30");
  EXPECT_EQ(t->rows[3][4], "2026-05-01");
  EXPECT_EQ(t->rows[3][5], "2026-05-31");
  EXPECT_EQ(t->rows[3][7], "TRUE");
}

TEST(CampaignImport, DatesWithOffsetsKeepTheirTimeAndZone) {
  constexpr char kConfig[] = R"({"campaigns": [{"id": "c", "scheduler": {
    "start_date": "2026-03-01T10:30:00+01:00", "stop_date": "2026-04-01T18:00:00+02:00",
    "timezone": "Europe/Paris"},
    "variation_groups": [{"id": "g", "variations": [{"id": "v", "allocation": 100}]}]}]})";
  auto r = ImportCampaignTable(
      kConfig, Table({"ID", "Start Date", "End Date"},
                     {{"c", "2026-03-28", "2026-04-15"}}));
  ASSERT_TRUE(r.ok()) << r.status();
  // 10:30 Paris on the 28th is still winter time; 18:00 on April 15th summer.
  EXPECT_EQ(Field(r->config_json, 0, "scheduler", "start_date"),
            "2026-03-28T10:30:00+01:00");
  EXPECT_EQ(Field(r->config_json, 0, "scheduler", "stop_date"),
            "2026-04-15T18:00:00+02:00");
}

TEST(CampaignImport, BalkanIdSampleIsLiveAWeekFromEachFirstMonday) {
  constexpr char kConfig[] = R"({"campaigns": [{"id": "review", "type": "ab",
    "variation_groups": [{"id": "g", "targeting": {"targeting_groups": [
      {"targetings": [{"key": "fs_all_users", "operator": "EQUALS", "value": true}]}]},
      "variations": [{"id": "v", "allocation": 100}]}]}]})";
  auto r = ImportCampaignTable(
      kConfig,
      Table({"ID", "Recurrence", "Escalation", "Escalation Date"},
            {{"review", "RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO", "168h",
              "2024-05-23"}}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Field(r->config_json, 0, "scheduler", "start_date"),
            "2024-05-23T00:00:00+00:00");
  auto config = LoadConfig(r->config_json);
  ASSERT_TRUE(config.ok()) << config.status();
  VisitorContext visitor("visitor-1");
  Decision d;
  const auto reason_at = [&](const char* t) {
    EXPECT_TRUE((*config)->Decide("review", visitor, At(t), &d).ok());
    return d.reason;
  };
  // 2024-05-23 is a Thursday: the first window opens Monday June 3rd.
  EXPECT_EQ(reason_at("2024-05-27T12:00:00Z"), DecisionReason::kOutsideSchedule);
  EXPECT_EQ(reason_at("2024-06-03T00:00:00Z"), DecisionReason::kAllocated);
  EXPECT_EQ(reason_at("2024-06-09T23:59:59Z"), DecisionReason::kAllocated);
  EXPECT_EQ(reason_at("2024-06-10T00:00:00Z"), DecisionReason::kOutsideSchedule);
  EXPECT_EQ(reason_at("2024-07-01T08:00:00Z"), DecisionReason::kAllocated);
}

TEST(CampaignImport, EscalationDateAndStartDateMustAgree) {
  const std::string json = Example("recurring.json");
  // Both edited, and apart: refused.
  auto r = ImportCampaignTable(
      json, Table({"ID", "Start Date", "Escalation Date"},
                  {{"monday-deals", "2026-02-01", "2026-02-02"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("row 2, column \"Escalation Date\": 2026-02-02, but the "
                        "Start Date is 2026-02-01"));
  // Only the Start Date edited (the Escalation Date as exported): it moves.
  auto moved = ImportCampaignTable(
      json, Table({"ID", "Start Date", "Escalation Date"},
                  {{"monday-deals", "2026-02-01", "2026-01-01"}}));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(Field(moved->config_json, 0, "scheduler", "start_date"),
            "2026-02-01T09:00:00");
  // Without a recurrence, an Escalation Date means nothing: refused.
  auto none = ImportCampaignTable(
      json, Table({"ID", "Escalation Date"}, {{"spring-sale", "2026-03-20"}}));
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(),
              HasSubstr("row 2, column \"Escalation Date\": the day a recurrence "
                        "starts from, but the campaign has no Recurrence"));
}

TEST(CampaignImport, EveryBadRowIsReportedWithItsColumnAndNothingIsReturned) {
  const std::string json = Example("recurring.json");
  auto r = ImportCampaignTable(
      json, Table({"ID", "Name", "Start Date", "End Date", "Recurrence", "Escalation"},
                  {{"monday-deals", "ok", "2026-01-01", "", "", ""},
                   {"nope", "x", "", "", "", ""},
                   {"spring-sale", "x", "2026-02-30", "", "", ""},
                   {"night-owls", "x", "", "31/12/2026", "", ""},
                   {"always-on", "x", "2026-01-01", "", "FREQ=DAILY;BYWEEKNO=3", "1h"},
                   {"monday-deals", "again", "", "", "", ""},
                   {"", "x", "", "", "", ""}}));
  ASSERT_FALSE(r.ok());
  const std::string message(r.status().message());
  EXPECT_THAT(message, HasSubstr("row 3, column \"ID\": no campaign \"nope\""));
  EXPECT_THAT(message, HasSubstr("row 4, column \"Start Date\":"));
  EXPECT_THAT(message, HasSubstr("row 5, column \"End Date\":"));
  EXPECT_THAT(message, HasSubstr("row 6, column \"Recurrence\": BYWEEKNO is not supported"));
  EXPECT_THAT(message, HasSubstr("row 7, column \"ID\": campaign \"monday-deals\" is on row 2 too"));
  EXPECT_THAT(message, HasSubstr("row 8, column \"ID\": empty"));
  // Row 2 is good: it is not reported, and nothing is returned.
  EXPECT_EQ(message.find("row 2,"), std::string::npos) << message;
}

TEST(CampaignImport, CellsMustBeUtf8) {
  auto r = ImportCampaignTable(
      Example("recurring.json"),
      Table({"ID", "Status"}, {{"spring-sale", "paused \xAA\xAA"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("row 2, column \"Status\": not valid UTF-8"));
}

TEST(CampaignImport, ConfigErrorsOfTheResultLandOnTheirRow) {
  const std::string json = Example("recurring.json");
  // Ends before it starts: the compiled config's error, on row 3's column.
  auto r = ImportCampaignTable(
      json, Table({"ID", "Start Date", "End Date"},
                  {{"night-owls", "2026-03-01", ""},
                   {"spring-sale", "2026-05-01", "2026-04-01"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("row 3, column \"End Date\": campaigns[2].scheduler.stop_date: "
                        "must be later than start_date"));
  // A recurrence without a duration.
  auto d = ImportCampaignTable(
      json, Table({"ID", "Recurrence"}, {{"spring-sale", "FREQ=DAILY"}}));
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              HasSubstr("row 2, column \"Recurrence\": campaigns[2].scheduler.recurrence: "
                        "has no duration"));
}

TEST(CampaignImport, HeaderProblems) {
  const std::string json = Example("recurring.json");
  auto missing = ImportCampaignTable(json, Table({"Name"}, {{"x"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("column \"ID\": missing"));
  auto unknown = ImportCampaignTable(json, Table({"ID", "Start"}, {{"x", "y"}}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("column \"Start\": not a column of the campaign table"));
  auto twice = ImportCampaignTable(json, Table({"ID", "Name", "name"}, {}));
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.status().message(), HasSubstr("column \"Name\": given twice"));
  auto ragged = ReadCampaignTableCsv("ID,Name\r\nc1\r\n");
  ASSERT_FALSE(ragged.ok());
  EXPECT_THAT(ragged.status().message(),
              HasSubstr("row 2: 1 fields, but the header has 2"));
}

TEST(CampaignImport, AbsentColumnsLeaveFieldsAlone) {
  const std::string json = Example("recurring.json");
  auto r = ImportCampaignTable(json, Table({"ID", "Status"}, {{"night-owls", "paused"}}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Field(r->config_json, 1, "status"), "paused");
  EXPECT_EQ(Field(r->config_json, 1, "name"), "Late-night weekday offer");
  EXPECT_EQ(Field(r->config_json, 1, "scheduler", "recurrence"),
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=22");
  EXPECT_THAT(r->changed, ElementsAre("night-owls"));  // paused
}

TEST(CampaignImport, LoneCampaignItemsPageAndBucketingFile) {
  constexpr char kLone[] = R"({"id": "solo", "name": "Solo", "variation_groups": [
    {"id": "g", "variations": [{"id": "v", "allocation": 100}]}]})";
  auto lone = ImportCampaignTable(kLone, Table({"ID", "Name"}, {{"solo", "Renamed"}}));
  ASSERT_TRUE(lone.ok()) << lone.status();
  simdjson::dom::parser p1;
  EXPECT_EQ(std::string_view(p1.parse(lone->config_json)["name"]), "Renamed");

  constexpr char kItems[] = R"({"items": [{"id": "a", "variation_groups": [
    {"id": "g", "variations": [{"id": "v", "allocation": 100}]}]}], "total_count": 1})";
  auto items = ImportCampaignTable(kItems, Table({"ID", "Status"}, {{"a", "paused"}}));
  ASSERT_TRUE(items.ok()) << items.status();
  simdjson::dom::parser p2;
  EXPECT_EQ(std::string_view(p2.parse(items->config_json)["items"].at(0)["status"]),
            "paused");
  EXPECT_EQ(int64_t(p2.parse(items->config_json)["total_count"]), 1);

  const std::string bucketing = Example("flagship/bucketing.json");
  auto table = ExportCampaignTable(bucketing, absl::Now());
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_FALSE(table->rows.empty());
  auto renamed = ImportCampaignTable(
      bucketing, Table({"ID", "Name"}, {{table->rows[0][0], "Renamed"}}));
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  auto config = LoadConfig(renamed->config_json);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ((*config)->format(), ConfigFormat::kBucketingFile);
  EXPECT_EQ((*config)->campaigns()[0].name, "Renamed");
}

TEST(CampaignImport, ABadConfigNamesItsPath) {
  auto r = ImportCampaignTable(R"({"campaigns": [{"id": "a"}]})",
                               Table({"ID"}, {{"a"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("campaigns[0].variation_groups"));
}

}  // namespace
}  // namespace allot
