// The shared CSV reader.
#include "storage/csv.hpp"

#include <algorithm>

namespace parix::storage {
namespace {

// ';' when the header line holds more semicolons than commas outside quotes.
char detect_separator(std::string_view text) {
  int commas = 0, semicolons = 0;
  bool quoted = false;
  for (char ch : text) {
    if (ch == '"') quoted = !quoted;
    if (quoted) continue;
    if (ch == '\n') break;
    commas += ch == ',';
    semicolons += ch == ';';
  }
  return semicolons > commas ? ';' : ',';
}

// The first line that is neither blank nor a comment: the header, if the file has one.
std::string_view first_record_line(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trimmed(line).empty() || line.front() == '#') continue;
    return line;
  }
  return {};
}

}  // namespace

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string{s};
}

std::string decimal_text(std::string_view field, char separator) {
  std::string out = trimmed(field);
  if (separator == ';')
    for (char& ch : out)
      if (ch == ',') ch = '.';
  return out;
}

csv_document read_csv(std::string_view text) {
  csv_document doc;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  doc.separator = detect_separator(first_record_line(text));
  const char sep = doc.separator;

  std::size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    // At the start of a line: blank lines and comments are whole lines.
    auto end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    auto whole = text.substr(i, end - i);
    if (trimmed(whole).empty()) {
      i = end + 1;
      ++line;
      continue;
    }
    if (whole.front() == '#') {
      if (whole.back() == '\r') whole.remove_suffix(1);
      doc.comments.push_back({line, {std::string{whole}}});
      i = end + 1;
      ++line;
      continue;
    }
    // One record, which may span lines inside quotes.
    csv_record record{line, {}};
    std::string field;
    bool broken = false;
    for (;;) {
      field.clear();
      if (i < text.size() && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= text.size()) {
            broken = true;  // the file ends inside quotes
            doc.problems.push_back({record.line, "a quoted field is never closed"});
            break;
          }
          const char ch = text[i];
          if (ch == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (ch == '\n') ++line;
          field.push_back(ch);
          ++i;
        }
        if (broken) break;
        // After the closing quote: a separator, the end of the line, or (spaces aside) nothing.
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i < text.size() && text[i] != sep && text[i] != '\n' && text[i] != '\r') {
          broken = true;
          doc.problems.push_back({record.line, "text after a closing quote"});
        }
      } else {
        while (i < text.size() && text[i] != sep && text[i] != '\n') {
          if (text[i] == '"') broken = true;
          field.push_back(text[i++]);
        }
        if (broken) doc.problems.push_back({record.line, "a quote inside an unquoted field"});
        if (!field.empty() && field.back() == '\r') field.pop_back();
      }
      if (broken) break;
      record.fields.push_back(field);
      if (i < text.size() && text[i] == sep) {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') ++i;
      break;  // end of line or of text
    }
    if (broken) {
      // Skip to the end of the line where the problem is and go on with the next record.
      auto next = text.find('\n', i);
      i = next == std::string_view::npos ? text.size() : next;
    } else {
      doc.records.push_back(std::move(record));
    }
    if (i < text.size() && text[i] == '\n') ++i;
    ++line;
  }
  return doc;
}

std::string csv_table::field(const csv_record& row, std::string_view column) const {
  for (std::size_t i = 0; i < columns.size() && i < row.fields.size(); ++i)
    if (columns[i] == column) return trimmed(row.fields[i]);
  return {};
}

bool csv_table::has(std::string_view column) const {
  for (const auto& c : columns)
    if (c == column) return true;
  return false;
}

csv_table read_csv_table(std::string_view text, std::initializer_list<std::string_view> required,
                         std::initializer_list<std::string_view> optional,
                         std::vector<import_problem>& problems) {
  auto doc = read_csv(text);
  csv_table table;
  table.separator = doc.separator;
  for (auto& p : doc.problems) problems.push_back({p.line, "bad_csv", std::move(p.detail)});
  std::string names;
  for (auto list : {required, optional})
    for (auto n : list) names += (names.empty() ? "" : ", ") + std::string{n};
  if (doc.records.empty()) {
    problems.push_back({1, "bad_header", "the file has no header line naming its columns (" +
                                             names + ")"});
    return table;
  }
  const auto& header = doc.records.front();
  bool header_ok = true;
  for (const auto& raw : header.fields) {
    auto name = trimmed(raw);
    const bool known = std::ranges::find(required, name) != required.end() ||
                       std::ranges::find(optional, name) != optional.end();
    if (!known || table.has(name)) {
      problems.push_back({header.line, "bad_header",
                          "unknown or repeated column \"" + name + "\"; the columns are " + names});
      header_ok = false;
    }
    table.columns.push_back(std::move(name));
  }
  for (auto r : required)
    if (!table.has(r)) {
      problems.push_back({header.line, "bad_header", "the header has no column " + std::string{r}});
      header_ok = false;
    }
  if (!header_ok) return table;
  for (std::size_t i = 1; i < doc.records.size(); ++i) {
    auto& rec = doc.records[i];
    if (rec.fields.size() != header.fields.size()) {
      problems.push_back({rec.line, "bad_row",
                          "expected " + std::to_string(header.fields.size()) + " fields, found " +
                              std::to_string(rec.fields.size())});
      continue;
    }
    table.rows.push_back(std::move(rec));
  }
  return table;
}

}  // namespace parix::storage
