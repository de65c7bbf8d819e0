#include "core/internal/csv.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace allot::internal {
namespace {

absl::Status RecordError(size_t row, size_t field, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("row ", row, ", field ", field, ": ",
                   absl::string_view(what.data(), what.size())));
}

}  // namespace

absl::StatusOr<std::vector<std::vector<std::string>>> ReadCsv(
    std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t row = 1;  // of the record being read
  size_t i = 0;
  const size_t n = text.size();
  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    const bool blank = record.size() == 1 && record[0].empty();
    if (!blank) records.push_back(std::move(record));
    record.clear();
    ++row;
  };
  while (i < n) {
    // At the start of a field.
    if (text[i] == '"') {
      const size_t opened_row = row;
      ++i;
      for (;;) {
        if (i >= n) {
          return RecordError(opened_row, record.size() + 1,
                             "a quoted field is not closed before the end of "
                             "the file");
        }
        const size_t quote = text.find('"', i);
        if (quote == text.npos) {
          i = n;
          continue;
        }
        field.append(text.substr(i, quote - i));
        i = quote + 1;
        if (i < n && text[i] == '"') {  // "" is one quote
          field.push_back('"');
          ++i;
          continue;
        }
        break;
      }
      if (i < n && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') &&
          !(text[i] == '\r' && i + 1 == n)) {
        return RecordError(row, record.size() + 1,
                           "text after the closing quote of a quoted field "
                           "(a quote inside a field is written \"\")");
      }
    } else {
      const size_t stop = text.find_first_of(",\r\n\"", i);
      const size_t end = stop == text.npos ? n : stop;
      field.append(text.substr(i, end - i));
      i = end;
      if (i < n && text[i] == '"') {
        return RecordError(row, record.size() + 1,
                           "a quote inside an unquoted field (quote the "
                           "field and write the quote as \"\")");
      }
      if (i < n && text[i] == '\r' && !(i + 1 < n && text[i + 1] == '\n') &&
          i + 1 != n) {
        return RecordError(row, record.size() + 1,
                           "a carriage return that does not end a record "
                           "(quote the field to keep it)");
      }
    }
    // After a field: a separator, a record end or the end of the text.
    if (i >= n) break;
    if (text[i] == ',') {
      record.push_back(std::move(field));
      field.clear();
      ++i;
      if (i == n) break;  // "a," ends with an empty field
      continue;
    }
    if (text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') ++i;
    end_record();
  }
  if (!record.empty() || !field.empty()) end_record();
  return records;
}

void AppendCsvRecord(const std::vector<std::string>& cells, std::string* out) {
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) out->push_back(',');
    const std::string& cell = cells[c];
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      out->append(cell);
      continue;
    }
    out->push_back('"');
    for (char ch : cell) {
      if (ch == '"') out->push_back('"');
      out->push_back(ch);
    }
    out->push_back('"');
  }
  out->append("\r\n");
}

}  // namespace allot::internal
