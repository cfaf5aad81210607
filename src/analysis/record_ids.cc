#include "analysis/record_ids.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

namespace lifeline::analysis {

RecordIds RecordIds::Sorted(const StringTable& names, std::vector<int32_t> indices) {
  std::erase(indices, kNone);
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  // A merge sort: on ids in the order a log gives them (mv-0, mv-1, ...)
  // std::sort's introsort kept falling back to heap sort, whose compares
  // (each two reads of the ids' text) were most of the time of a large
  // --explain (BENCHMARKS.md, issue #13). The indices are distinct, so the
  // order is the same.
  std::stable_sort(indices.begin(), indices.end(),
                   [&](int32_t a, int32_t b) { return names.at(a) < names.at(b); });
  return RecordIds(names, std::move(indices));
}

const std::vector<int32_t> RecordIds::kEmpty;

std::vector<int32_t>& RecordIds::Mutable() {
  if (!ids_) {
    ids_ = std::make_shared<std::vector<int32_t>>();
  } else if (ids_.use_count() > 1) {
    ids_ = std::make_shared<std::vector<int32_t>>(*ids_);
  }
  return *ids_;
}

void RecordIds::Insert(const StringTable& names, int32_t index) {
  if (index == kNone) return;
  if (names_ == nullptr) names_ = &names;
  const std::string_view text = names.at(index);
  const std::vector<int32_t>& ids = indices();
  auto it = std::lower_bound(ids.begin(), ids.end(), text,
                             [&](int32_t a, std::string_view t) { return names.at(a) < t; });
  if (it != ids.end() && *it == index) return;
  const auto at = it - ids.begin();
  std::vector<int32_t>& own = Mutable();
  own.insert(own.begin() + at, index);
}

void RecordIds::Append(const StringTable& names, int32_t index) {
  if (index == kNone) return;
  if (names_ == nullptr) names_ = &names;
  Mutable().push_back(index);
}

void RecordIds::Unite(const RecordIds& other) {
  if (other.empty()) return;
  if (empty()) {
    ids_ = other.ids_;
    if (names_ == nullptr) names_ = other.names_;
    return;
  }
  const StringTable& names = *names_;
  std::vector<int32_t> out;
  out.reserve(size() + other.size());
  std::set_union(indices().begin(), indices().end(), other.indices().begin(), other.indices().end(),
                 std::back_inserter(out), [&](int32_t a, int32_t b) { return a != b && names.at(a) < names.at(b); });
  ids_ = std::make_shared<std::vector<int32_t>>(std::move(out));
}

void to_json(nlohmann::json& j, const RecordIds& ids) {
  j = nlohmann::json::array();
  for (std::string_view id : ids) j.push_back(std::string(id));
}

}  // namespace lifeline::analysis
