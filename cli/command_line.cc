#include "cli/command_line.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"

namespace allot::cli {
namespace {

// --help as: the usage line, the description, the options each with one
// line, and an example.
class CommandFormatter : public CLI::Formatter {
 public:
  CommandFormatter(std::string usage, std::string example)
      : usage_(std::move(usage)), example_(std::move(example)) {}

  std::string make_help(const CLI::App* app, std::string,
                        CLI::AppFormatMode mode) const override {
    return usage_ + "\n\n" + app->get_description() + "\n" +
           make_positionals(app) + make_groups(app, mode) + "\nexample:\n  " +
           example_ + "\n";
  }

 private:
  std::string usage_;
  std::string example_;
};

}  // namespace

Command::Command(std::string name, std::string usage, std::string description,
                 std::string example)
    : name_(std::move(name)),
      usage_(std::move(usage)),
      app_(std::move(description), "allot " + name_) {
  app_.formatter(
      std::make_shared<CommandFormatter>(usage_, std::move(example)));
  // Unknown arguments are kept and reported in our own words (Parse).
  app_.allow_extras();
  app_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

int Command::UsageError(const std::string& message, bool with_usage) const {
  std::cerr << "allot " << name_ << ": " << message << "\n";
  if (with_usage) std::cerr << usage_ << "\n";
  return 2;
}

std::optional<int> Command::Parse(int argc, char** argv, int first) {
  std::vector<std::string> args;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    // CLI11 reads "--name=" as "--name" and takes the next argument as its
    // value; "--config=" means an empty value (reported as such later).
    if (arg.size() > 3 && arg.compare(0, 2, "--") == 0 && arg.back() == '=') {
      arg.pop_back();
      const CLI::Option* option = app_.get_option_no_throw(arg);
      if (option != nullptr && option->get_type_size() != 0) {
        args.push_back(arg);
        args.emplace_back();
        continue;
      }
      arg.push_back('=');
    }
    args.push_back(std::move(arg));
  }
  // CLI11 consumes its argument vector from the back.
  std::reverse(args.begin(), args.end());
  // CLI11 reports through exceptions; they stop here, as exit statuses.
  std::string error;
  try {
    app_.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::cout << app_.help();
    return 0;
  } catch (const CLI::ArgumentMismatch& e) {
    // In the words allot used before CLI11: "option --x needs a value",
    // "option --x takes no value".
    error = e.what();
    if (const size_t colon = error.find(':');
        colon != std::string::npos && absl::EndsWith(error, " missing")) {
      error = "option " + error.substr(0, colon) + " needs a value";
    } else if (const size_t end =
                   error.find(" was given a disallowed flag override");
               end != std::string::npos) {
      error = "option --" + error.substr(0, end) + " takes no value";
    }
  } catch (const CLI::ParseError& e) {
    error = e.what();
  }
  // An unknown option is named first, as the arguments are read in order.
  for (const std::string& arg : app_.remaining()) {
    if (arg.size() > 1 && arg[0] == '-') {
      return UsageError("unknown option " + arg.substr(0, arg.find('=')),
                        /*with_usage=*/false);
    }
  }
  if (!error.empty()) {
    // A missing required option is followed by the usage; a bad option
    // alone is clear enough.
    return UsageError(error, absl::EndsWith(error, " is required"));
  }
  if (!app_.remaining().empty()) {
    std::cerr << "allot " << name_ << ": " << usage_ << "\n";
    return 2;
  }
  return std::nullopt;
}

BucketingOption::BucketingOption(CLI::App& app)
    : option_(app.add_option("--bucketing", mode_,
                             "bucketing: auto (the config's), xxh3 or flagship")
                  ->type_name("MODE")) {}

bool BucketingOption::Apply(LoadOptions* options, std::string* error) const {
  if (option_->count() == 0) return true;
  absl::StatusOr<BucketingChoice> choice = ParseBucketingChoice(mode_);
  if (!choice.ok()) {
    *error = "--bucketing: " + std::string(choice.status().message());
    return false;
  }
  options->bucketing = *choice;
  return true;
}

}  // namespace allot::cli
