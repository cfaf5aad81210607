#include "record/hints.h"

#include <algorithm>

namespace lifeline::record {

std::string RecordsDoc(std::string_view section) {
  return "docs/records.md, \"" + std::string(section) + "\"";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // d[i][j]: the distance between a's first i and b's first j characters;
  // three rows suffice for the transposition step.
  const size_t m = b.size();
  std::vector<size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::optional<std::string> NearestName(std::string_view name, const std::vector<std::string>& known) {
  std::optional<std::string> best;
  if (name.empty()) return best;
  size_t best_distance = std::min<size_t>(2, (name.size() - 1) / 2) + 1;
  for (const std::string& k : known) {
    const size_t d = EditDistance(name, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  return best;
}

std::string JoinNames(const std::vector<std::string>& known) {
  std::string all;
  for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
  return all;
}

std::string ListRecordsHint(std::string_view kind) {
  if (kind.empty()) {
    return "`lifeline list --case CASE` (or GET /api/v1/records?case=CASE) lists the case's records and their ids";
  }
  const std::string k(kind);
  return "`lifeline list --kind " + k + "` (or GET /api/v1/records?kind=" + k + ") lists the " + k +
         " records in the store";
}

}  // namespace lifeline::record
