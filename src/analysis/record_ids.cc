#include "analysis/record_ids.h"

#include <algorithm>
#include <bit>
#include <cstdint>
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
  auto less = [&](int32_t a, int32_t b) { return a != b && names.at(a) < names.at(b); };
  const std::vector<int32_t>& mine = indices();
  const std::vector<int32_t>& theirs = other.indices();
  std::vector<int32_t> out;
  out.reserve(mine.size() + theirs.size());
  const std::vector<int32_t>& shorter = mine.size() <= theirs.size() ? mine : theirs;
  const std::vector<int32_t>& longer = mine.size() <= theirs.size() ? theirs : mine;
  if (shorter.size() * static_cast<size_t>(std::bit_width(longer.size())) >= longer.size()) {
    std::set_union(mine.begin(), mine.end(), theirs.begin(), theirs.end(), std::back_inserter(out), less);
  } else {
    // A few new records into a long list (UpdateIndicators merging a
    // write's records into a range's totals): each found by a search, the
    // runs of the long list between them copied whole. Reading the ids'
    // text only at the search's probes, not at every element.
    auto at = longer.begin();
    for (int32_t x : shorter) {
      // Galloping from where the last one went: few probes when the new
      // ids fall together (ids that sort in the order they are written
      // all go at the end), and each probe reads an id's text from memory
      // that is likely cold.
      auto lo = at, hi = at;
      for (std::ptrdiff_t step = 1; hi != longer.end() && less(*hi, x); step *= 2) {
        lo = hi + 1;
        hi = longer.end() - hi > step ? hi + step : longer.end();
      }
      auto it = std::lower_bound(lo, hi, x, less);
      out.insert(out.end(), at, it);
      at = it != longer.end() && *it == x ? it + 1 : it;
      out.push_back(x);
    }
    out.insert(out.end(), at, longer.end());
  }
  ids_ = std::make_shared<std::vector<int32_t>>(std::move(out));
}

IdOrder::IdOrder(const StringTable& ids, int32_t from)
    : ids_(&ids), from_(std::max(from, 0)),
      rank_(ids.size() - std::min(ids.size(), static_cast<size_t>(from_))), by_rank_(rank_.size()) {
  for (size_t i = 0; i < by_rank_.size(); ++i) by_rank_[i] = from_ + static_cast<int32_t>(i);
  // A merge sort, as in Sorted: ids in log order made introsort fall back
  // to heap sort.
  std::stable_sort(by_rank_.begin(), by_rank_.end(), [&](int32_t a, int32_t b) { return ids.at(a) < ids.at(b); });
  for (size_t r = 0; r < by_rank_.size(); ++r) {
    rank_[static_cast<size_t>(by_rank_[r] - from_)] = static_cast<int32_t>(r);
  }
}

RecordIds IdOrder::Names(const std::vector<int32_t>& rows) const {
  if (ids_ == nullptr) return RecordIds();
  std::vector<int32_t> out;
  // A list that names a good part of the ranked ids (a range's totals and
  // estimates name every movement) is put in order by marking its ranks and
  // reading them back, linear; a short one (a day's) by sorting them.
  if (rows.size() >= rank_.size() / 16) {
    std::vector<uint64_t> seen((rank_.size() + 63) / 64, 0);
    size_t marked = 0;
    for (int32_t r : rows) {
      if (r == kNone || r < from_) continue;
      const auto k = static_cast<size_t>(rank_.at(static_cast<size_t>(r - from_)));
      const uint64_t bit = uint64_t{1} << (k % 64);
      marked += (seen[k / 64] & bit) == 0;
      seen[k / 64] |= bit;
    }
    out.reserve(marked);
    for (size_t w = 0; w < seen.size(); ++w) {
      for (uint64_t bits = seen[w]; bits != 0; bits &= bits - 1) {
        out.push_back(by_rank_[w * 64 + static_cast<size_t>(std::countr_zero(bits))]);
      }
    }
    return RecordIds(*ids_, std::move(out));
  }
  out.reserve(rows.size());
  for (int32_t r : rows) {
    if (r != kNone && r >= from_) out.push_back(rank_.at(static_cast<size_t>(r - from_)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  for (int32_t& k : out) k = by_rank_[static_cast<size_t>(k)];
  return RecordIds(*ids_, std::move(out));
}

void to_json(nlohmann::json& j, const RecordIds& ids) {
  j = nlohmann::json::array();
  for (std::string_view id : ids) j.push_back(std::string(id));
}

}  // namespace lifeline::analysis
