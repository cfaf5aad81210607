// Reading configuration written in TOML (forecast scenarios, alert rules,
// import mappings) with errors that name the file, the line and the key:
// "airlift.toml:12: commodity.threshhold: unknown key (known: ...)".
//
// toml++ is a compiled library here, built with exceptions: toml::parse
// throws toml::parse_error, caught in ParseToml and nowhere else in
// Lifeline. Every module that reads TOML parses it through ParseToml.
//
// Pure: no I/O, no shared state; safe to call from any thread.
#ifndef LIFELINE_CONFIG_TOML_FIELDS_H_
#define LIFELINE_CONFIG_TOML_FIELDS_H_

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline::config {

// The line a node starts on (1-based); 0 when it has none.
inline uint64_t LineOf(const toml::node& n) { return n.source().begin.line; }

// Errors of one TOML file, each "NAME:LINE: KEY: MESSAGE" (InvalidArgument),
// or "NAME: KEY: MESSAGE" for line 0: an error of the file as a whole (a
// required key missing, two keys that contradict each other).
class TomlErrors {
 public:
  explicit TomlErrors(std::string_view name) : name_(name) {}
  Status At(uint64_t line, std::string_view key, std::string_view message) const;
  Status At(const toml::node& n, std::string_view key, std::string_view message) const {
    return At(LineOf(n), key, message);
  }

 private:
  std::string name_;
};

// Parses `text`; a syntax error names its line and the key "(toml)".
Result<toml::table> ParseToml(std::string_view text, std::string_view name, const TomlErrors& err);

// Rejects keys of `t` outside `keys`, naming the first one's line; `prefix`
// ("commodity.") is put before the key in the message.
Status CheckKeys(const toml::table& t, std::initializer_list<std::string_view> keys, const TomlErrors& err,
                 std::string_view prefix);

// A non-empty string.
Result<std::string> TomlString(const toml::node& n, std::string_view key, const TomlErrors& err);
// An integer or a finite float.
Result<double> TomlNumber(const toml::node& n, std::string_view key, const TomlErrors& err);
// An integer in [lo, hi].
Result<int64_t> TomlInteger(const toml::node& n, std::string_view key, const TomlErrors& err, int64_t lo,
                            int64_t hi);

// Calls f(table) for each table of an array of tables ([[key]]).
template <typename F>
Status ForEachTable(const toml::node& n, std::string_view key, const TomlErrors& err, F f) {
  const auto* a = n.as_array();
  if (!a) return err.At(n, key, "must be an array of tables ([[" + std::string(key) + "]])");
  for (const toml::node& e : *a) {
    const auto* t = e.as_table();
    if (!t) return err.At(e, key, "must be a table");
    LIFELINE_RETURN_IF_ERROR(f(*t));
  }
  return Status::Ok();
}

}  // namespace lifeline::config

#endif  // LIFELINE_CONFIG_TOML_FIELDS_H_
