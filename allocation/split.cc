#include "allocation/split.h"

#include <charconv>
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace allot {
namespace {

// Shortest text that reads back as `v` ("26.675", not "26.675000"), so the
// message shows the number the user wrote.
std::string FormatNumber(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

// Basis points as a percent without trailing zeros: 10050 → "100.5".
std::string FormatBasisPoints(int64_t bp) {
  std::string s = absl::StrCat(bp / 100);
  const int64_t frac = bp % 100;
  if (frac != 0) {
    absl::StrAppend(&s, ".", frac / 10);
    if (frac % 10 != 0) absl::StrAppend(&s, frac % 10);
  }
  return s;
}

constexpr char kExpectedPercent[] =
    "expected a percent in [0, 100] with at most 2 decimals";

}  // namespace

absl::StatusOr<int32_t> PercentToBasisPoints(double percent) {
  if (!std::isfinite(percent)) {
    return absl::InvalidArgumentError(
        absl::StrCat("percent ", FormatNumber(percent),
                     " is not a finite number; ", kExpectedPercent));
  }
  if (percent < 0 || percent > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("percent ", FormatNumber(percent), " is out of range; ",
                     kExpectedPercent));
  }
  // Two-decimal percents are rarely exact in binary (26.67 * 100 is
  // 2666.9999999999995), so accept anything within rounding error of a whole
  // number of basis points (below 1e-9 bp; a third decimal is 0.1 bp). One
  // exception: a positive percent below a basis point (1e-300) is not 0.
  const double scaled = percent * 100;
  const double bp = std::round(scaled);
  if (std::fabs(scaled - bp) > 1e-9 || (bp == 0 && scaled != 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("percent ", FormatNumber(percent),
                     " has more than 2 decimals; ", kExpectedPercent));
  }
  return static_cast<int32_t>(bp);
}

absl::StatusOr<SplitTable> SplitTable::Create(
    BucketingMode mode, absl::Span<const double> percents) {
  SplitTable table;
  table.indices_.clear();
  int64_t total_bp = 0;
  // The JS SDK adds the raw doubles in file order; `bucket < sum` for an
  // integer bucket is `bucket < ceil(sum)`, so the float artifacts of the
  // running sum (0.1 + 0.2 = 0.30000000000000004) carry over exactly.
  double flagship_sum = 0;
  for (size_t i = 0; i < percents.size(); ++i) {
    absl::StatusOr<int32_t> bp = PercentToBasisPoints(percents[i]);
    if (!bp.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "allocation of variation ", i, ": ", bp.status().message()));
    }
    if (*bp == 0) continue;  // Never picked, as in Flagship's SDK.
    total_bp += *bp;
    uint32_t threshold;
    if (mode == BucketingMode::kXxh3) {
      threshold = static_cast<uint32_t>(total_bp);
    } else {
      flagship_sum += percents[i];
      threshold = static_cast<uint32_t>(std::ceil(flagship_sum));
    }
    table.thresholds_.push_back(threshold);
    table.indices_.push_back(static_cast<int32_t>(i));
  }
  if (total_bp > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("allocations sum to ", FormatBasisPoints(total_bp),
                     " %; expected a sum of at most 100 %"));
  }
  table.indices_.push_back(-1);
  table.total_bp_ = static_cast<int32_t>(total_bp);
  table.on_heap_ = table.thresholds_.size() > kInline;
  if (!table.on_heap_) {
    for (size_t i = 0; i < table.thresholds_.size(); ++i) {
      table.inline_biased_[i] =
          static_cast<int32_t>(table.thresholds_[i] ^ kBias);
      table.inline_indices_[i] = table.indices_[i];
    }
  }
  return table;
}

}  // namespace allot
