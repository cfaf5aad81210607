#include "record/outcome_class.h"

#include <algorithm>
#include <iterator>

namespace lifeline::record {

using nlohmann::json;

namespace {

bool IsClass(const json& v) {
  return v.is_string() && std::find(std::begin(kOutcomeClasses), std::end(kOutcomeClasses),
                                    v.get_ref<const std::string&>()) != std::end(kOutcomeClasses);
}

}  // namespace

std::string OutcomeTermError(const json& entry) {
  const std::string form =
      R"(: an outcome term is {"definition": "<one line>", "counts_as": "completed" | "stopped" | "turned_back"}, )"
      R"(the core outcome it is counted as (e.g. {"diverted": {"definition": "sent to another crossing", )"
      R"("counts_as": "turned_back"}}))";
  if (!entry.is_object()) return "must be an object, not " + entry.dump(-1, ' ', true) + form;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (it.key() != "definition" && it.key() != "counts_as") return "has an unknown member \"" + it.key() + "\"" + form;
  }
  const auto d = entry.find("definition");
  if (d == entry.end() || !d->is_string() || d->get_ref<const std::string&>().empty()) {
    return "needs a non-empty \"definition\"" + form;
  }
  const auto c = entry.find("counts_as");
  if (c == entry.end() || !IsClass(*c)) {
    return "needs \"counts_as\", one of completed, stopped, turned_back (how the analyses count it)" + form;
  }
  return "";
}

const std::string* OutcomeTermDefinition(const json& entry) {
  if (!OutcomeTermError(entry).empty()) return nullptr;
  return &entry.at("definition").get_ref<const std::string&>();
}

OutcomeClasses OutcomeClassesOf(const json* case_record) {
  OutcomeClasses out;
  if (case_record == nullptr || !case_record->is_object()) return out;
  const auto v = case_record->find("vocabulary");
  if (v == case_record->end() || !v->is_object()) return out;
  const auto terms = v->find("outcome");
  if (terms == v->end() || !terms->is_object()) return out;
  for (auto t = terms->begin(); t != terms->end(); ++t) {
    if (OutcomeTermError(t.value()).empty()) out[t.key()] = t.value().at("counts_as").get<std::string>();
  }
  return out;
}

std::optional<std::string_view> OutcomeClassOf(const OutcomeClasses& classes, std::string_view term) {
  if (term.empty() || term == "completed" || term == "departed") return kOutcomeClasses[0];
  if (term == "stopped") return kOutcomeClasses[1];
  if (term == "turned_back") return kOutcomeClasses[2];
  auto it = classes.find(term);
  if (it == classes.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace lifeline::record
