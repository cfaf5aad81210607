#include "analysis/json_writer.h"

#include <algorithm>
#include <sstream>

#include "base/check.h"

namespace lifeline::analysis {

JsonWriter::JsonWriter(std::ostream& out, int indent)
    : out_(out),
      indent_(indent),
      ser_(nlohmann::detail::output_adapter<char>(buf_), ' ', nlohmann::json::error_handler_t::replace) {}

JsonWriter::~JsonWriter() { Flush(); }

void JsonWriter::Flush() {
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  buf_.clear();
}

void JsonWriter::Written() {
  if (stack_.empty() || buf_.size() >= kFlushAt) Flush();
}

// nlohmann's pretty layout: a container's first element on a new line one
// level in, "," then a new line between elements, the closing bracket on a
// new line at the container's level; an empty container is "{}" or "[]".
void JsonWriter::Newline(size_t depth) {
  static constexpr std::string_view kSpaces = "                                                                ";
  buf_ += '\n';
  for (size_t n = depth * static_cast<size_t>(indent_); n > 0;) {
    size_t k = std::min(n, kSpaces.size());
    buf_.append(kSpaces.data(), k);
    n -= k;
  }
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Frame& f = stack_.back();
  LIFELINE_CHECK(!f.object, "JsonWriter: a value in an object needs a Key first");
  if (f.count++ > 0) buf_ += ',';
  if (indent_ >= 0) Newline(stack_.size());
}

void JsonWriter::Open(bool object, char c) {
  BeforeValue();
  buf_ += c;
  stack_.push_back(Frame{object, 0, {}});
}

void JsonWriter::Close(char c) {
  LIFELINE_CHECK(!stack_.empty() && !after_key_, "JsonWriter: unbalanced close");
  const bool had = stack_.back().count > 0;
  stack_.pop_back();
  if (had && indent_ >= 0) Newline(stack_.size());
  buf_ += c;
  Written();
}

void JsonWriter::BeginObject() { Open(true, '{'); }
void JsonWriter::EndObject() { Close('}'); }
void JsonWriter::BeginArray() { Open(false, '['); }
void JsonWriter::EndArray() { Close(']'); }

void JsonWriter::Key(std::string_view key) {
  LIFELINE_CHECK(!stack_.empty() && stack_.back().object && !after_key_, "JsonWriter: a key outside an object");
  Frame& f = stack_.back();
  // nlohmann::json keeps members in a std::map: dump() writes them sorted.
  LIFELINE_CHECK(f.count == 0 || key > f.last_key, "JsonWriter: keys out of nlohmann's order");
  f.last_key.assign(key);
  if (f.count++ > 0) buf_ += ',';
  if (indent_ >= 0) Newline(stack_.size());
  WriteString(key);
  buf_.append(indent_ >= 0 ? ": " : ":");
  after_key_ = true;
}

void JsonWriter::Value(const nlohmann::json& v) {
  BeforeValue();
  if (indent_ >= 0) {
    ser_.dump(v, true, false, static_cast<unsigned>(indent_), static_cast<unsigned>(stack_.size() * indent_));
  } else {
    ser_.dump(v, false, false, 0);
  }
  Written();
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  WriteString(s);
  Written();
}

void JsonWriter::WriteString(std::string_view s) {
  // Printable ASCII other than '"' and '\\' is written as is by dump();
  // anything else (escapes, UTF-8, invalid bytes replaced) by dump() itself.
  bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) return ser_.dump(nlohmann::json(std::string(s)), false, false, 0);
  buf_ += '"';
  buf_.append(s);
  buf_ += '"';
}

void JsonWriter::Strings(const std::vector<std::string>& v) { StringRange(v); }

void WriteObject(JsonWriter& w, JsonMembers members) {
  std::sort(members.begin(), members.end(), [](const JsonMember& a, const JsonMember& b) { return a.key < b.key; });
  w.BeginObject();
  for (const auto& m : members) {
    w.Key(m.key);
    m.write(w);
  }
  w.EndObject();
}

JsonMembers MembersOf(nlohmann::json obj) {
  JsonMembers members;
  for (auto& [key, value] : obj.items()) {
    auto v = std::make_shared<nlohmann::json>(std::move(value));
    members.push_back({key, [v](JsonWriter& w) { w.Value(*v); }});
  }
  return members;
}

std::string JsonText(const std::function<void(JsonWriter&)>& write, int indent) {
  std::ostringstream o;
  JsonWriter w(o, indent);
  write(w);
  w.Flush();
  return std::move(o).str();
}

}  // namespace lifeline::analysis
