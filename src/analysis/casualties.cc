#include "analysis/casualties.h"

#include <map>
#include <set>
#include <tuple>

namespace lifeline::analysis {
namespace {

// Accumulates one figure set with the sets of reporters and records.
struct Accumulator {
  CasualtyFigures f;
  std::set<std::string> reporters;
  std::vector<int32_t> records;
  const StringTable* ids = nullptr;
  void Add(const Dataset& ds, size_t row, bool new_incident) {
    const Casualties& c = ds.casualties;
    if (new_incident) ++f.incidents;
    f.low += c.low[row];
    f.best += c.best[row];
    f.high += c.high[row];
    f.injuries += c.injuries[row];
    if (ds.IsParty(c.reported_by[row])) f.one_party_best += c.best[row];
    if (c.reported_by[row] != kNone) reporters.insert(std::string(ds.actors.at(c.reported_by[row])));
    records.push_back(ds.incidents.record[static_cast<size_t>(c.incident[row])]);
    ids = &ds.ids;
  }
  CasualtyFigures Done() {
    f.reported_by.assign(reporters.begin(), reporters.end());
    if (ids != nullptr) f.records = RecordIds::Sorted(*ids, std::move(records));
    return f;
  }
};

// "" (not stated) sorts after every named party.
struct PartyOrder {
  bool operator()(const std::string& a, const std::string& b) const {
    if (a.empty() != b.empty()) return b.empty();
    return a < b;
  }
};

}  // namespace

CasualtyTotals ComputeCasualties(const Dataset& ds, int32_t from, int32_t to) {
  using GroupKey = std::tuple<std::string, std::string, std::string>;
  struct GroupOrder {
    bool operator()(const GroupKey& a, const GroupKey& b) const {
      if (std::get<0>(a) != std::get<0>(b)) return PartyOrder()(std::get<0>(a), std::get<0>(b));
      return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
    }
  };
  std::map<GroupKey, Accumulator, GroupOrder> groups;
  std::map<std::string, Accumulator, PartyOrder> parties;
  std::set<std::pair<GroupKey, int32_t>> group_incidents;
  std::set<std::pair<std::string, int32_t>> party_incidents;
  const Casualties& c = ds.casualties;
  for (size_t i = 0; i < c.size(); ++i) {
    size_t inc = static_cast<size_t>(c.incident[i]);
    int32_t day = ds.incidents.day[inc];
    if (day < from || day > to) continue;
    std::string party = c.party[i] == kNone ? "" : std::string(ds.actors.at(c.party[i]));
    GroupKey key{party, std::string(CategoryName(c.category[i])), std::string(CauseName(ds.incidents.cause[inc]))};
    groups[key].Add(ds, i, group_incidents.insert({key, c.incident[i]}).second);
    parties[party].Add(ds, i, party_incidents.insert({party, c.incident[i]}).second);
  }
  CasualtyTotals out;
  for (auto& [k, acc] : groups) {
    out.groups.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), acc.Done()});
  }
  for (auto& [p, acc] : parties) out.by_party.push_back({p, acc.Done()});
  return out;
}

}  // namespace lifeline::analysis
