#include "server/visibility.h"

#include <map>
#include <nlohmann/json.hpp>

#include "base/kinds.h"

namespace lifeline::server {

CaseVisibility CaseVisibility::Everything() {
  CaseVisibility v;
  v.everything_ = true;
  return v;
}

Result<CaseVisibility> CaseVisibility::PublicOnly(store::LogStore& st) {
  // case id -> every current case record of it says "public": true. Cases
  // that ever existed but have no current case record stay out (retracted).
  std::map<std::string, bool> current;
  std::set<std::string> ever;
  store::RecordQuery q;
  q.kind = kinds::kCase;
  q.current_only = false;
  store::RecordQuery cq = q;
  cq.current_only = true;
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(cq, [&](const store::RecordRow& r) -> Status {
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    const bool is_public = body.is_object() && body.value("public", false) == true;
    auto [it, fresh] = current.try_emplace(r.case_id, is_public);
    if (!fresh) it->second = it->second && is_public;
    return Status::Ok();
  }));
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& r) -> Status {
    ever.insert(r.case_id);
    return Status::Ok();
  }));
  CaseVisibility v;
  for (const auto& [id, is_public] : current) {
    if (is_public) v.readable_.insert(id);
  }
  v.hides_some_ = ever.size() > v.readable_.size();
  return v;
}

}  // namespace lifeline::server
