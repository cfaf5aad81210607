#include "analysis/record_ids.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

namespace lifeline::analysis {

RecordIds RecordIds::Sorted(const StringTable& names, std::vector<int32_t> indices) {
  std::erase(indices, kNone);
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  std::sort(indices.begin(), indices.end(), [&](int32_t a, int32_t b) { return names.at(a) < names.at(b); });
  return RecordIds(names, std::move(indices));
}

void RecordIds::Insert(const StringTable& names, int32_t index) {
  if (index == kNone) return;
  if (names_ == nullptr) names_ = &names;
  const std::string& text = names.at(index);
  auto it = std::lower_bound(ids_.begin(), ids_.end(), text,
                             [&](int32_t a, const std::string& t) { return names.at(a) < t; });
  if (it == ids_.end() || *it != index) ids_.insert(it, index);
}

void RecordIds::Unite(const RecordIds& other) {
  if (other.empty()) return;
  if (ids_.empty()) {
    ids_ = other.ids_;
    if (names_ == nullptr) names_ = other.names_;
    return;
  }
  const StringTable& names = *names_;
  std::vector<int32_t> out;
  out.reserve(ids_.size() + other.ids_.size());
  std::set_union(ids_.begin(), ids_.end(), other.ids_.begin(), other.ids_.end(), std::back_inserter(out),
                 [&](int32_t a, int32_t b) { return a != b && names.at(a) < names.at(b); });
  ids_ = std::move(out);
}

void to_json(nlohmann::json& j, const RecordIds& ids) {
  j = nlohmann::json::array();
  for (const std::string& id : ids) j.push_back(id);
}

}  // namespace lifeline::analysis
