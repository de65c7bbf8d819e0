// RFC 4180 CSV: reading records into cells and writing cells as a record.
//
//   absl::StatusOr<std::vector<std::vector<std::string>>> records =
//       internal::ReadCsv(text);            // "row 3: unterminated quote"
//   std::string out;
//   internal::AppendCsvRecord({"a", "b,c"}, &out);   // a,"b,c"\r\n
//
// Reading accepts what spreadsheets write: records ending in CRLF or LF (the
// last one may end the file without one), quoted fields holding commas,
// quotes ("" for one) and line breaks, and a UTF-8 byte-order mark before
// the first record. A blank line (one empty field) is skipped. Writing
// quotes a field only when it holds a comma, a quote, a CR or an LF, and
// ends each record with CRLF, as RFC 4180 §2 says.
#ifndef ALLOT_CORE_INTERNAL_CSV_H_
#define ALLOT_CORE_INTERNAL_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace allot::internal {

// Errors are InvalidArgument naming the record ("row N", the first record
// being row 1) and, where one is at fault, the field ("row 4, field 2: a
// quote inside an unquoted field").
[[nodiscard]] absl::StatusOr<std::vector<std::vector<std::string>>> ReadCsv(
    std::string_view text);

void AppendCsvRecord(const std::vector<std::string>& cells, std::string* out);

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_CSV_H_
