#include "report/text_layer.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdint>
#include <optional>
#include <utility>

namespace lifeline::report {
namespace {

// The next code point of `s` at `*i` (advanced past it); a byte that does not
// start a valid UTF-8 sequence is returned as itself (>= 0x80 < 0x100).
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
    if (!IsSpaceOrInvisible(cp)) out.append(s.substr(start, i - start));
  }
  return out;
}

Result<PrintedText> PrintedTextOf(std::string_view html) {
  PrintedText out;
  struct List {
    bool ordered;
    long next;
  };
  std::vector<List> lists;
  std::vector<size_t> tables;  // indices into out.tables, innermost last
  std::optional<size_t> head_of;  // the table whose <thead> is being read
  std::optional<size_t> figure;   // the figure being read
  size_t pos = 0;
  auto text = [&](std::string_view raw) {
    std::string decoded = DecodeEntities(raw);
    std::string printed = WithoutWhitespace(decoded);
    if (HasRightToLeft(printed)) out.rtl.push_back({out.text.size(), out.text.size() + printed.size()});
    out.text += printed;
    if (head_of) out.tables[*head_of].head += printed;
    if (figure) out.figures[*figure].text += decoded;
  };
  while (pos < html.size()) {
    size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos) {
      text(html.substr(pos));
      break;
    }
    text(html.substr(pos, lt - pos));
    if (html.compare(lt, 4, "<!--") == 0) {
      size_t e = html.find("-->", lt + 4);
      if (e == std::string_view::npos) return InvalidArgumentError("an unterminated HTML comment");
      pos = e + 3;
      continue;
    }
    if (html.compare(lt, 2, "<!") == 0 || html.compare(lt, 2, "<?") == 0) {
      size_t e = html.find('>', lt);
      if (e == std::string_view::npos) return InvalidArgumentError("an unterminated <!...> declaration");
      pos = e + 1;
      continue;
    }
    size_t end = 0;
    LIFELINE_ASSIGN_OR_RETURN(Tag tag, ParseTag(html, lt, &end));
    pos = end;
    const std::string& n = tag.name;
    if (!tag.closing) {
      // Elements Chromium does not print: skip to their end tag (none of
      // them nests inside itself in a report).
      if (n == "head" || n == "script" || n == "style" || n == "nav" || n == "title" || n == "desc") {
        std::string close = "</" + n + ">";
        size_t e = html.find(close, pos);
        if (e == std::string_view::npos) return InvalidArgumentError("a <" + n + "> element without " + close);
        pos = e + close.size();
        continue;
      }
      if (n == "ol") {
        std::string start = tag.Attr("start");
        lists.push_back({true, start.empty() ? 1 : std::strtol(start.c_str(), nullptr, 10)});
      } else if (n == "ul") {
        lists.push_back({false, 0});
      } else if (n == "li" && !lists.empty() && lists.back().ordered) {
        out.text += std::to_string(lists.back().next++) + ".";
      } else if (n == "table") {
        out.tables.push_back({out.text.size(), out.text.size(), ""});
        tables.push_back(out.tables.size() - 1);
      } else if (n == "thead" && !tables.empty()) {
        head_of = tables.back();
      } else if (n == "data" && (" " + tag.Attr("class") + " ").find(" fig ") != std::string::npos) {
        if (figure) return InvalidArgumentError("a figure element inside another");
        out.figures.push_back({tag.Attr("data-key"), "", out.text.size(), out.text.size()});
        figure = out.figures.size() - 1;
      }
    } else {
      if ((n == "ol" || n == "ul") && !lists.empty()) {
        lists.pop_back();
      } else if (n == "table" && !tables.empty()) {
        out.tables[tables.back()].end = out.text.size();
        tables.pop_back();
      } else if (n == "thead") {
        head_of.reset();
      } else if (n == "data" && figure) {
        out.figures[*figure].end = out.text.size();
        figure.reset();
      }
    }
  }
  if (figure) return InvalidArgumentError("a figure element without </data>");
  return out;
}

std::vector<FigureDiff> ComparePrintedText(const PrintedText& expected, const std::vector<std::string>& pages,
                                           size_t max_diffs) {
  std::string pdf;
  std::vector<size_t> starts;
  for (const auto& p : pages) {
    starts.push_back(pdf.size());
    pdf += WithoutWhitespace(p);
  }
  const std::string& want = expected.text;
  std::vector<FigureDiff> diffs;
  std::vector<size_t> figure_starts;
  for (const auto& f : expected.figures) figure_starts.push_back(f.begin);
  size_t i = 0, j = 0;
  auto page_name = [&](size_t at) { return "page " + std::to_string(std::max<size_t>(1, PageOf(starts, at))); };
  while (diffs.size() < max_diffs) {
    // Chromium repeats a table's header row at the top of each page the
    // table continues on.
    if (j < pdf.size() && std::binary_search(starts.begin(), starts.end(), j)) {
      for (const auto& t : expected.tables) {
        if (!t.head.empty() && t.begin < i && i < t.end && pdf.compare(j, t.head.size(), t.head) == 0 &&
            want.compare(i, t.head.size(), t.head) != 0) {
          j += t.head.size();
          break;
        }
      }
    }
    auto next_start = std::upper_bound(starts.begin(), starts.end(), j);
    size_t limit = next_start == starts.end() ? pdf.size() : *next_start;
    while (i < want.size() && j < limit && want[i] == pdf[j]) {
      ++i;
      ++j;
    }
    if (i == want.size() && j == pdf.size()) break;
    if (j == limit && j < pdf.size() && i < want.size()) continue;  // a page boundary: check for a header row
    // They differ at the code point that holds byte i (j): the bytes before
    // it match, so both move back by the same count.
    size_t back = i - SnapBack(want, i);
    i -= back;
    j -= back;
    if (i == want.size()) {
      diffs.push_back({page_name(j), "pdf-text", Around(pdf, j), "(the end of the report's text)"});
      break;
    }
    if (j == pdf.size()) {
      diffs.push_back({page_name(j), "pdf-text", "(the end of the PDF's text)", Around(want, i)});
      break;
    }
    // A run of right-to-left text: Chromium draws it in visual order, and
    // poppler returns its words and ligatures in an order of its own. The
    // run must hold the same letters, as many of each.
    bool rtl_matched = false;
    for (const auto& [b, e] : expected.rtl) {
      if (b <= i && i < e && j >= i - b && j - (i - b) + (e - b) <= pdf.size()) {
        size_t pb = j - (i - b);
        if (SortedLetters(std::string_view(want).substr(b, e - b)) ==
            SortedLetters(std::string_view(pdf).substr(pb, e - b))) {
          i = e;
          j = pb + (e - b);
          rtl_matched = true;
        }
        break;
      }
    }
    if (rtl_matched) continue;
    // Where the texts agree again: the nearest (fewest characters skipped
    // in both) 24 bytes that match, or both ends.
    constexpr size_t kWindow = 24, kReach = 256;
    std::optional<std::pair<size_t, size_t>> sync;
    for (size_t s = 1; s <= 2 * kReach && !sync; ++s) {
      for (size_t l = s > kReach ? s - kReach : 0; l <= std::min(s, kReach) && !sync; ++l) {
        size_t k = s - l, a = i + l, b = j + k;
        if (a > want.size() || b > pdf.size()) continue;
        // Up to the next figure at most, so that a second edit close by is
        // reported as its own difference. (A short window may resume at a
        // wrong place; that changes how later differences are described,
        // never whether a difference is found.)
        size_t w = std::min(kWindow, want.size() - a);
        auto next = std::upper_bound(figure_starts.begin(), figure_starts.end(), a);
        if (next != figure_starts.end()) w = std::min(w, *next - a);
        if ((a == want.size() && b == pdf.size()) ||
            (w > 0 && b + w <= pdf.size() && (w == kWindow || a + w < want.size() || b + w == pdf.size()) &&
             want.compare(a, w, pdf, b, w) == 0)) {
          sync = std::make_pair(a, b);
        }
      }
    }
    // The figure the difference falls in (or right after: a digit appended).
    const PrintedText::Figure* fig = nullptr;
    for (const auto& f : expected.figures) {
      if (f.begin <= i && i < f.end) {
        fig = &f;
        break;
      }
      if (f.end == i && f.end > f.begin) fig = &f;
    }
    if (fig != nullptr) {
      size_t pb = j - (i - fig->begin);
      size_t pe;
      if (sync && sync->first <= fig->end) {
        pe = sync->second + (fig->end - sync->first);
      } else if (sync) {
        pe = sync->second;
      } else {
        pe = j + (fig->end - i);
      }
      pe = SnapBack(pdf, std::min(pe, pdf.size()));
      diffs.push_back({fig->key, "pdf-text", pdf.substr(pb, pe - pb), fig->text});
    } else {
      diffs.push_back({page_name(j), "pdf-text", Around(pdf, j), Around(want, i)});
    }
    if (!sync) break;
    i = sync->first;
    j = sync->second;
  }
  return diffs;
}

}  // namespace lifeline::report
