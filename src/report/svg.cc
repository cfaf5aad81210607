#include "report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lifeline::report {
namespace {

constexpr double kWidth = 720;
constexpr double kLeft = 110, kRight = 20, kTop = 16;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Open(const ChartText& t, double height) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 " +
                  Num(kWidth) + " " + Num(height) + "\" aria-labelledby=\"" + Escape(t.id) + "-t " + Escape(t.id) +
                  "-d\">";
  s += "<title id=\"" + Escape(t.id) + "-t\">" + Escape(t.title) + "</title>";
  s += "<desc id=\"" + Escape(t.id) + "-d\">" + Escape(t.desc) + "</desc>";
  return s;
}

// A "nice" upper bound for an axis: 1, 2 or 5 x 10^k at or above v.
double NiceMax(double v) {
  if (!(v > 0)) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

// Month ticks: the first day of each month in `dates` (and the first date),
// thinned to at most 12 labels.
std::string XAxis(const std::vector<std::string>& dates, double x0, double plot_w, double y, const Catalog& cat) {
  std::string s;
  if (dates.empty()) return s;
  std::vector<size_t> ticks;
  for (size_t i = 0; i < dates.size(); ++i) {
    if (i == 0 || dates[i].compare(8, 2, "01") == 0) ticks.push_back(i);
  }
  double dx = plot_w / static_cast<double>(dates.size());
  // The first label would overlap the next one.
  if (ticks.size() > 1 && dx * static_cast<double>(ticks[1]) < 60) ticks.erase(ticks.begin());
  size_t step = (ticks.size() + 11) / 12;
  for (size_t k = 0; k < ticks.size(); k += std::max<size_t>(step, 1)) {
    size_t i = ticks[k];
    double x = x0 + dx * static_cast<double>(i);
    int year = std::stoi(dates[i].substr(0, 4)), month = std::stoi(dates[i].substr(5, 2));
    s += "<line class=\"tick\" x1=\"" + Num(x) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(x) + "\" y2=\"" + Num(y + 4) +
         "\"/>";
    s += "<text class=\"axis\" x=\"" + Num(x) + "\" y=\"" + Num(y + 16) + "\">" + Escape(cat.Month(year, month)) +
         "</text>";
  }
  return s;
}

std::string YAxis(double max, double x0, double y0, double plot_h, double plot_w, const Catalog& cat) {
  std::string s;
  for (int k = 0; k <= 4; ++k) {
    double v = max * k / 4;
    double y = y0 + plot_h - plot_h * k / 4;
    s += "<line class=\"grid\" x1=\"" + Num(x0) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(x0 + plot_w) + "\" y2=\"" +
         Num(y) + "\"/>";
    s += "<text class=\"axis ylabel\" x=\"" + Num(x0 - 6) + "\" y=\"" + Num(y + 4) + "\">" +
         Escape(cat.Number(v, v < 10 && v != std::floor(v) ? 1 : 0)) + "</text>";
  }
  return s;
}

const char* StateClass(analysis::RouteState st) {
  switch (st) {
    case analysis::RouteState::kOpen: return "open";
    case analysis::RouteState::kRestricted: return "restricted";
    case analysis::RouteState::kClosed: return "closed";
    case analysis::RouteState::kUnknown: return "unknown";
  }
  return "unknown";
}

}  // namespace

std::string Escape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RouteBands(const ChartText& t, const std::vector<std::string>& dates,
                       const std::vector<std::pair<std::string, std::vector<analysis::RouteState>>>& routes,
                       const Catalog& cat) {
  // Each band's route name is written above it, so that long names (the
  // routes' recorded names) are never cut.
  constexpr double kBand = 22, kGap = 24, kLabelW = 12;
  double plot_w = kWidth - kLabelW - kRight;
  double legend_y = kTop + static_cast<double>(routes.size()) * (kBand + kGap) + 26;
  double height = legend_y + 30;
  std::string s = Open(t, height);
  // Patterns: the state is readable without colour (hatching, dots, solid).
  std::string p = Escape(t.id);
  s += "<defs>"
       "<pattern id=\"" + p + "-restricted\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
       "patternTransform=\"rotate(45)\"><rect class=\"st-restricted\" width=\"6\" height=\"6\"/>"
       "<line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"/></pattern>"
       "<pattern id=\"" + p + "-unknown\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
       "<rect class=\"st-unknown\" width=\"6\" height=\"6\"/><circle class=\"dot\" cx=\"3\" cy=\"3\" r=\"1\"/></pattern>"
       "</defs>";
  auto fill = [&](analysis::RouteState st) {
    if (st == analysis::RouteState::kRestricted) return "url(#" + p + "-restricted)";
    if (st == analysis::RouteState::kUnknown) return "url(#" + p + "-unknown)";
    return std::string();
  };
  double dx = dates.empty() ? 0 : plot_w / static_cast<double>(dates.size());
  for (size_t r = 0; r < routes.size(); ++r) {
    double y = kTop + static_cast<double>(r) * (kBand + kGap) + kGap - 8;
    s += "<text class=\"bandlabel\" x=\"" + Num(kLabelW) + "\" y=\"" + Num(y - 5) + "\">" +
         Escape(routes[r].first) + "</text>";
    const auto& days = routes[r].second;
    // One rectangle per run of equal days.
    for (size_t i = 0; i < days.size();) {
      size_t j = i;
      while (j < days.size() && days[j] == days[i]) ++j;
      std::string f = fill(days[i]);
      s += "<rect class=\"st-" + std::string(StateClass(days[i])) + "\" x=\"" + Num(kLabelW + dx * i) + "\" y=\"" +
           Num(y) + "\" width=\"" + Num(dx * (j - i)) + "\" height=\"" + Num(kBand) + "\"" +
           (f.empty() ? "" : " style=\"fill:" + f + "\"") + "><title>" + Escape(routes[r].first) + ": " +
           Escape(cat.Date(dates[i])) + " – " + Escape(cat.Date(dates[j - 1])) + ": " +
           Escape(cat.Term("status", StateClass(days[i]))) + "</title></rect>";
      i = j;
    }
  }
  s += XAxis(dates, kLabelW, plot_w, kTop + static_cast<double>(routes.size()) * (kBand + kGap) - 6, cat);
  // Legend: a swatch and the state's name, in text.
  double x = kLabelW;
  for (auto st : {analysis::RouteState::kOpen, analysis::RouteState::kRestricted, analysis::RouteState::kClosed,
                  analysis::RouteState::kUnknown}) {
    std::string f = fill(st);
    s += "<rect class=\"st-" + std::string(StateClass(st)) + "\" x=\"" + Num(x) + "\" y=\"" + Num(legend_y) +
         "\" width=\"18\" height=\"12\"" + (f.empty() ? "" : " style=\"fill:" + f + "\"") + "/>";
    std::string name = cat.Term("status", StateClass(st));
    s += "<text class=\"legend\" x=\"" + Num(x + 24) + "\" y=\"" + Num(legend_y + 11) + "\">" + Escape(name) +
         "</text>";
    x += 130;
  }
  s += "</svg>";
  return s;
}

std::string LineChart(const ChartText& t, const std::vector<std::string>& dates, const std::vector<Series>& series,
                      const Catalog& cat) {
  constexpr double kPlotH = 200;
  double plot_w = kWidth - kLeft - kRight;
  double height = kTop + kPlotH + 30 + 20 * static_cast<double>(series.size()) + 10;
  double max = 0;
  for (const auto& se : series) {
    for (double v : se.values) {
      if (std::isfinite(v)) max = std::max(max, v);
    }
  }
  max = NiceMax(max);
  std::string s = Open(t, height);
  s += YAxis(max, kLeft, kTop, kPlotH, plot_w, cat);
  s += XAxis(dates, kLeft, plot_w, kTop + kPlotH, cat);
  double dx = dates.size() > 1 ? plot_w / static_cast<double>(dates.size() - 1) : 0;
  for (const auto& se : series) {
    std::string pts;
    for (size_t i = 0; i < se.values.size(); ++i) {
      if (!std::isfinite(se.values[i])) continue;
      double y = kTop + kPlotH - kPlotH * se.values[i] / max;
      pts += Num(kLeft + dx * i) + "," + Num(y) + " ";
    }
    if (!pts.empty()) pts.pop_back();
    s += "<polyline class=\"line " + Escape(se.css_class) + "\" points=\"" + pts + "\"/>";
  }
  double ly = kTop + kPlotH + 30;
  for (const auto& se : series) {
    s += "<line class=\"line " + Escape(se.css_class) + "\" x1=\"" + Num(kLeft) + "\" y1=\"" + Num(ly + 6) +
         "\" x2=\"" + Num(kLeft + 28) + "\" y2=\"" + Num(ly + 6) + "\"/>";
    s += "<text class=\"legend\" x=\"" + Num(kLeft + 36) + "\" y=\"" + Num(ly + 10) + "\">" + Escape(se.label) +
         "</text>";
    ly += 20;
  }
  s += "</svg>";
  return s;
}

std::string BarChart(const ChartText& t, const std::vector<Bar>& bars, const Catalog& cat, int decimals) {
  constexpr double kBar = 20, kGap = 8, kLabelW = 150, kValueW = 90;
  double plot_w = kWidth - kLabelW - kValueW - kRight;
  double height = kTop + static_cast<double>(bars.size()) * (kBar + kGap) + 10;
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  max = NiceMax(max);
  std::string s = Open(t, height);
  for (size_t i = 0; i < bars.size(); ++i) {
    double y = kTop + static_cast<double>(i) * (kBar + kGap);
    double w = plot_w * std::max(0.0, bars[i].value) / max;
    s += "<text class=\"label\" x=\"" + Num(kLabelW - 6) + "\" y=\"" + Num(y + kBar / 2 + 4) + "\">" +
         Escape(bars[i].label) + "</text>";
    s += "<rect class=\"bar\" x=\"" + Num(kLabelW) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) + "\" height=\"" +
         Num(kBar) + "\"/>";
    s += "<text class=\"value\" x=\"" + Num(kLabelW + w + 6) + "\" y=\"" + Num(y + kBar / 2 + 4) + "\">" +
         Escape(cat.Number(bars[i].value, decimals)) + "</text>";
  }
  s += "</svg>";
  return s;
}

std::string FanChart(const ChartText& t, const std::vector<std::string>& dates,
                     const std::vector<std::array<double, 5>>& pct, std::optional<double> threshold,
                     const Catalog& cat) {
  constexpr double kPlotH = 220;
  double plot_w = kWidth - kLeft - kRight;
  double height = kTop + kPlotH + 30;
  double max = threshold.value_or(0);
  for (const auto& p : pct) max = std::max(max, p[4]);
  max = NiceMax(max);
  std::string s = Open(t, height);
  s += YAxis(max, kLeft, kTop, kPlotH, plot_w, cat);
  s += XAxis(dates, kLeft, plot_w, kTop + kPlotH, cat);
  double dx = pct.size() > 1 ? plot_w / static_cast<double>(pct.size() - 1) : 0;
  auto y = [&](double v) { return kTop + kPlotH - kPlotH * std::max(0.0, v) / max; };
  auto band = [&](int lo, int hi, const char* cls) {
    std::string pts;
    for (size_t i = 0; i < pct.size(); ++i) pts += Num(kLeft + dx * i) + "," + Num(y(pct[i][hi])) + " ";
    for (size_t i = pct.size(); i-- > 0;) pts += Num(kLeft + dx * i) + "," + Num(y(pct[i][lo])) + " ";
    if (!pts.empty()) pts.pop_back();
    return "<polygon class=\"" + std::string(cls) + "\" points=\"" + pts + "\"/>";
  };
  if (!pct.empty()) {
    s += band(0, 4, "fan90");
    s += band(1, 3, "fan50");
    std::string pts;
    for (size_t i = 0; i < pct.size(); ++i) pts += Num(kLeft + dx * i) + "," + Num(y(pct[i][2])) + " ";
    pts.pop_back();
    s += "<polyline class=\"line median\" points=\"" + pts + "\"/>";
  }
  if (threshold) {
    s += "<line class=\"threshold\" x1=\"" + Num(kLeft) + "\" y1=\"" + Num(y(*threshold)) + "\" x2=\"" +
         Num(kLeft + plot_w) + "\" y2=\"" + Num(y(*threshold)) + "\"/>";
  }
  s += "</svg>";
  return s;
}

}  // namespace lifeline::report
