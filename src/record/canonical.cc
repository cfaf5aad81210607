#include "record/canonical.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <vector>

namespace lifeline::record {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 64;

// UTF-16 code units of a UTF-8 string (already validated by the parser).
std::u16string Utf16(const std::string& s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    uint8_t c = static_cast<uint8_t>(s[i]);
    uint32_t cp;
    int len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (int j = 1; j < len && i + j < s.size(); ++j) cp = (cp << 6) | (static_cast<uint8_t>(s[i + j]) & 0x3f);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

void AppendString(std::string* out, const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  // Runs of characters that need no escape are copied whole.
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        *out += "\\u00";
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xf]);
    }
  }
  out->append(s, run, s.size() - run);
  out->push_back('"');
}

// Integers of magnitude up to 2^53 are exactly doubles whose shortest
// ECMAScript form is the integer's own digits: no float formatting needed.
bool AppendSmallInteger(std::string* out, int64_t i) {
  constexpr int64_t kExact = int64_t{1} << 53;
  if (i < -kExact || i > kExact) return false;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), i);
  out->append(buf, r.ptr);
  return true;
}

Status AppendValue(std::string* out, const json& v, int depth) {
  if (depth > kMaxDepth) return InvalidArgumentError("JSON nested deeper than " + std::to_string(kMaxDepth));
  switch (v.type()) {
    case json::value_t::null: *out += "null"; return Status::Ok();
    case json::value_t::boolean: *out += v.get<bool>() ? "true" : "false"; return Status::Ok();
    case json::value_t::string: AppendString(out, v.get_ref<const std::string&>()); return Status::Ok();
    case json::value_t::number_integer: {
      auto i = v.get<int64_t>();
      if (AppendSmallInteger(out, i)) return Status::Ok();
      double d = static_cast<double>(i);
      if (d < -9223372036854775808.0 || d >= 9223372036854775808.0 || static_cast<int64_t>(d) != i) {
        return InvalidArgumentError("integer " + std::to_string(i) + " is not exactly representable as a double");
      }
      *out += FormatNumber(static_cast<double>(i));
      return Status::Ok();
    }
    case json::value_t::number_unsigned: {
      auto u = v.get<uint64_t>();
      if (u <= (uint64_t{1} << 53) && AppendSmallInteger(out, static_cast<int64_t>(u))) return Status::Ok();
      double d = static_cast<double>(u);
      if (d >= 18446744073709551616.0 || static_cast<uint64_t>(d) != u) {
        return InvalidArgumentError("integer " + std::to_string(u) + " is not exactly representable as a double");
      }
      *out += FormatNumber(static_cast<double>(u));
      return Status::Ok();
    }
    case json::value_t::number_float: {
      double d = v.get<double>();
      if (!std::isfinite(d)) return InvalidArgumentError("number is not finite");
      *out += FormatNumber(d);
      return Status::Ok();
    }
    case json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& e : v) {
        if (!first) out->push_back(',');
        first = false;
        LIFELINE_RETURN_IF_ERROR(AppendValue(out, e, depth + 1));
      }
      out->push_back(']');
      return Status::Ok();
    }
    case json::value_t::object: {
      // nlohmann keeps members sorted by UTF-8 bytes, which is code point
      // order; JCS wants UTF-16 code unit order. They differ only when a key
      // holds a character above U+FFFF, so sort only then.
      bool ascii_order = true;
      for (auto it = v.begin(); it != v.end() && ascii_order; ++it) {
        for (unsigned char c : it.key()) {
          if (c >= 0xF0) {  // a 4-byte UTF-8 sequence: outside the BMP
            ascii_order = false;
            break;
          }
        }
      }
      out->push_back('{');
      bool first = true;
      auto member = [&](const std::string& key, const json& value) -> Status {
        if (!first) out->push_back(',');
        first = false;
        AppendString(out, key);
        out->push_back(':');
        Status s = AppendValue(out, value, depth + 1);
        return s.ok() ? s : s.Annotate("member \"" + key + "\"");
      };
      if (ascii_order) {
        for (auto it = v.begin(); it != v.end(); ++it) LIFELINE_RETURN_IF_ERROR(member(it.key(), it.value()));
      } else {
        std::vector<std::pair<std::u16string, const std::string*>> keys;
        keys.reserve(v.size());
        for (auto it = v.begin(); it != v.end(); ++it) keys.emplace_back(Utf16(it.key()), &it.key());
        std::sort(keys.begin(), keys.end());
        for (const auto& [u16, key] : keys) LIFELINE_RETURN_IF_ERROR(member(*key, v.at(*key)));
      }
      out->push_back('}');
      return Status::Ok();
    }
    case json::value_t::binary:
    case json::value_t::discarded: return InvalidArgumentError("not a JSON value");
  }
  return InternalError("unknown JSON type");
}

}  // namespace

std::string FormatNumber(double v) {
  if (v == 0) return "0";  // also -0
  std::string sign;
  if (v < 0) {
    sign = "-";
    v = -v;
  }
  // Shortest round-trip digits in scientific form: d[.ddd]e[+-]xx.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  size_t e = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  int exp10 = std::stoi(sci.substr(e + 1));
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;  // value = 0.digits * 10^n
  std::string out = sign;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n));
    out += '.';
    out += digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += (n - 1 >= 0) ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

Result<json> ParseJson(std::string_view text) {
  // Duplicate member names are found with the parser's callback: a set of
  // names per open object.
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  int depth = 0;
  bool too_deep = false;
  json::parser_callback_t cb = [&](int d, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start:
        open.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open.empty()) open.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open.empty() && !open.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default:
        break;
    }
    depth = std::max(depth, d);
    if (d > kMaxDepth) too_deep = true;
    return true;
  };
  json v;
  try {
    v = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/true);
  } catch (const json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 3: ..." -> the part after "] ".
    size_t p = what.find("] ");
    return InvalidArgumentError("invalid JSON: " + (p == std::string::npos ? what : what.substr(p + 2)));
  }
  if (!duplicate.empty()) return InvalidArgumentError("invalid JSON: duplicate member name \"" + duplicate + "\"");
  if (too_deep) return InvalidArgumentError("invalid JSON: nested deeper than " + std::to_string(kMaxDepth));
  // Numbers: check that every one survives canonicalisation.
  auto canonical = Canonicalize(v);
  if (!canonical.ok()) return canonical.status();
  return v;
}

Result<std::string> Canonicalize(const json& value) {
  std::string out;
  out.reserve(512);
  LIFELINE_RETURN_IF_ERROR(AppendValue(&out, value, 0));
  return out;
}

Result<std::string> CanonicalizeText(std::string_view text) {
  LIFELINE_ASSIGN_OR_RETURN(json v, ParseJson(text));
  return Canonicalize(v);
}

}  // namespace lifeline::record
