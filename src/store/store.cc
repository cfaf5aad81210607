#include "store/store.h"

namespace lifeline::store {

bool MatchesQuery(const RecordRow& r, const RecordQuery& q) {
  if (!q.kind.empty() && r.kind != q.kind) return false;
  if (!q.case_id.empty() && r.case_id != q.case_id) return false;
  if (!q.route.empty() && r.route != q.route) return false;
  if (!q.from.empty() || !q.to.empty()) {
    if (r.date_from.empty()) return false;
    if (!q.to.empty() && r.date_from > q.to) return false;
    const std::string& end = r.date_to.empty() ? std::string("9999-12-31") : r.date_to;
    if (!q.from.empty() && end < q.from) return false;
  }
  if (!q.text.empty() && r.body.find(q.text) == std::string::npos) return false;
  return true;
}

}  // namespace lifeline::store
