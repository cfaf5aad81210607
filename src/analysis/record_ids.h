// The records behind a computed value, as their id indices in the dataset
// the value was computed from (Dataset::ids), not as strings: a case of ten
// million movements names each of them in several lists (a day's flows, the
// range's totals, the estimates), and as std::string those lists were most
// of an analysis's memory (issue #13). An index costs 4 bytes; the text is
// looked up only when a list is read (JSON, CSV, the report).
//
// A list is kept in the order of its ids' text, each id once (Sorted,
// Insert, Unite), reading as the sorted, distinct strings the lists held
// before; a list built by Append keeps the order it was given.
//
// Ownership: a list points to the StringTable it indexes and does not own
// it. The dataset a result was computed from must outlive every list of the
// result (and its copies) while they are read; UpdateIndicators re-points
// the lists it merges to the newer dataset of the same lineage, whose ids
// extend the older one's (the same index is the same id).
//
// Copies share the indices (copy on write): a range's totals, its estimates
// and the headline figures taken from them name the same million records
// once. The indices of a list are never changed in place while shared.
//
// Thread safety: none; a list is read-only once built and may then be read
// (and copied) by several threads while its table is not appended to.
#ifndef LIFELINE_ANALYSIS_RECORD_IDS_H_
#define LIFELINE_ANALYSIS_RECORD_IDS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/dataset.h"

namespace lifeline::analysis {

class RecordIds {
 public:
  // Reads the ids as views of the text they index (StringTable::at: valid
  // while the table is unchanged).
  class Iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    Iterator() = default;
    Iterator(const StringTable* names, const int32_t* at) : names_(names), at_(at) {}
    reference operator*() const { return names_->at(*at_); }
    reference operator[](difference_type n) const { return names_->at(at_[n]); }
    Iterator& operator++() { return ++at_, *this; }
    Iterator operator++(int) { return Iterator(names_, at_++); }
    Iterator& operator--() { return --at_, *this; }
    Iterator operator--(int) { return Iterator(names_, at_--); }
    Iterator& operator+=(difference_type n) { return at_ += n, *this; }
    Iterator& operator-=(difference_type n) { return at_ -= n, *this; }
    friend Iterator operator+(Iterator i, difference_type n) { return i += n; }
    friend Iterator operator+(difference_type n, Iterator i) { return i += n; }
    friend Iterator operator-(Iterator i, difference_type n) { return i -= n; }
    friend difference_type operator-(const Iterator& a, const Iterator& b) { return a.at_ - b.at_; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.at_ == b.at_; }
    friend auto operator<=>(const Iterator& a, const Iterator& b) { return a.at_ <=> b.at_; }

   private:
    const StringTable* names_ = nullptr;
    const int32_t* at_ = nullptr;
  };
  using value_type = std::string_view;
  using iterator = Iterator;
  using const_iterator = Iterator;

  RecordIds() = default;
  // `indices` into `names`: sorted by their text and distinct (Sorted()
  // makes them so).
  RecordIds(const StringTable& names, std::vector<int32_t> indices)
      : names_(&names),
        ids_(indices.empty() ? nullptr : std::make_shared<std::vector<int32_t>>(std::move(indices))) {}
  // `indices` (any order, repeats, kNone skipped) in text order, each once.
  static RecordIds Sorted(const StringTable& names, std::vector<int32_t> indices);

  size_t size() const { return indices().size(); }
  bool empty() const { return indices().empty(); }
  Iterator begin() const { return Iterator(names_, indices().data()); }
  Iterator end() const { return Iterator(names_, indices().data() + size()); }
  std::string_view operator[](size_t i) const { return names_->at(indices()[i]); }
  std::string_view front() const { return (*this)[0]; }
  std::string_view back() const { return (*this)[size() - 1]; }

  const std::vector<int32_t>& indices() const { return ids_ ? *ids_ : kEmpty; }
  const StringTable* names() const { return names_; }
  // Points the list to `names`, a table in which its indices name the same
  // ids (a newer dataset of the same lineage).
  void Rebind(const StringTable& names) { names_ = &names; }
  // Adds `index` (kNone ignored) keeping the text order: for short lists
  // gathered one record at a time.
  void Insert(const StringTable& names, int32_t index);
  // This list united with `other` (both in text order; other's indices
  // valid in this list's table, or this list empty): one linear merge.
  void Unite(const RecordIds& other);
  // Appends `index` (kNone ignored) as it comes: for the few lists whose
  // order is the order they were given in, not the text's.
  void Append(const StringTable& names, int32_t index);
  // The ids as strings (a copy): for tests and small lists.
  std::vector<std::string> Strings() const { return {begin(), end()}; }

  friend bool operator==(const RecordIds& a, const RecordIds& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }
  friend bool operator==(const RecordIds& a, const std::vector<std::string>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  static const std::vector<int32_t> kEmpty;
  // The indices to change: this list's own (a copy, if they were shared).
  std::vector<int32_t>& Mutable();

  const StringTable* names_ = nullptr;
  std::shared_ptr<std::vector<int32_t>> ids_;  // null: empty; changed in place only if not shared
};

// The order of a dataset's record ids (Dataset::ids) as text, computed once:
// each value's list is then sorted and deduplicated as integer ranks, and
// only the result points back to the text. Sorting the strings of each list
// (and of each total and range estimate, which hold every record of the
// range) cost a string sort per value, several sorts of a million strings
// for a large case (issue #13).
//
// Only the ids from index `from` on are ranked and named (the ids a
// dataset's new rows interned: IndicatorOptions::records_from).
//
// Thread safety: read-only once built; `ids` must outlive it unchanged.
class IdOrder {
 public:
  IdOrder() = default;
  IdOrder(const StringTable& ids, int32_t from);

  // The ids of `rows` (record id indices; kNone and those before `from`
  // skipped), in text order, each once: what sorting and deduplicating
  // their strings gives (interned ids are distinct strings). Empty for a
  // default-constructed order (no lists were asked for).
  RecordIds Names(const std::vector<int32_t>& rows) const;
  int32_t from() const { return from_; }

 private:
  const StringTable* ids_ = nullptr;
  int32_t from_ = 0;
  std::vector<int32_t> rank_;     // id index - from_ -> position in text order
  std::vector<int32_t> by_rank_;  // position in text order -> id index
};

// A JSON array of the ids' text (nlohmann's conversion).
void to_json(nlohmann::json& j, const RecordIds& ids);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_RECORD_IDS_H_
