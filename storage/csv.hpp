// The one CSV reader every import uses (criteria sets, scores, units, users): RFC 4180
// as spreadsheets write it, with line numbers for every problem. It sits in storage/,
// the lowest module, because auth/ (units, users) and workflow/ (criteria, scores)
// both import CSV files.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace parix::storage {

struct csv_record {
  int line = 0;  // where the record starts (1-based)
  std::vector<std::string> fields;
};

struct csv_problem {
  int line = 0;
  std::string detail;  // English, for logs and the CLI
};

// One refused row of an import: its line, a stable machine code (bad_row,
// duplicate_row, unknown_unit, …) and an English detail for logs and the CLI.
struct import_problem {
  int line = 0;
  std::string problem;
  std::string detail;
};

struct csv_document {
  char separator = ',';
  std::vector<csv_record> records;   // in order; the header, if any, is the first
  std::vector<csv_record> comments;  // lines starting with '#': fields[0] is the line
  std::vector<csv_problem> problems;
};

// Reads CSV text as Excel and LibreOffice write it: UTF-8 with or without a byte order
// mark, CRLF or LF line ends, fields in double quotes (a quote inside doubled) that may
// hold separators and line breaks. The separator is ';' or ',', whichever the first
// record (the header) uses more outside quotes: Vietnamese Excel writes ';'. Blank lines
// are skipped; a line starting with '#' outside a quoted field is a comment. A record
// with an unbalanced quote or text after a closing quote is reported with its line and
// left out; the rest is still read. Pure; thread-safe.
csv_document read_csv(std::string_view text);

// A CSV file whose first record names its columns (the unit and user imports).
struct csv_table {
  char separator = ',';
  std::vector<std::string> columns;  // the header's names, in file order
  std::vector<csv_record> rows;      // after the header, each with the header's field count

  // The row's field in the named column, without surrounding spaces; "" when the file
  // has no such column.
  std::string field(const csv_record& row, std::string_view column) const;
  bool has(std::string_view column) const;
};

// Reads a file with read_csv and checks its header: every required column, any of the
// optional ones, each once and in any order. Appends to problems every malformed record
// (bad_csv), a missing or wrong header (bad_header) and each row whose field count is
// not the header's (bad_row, left out of rows). Pure; thread-safe.
csv_table read_csv_table(std::string_view text, std::initializer_list<std::string_view> required,
                         std::initializer_list<std::string_view> optional,
                         std::vector<import_problem>& problems);

// A decimal as the file wrote it, with a point: where ';' separates fields, a decimal
// comma ("0,25") is unambiguous and is what Vietnamese Excel writes. Surrounding
// spaces are removed.
std::string decimal_text(std::string_view field, char separator);

// The field without surrounding spaces and tabs.
std::string trimmed(std::string_view field);

}  // namespace parix::storage
