#include "store/store.h"

#include <algorithm>

#include "base/kinds.h"
#include "store/current_view.h"

namespace lifeline::store {
namespace {

// How many scanned rows ForEachRecord gathers before it asks for the records
// that replace them: large enough that a long listing makes few lookups,
// small enough that a page reads few rows beyond its limit (a page gathers
// no more than it still needs).
constexpr uint64_t kBatch = 256;

}  // namespace

Result<std::string> ReadFormat(LogStore& st, const std::string& where) {
  auto format = st.GetMeta("format");
  auto origin = st.GetMeta("origin");
  for (const auto* meta : {&format, &origin}) {
    if (!meta->ok()) {
      return CorruptionError(where + " is not a Lifeline store, or its meta table is damaged (" +
                             meta->status().message() + ")");
    }
  }
  return *format;
}

bool MatchesQuery(const RecordRow& r, const RecordQuery& q) {
  if (!q.kind.empty() && r.kind != q.kind) return false;
  if (!q.case_id.empty() && r.case_id != q.case_id) return false;
  if (!q.route.empty() && r.route != q.route) return false;
  if (r.index < q.from_index) return false;
  if (q.tree_size && r.index >= *q.tree_size) return false;
  if (q.ids && std::find(q.ids->begin(), q.ids->end(), r.id) == q.ids->end()) return false;
  if (q.replacing_only && r.supersedes.empty() && r.kind != kinds::kRetraction) return false;
  if (!q.from.empty() || !q.to.empty()) {
    if (r.date_from.empty()) return false;
    if (!q.to.empty() && r.date_from > q.to) return false;
    const std::string& end = r.date_to.empty() ? std::string("9999-12-31") : r.date_to;
    if (!q.from.empty() && end < q.from) return false;
  }
  if (!q.text.empty() && r.body.find(q.text) == std::string::npos) return false;
  return true;
}

std::vector<std::string> DistinctIds(const RecordQuery& q) {
  std::vector<std::string> ids = q.ids.value_or(std::vector<std::string>());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Status PassFoundRows(std::vector<RecordRow> rows, const RecordQuery& q, const std::function<Status(RecordRow*)>& fill,
                     const std::function<Result<ScanStep>(const RecordRow&)>& fn) {
  std::sort(rows.begin(), rows.end(), [](const RecordRow& a, const RecordRow& b) { return a.index < b.index; });
  for (RecordRow& row : rows) {
    if (fill) LIFELINE_RETURN_IF_ERROR(fill(&row));
    if (!MatchesQuery(row, q)) continue;
    if (!q.with_body) row.body.clear();
    LIFELINE_ASSIGN_OR_RETURN(ScanStep step, fn(row));
    if (step == ScanStep::kStop) return Status::Ok();
  }
  return Status::Ok();
}

Status LogStore::ReplaceRecords(const std::vector<RecordRow>& rows) {
  bool given = false;
  return RebuildRecords([&](std::vector<RecordRow>* batch) -> Result<bool> {
    if (given) return false;
    given = true;
    *batch = rows;
    return true;
  });
}

Result<uint64_t> LogStore::CountRecords(const RecordQuery& q) {
  RecordQuery all = q;
  all.current_only = false;
  all.limit = 0;
  all.with_body = false;  // the text filter reads the body all the same
  uint64_t n = 0;
  LIFELINE_RETURN_IF_ERROR(ScanRecords(all, [&](const RecordRow&) -> Result<ScanStep> {
    ++n;
    return ScanStep::kContinue;
  }));
  return n;
}

Status LogStore::ForEachRecord(const RecordQuery& q, const std::function<Status(const RecordRow&)>& fn) {
  uint64_t passed = 0;  // rows handed to fn
  auto done = [&] { return q.limit != 0 && passed >= q.limit; };
  if (!q.current_only) {
    return ScanRecords(q, [&](const RecordRow& r) -> Result<ScanStep> {
      LIFELINE_RETURN_IF_ERROR(fn(r));
      ++passed;
      return done() ? ScanStep::kStop : ScanStep::kContinue;
    });
  }
  // The current view, a batch at a time: gather scanned rows, read the
  // records that may replace them (an indexed lookup by id), drop the
  // replaced ones (CurrentView: store.h Replaces), pass the others on.
  std::vector<RecordRow> batch;
  std::vector<std::string> ids;
  // Bounded to the query's tree: a correction appended after it replaces
  // nothing there.
  CurrentView view(q.tree_size.value_or(CurrentView::kUnbounded));
  auto flush = [&]() -> Result<ScanStep> {
    std::vector<RecordRow> rows = std::move(batch);
    batch.clear();
    ids.clear();
    for (const auto& r : rows) {
      if (!r.id.empty()) ids.push_back(r.id);
    }
    view.Clear();
    LIFELINE_RETURN_IF_ERROR(ForEachReplacingRecord(ids, [&](const RecordRow& by) {
      view.Add(by);
      return Status::Ok();
    }));
    for (const auto& r : rows) {
      if (view.IsReplaced(r)) continue;
      LIFELINE_RETURN_IF_ERROR(fn(r));
      ++passed;
      if (done()) return ScanStep::kStop;
    }
    return ScanStep::kContinue;
  };
  LIFELINE_RETURN_IF_ERROR(ScanRecords(q, [&](const RecordRow& r) -> Result<ScanStep> {
    batch.push_back(r);
    const uint64_t wanted = q.limit == 0 ? kBatch : std::min(kBatch, q.limit - passed);
    if (batch.size() < wanted) return ScanStep::kContinue;
    return flush();
  }));
  if (batch.empty()) return Status::Ok();
  return flush().status();
}

}  // namespace lifeline::store
