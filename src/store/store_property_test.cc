// Properties of every backend's record projection against a naive reference
// written from store.h: a query keeps the rows that pass each RecordQuery
// filter as its field comments define them (and MatchesQuery agrees), drops
// under current_only every row some other row of the query's tree Replaces,
// counts the limit after both, and answers in log order; CountRecords counts
// what the query would pass without current_only and limit. FindRecord, ForEachReferrer and
// ForEachIdAndKind are checked against their definitions on the same rows,
// after Apply (in one to three commits) and again after ReplaceRecords.
// Each row's body is its entry in the commit's bundles, as in a real log.
//
// Rows are small and adversarial: a few ids shared by several rows (a
// replayed log), two cases, retractions and claims, supersedes and targets
// that point earlier, later, at themselves, across cases or at nothing, and
// date ranges that may be open, missing or inverted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "store/store.h"
#include "store/store_testing.h"

namespace lifeline::store {
namespace {

const std::vector<std::string> kIds = {"a", "b", "c", "d", "e", "f"};
const std::vector<std::string> kKinds = {"incident", "claim", "retraction", "route_status"};
const std::vector<std::string> kCases = {"c1", "c2"};
const std::vector<std::string> kRoutes = {"", "north", "south"};
const std::vector<std::string> kDates = {"", "2024-01-01", "2024-01-05", "2024-01-09"};
const std::vector<std::string> kWords = {"flood", "Flood", "fire"};

// ----- The reference, from store.h --------------------------------------------

// A record applies from date_from to date_to inclusive (open-ended without
// date_to); one without date_from applies on no known date, so any date
// filter drops it.
bool RefMatches(const RecordRow& r, const RecordQuery& q) {
  if (!q.kind.empty() && r.kind != q.kind) return false;
  if (!q.case_id.empty() && r.case_id != q.case_id) return false;
  if (!q.route.empty() && r.route != q.route) return false;
  if (r.index < q.from_index) return false;
  if (q.tree_size && r.index >= *q.tree_size) return false;
  if (q.ids && std::count(q.ids->begin(), q.ids->end(), r.id) == 0) return false;
  const bool dated = !r.date_from.empty();
  if (!q.from.empty() && !(dated && (r.date_to.empty() || r.date_to >= q.from))) return false;
  if (!q.to.empty() && !(dated && r.date_from <= q.to)) return false;
  if (!q.text.empty() && r.body.find(q.text) == std::string::npos) return false;
  if (q.replacing_only && r.supersedes.empty() && r.kind != "retraction") return false;
  return true;
}

// `rows` in log order. Under a tree_size only the entries of that tree
// replace: the current view of the log as it was at that size.
std::vector<RecordRow> RefQuery(const std::vector<RecordRow>& rows, const RecordQuery& q) {
  std::vector<RecordRow> out;
  auto in_tree = [&](const RecordRow& by) { return !q.tree_size || by.index < *q.tree_size; };
  for (const RecordRow& r : rows) {
    if (!RefMatches(r, q)) continue;
    if (q.current_only &&
        std::any_of(rows.begin(), rows.end(), [&](const RecordRow& by) { return in_tree(by) && Replaces(by, r); })) {
      continue;
    }
    if (q.limit != 0 && out.size() == q.limit) break;
    out.push_back(r);
    if (!q.with_body) out.back().body.clear();
  }
  return out;
}

// ----- Generators -------------------------------------------------------------

std::string OneOf(const std::vector<std::string>& v) { return *rc::gen::elementOf(v); }

std::string MaybeOneOf(const std::vector<std::string>& v) {
  return *rc::gen::weightedOneOf<std::string>({{1, rc::gen::just(std::string())}, {1, rc::gen::elementOf(v)}});
}

// Up to 12 rows in log order, with gaps between indexes. References name
// ids of the pool, so they land on earlier rows, later rows, the row itself,
// rows of the other case, or no row.
std::vector<RecordRow> GenRows() {
  const size_t n = *rc::gen::inRange<size_t>(0, 13);
  std::vector<RecordRow> rows;
  uint64_t index = *rc::gen::inRange<uint64_t>(0, 3);
  for (size_t i = 0; i < n; ++i) {
    RecordRow r;
    r.index = index;
    index += *rc::gen::inRange<uint64_t>(1, 3);
    r.id = OneOf(kIds);
    r.kind = OneOf(kKinds);
    r.case_id = OneOf(kCases);
    r.supersedes = MaybeOneOf(kIds);
    r.target = MaybeOneOf(kIds);
    r.route = OneOf(kRoutes);
    r.date_from = OneOf(kDates);
    r.date_to = OneOf(kDates);
    r.body = "{\"id\":\"" + r.id + "\",\"text\":\"" + MaybeOneOf(kWords) + " " + MaybeOneOf(kWords) + "\"}";
    rows.push_back(std::move(r));
  }
  return rows;
}

RecordQuery GenQuery() {
  RecordQuery q;
  q.kind = MaybeOneOf(kKinds);
  q.case_id = MaybeOneOf({"c1", "c2", "c3"});
  q.route = MaybeOneOf({"north", "south"});
  q.from = MaybeOneOf({"2024-01-01", "2024-01-03", "2024-01-05", "2024-01-09", "2024-02-01"});
  q.to = MaybeOneOf({"2023-12-31", "2024-01-01", "2024-01-05", "2024-01-07", "2024-01-09"});
  q.text = MaybeOneOf({"flood", "Flood", "fire", "\"id\":\"a\"", "snow"});
  q.from_index = *rc::gen::elementOf(std::vector<uint64_t>{0, 0, 1, 3, 8, 20});
  // Sizes inside and beyond the rows' indexes (0 to about 26).
  if (*rc::gen::arbitrary<bool>()) q.tree_size = *rc::gen::elementOf(std::vector<uint64_t>{0, 1, 4, 7, 12, 40});
  if (*rc::gen::arbitrary<bool>()) {
    // A few ids of the pool (perhaps none, perhaps repeated) and one of no row.
    const auto count = *rc::gen::inRange<size_t>(0, 4);
    q.ids = *rc::gen::container<std::vector<std::string>>(
        count, rc::gen::elementOf(std::vector<std::string>{"a", "b", "c", "d", "e", "f", "zz"}));
  }
  q.current_only = *rc::gen::arbitrary<bool>();
  q.replacing_only = *rc::gen::elementOf(std::vector<bool>{false, false, true});
  q.limit = *rc::gen::elementOf(std::vector<uint64_t>{0, 0, 1, 2, 5});
  q.with_body = *rc::gen::arbitrary<bool>();
  return q;
}

// ----- Checks -----------------------------------------------------------------

std::string Describe(const RecordQuery& q) {
  std::string out = "kind=" + q.kind + " case=" + q.case_id + " route=" + q.route + " from=" + q.from + " to=" + q.to +
                    " text=" + q.text + " from_index=" + std::to_string(q.from_index) +
                    " current_only=" + (q.current_only ? "1" : "0") + " limit=" + std::to_string(q.limit) +
                    " with_body=" + (q.with_body ? "1" : "0") + " replacing_only=" + (q.replacing_only ? "1" : "0");
  if (q.tree_size) out += " tree_size=" + std::to_string(*q.tree_size);
  if (q.ids) {
    out += " ids=[";
    for (const auto& id : *q.ids) out += id + ",";
    out += "]";
  }
  return out;
}

// The store's answers on `rows` (in log order) equal the reference's.
void CheckAgainstReference(LogStore& st, const std::string& backend, const std::vector<RecordRow>& rows,
                           const std::vector<RecordQuery>& queries) {
  for (const RecordQuery& q : queries) {
    for (const RecordRow& r : rows) RC_ASSERT(MatchesQuery(r, q) == RefMatches(r, q));
    std::vector<RecordRow> got;
    Status s = st.ForEachRecord(q, [&](const RecordRow& r) {
      got.push_back(r);
      return Status::Ok();
    });
    RC_ASSERT(s.ok());
    if (got != RefQuery(rows, q)) RC_FAIL(backend + " disagrees with the reference on " + Describe(q));
    // CountRecords: every version that matches, current or not, unlimited.
    RecordQuery every = q;
    every.current_only = false;
    every.limit = 0;
    auto count = st.CountRecords(q);
    RC_ASSERT(count.ok());
    if (*count != RefQuery(rows, every).size()) RC_FAIL(backend + " CountRecords disagrees on " + Describe(q));
  }
  for (const std::string& id : kIds) {
    const RecordRow* latest = nullptr;
    std::vector<RecordRow> referrers;
    for (const RecordRow& r : rows) {
      if (r.id == id) latest = &r;
      if (r.supersedes == id || r.target == id) referrers.push_back(r);
    }
    auto found = st.FindRecord(id);
    if (latest == nullptr) {
      RC_ASSERT(found.status().code() == ErrorCode::kNotFound);
    } else {
      RC_ASSERT(found.ok());
      RC_ASSERT(*found == *latest);
    }
    std::vector<RecordRow> got;
    RC_ASSERT(st.ForEachReferrer(id, [&](const RecordRow& r) {
      got.push_back(r);
      return Status::Ok();
    }).ok());
    std::sort(got.begin(), got.end(), [](const RecordRow& a, const RecordRow& b) { return a.index < b.index; });
    if (got != referrers) RC_FAIL(backend + " ForEachReferrer(" + id + ") disagrees with the reference");
  }
  std::multiset<std::tuple<std::string, std::string, std::string>> want, got;
  for (const RecordRow& r : rows) want.emplace(r.id, r.kind, r.case_id);
  RC_ASSERT(st.ForEachIdAndKind([&](const std::string& id, const std::string& kind, const std::string& c) {
    got.emplace(id, kind, c);
    return Status::Ok();
  }).ok());
  RC_ASSERT(got == want);
}

// The log's entries for `rows` and `reindexed` (both in log order): each
// row's index holds its body, a reindexed row's index the body of `rows`
// where both have one ("{}" where neither does). Then the reindexed rows
// carry the bodies of their entries, as a reindex's rows always do.
std::vector<std::string> EntriesFor(const std::vector<RecordRow>& rows, std::vector<RecordRow>* reindexed) {
  uint64_t size = 0;
  for (const auto* set : {&rows, static_cast<const std::vector<RecordRow>*>(reindexed)}) {
    if (!set->empty()) size = std::max(size, set->back().index + 1);
  }
  std::vector<std::string> entries(size, "{}");
  for (const RecordRow& r : *reindexed) entries[r.index] = r.body;
  for (const RecordRow& r : rows) entries[r.index] = r.body;
  for (RecordRow& r : *reindexed) r.body = entries[r.index];
  return entries;
}

// Applies `rows` in one to three commits, the last one taking the log to
// every entry of `entries`.
void ApplyInCommits(LogStore& st, const std::vector<RecordRow>& rows, const std::vector<std::string>& entries) {
  size_t cut1 = *rc::gen::inRange<size_t>(0, rows.size() + 1);
  size_t cut2 = *rc::gen::inRange<size_t>(cut1, rows.size() + 1);
  uint64_t size = 0;
  for (auto [b, e] : {std::pair{size_t{0}, cut1}, std::pair{cut1, cut2}, std::pair{cut2, rows.size()}}) {
    Commit c;
    c.base_size = size;
    c.new_size = e == 0 ? 0 : rows[e - 1].index + 1;
    c.new_size = std::max(c.new_size, size);
    if (e == rows.size()) c.new_size = entries.size();
    c.checkpoint = "cp" + std::to_string(c.new_size);
    c.tiles = testing::BundlesFor(entries, c.base_size, c.new_size);
    c.records.assign(rows.begin() + static_cast<ptrdiff_t>(b), rows.begin() + static_cast<ptrdiff_t>(e));
    Status s = st.Apply(c);
    RC_ASSERT(s.ok());
    size = c.new_size;
  }
}

std::vector<RecordQuery> GenQueries() {
  std::vector<RecordQuery> queries;
  for (int i = 0; i < 24; ++i) queries.push_back(GenQuery());
  for (bool current_only : {true, false}) {  // every row, and the whole current view
    RecordQuery all;
    all.current_only = current_only;
    queries.push_back(all);
  }
  return queries;
}

RC_GTEST_PROP(StorePropertyTest, EveryBackendAnswersAsTheReference, ()) {
  const std::vector<RecordRow> rows = GenRows();
  const std::vector<RecordQuery> queries = GenQueries();
  // A reindex hands over another set of rows, in any order.
  std::vector<RecordRow> reindexed = GenRows();
  const std::vector<std::string> entries = EntriesFor(rows, &reindexed);
  std::vector<RecordRow> shuffled = *rc::gen::arbitrary<bool>()
                                        ? std::vector<RecordRow>(reindexed.rbegin(), reindexed.rend())
                                        : reindexed;
  for (const std::string& backend : testing::BackendNames()) {
    auto made = testing::MakeScratchStore(backend, "example.org/log");
    if (!made.ok()) RC_FAIL(backend + ": " + made.status().ToString());
    LogStore& st = *(*made)->store;
    ApplyInCommits(st, rows, entries);
    CheckAgainstReference(st, backend, rows, queries);
    RC_ASSERT(st.ReplaceRecords(shuffled).ok());
    CheckAgainstReference(st, backend + " after ReplaceRecords", reindexed, queries);
  }
}

}  // namespace
}  // namespace lifeline::store
