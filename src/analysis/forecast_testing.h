// Test helper shared by the forecast tests: the naive reference for the
// percentiles a forecast reports.
#ifndef LIFELINE_ANALYSIS_FORECAST_TESTING_H_
#define LIFELINE_ANALYSIS_FORECAST_TESTING_H_

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/forecast.h"

namespace lifeline::analysis {

// numpy.percentile's default: sort, then interpolate between the order
// statistics around p/100 * (n - 1).
inline PercentileValues SortedPercentiles(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  PercentileValues out{};
  for (size_t p = 0; p < kForecastPercentiles.size(); ++p) {
    double pos = kForecastPercentiles[p] / 100.0 * static_cast<double>(v.size() - 1);
    size_t k = static_cast<size_t>(std::floor(pos));
    size_t k1 = std::min(k + 1, v.size() - 1);
    out[p] = v[k] + (static_cast<double>(v[k1]) - v[k]) * (pos - static_cast<double>(k));
  }
  return out;
}

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_FORECAST_TESTING_H_
