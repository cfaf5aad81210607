// ReadFormChoices (xform.h): the store's cases, sources and routes as a
// form's choices.
#include <nlohmann/json.hpp>

#include "base/kinds.h"
#include "intake/xform.h"

namespace lifeline::intake {
namespace {

using nlohmann::json;

// A choice's label: what a field team recognises the record by.
std::string ChoiceLabel(const json& rec, const std::string& id) {
  const std::string kind = rec.value("kind", "");
  std::string label;
  if (kind == kinds::kSource) {
    label = rec.value("publisher", "") + ": " + rec.value("title", "");
  } else if (kind == kinds::kRoute) {
    label = rec.value("name", "");
  } else {
    label = rec.value("title", "");
  }
  return label.empty() || label == ": " ? id : label;
}

}  // namespace

Result<FormChoices> ReadFormChoices(store::LogStore& store, std::string_view case_id) {
  FormChoices choices;
  bool case_found = false;
  for (std::string_view kind : {kinds::kCase, kinds::kSource, kinds::kRoute}) {
    store::RecordQuery q;
    q.kind = std::string(kind);
    q.case_id = std::string(case_id);
    auto& list = kind == kinds::kCase ? choices.cases : kind == kinds::kSource ? choices.sources : choices.routes;
    Status st = store.ForEachRecord(q, [&](const store::RecordRow& row) -> Status {
      json rec = json::parse(row.body, nullptr, false);
      if (!rec.is_object()) return CorruptionError("record " + row.id + " at index " + std::to_string(row.index) + " is not a JSON object");
      // A case is chosen by its case id: a corrected case record (its id
      // "nk.c1", superseding "nk") still stands for the case "nk".
      const std::string& value = kind == kinds::kCase ? row.case_id : row.id;
      list.emplace_back(value, ChoiceLabel(rec, value));
      if (kind == kinds::kCase && row.case_id == case_id) {
        case_found = true;
        choices.vocabulary = record::VocabularyOf(&rec);
      }
      return Status::Ok();
    });
    if (!st.ok()) return st.Annotate("reading the " + std::string(kind) + " records for the forms");
  }
  if (!case_id.empty() && !case_found) {
    return NotFoundError("no case \"" + std::string(case_id) + "\" in the store (`lifeline list --kind case` lists them)");
  }
  return choices;
}

}  // namespace lifeline::intake
