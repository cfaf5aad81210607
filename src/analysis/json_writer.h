// A streamed JSON writer that writes exactly what nlohmann::json's dump()
// writes for the same document (indent -1 or N, ' ', ensure_ascii false,
// error_handler_t::replace), without holding the document: the analyses'
// outputs grow with the case (every value names its records), and their DOM
// was most of the peak memory of `indicators --format json` on large cases.
//
// Byte-identity with dump() rests on two rules the caller keeps:
// - an object's keys come in nlohmann::json's order (std::map<std::string>:
//   byte-wise ascending). Key() checks it: a key not after the previous one
//   aborts, since the output would silently differ from the DOM's;
// - scalars are formatted by nlohmann's own serializer (Value()), and
//   strings escaped by it unless they are plain printable ASCII.
// Subtrees that are small may still be built as a DOM and written with
// Value(): dumped at the writer's depth, they come out as inside the whole.
//
// Lives in analysis (not base) because it depends on nlohmann::json, which
// base does not; its users are the analyses' JSON in the CLI and the API.
#ifndef LIFELINE_ANALYSIS_JSON_WRITER_H_
#define LIFELINE_ANALYSIS_JSON_WRITER_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lifeline::analysis {

class JsonWriter {
 public:
  // `indent` < 0: compact (dump(-1)); otherwise pretty with that many spaces
  // per level (dump(indent)). "*out" must remain live while this writer is in
  // use. Not thread-safe.
  JsonWriter(std::ostream& out, int indent);
  // Writes what is still buffered.
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Inside an object, before each member's value. Keys strictly ascending.
  void Key(std::string_view key);
  // A whole value (scalar or subtree) in an array, after a Key, or at the top.
  void Value(const nlohmann::json& v);
  void String(std::string_view s);
  void Strings(const std::vector<std::string>& v);  // as a JSON array
  // Any range of strings (a RecordIds list) as a JSON array.
  template <typename Range>
  void StringRange(const Range& v) {
    BeginArray();
    for (const auto& s : v) String(s);
    EndArray();
  }
  // Writes the buffered text to the stream. The writer buffers up to
  // kFlushAt bytes (a stream call per id of a list was most of the time of
  // writing a large case's lists) and flushes by itself when a top-level
  // value is complete; call this before writing to the stream otherwise.
  void Flush();

 private:
  static constexpr size_t kFlushAt = size_t{1} << 16;
  struct Frame {
    bool object;
    size_t count = 0;
    std::string last_key;
  };
  void BeforeValue();
  void WriteString(std::string_view s);  // quoted and escaped, nothing else
  void Open(bool object, char c);
  void Close(char c);
  void Newline(size_t depth);
  void Written();  // after each call: flushes a complete document or a full buffer

  std::ostream& out_;
  std::string buf_;  // before ser_, which writes into it
  int indent_;
  std::vector<Frame> stack_;
  bool after_key_ = false;
  nlohmann::detail::serializer<nlohmann::json> ser_;
};

// One member of a streamed object: its key and what writes its value.
struct JsonMember {
  std::string key;
  std::function<void(JsonWriter&)> write;
};
using JsonMembers = std::vector<JsonMember>;

// Writes an object of `members` in nlohmann's key order (the members may
// come in any order; keys must be distinct).
void WriteObject(JsonWriter& w, JsonMembers members);
// The members of a DOM object, each writing its subtree (moved in).
JsonMembers MembersOf(nlohmann::json obj);
// What nlohmann::json::dump(indent, ' ', false, replace) returns for the
// document `write` writes: for the API's cached bodies and the tests.
std::string JsonText(const std::function<void(JsonWriter&)>& write, int indent);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_JSON_WRITER_H_
