#include "record/corroboration.h"

#include <nlohmann/json.hpp>
#include <algorithm>
#include <set>
#include <tuple>

#include "base/kinds.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

Result<json> Body(const store::RecordRow& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return CorruptionError("the projection of " + r.id + " is not JSON");
  return j;
}

// Adds the publishers of the sources `rec` (of case `case_id`) cites.
Status AddPublishers(store::LogStore& store, uint64_t tree_size, const std::string& case_id, const json& rec,
                     std::set<std::string>* out) {
  if (!rec.contains("sources") || !rec.at("sources").is_array()) return Status::Ok();
  for (const auto& s : rec.at("sources")) {
    if (!s.is_string()) continue;
    auto row = store.FindRecord(s.get<std::string>());
    if (!row.ok() || row->index >= tree_size) continue;  // validated at submission; a gap here is not ours to judge
    if (!store::SameCase(*row, case_id)) continue;  // references stay within a case (store.h)
    LIFELINE_ASSIGN_OR_RETURN(json src, Body(*row));
    if (src.contains("publisher") && src.at("publisher").is_string()) out->insert(src.at("publisher").get<std::string>());
  }
  return Status::Ok();
}

// As store::RecordQuery::current_only (store.h Replaces), at tree_size.
Result<bool> IsCurrent(store::LogStore& store, uint64_t tree_size, const store::RecordRow& row) {
  bool current = true;
  LIFELINE_RETURN_IF_ERROR(store.ForEachReferrer(row.id, [&](const store::RecordRow& r) {
    if (r.index < tree_size && store::Replaces(r, row)) current = false;
    return Status::Ok();
  }));
  return current;
}

// A claim about one field: kept apart from the record's own corroboration.
void AddFieldClaim(const std::string& id, const json& claim, Corroboration* c) {
  FieldClaim f{claim.at("field").get<std::string>(), claim.value("stance", ""), claim.value("party", ""), id, ""};
  if (claim.contains("value")) f.value = claim.at("value").dump();
  c->field_claims.push_back(std::move(f));
}

}  // namespace

Result<Corroboration> Corroborate(store::LogStore& store, const std::string& id, uint64_t tree_size) {
  LIFELINE_ASSIGN_OR_RETURN(store::RecordRow row, store.FindRecord(id));
  if (row.index >= tree_size) return NotFoundError(id + " is not in the log at tree size " + std::to_string(tree_size));
  LIFELINE_ASSIGN_OR_RETURN(json rec, Body(row));
  Corroboration c;
  std::set<std::string> publishers, parties;
  LIFELINE_RETURN_IF_ERROR(AddPublishers(store, tree_size, row.case_id, rec, &publishers));
  std::vector<store::RecordRow> referrers;
  LIFELINE_RETURN_IF_ERROR(store.ForEachReferrer(id, [&](const store::RecordRow& r) {
    if (r.index < tree_size && store::SameCase(r, row.case_id)) referrers.push_back(r);
    return Status::Ok();
  }));
  for (const auto& r : referrers) {
    if (r.target != id) continue;
    LIFELINE_ASSIGN_OR_RETURN(bool current, IsCurrent(store, tree_size, r));
    if (!current) continue;
    LIFELINE_ASSIGN_OR_RETURN(json ref, Body(r));
    if (r.kind == kinds::kRetraction) {
      c.retracted_by.push_back(r.id);
    } else if (r.kind == kinds::kClaim) {
      std::string stance = ref.value("stance", "");
      if (ref.contains("field") && ref.at("field").is_string()) {
        AddFieldClaim(r.id, ref, &c);
      } else if (stance == "confirms") {
        c.confirmed_by.push_back(r.id);
        LIFELINE_RETURN_IF_ERROR(AddPublishers(store, tree_size, row.case_id, ref, &publishers));
      } else if (stance == "disputes") {
        c.dispute_claims.push_back(r.id);
        parties.insert(ref.value("party", ""));
      }
    }
  }
  std::sort(c.field_claims.begin(), c.field_claims.end(), [](const FieldClaim& a, const FieldClaim& b) {
    return std::tie(a.field, a.claim) < std::tie(b.field, b.claim);
  });
  std::set<std::string> fields;
  for (const FieldClaim& f : c.field_claims) {
    if (f.stance == "disputes") fields.insert(f.field);
  }
  c.disputed_fields.assign(fields.begin(), fields.end());
  c.publishers.assign(publishers.begin(), publishers.end());
  c.disputed_by.assign(parties.begin(), parties.end());
  if (!c.retracted_by.empty()) {
    c.status = "retracted";
  } else if (!c.dispute_claims.empty()) {
    c.status = "disputed";
  } else if (c.publishers.size() >= 2) {
    c.status = "corroborated";
  } else {
    c.status = "single-source";
  }
  return c;
}

}  // namespace lifeline::record
