#include "store/current_view.h"

#include <algorithm>

#include "base/kinds.h"

namespace lifeline::store {

std::string CurrentView::Key(const std::string& case_id, const std::string& id) {
  std::string key;
  key.reserve(case_id.size() + 1 + id.size());
  key += case_id;
  key += '\0';
  key += id;
  return key;
}

void CurrentView::Add(const RecordRow& by) {
  if (by.index >= below_size_) return;
  if (!by.supersedes.empty()) {
    auto [it, fresh] = latest_correction_.try_emplace(Key(by.case_id, by.supersedes), by.index);
    if (!fresh) it->second = std::max(it->second, by.index);
  }
  if (by.kind == kinds::kRetraction && !by.target.empty()) retracted_.insert(Key(by.case_id, by.target));
}

bool CurrentView::IsReplaced(const RecordRow& row) const {
  if (row.id.empty() || (latest_correction_.empty() && retracted_.empty())) return false;
  const std::string key = Key(row.case_id, row.id);
  // A correction replaces only an earlier entry: the latest correction of
  // the id decides, so the last record of a supersedes cycle stays current.
  auto c = latest_correction_.find(key);
  if (c != latest_correction_.end() && c->second > row.index) return true;
  return retracted_.count(key) > 0;
}

void CurrentView::Clear() {
  latest_correction_.clear();
  retracted_.clear();
}

}  // namespace lifeline::store
