// The options `allot schedule` and `allot windows` share: --config FILE,
// the campaign or group asked about, --from T, --to T and --tz ZONE; and
// loading the config they name (with --bucketing).
#ifndef ALLOT_CLI_TIME_RANGE_OPTIONS_H_
#define ALLOT_CLI_TIME_RANGE_OPTIONS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/command_line.h"
#include "core/compiled_config.h"

namespace allot::cli {

// Declared on construction, in the order their absence is reported:
// --config, the id option (`id_flag`, e.g. "--group"), --from, --to; then
// --tz. The command declares its own options and --bucketing after them.
// Not movable: CLI11 holds pointers into it.
class TimeRangeOptions {
 public:
  TimeRangeOptions(Command& command, const std::string& id_flag,
                   const std::string& id_help, const std::string& tz_help);
  TimeRangeOptions(const TimeRangeOptions&) = delete;
  TimeRangeOptions& operator=(const TimeRangeOptions&) = delete;

  const std::string& config_path() const { return config_; }
  const std::string& id() const { return id_; }
  // --from and --to as given.
  const std::string& from() const { return from_; }
  const std::string& to() const { return to_; }
  // --tz as given; empty when not given.
  const std::string& tz() const { return tz_; }

  // --from and --to as RFC 3339 instants, --to not before --from. False with
  // `error` ("--from: invalid instant ...", "--to is before --from").
  bool ParseInstants(absl::Time* from, absl::Time* to,
                     std::string* error) const;

  // The zone times print in: --tz, else `fallback` (a config's zone). The
  // error names --tz.
  absl::StatusOr<absl::TimeZone> Zone(const std::string& fallback) const;

  // Loads --config with `bucketing`. Null after printing why on stderr: a
  // bad --bucketing as "allot COMMAND: ...", a config that does not load as
  // "PATH: <JSON path>: <what>" (the command then exits 2).
  std::shared_ptr<const CompiledConfig> LoadConfig(
      const BucketingOption& bucketing) const;

 private:
  const Command& command_;
  std::string config_, id_, from_, to_, tz_;
  CLI::Option* tz_option_;
};

}  // namespace allot::cli

#endif  // ALLOT_CLI_TIME_RANGE_OPTIONS_H_
