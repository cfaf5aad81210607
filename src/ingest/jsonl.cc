#include "ingest/jsonl.h"

#include <string>
#include <vector>

#include "base/kinds.h"
#include "ingest/fields.h"
#include "tabular/text.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;

constexpr size_t kMaxDepth = 64;

// Builds the value in one SAX pass: nlohmann::json keeps the last of two
// equal keys silently and builds any depth, so both are checked here as the
// value is built, and the parse error's byte position is kept
// (parse(s, nullptr, false) drops it).
class Builder : public nlohmann::json_sax<json> {
 public:
  bool null() override { return Put(json(nullptr)); }
  bool boolean(bool b) override { return Put(json(b)); }
  bool number_integer(number_integer_t v) override { return Put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Put(json(v)); }
  bool string(string_t& s) override { return Put(json(std::move(s))); }
  bool binary(binary_t& b) override { return Put(json::binary(std::move(b))); }
  bool start_object(std::size_t) override { return Open(json::value_t::object); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(json::value_t::array); }
  bool end_array() override { return Close(); }
  bool key(string_t& k) override {
    auto [it, inserted] = open_.back()->get_ref<json::object_t&>().emplace(std::move(k), nullptr);
    if (!inserted) {
      duplicate_key_ = it->first;
      return false;
    }
    slot_ = &it->second;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    position_ = position;
    error_ = ex.what();
    return false;
  }

  json& value() { return root_; }
  const std::string& error() const { return error_; }
  size_t position() const { return position_; }
  const std::optional<std::string>& duplicate_key() const { return duplicate_key_; }
  bool too_deep() const { return too_deep_; }

 private:
  // Puts `v` where the next value goes: the root, the end of the open array,
  // or the member whose key came last. Containers on the open_ stack are
  // never moved while open (an array only grows after its open child closes).
  json* Place(json v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json* top = open_.back();
    if (top->is_array()) {
      auto& a = top->get_ref<json::array_t&>();
      a.push_back(std::move(v));
      return &a.back();
    }
    *slot_ = std::move(v);
    return slot_;
  }
  bool Put(json v) {
    Place(std::move(v));
    return true;
  }
  bool Open(json::value_t t) {
    if (open_.size() >= kMaxDepth) {
      too_deep_ = true;
      return false;
    }
    open_.push_back(Place(json(t)));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }

  json root_;
  std::vector<json*> open_;
  json* slot_ = nullptr;
  std::optional<std::string> duplicate_key_;
  std::string error_;
  size_t position_ = 0;
  bool too_deep_ = false;
};

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
// error ..." -> "syntax error ...": the line is ours, the byte is reported
// apart.
// The text nlohmann quotes ("last read: '...'") is input: escaped so that the
// message is UTF-8 whatever the line held.
std::string CleanParseError(const std::string& what) {
  std::string_view s = what;
  if (size_t p = s.find("column "); p != std::string_view::npos) {
    if (size_t colon = s.find(": ", p); colon != std::string_view::npos) {
      return EscapeForMessage(s.substr(colon + 2));
    }
  }
  if (size_t p = s.find("] "); p != std::string_view::npos) {
    return EscapeForMessage(s.substr(p + 2));
  }
  return EscapeForMessage(what);
}

std::string TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "not an object";
  }
}

void ReadLine(std::string_view text, uint64_t line, const ImportOptions& options,
              ReadResult& out) {
  Builder checker;
  const bool well_formed = json::sax_parse(text, &checker);
  if (!well_formed) {
    if (checker.duplicate_key()) {
      const std::string& key = *checker.duplicate_key();
      out.errors.push_back({line, key.empty() ? std::string("(empty key)") : key,
                            "key " + Quote(*checker.duplicate_key()) +
                                " appears twice in one object"});
    } else if (checker.too_deep()) {
      out.errors.push_back({line, "(line)", "JSON nested deeper than " +
                                                std::to_string(kMaxDepth) + " levels"});
    } else {
      out.errors.push_back({line, "(line)",
                            "not valid JSON at byte " + std::to_string(checker.position()) +
                                " of the line: " + CleanParseError(checker.error())});
    }
    return;
  }
  json value = std::move(checker.value());
  if (!value.is_object()) {
    out.errors.push_back(
        {line, "(line)", "the line holds " + TypeName(value) + ", wanted a JSON object (a record)"});
    return;
  }
  auto kind = value.find("kind");
  if (kind == value.end()) {
    out.errors.push_back({line, "kind", "the record has no kind"});
    return;
  }
  if (!kind->is_string()) {
    out.errors.push_back({line, "kind", "kind must be a string"});
    return;
  }
  if (!options.case_id.empty() && *kind != kinds::kCase) {
    auto c = value.find("case");
    if (c == value.end()) {
      value["case"] = options.case_id;
    } else if (!c->is_string() || *c != options.case_id) {
      out.errors.push_back({line, "case",
                            "the record belongs to case " + Quote(c->dump()) +
                                ", the import is into case " + Quote(options.case_id)});
      return;
    }
  }
  out.rows.push_back({line, std::move(value)});
}

}  // namespace

Result<json> ParseJsonStrictly(std::string_view text) {
  Builder checker;
  if (json::sax_parse(text, &checker)) return std::move(checker.value());
  if (checker.duplicate_key()) {
    return InvalidArgumentError("key " + Quote(*checker.duplicate_key()) +
                                " appears twice in one object");
  }
  if (checker.too_deep()) {
    return InvalidArgumentError("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  return InvalidArgumentError("not valid JSON at byte " + std::to_string(checker.position()) +
                              ": " + CleanParseError(checker.error()));
}

ReadResult ReadJsonLines(std::string_view data, const ImportOptions& options) {
  ReadResult out;
  if (!options.continues_file && data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);
  uint64_t line = 1;
  while (!data.empty()) {
    size_t eol = data.find('\n');
    std::string_view text = data.substr(0, eol);
    data.remove_prefix(eol == std::string_view::npos ? data.size() : eol + 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.starts_with("\xEF\xBB\xBF")) {
      out.errors.push_back({line, "(line)",
                            "the line starts with a byte order mark (U+FEFF): only a file's first line may "
                            "(were two files joined?)"});
    } else if (!tabular::Trim(text).empty()) {
      ReadLine(text, line, options, out);
    }
    ++line;
  }
  return out;
}

}  // namespace lifeline::ingest
