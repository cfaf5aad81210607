#include "record/framework.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "base/check.h"

namespace lifeline::record {

// framework_data.cc (generated): (file, text) of every framework file.
const std::vector<std::pair<std::string_view, std::string_view>>& FrameworkFiles();

namespace {

using nlohmann::json;

Result<std::string> Text(const json& obj, const char* key, const std::string& where, bool required = true) {
  auto it = obj.find(key);
  if (it == obj.end() && !required) return std::string();
  if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return InvalidArgumentError(where + ": \"" + key + "\" must be a non-empty string");
  }
  return it->get<std::string>();
}

Result<FrameworkFactor> ParseFactor(const json& f, const std::string& where) {
  if (!f.is_object()) return InvalidArgumentError(where + ": a factor must be an object");
  FrameworkFactor factor;
  LIFELINE_ASSIGN_OR_RETURN(factor.id, Text(f, "id", where));
  const std::string at = where + " " + factor.id;
  LIFELINE_ASSIGN_OR_RETURN(factor.name, Text(f, "name", at));
  LIFELINE_ASSIGN_OR_RETURN(factor.group, Text(f, "group", at));
  auto list = f.find("indicators");
  if (list == f.end() || !list->is_array()) return InvalidArgumentError(at + ": \"indicators\" must be an array");
  // "RF7" numbers its indicators "7.1", "7.2", ...
  const std::string prefix = factor.id.substr(factor.id.find_first_of("0123456789") == std::string::npos
                                                  ? factor.id.size()
                                                  : factor.id.find_first_of("0123456789")) + ".";
  std::set<std::string> seen;
  for (const json& i : *list) {
    if (!i.is_object()) return InvalidArgumentError(at + ": an indicator must be an object {id, label}");
    FrameworkIndicator ind;
    LIFELINE_ASSIGN_OR_RETURN(ind.id, Text(i, "id", at + " indicator"));
    LIFELINE_ASSIGN_OR_RETURN(ind.label, Text(i, "label", at + " indicator " + ind.id));
    if (ind.id.rfind(prefix, 0) != 0) {
      return InvalidArgumentError(at + ": indicator " + ind.id + " must be numbered " + prefix + "N");
    }
    if (!seen.insert(ind.id).second) return InvalidArgumentError(at + ": indicator " + ind.id + " appears twice");
    factor.indicators.push_back(std::move(ind));
  }
  return factor;
}

}  // namespace

const FrameworkIndicator* FrameworkFactor::Indicator(std::string_view id) const {
  for (const auto& i : indicators) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

const FrameworkFactor* Framework::Factor(std::string_view id) const {
  for (const auto& f : factors) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

Result<Framework> ParseFramework(std::string_view text, const std::string& file) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgumentError(file + ": not a JSON object");
  Framework fw;
  fw.file = file;
  LIFELINE_ASSIGN_OR_RETURN(fw.id, Text(j, "id", file));
  LIFELINE_ASSIGN_OR_RETURN(fw.title, Text(j, "title", file));
  LIFELINE_ASSIGN_OR_RETURN(fw.url, Text(j, "url", file));
  LIFELINE_ASSIGN_OR_RETURN(fw.publisher, Text(j, "publisher", file, false));
  LIFELINE_ASSIGN_OR_RETURN(fw.published, Text(j, "published", file, false));
  LIFELINE_ASSIGN_OR_RETURN(fw.note, Text(j, "note", file, false));
  auto factors = j.find("factors");
  if (factors == j.end() || !factors->is_array() || factors->empty()) {
    return InvalidArgumentError(file + ": \"factors\" must be a non-empty array");
  }
  std::set<std::string> seen;
  for (const json& f : *factors) {
    LIFELINE_ASSIGN_OR_RETURN(FrameworkFactor factor, ParseFactor(f, file + ": factor"));
    if (!seen.insert(factor.id).second) return InvalidArgumentError(file + ": factor " + factor.id + " appears twice");
    fw.factors.push_back(std::move(factor));
  }
  return fw;
}

const std::vector<Framework>& Frameworks() {
  static const std::vector<Framework> all = [] {
    std::vector<Framework> v;
    for (const auto& [file, text] : FrameworkFiles()) {
      auto fw = ParseFramework(text, std::string(file));
      LIFELINE_CHECK(fw.ok(), fw.ok() ? "" : fw.status().ToString().c_str());
      // The id names the file: data/frameworks/<id>.json.
      LIFELINE_CHECK(file.size() > fw->id.size() + 5 && file.substr(file.size() - fw->id.size() - 6) == "/" + fw->id + ".json",
                     "a framework's id must be its file's name");
      v.push_back(std::move(*fw));
    }
    std::sort(v.begin(), v.end(), [](const Framework& a, const Framework& b) { return a.id < b.id; });
    return v;
  }();
  return all;
}

const Framework* FindFramework(std::string_view id) {
  for (const auto& f : Frameworks()) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::string FrameworkIds() {
  std::string ids;
  for (const auto& f : Frameworks()) ids += (ids.empty() ? "" : ", ") + f.id;
  return ids;
}

}  // namespace lifeline::record
