// Inline SVG charts of the situation report: well-formed XML fragments
// (<svg> elements with role="img", <title> and <desc>), no script, no
// external resource, styled by the report's CSS classes. Each chart's
// <desc> is a text alternative; the report also gives the figures in text.
//
// Pure: no I/O.
#ifndef LIFELINE_REPORT_SVG_H_
#define LIFELINE_REPORT_SVG_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/dataset.h"
#include "report/catalog.h"

namespace lifeline::report {

// Escapes & < > " ' for text and attribute values.
std::string Escape(std::string_view s);

struct ChartText {
  std::string id;     // unique in the page: prefixes pattern and title ids
  std::string title;  // plain text (escaped by the chart)
  std::string desc;   // plain text alternative
};

// One band per route, one column per day of `dates` (YYYY-MM-DD),
// filled by state with a pattern as well as a colour, and a legend in text.
std::string RouteBands(const ChartText& t, const std::vector<std::string>& dates,
                       const std::vector<std::pair<std::string, std::vector<analysis::RouteState>>>& routes,
                       const Catalog& cat);

struct Series {
  std::string label;
  std::vector<double> values;  // one per date
  std::string css_class;       // "s1", "s2", ...: colour and dash from the CSS
};

// Lines over days, y from 0 to the maximum, month ticks on x, a legend.
std::string LineChart(const ChartText& t, const std::vector<std::string>& dates, const std::vector<Series>& series,
                      const Catalog& cat);

struct Bar {
  std::string label;
  double value = 0;
};

// Horizontal bars, each labelled with its name and value.
std::string BarChart(const ChartText& t, const std::vector<Bar>& bars, const Catalog& cat, int decimals);

// A fan chart: the p5-p95 and p25-p75 bands and the median line of
// `percentiles` (p5, p25, p50, p75, p95 per day), with an optional
// horizontal threshold line.
std::string FanChart(const ChartText& t, const std::vector<std::string>& dates,
                     const std::vector<std::array<double, 5>>& percentiles, std::optional<double> threshold,
                     const Catalog& cat);

}  // namespace lifeline::report

#endif  // LIFELINE_REPORT_SVG_H_
