#include "tabular/csv.h"

#include <cstdio>
#include <optional>

namespace lifeline::tabular {
namespace {

// Past this many errors a file is not worth reading on (a binary file read as
// CSV would otherwise produce one error per line).
constexpr size_t kMaxErrors = 1000;

std::string Describe(char c) {
  auto u = static_cast<unsigned char>(c);
  char buf[24];
  if (u >= 0x20 && u < 0x7F) {
    std::snprintf(buf, sizeof buf, "'%c'", c);
  } else {
    std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
  }
  return buf;
}

// Counts line breaks (CRLF, LF, lone CR) in s.
uint64_t CountLineBreaks(std::string_view s) {
  uint64_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++n;
    } else if (s[i] == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n')) {
      ++n;
    }
  }
  return n;
}

class Parser {
 public:
  Parser(std::string_view text, char delimiter, CsvTable& out)
      : text_(text), delim_(delimiter), out_(out) {}

  void Run() {
    const size_t n = text_.size();
    while (i_ < n && out_.errors.size() < kMaxErrors) {
      if (AtEol()) {  // an empty line: not a record
        ConsumeEol();
        continue;
      }
      ParseRecord();
    }
    if (out_.errors.size() >= kMaxErrors) {
      out_.errors.push_back({line_, 0, "more than " + std::to_string(kMaxErrors) +
                                           " errors: stopped reading (is this a CSV file?)"});
    }
    out_.physical_lines = text_.empty() ? 0 : line_ - (EndsWithEol() ? 1 : 0);
  }

 private:
  bool AtEol() const { return text_[i_] == '\n' || text_[i_] == '\r'; }
  bool EndsWithEol() const {
    return !text_.empty() && (text_.back() == '\n' || text_.back() == '\r');
  }

  // Precondition: AtEol().
  void ConsumeEol() {
    if (text_[i_] == '\r' && i_ + 1 < text_.size() && text_[i_ + 1] == '\n') ++i_;
    ++i_;
    ++line_;
  }

  void SkipToNextLine() {
    while (i_ < text_.size() && !AtEol()) ++i_;
    if (i_ < text_.size()) ConsumeEol();
  }

  void Error(uint64_t line, size_t column, std::string message) {
    out_.errors.push_back({line, column, std::move(message)});
  }

  // Reads one record starting at i_ (not at an EOL) through its EOL.
  void ParseRecord() {
    const size_t n = text_.size();
    CsvRecord rec;
    rec.line = line_;
    std::optional<std::pair<uint64_t, size_t>> nul_at;
    for (;;) {
      std::string field;
      const size_t column = rec.fields.size() + 1;
      if (i_ < n && text_[i_] == '"') {
        const uint64_t open_line = line_;
        ++i_;
        bool closed = false;
        while (i_ < n) {
          char c = text_[i_];
          if (c == '"') {
            if (i_ + 1 < n && text_[i_ + 1] == '"') {
              field.push_back('"');
              i_ += 2;
              continue;
            }
            ++i_;
            closed = true;
            break;
          }
          if (c == '\0' && !nul_at) nul_at = {line_, column};
          if (c == '\n' || (c == '\r' && !(i_ + 1 < n && text_[i_ + 1] == '\n'))) ++line_;
          field.push_back(c);
          ++i_;
        }
        if (!closed) {
          Error(open_line, column,
                "quoted field opened here is never closed (reached the end of the file at line " +
                    std::to_string(line_) + "); a quote inside a quoted field must be doubled");
          return;
        }
        rec.fields.push_back(std::move(field));
        if (i_ == n) break;
        if (text_[i_] == delim_) {
          ++i_;
          continue;
        }
        if (AtEol()) {
          ConsumeEol();
          break;
        }
        Error(line_, column,
              "unexpected " + Describe(text_[i_]) +
                  " after the closing quote of a quoted field (wanted a delimiter or the end of "
                  "the line)");
        SkipToNextLine();
        return;
      }
      // A bare field.
      while (i_ < n && text_[i_] != delim_ && !AtEol()) {
        char c = text_[i_];
        if (c == '"') {
          Error(line_, column,
                "quote inside an unquoted field: a field that holds quotes must be enclosed in "
                "quotes, with each inner quote doubled");
          SkipToNextLine();
          return;
        }
        if (c == '\0' && !nul_at) nul_at = {line_, column};
        field.push_back(c);
        ++i_;
      }
      rec.fields.push_back(std::move(field));
      if (i_ == n) break;
      if (text_[i_] == delim_) {
        ++i_;
        continue;
      }
      ConsumeEol();
      break;
    }
    if (nul_at) {
      Error(nul_at->first, nul_at->second, "NUL byte in a field (is this a text file?)");
      return;
    }
    out_.records.push_back(std::move(rec));
  }

  std::string_view text_;
  char delim_;
  CsvTable& out_;
  size_t i_ = 0;
  uint64_t line_ = 1;
};

}  // namespace

CsvTable ParseCsv(std::string_view data, const CsvOptions& options) {
  CsvTable table;
  if (data.starts_with("\xFF\xFE") || data.starts_with("\xFE\xFF")) {
    table.errors.push_back({1, 0, "the file is UTF-16 (it starts with a UTF-16 byte order mark): "
                                  "save it as UTF-8"});
    return table;
  }
  const bool bom = data.starts_with("\xEF\xBB\xBF");
  if (bom) data.remove_prefix(3);
  std::string decoded;
  std::string_view text = data;
  if (std::optional<size_t> bad = FirstInvalidUtf8(data)) {
    const uint64_t line = 1 + CountLineBreaks(data.substr(0, *bad));
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(data[*bad]));
    std::string where = std::string("byte ") + byte + " at line " + std::to_string(line);
    if (bom) {
      table.errors.push_back(
          {line, 0, "not UTF-8 although the file starts with a UTF-8 byte order mark: " + where});
      return table;
    }
    if (!options.transcode_non_utf8) {
      table.errors.push_back({line, 0, "not UTF-8: " + where + "; save the file as UTF-8"});
      return table;
    }
    if (HasUtf8MultiByte(data)) {
      table.errors.push_back(
          {line, 0, "mixed text encodings: the file holds UTF-8 text and a byte that is not UTF-8 (" +
                        where + "); save the whole file as UTF-8"});
      return table;
    }
    decoded = Windows1252ToUtf8(data);
    text = decoded;
    table.encoding = TextEncoding::kWindows1252;
    table.first_non_utf8_line = line;
  }
  Parser(text, options.delimiter, table).Run();
  if (options.restore_neutralised) {
    for (CsvRecord& rec : table.records) {
      for (std::string& f : rec.fields) {
        std::string_view restored = RestoreCsvCell(f);
        if (restored.size() != f.size()) f.erase(0, 1);
      }
    }
  }
  // A byte order mark marks a file's start: at the start of a later line it
  // is a second file pasted in (or a cell that would carry an invisible
  // character), never data.
  for (size_t at = text.find("\xEF\xBB\xBF"); at != std::string_view::npos; at = text.find("\xEF\xBB\xBF", at + 3)) {
    if (at == 0 || (text[at - 1] != '\n' && text[at - 1] != '\r')) continue;
    const uint64_t line = 1 + CountLineBreaks(text.substr(0, at));
    table.errors.push_back({line, 0, "the line starts with a byte order mark (U+FEFF): only a file's first line "
                                     "may (were two files joined?)"});
  }
  return table;
}

namespace {

bool IsFormulaStart(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// [+-]?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)? in full.
bool IsPlainNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i > start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

}  // namespace

std::string NeutraliseCsvCell(std::string_view text) {
  if (text.empty()) return std::string();
  const bool dangerous = IsFormulaStart(text[0]) && !IsPlainNumber(text);
  // Text the reader would shorten ("'=x", "''") is escaped as well, and only
  // that: a quotation such as "'Catastrophic ...'" is written as it is.
  if (!dangerous && RestoreCsvCell(text).size() == text.size()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 1);
  out.push_back('\'');
  out += text;
  return out;
}

std::string_view RestoreCsvCell(std::string_view cell) {
  // Every string NeutraliseCsvCell prefixes starts with a formula character
  // or with what this function shortens, and it leaves alone no string this
  // function shortens: so such a "'" is always the writer's.
  if (cell.size() >= 2 && cell[0] == '\'' && (IsFormulaStart(cell[1]) || cell[1] == '\'')) {
    cell.remove_prefix(1);
  }
  return cell;
}

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace lifeline::tabular
