#include "config/toml_fields.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace lifeline::config {

Status TomlErrors::At(uint64_t line, std::string_view key, std::string_view message) const {
  std::string m = name_;
  if (line > 0) m += ":" + std::to_string(line);
  m += ": ";
  m += key;
  m += ": ";
  m += message;
  return InvalidArgumentError(std::move(m));
}

Result<toml::table> ParseToml(std::string_view text, std::string_view name, const TomlErrors& err) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return err.At(e.source().begin.line, "(toml)", e.description());
  }
}

Status CheckKeys(const toml::table& t, std::initializer_list<std::string_view> keys, const TomlErrors& err,
                 std::string_view prefix) {
  for (auto&& [k, v] : t) {
    if (std::find(keys.begin(), keys.end(), k.str()) != keys.end()) continue;
    std::string known;
    for (auto key : keys) known += (known.empty() ? "" : ", ") + std::string(key);
    return err.At(v, std::string(prefix) + std::string(k.str()), "unknown key (known: " + known + ")");
  }
  return Status::Ok();
}

Result<std::string> TomlString(const toml::node& n, std::string_view key, const TomlErrors& err) {
  const auto* s = n.as_string();
  if (!s || s->get().empty()) return err.At(n, key, "must be a non-empty string");
  return s->get();
}

Result<double> TomlNumber(const toml::node& n, std::string_view key, const TomlErrors& err) {
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = n.as_floating_point()) {
    if (!std::isfinite(f->get())) return err.At(n, key, "must be a finite number");
    return f->get();
  }
  return err.At(n, key, "must be a number");
}

Result<int64_t> TomlInteger(const toml::node& n, std::string_view key, const TomlErrors& err, int64_t lo,
                            int64_t hi) {
  const auto* i = n.as_integer();
  if (!i || i->get() < lo || i->get() > hi) {
    return err.At(n, key, "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return i->get();
}

}  // namespace lifeline::config
