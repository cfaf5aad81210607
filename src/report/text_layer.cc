#include "report/text_layer.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>

namespace lifeline::report {
namespace {

// The next code point of `s` at `*i` (advanced past it); a byte that does not
// start a valid UTF-8 sequence (truncated, overlong, a surrogate, beyond
// U+10FFFF) is returned as itself (>= 0x80 < 0x100), advanced by one.
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  auto b = static_cast<unsigned char>(s[*i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return b;
  }
  uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[*i + k]);
    if ((c & 0xC0) != 0x80) {
      ++*i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++*i;
    return b;
  }
  *i += len;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsSpaceOrInvisible(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0xAD || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) || cp == 0x205F || cp == 0x2060 ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C || cp == 0x3000 || cp == 0xFEFF;
}

// Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan and their presentation
// forms: scripts written right to left.
bool IsRightToLeft(uint32_t cp) {
  return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFE);
}

bool HasRightToLeft(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (IsRightToLeft(NextCodePoint(s, &i))) return true;
  }
  return false;
}

// The code points of `s`, sorted, with Arabic lam-alef ligatures (U+FEF5..
// U+FEFC) as their two letters: what a right-to-left run holds whatever the
// order a PDF's text layer gives it in.
std::vector<uint32_t> SortedLetters(std::string_view s) {
  static constexpr uint32_t kAlef[] = {0x0622, 0x0622, 0x0623, 0x0623, 0x0625, 0x0625, 0x0627, 0x0627};
  std::vector<uint32_t> out;
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = NextCodePoint(s, &i);
    if (cp >= 0xFEF5 && cp <= 0xFEFC) {
      out.push_back(0x0644);
      out.push_back(kAlef[cp - 0xFEF5]);
    } else {
      out.push_back(cp);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// HTML character references: the named ones Lifeline's writer uses, and
// numeric ones. Anything else is kept as written.
std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    std::optional<uint32_t> cp;
    if (ent == "amp") cp = '&';
    else if (ent == "lt") cp = '<';
    else if (ent == "gt") cp = '>';
    else if (ent == "quot") cp = '"';
    else if (ent == "apos") cp = '\'';
    else if (ent == "nbsp") cp = 0xA0;
    else if (ent.size() > 1 && ent[0] == '#') {
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      uint32_t v = 0;
      bool ok = !digits.empty();
      for (char c : digits) {
        int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                               : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0 || v > 0x10FFFF) {
          ok = false;
          break;
        }
        v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (ok && v <= 0x10FFFF) cp = v;
    }
    if (!cp) {
      out += s[i];
      continue;
    }
    AppendUtf8(*cp, &out);
    i = semi;
  }
  return out;
}

namespace {

struct Tag {
  std::string name;  // lower case as written by the report
  bool closing = false;
  std::vector<std::pair<std::string, std::string>> attrs;  // values decoded
  std::string Attr(std::string_view n) const {
    for (const auto& [k, v] : attrs) {
      if (k == n) return v;
    }
    return "";
  }
};

// Parses the tag starting at html[pos] == '<'; *end is set past its '>'.
Result<Tag> ParseTag(std::string_view html, size_t pos, size_t* end) {
  Tag t;
  size_t i = pos + 1;
  if (i < html.size() && html[i] == '/') {
    t.closing = true;
    ++i;
  }
  size_t n = i;
  while (n < html.size() && (std::isalnum(static_cast<unsigned char>(html[n])) || html[n] == '-')) ++n;
  t.name = std::string(html.substr(i, n - i));
  for (char& c : t.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  i = n;
  while (true) {
    while (i < html.size() && std::isspace(static_cast<unsigned char>(html[i]))) ++i;
    if (i >= html.size()) return InvalidArgumentError("an unterminated <" + t.name + "> tag");
    if (html[i] == '>') {
      *end = i + 1;
      return t;
    }
    if (html[i] == '/') {
      ++i;
      continue;
    }
    size_t a = i;
    while (i < html.size() && html[i] != '=' && html[i] != '>' && html[i] != '/' &&
           !std::isspace(static_cast<unsigned char>(html[i]))) {
      ++i;
    }
    std::string name(html.substr(a, i - a));
    std::string value;
    if (i < html.size() && html[i] == '=') {
      ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char q = html[i];
        size_t close = html.find(q, i + 1);
        if (close == std::string_view::npos) return InvalidArgumentError("an unterminated attribute in <" + t.name + ">");
        value = DecodeEntities(html.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        size_t v = i;
        while (i < html.size() && html[i] != '>' && !std::isspace(static_cast<unsigned char>(html[i]))) ++i;
        value = DecodeEntities(html.substr(v, i - v));
      }
    }
    t.attrs.emplace_back(std::move(name), std::move(value));
  }
}

// The page of byte offset `j` (1-based) given the offsets where pages start.
size_t PageOf(const std::vector<size_t>& starts, size_t j) {
  auto it = std::upper_bound(starts.begin(), starts.end(), j);
  return static_cast<size_t>(it - starts.begin());
}

// Moves `i` back to the start of the UTF-8 sequence it is inside.
size_t SnapBack(std::string_view s, size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return std::min(i, s.size());
}

std::string Around(std::string_view s, size_t at) {
  constexpr size_t kBefore = 16, kAfter = 24;
  size_t b = SnapBack(s, at > kBefore ? at - kBefore : 0);
  size_t e = SnapBack(s, std::min(s.size(), at + kAfter));
  std::string out = b > 0 ? "…" : "";
  out += s.substr(b, at - b);
  out += "⟨here⟩";
  out += s.substr(at, e - at);
  if (e < s.size()) out += "…";
  return out;
}

}  // namespace

std::string WithoutWhitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, &i);
    if (cp >= 0x80 && i - start == 1) {
      out += "\uFFFD";  // not UTF-8: shown as a browser shows it
    } else if (!IsSpaceOrInvisible(cp)) {
      out.append(s.substr(start, i - start));
    }
  }
  return out;
}

namespace {

// What PrintedTextOf tracks while it reads the markup.
class PrintedTextReader {
 public:
  // A text node: appended without white space to the printed text, and to
  // the <thead> and the figure being read.
  void Text(std::string_view raw) {
    std::string decoded = DecodeEntities(raw);
    std::string printed = WithoutWhitespace(decoded);
    if (HasRightToLeft(printed)) out_.rtl.push_back({out_.text.size(), out_.text.size() + printed.size()});
    out_.text += printed;
    if (head_of_) out_.tables[*head_of_].head += printed;
    if (figure_) out_.figures[*figure_].text += decoded;
  }

  Status Open(const Tag& tag) {
    const std::string& n = tag.name;
    if (n == "ol") {
      std::string start = tag.Attr("start");
      lists_.push_back({true, start.empty() ? 1 : std::strtol(start.c_str(), nullptr, 10)});
    } else if (n == "ul") {
      lists_.push_back({false, 0});
    } else if (n == "li" && !lists_.empty() && lists_.back().ordered) {
      out_.text += std::to_string(lists_.back().next++) + ".";  // Chromium prints the marker
    } else if (n == "table") {
      out_.tables.push_back({out_.text.size(), out_.text.size(), ""});
      tables_.push_back(out_.tables.size() - 1);
    } else if (n == "thead" && !tables_.empty()) {
      head_of_ = tables_.back();
    } else if (n == "data" && (" " + tag.Attr("class") + " ").find(" fig ") != std::string::npos) {
      if (figure_) return InvalidArgumentError("a figure element inside another");
      out_.figures.push_back({tag.Attr("data-key"), "", out_.text.size(), out_.text.size()});
      figure_ = out_.figures.size() - 1;
    }
    return Status::Ok();
  }

  void Close(const Tag& tag) {
    const std::string& n = tag.name;
    if ((n == "ol" || n == "ul") && !lists_.empty()) {
      lists_.pop_back();
    } else if (n == "table" && !tables_.empty()) {
      out_.tables[tables_.back()].end = out_.text.size();
      tables_.pop_back();
    } else if (n == "thead") {
      head_of_.reset();
    } else if (n == "data" && figure_) {
      out_.figures[*figure_].end = out_.text.size();
      figure_.reset();
    }
  }

  Result<PrintedText> Finish() {
    if (figure_) return InvalidArgumentError("a figure element without </data>");
    return std::move(out_);
  }

 private:
  struct List {
    bool ordered;
    long next;
  };
  PrintedText out_;
  std::vector<List> lists_;
  std::vector<size_t> tables_;     // indices into out_.tables, innermost last
  std::optional<size_t> head_of_;  // the table whose <thead> is being read
  std::optional<size_t> figure_;   // the figure being read
};

// Elements Chromium does not print (none of them nests inside itself in a
// report).
bool NotPrinted(const std::string& n) {
  return n == "head" || n == "script" || n == "style" || n == "nav" || n == "title" || n == "desc";
}

// Skips a comment or declaration starting at `lt`; the position after it.
Result<size_t> SkipDeclaration(std::string_view html, size_t lt) {
  if (html.compare(lt, 4, "<!--") == 0) {
    size_t e = html.find("-->", lt + 4);
    if (e == std::string_view::npos) return InvalidArgumentError("an unterminated HTML comment");
    return e + 3;
  }
  size_t e = html.find('>', lt);
  if (e == std::string_view::npos) return InvalidArgumentError("an unterminated <!...> declaration");
  return e + 1;
}

}  // namespace

Result<PrintedText> PrintedTextOf(std::string_view html) {
  PrintedTextReader reader;
  size_t pos = 0;
  while (pos < html.size()) {
    size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos) {
      reader.Text(html.substr(pos));
      break;
    }
    reader.Text(html.substr(pos, lt - pos));
    if (html.compare(lt, 2, "<!") == 0 || html.compare(lt, 2, "<?") == 0) {
      LIFELINE_ASSIGN_OR_RETURN(pos, SkipDeclaration(html, lt));
      continue;
    }
    LIFELINE_ASSIGN_OR_RETURN(Tag tag, ParseTag(html, lt, &pos));
    if (tag.closing) {
      reader.Close(tag);
    } else if (NotPrinted(tag.name)) {
      std::string close = "</" + tag.name + ">";
      size_t e = html.find(close, pos);
      if (e == std::string_view::npos) return InvalidArgumentError("a <" + tag.name + "> element without " + close);
      pos = e + close.size();
    } else {
      LIFELINE_RETURN_IF_ERROR(reader.Open(tag));
    }
  }
  return reader.Finish();
}

namespace {

// The expected text (the HTML's) and the PDF's, both without white space,
// and the byte offsets of the PDF's pages.
struct TextPair {
  const PrintedText& expected;
  const std::string& want;
  std::string pdf;
  std::vector<size_t> starts;
  std::vector<size_t> figure_starts;

  std::string PageName(size_t at) const { return "page " + std::to_string(std::max<size_t>(1, PageOf(starts, at))); }
};

// Chromium repeats a table's header row at the top of each page the table
// continues on: at a page start j, inside a table at i, skips it.
void SkipRepeatedHeader(const TextPair& t, size_t i, size_t* j) {
  if (*j >= t.pdf.size() || !std::binary_search(t.starts.begin(), t.starts.end(), *j)) return;
  for (const auto& table : t.expected.tables) {
    if (!table.head.empty() && table.begin < i && i < table.end &&
        t.pdf.compare(*j, table.head.size(), table.head) == 0 && t.want.compare(i, table.head.size(), table.head) != 0) {
      *j += table.head.size();
      return;
    }
  }
}

// A run of right-to-left text: Chromium draws it in visual order, and
// poppler returns its words and ligatures in an order of its own. The run
// must hold the same letters, as many of each; true (and both moved past
// it) when it does.
bool MatchRightToLeftRun(const TextPair& t, size_t* i, size_t* j) {
  for (const auto& [b, e] : t.expected.rtl) {
    if (!(b <= *i && *i < e)) continue;
    if (*j < *i - b || *j - (*i - b) + (e - b) > t.pdf.size()) return false;
    size_t pb = *j - (*i - b);
    if (SortedLetters(std::string_view(t.want).substr(b, e - b)) !=
        SortedLetters(std::string_view(t.pdf).substr(pb, e - b))) {
      return false;
    }
    *i = e;
    *j = pb + (e - b);
    return true;
  }
  return false;
}

// Where the texts agree again after a difference at (i, j): the nearest
// (fewest characters skipped in both) 24 bytes that match, or both ends.
std::optional<std::pair<size_t, size_t>> Resync(const TextPair& t, size_t i, size_t j) {
  constexpr size_t kWindow = 24, kReach = 256;
  for (size_t s = 1; s <= 2 * kReach; ++s) {
    for (size_t l = s > kReach ? s - kReach : 0; l <= std::min(s, kReach); ++l) {
      size_t k = s - l, a = i + l, b = j + k;
      if (a > t.want.size() || b > t.pdf.size()) continue;
      if (a == t.want.size() && b == t.pdf.size()) return std::make_pair(a, b);
      // Up to the next figure at most, so that a second edit close by is
      // reported as its own difference. (A short window may resume at a
      // wrong place; that changes how later differences are described,
      // never whether a difference is found.)
      size_t w = std::min(kWindow, t.want.size() - a);
      auto next = std::upper_bound(t.figure_starts.begin(), t.figure_starts.end(), a);
      if (next != t.figure_starts.end()) w = std::min(w, *next - a);
      if (w > 0 && b + w <= t.pdf.size() && (w == kWindow || a + w < t.want.size() || b + w == t.pdf.size()) &&
          t.want.compare(a, w, t.pdf, b, w) == 0) {
        return std::make_pair(a, b);
      }
    }
  }
  return std::nullopt;
}

// The difference at (i, j): named by the figure it falls in (or right after:
// a digit appended), else by its page.
FigureDiff Describe(const TextPair& t, size_t i, size_t j, const std::optional<std::pair<size_t, size_t>>& sync) {
  const PrintedText::Figure* fig = nullptr;
  for (const auto& f : t.expected.figures) {
    if (f.begin <= i && i < f.end) {
      fig = &f;
      break;
    }
    if (f.end == i && f.end > f.begin) fig = &f;
  }
  if (fig == nullptr) return {t.PageName(j), "pdf-text", Around(t.pdf, j), Around(t.want, i)};
  // The PDF's text where the figure would be; a PDF whose text before the
  // difference is shorter than the figure's start in it begins at 0.
  size_t pb = SnapBack(t.pdf, j >= i - fig->begin ? j - (i - fig->begin) : 0);
  size_t pe;
  if (sync && sync->first <= fig->end) {
    pe = sync->second + (fig->end - sync->first);
  } else if (sync) {
    pe = sync->second;
  } else {
    pe = j + (fig->end - i);
  }
  pe = std::max(pb, SnapBack(t.pdf, std::min(pe, t.pdf.size())));
  return {fig->key, "pdf-text", t.pdf.substr(pb, pe - pb), fig->text};
}

}  // namespace

std::vector<FigureDiff> ComparePrintedText(const PrintedText& expected, const std::vector<std::string>& pages,
                                           size_t max_diffs) {
  TextPair t{expected, expected.text, "", {}, {}};
  for (const auto& p : pages) {
    t.starts.push_back(t.pdf.size());
    t.pdf += WithoutWhitespace(p);
  }
  for (const auto& f : expected.figures) t.figure_starts.push_back(f.begin);
  std::vector<FigureDiff> diffs;
  size_t i = 0, j = 0;
  // Where the last right-to-left run or resynchronisation left the
  // comparison: moving back to a code point's start never crosses it (with
  // malformed UTF-8 a run can end inside a sequence, and crossing back into
  // the run would match it again, forever).
  size_t settled = 0;
  while (diffs.size() < max_diffs) {
    SkipRepeatedHeader(t, i, &j);
    auto next_start = std::upper_bound(t.starts.begin(), t.starts.end(), j);
    size_t limit = next_start == t.starts.end() ? t.pdf.size() : *next_start;
    while (i < t.want.size() && j < limit && t.want[i] == t.pdf[j]) {
      ++i;
      ++j;
    }
    if (i == t.want.size() && j == t.pdf.size()) break;
    if (j == limit && j < t.pdf.size() && i < t.want.size()) continue;  // a page boundary: check for a header row
    // They differ at the code point that holds byte i (j): the bytes before
    // it match, so both move back by the same count.
    size_t back = i - std::max(SnapBack(t.want, i), settled);
    i -= back;
    j -= back;
    if (i == t.want.size()) {
      diffs.push_back({t.PageName(j), "pdf-text", Around(t.pdf, j), "(the end of the report's text)"});
      break;
    }
    if (j == t.pdf.size()) {
      diffs.push_back({t.PageName(j), "pdf-text", "(the end of the PDF's text)", Around(t.want, i)});
      break;
    }
    if (MatchRightToLeftRun(t, &i, &j)) {
      settled = i;
      continue;
    }
    auto sync = Resync(t, i, j);
    diffs.push_back(Describe(t, i, j, sync));
    if (!sync) break;
    std::tie(i, j) = *sync;
    settled = i;
  }
  return diffs;
}

}  // namespace lifeline::report
