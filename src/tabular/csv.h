// CSV as Lifeline reads and writes it: an RFC 4180 reader that keeps
// physical line numbers, the writer's quoting rule, and the spreadsheet-safe
// cell rule. Below both src/ingest (every CSV-shaped reader) and src/export
// (every CSV-shaped writer), so that the two cannot drift apart.
//
// Grammar (RFC 4180 section 2, with the common relaxations noted):
//   file    = [BOM] record *(EOL record) [EOL]
//   record  = field *(DELIM field)
//   field   = quoted / bare
//   quoted  = DQUOTE *(any byte except DQUOTE / DQUOTE DQUOTE) DQUOTE
//   bare    = *(any byte except DELIM, DQUOTE, CR, LF)
//   EOL     = CRLF / LF / CR            (RFC 4180 says CRLF; all three occur)
// - A quoted field may hold delimiters, "" (one quote) and line breaks, which
//   are kept byte for byte; the record's line is the physical line where it
//   starts, and lines go on being counted inside quoted fields.
// - Errors (each with line and 1-based column): a quote inside a bare field
//   (`ab"c`, ` "abc"`), a character other than a delimiter or a line end after
//   a closing quote (`"abc"x`), a quoted field never closed (reported at the
//   line where it opened), a NUL byte. The record with the error is dropped
//   and reading resumes at the next physical line, so one bad row does not
//   hide the errors of the others.
// - Empty physical lines are skipped (they are not records). Records may have
//   different numbers of fields: checking widths is the caller's business.
//
// Encoding: the input must be UTF-8; a UTF-8 BOM is dropped. Input that is not
// UTF-8 is read as Windows-1252/Latin-1 and transcoded to UTF-8 when
// `transcode_non_utf8` is set (CsvTable::encoding says so) — unless it also
// holds well-formed multi-byte UTF-8, which means mixed encodings: that is an
// error, as is any non-UTF-8 input after a UTF-8 BOM, and UTF-16 (BOM FF FE /
// FE FF).
//
// Pure; thread-safe.
#ifndef LIFELINE_TABULAR_CSV_H_
#define LIFELINE_TABULAR_CSV_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tabular/text.h"

namespace lifeline::tabular {

struct CsvRecord {
  uint64_t line = 0;  // physical line where the record starts, 1-based
  std::vector<std::string> fields;
  friend bool operator==(const CsvRecord&, const CsvRecord&) = default;
};

struct CsvError {
  uint64_t line = 0;
  size_t column = 0;  // 1-based field index; 0 when the error is about the file
  std::string message;
};

struct CsvTable {
  std::vector<CsvRecord> records;
  std::vector<CsvError> errors;
  TextEncoding encoding = TextEncoding::kUtf8;
  // When encoding is kWindows1252: the line of the first byte that was not
  // UTF-8, for the message telling the submitter.
  uint64_t first_non_utf8_line = 0;
  uint64_t physical_lines = 0;  // lines in the file (a last line without EOL counts)
};

struct CsvOptions {
  char delimiter = ',';
  bool transcode_non_utf8 = true;
  // Undo the spreadsheet-safe neutralisation of Lifeline's exports in every
  // field (RestoreCsvCell). Every reader in src/ingest leaves this on, so that
  // an export reads back to the values written; off, fields are the file's
  // bytes exactly.
  bool restore_neutralised = true;
};

CsvTable ParseCsv(std::string_view data, const CsvOptions& options = {});

// Spreadsheet-safe cells (OWASP "CSV injection"): the one rule every
// CSV-shaped export writes (src/export) and every CSV reader (src/ingest,
// through ParseCsv) undoes.
//
// A cell is *dangerous* when its first byte is '=', '+', '-', '@', TAB or CR
// (a spreadsheet may run it as a formula) — unless the whole cell is a
// number, [+-]?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)? (a longitude of -45.2, an
// exponent of 1e-7): a number is not a formula, and numeric columns stay
// numbers in a spreadsheet.
//   RestoreCsvCell(c)    = c without its first byte when c is "'" followed
//                          by '=', '+', '-', '@', TAB, CR or "'"
//                        = c         otherwise
//   NeutraliseCsvCell(s) = "'" + s   when s is dangerous, or when
//                                    RestoreCsvCell would change s (s is
//                                    "'" then one of those: "'=x", "''")
//                        = s         otherwise ("'Quoted" stays as it is)
// So the rule is exact: RestoreCsvCell(NeutraliseCsvCell(s)) == s for every
// string s (property-tested), and a reader never has to guess whether a "'"
// was the writer's. The cost: a file from elsewhere holding a cell like
// "''x" or "'=x" reads with one "'" fewer. Pure; thread-safe.
std::string NeutraliseCsvCell(std::string_view text);
std::string_view RestoreCsvCell(std::string_view cell);

// Appends one RFC 4180 field: quoted when it holds ',', '"', CR or LF, with
// quotes doubled; as is otherwise. ParseCsv reads it back byte for byte.
// Writers neutralise the cell first (NeutraliseCsvCell) unless asked for
// raw cells.
void AppendCsvField(std::string& out, std::string_view field);

}  // namespace lifeline::tabular

#endif  // LIFELINE_TABULAR_CSV_H_
