#include "cli/time_range_options.h"

#include <iostream>
#include <tuple>

#include "absl/strings/str_format.h"
#include "cli/files.h"
#include "core/json_text.h"  // ParseInstant, LoadTimeZoneOrError

namespace allot::cli {

TimeRangeOptions::TimeRangeOptions(Command& command, const std::string& id_flag,
                                   const std::string& id_help,
                                   const std::string& tz_help)
    : command_(command) {
  CLI::App& app = command.app();
  app.add_option("--config", config_, "campaign config (JSON)")
      ->type_name("FILE")
      ->required();
  app.add_option(id_flag, id_, id_help)->type_name("ID")->required();
  app.add_option("--from", from_, "start of the range")
      ->type_name("T")
      ->required();
  app.add_option("--to", to_, "end of the range (inclusive)")
      ->type_name("T")
      ->required();
  tz_option_ = app.add_option("--tz", tz_, tz_help)->type_name("ZONE");
}

bool TimeRangeOptions::ParseInstants(absl::Time* from, absl::Time* to,
                                     std::string* error) const {
  for (auto [name, text, out] :
       {std::tuple("from", &from_, from), std::tuple("to", &to_, to)}) {
    absl::StatusOr<absl::Time> t = ParseInstant(*text);
    if (!t.ok()) {
      *error = absl::StrFormat("--%s: %s", name, t.status().message());
      return false;
    }
    *out = *t;
  }
  if (*to < *from) {
    *error = "--to is before --from";
    return false;
  }
  return true;
}

absl::StatusOr<absl::TimeZone> TimeRangeOptions::Zone(
    const std::string& fallback) const {
  absl::StatusOr<absl::TimeZone> zone =
      LoadTimeZoneOrError(tz_option_->count() > 0 ? tz_ : fallback);
  if (!zone.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--tz: %s", zone.status().message()));
  }
  return zone;
}

std::shared_ptr<const CompiledConfig> TimeRangeOptions::LoadConfig(
    const BucketingOption& bucketing) const {
  LoadOptions options;
  std::string error;
  if (!bucketing.Apply(&options, &error)) {
    std::cerr << "allot " << command_.name() << ": " << error << "\n";
    return nullptr;
  }
  std::shared_ptr<const CompiledConfig> loaded =
      cli::LoadConfigFile(config_, options, &error);
  if (loaded == nullptr) std::cerr << error << "\n";
  return loaded;
}

}  // namespace allot::cli
