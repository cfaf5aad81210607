#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "analysis/compliance.h"
#include "analysis/dataset.h"
#include "analysis/forecast.h"
#include "analysis/indicators.h"
#include "analysis/verified.h"
#include "base/bytes.h"
#include "note/checkpoint.h"
#include "record/values.h"
#include "report/catalog.h"
#include "report/svg.h"

namespace lifeline::report {
namespace {

using json = nlohmann::json;
using Args = std::vector<std::pair<std::string, std::string>>;

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);
  return s;
}

// Collects figures while the page is written: each is shown as a <data>
// element and remembered for the JSON block.
class Figures {
 public:
  explicit Figures(const Catalog& cat) : cat_(cat) {}

  std::string Num(const std::string& key, double v, int decimals = 0) {
    return Put(key, Fixed(v, decimals), cat_.Number(v, decimals));
  }
  std::string OptNum(const std::string& key, std::optional<double> v, int decimals = 0) {
    if (!v) return Put(key, "", cat_.Get("na"));
    return Num(key, *v, decimals);
  }
  std::string Date(const std::string& key, const std::optional<std::string>& iso) {
    if (!iso || iso->empty()) return Put(key, "", cat_.Get("na"));
    return Put(key, *iso, cat_.Date(*iso));
  }
  std::string Text(const std::string& key, const std::string& value) { return Put(key, value, value); }

  std::map<std::string, std::string> values, texts;

 private:
  std::string Put(const std::string& key, const std::string& value, const std::string& text) {
    values.emplace(key, value);
    texts.emplace(key, text);
    return "<data class=\"fig\" data-key=\"" + Escape(key) + "\" value=\"" + Escape(value) + "\">" + Escape(text) +
           "</data>";
  }
  const Catalog& cat_;
};

// What drives a forecast's band, in words: the variance shares on the day of
// the widest band and for the days to the threshold (computed by
// RunForecast, see analysis/forecast.h).
std::string ForecastDrivers(const analysis::CommodityForecast& cf, const std::string& k,
                            const std::vector<std::string>& dates, Figures& fig, const Catalog& cat) {
  if (cf.drivers_trajectories == 0 || cf.stock.empty()) return "";
  const size_t widest = analysis::WidestBandDay(cf);
  auto shares = [&](const std::string& key, const analysis::BandDrivers& b) {
    return std::vector<std::pair<std::string, std::string>>{
        {"route_parameters", fig.Num(key + "route_parameters_pct", b.route_parameters * 100)},
        {"route_days", fig.Num(key + "route_days_pct", b.route_days * 100)},
        {"inflows", fig.Num(key + "inflows_pct", b.inflows * 100)},
        {"interaction", fig.Num(key + "interaction_pct", b.interaction * 100)}};
  };
  std::string out = "<p>";
  if (const auto& b = cf.stock_drivers[widest]) {
    auto args = shares(k + "drivers.", *b);
    args.emplace_back("date", fig.Date(k + "drivers.date", dates[widest]));
    args.emplace_back("trajectories", fig.Num(k + "drivers.trajectories", static_cast<double>(cf.drivers_trajectories)));
    out += Substitute(Escape(cat.Get("forecast.drivers")), args);
  } else {
    out += Escape(cat.Get("forecast.drivers_none"));
  }
  if (const auto& b = cf.days_to_threshold_drivers) {
    out += " " + Substitute(Escape(cat.Get("forecast.drivers_days")), shares(k + "drivers.days_to_threshold.", *b));
  }
  return out + "</p>";
}

// The current records of a case at the checkpoint, by id, with the rules of
// LoadDataset (superseded and retracted records left out).
Result<std::unordered_map<std::string, json>> CurrentRecords(store::LogStore& st, const std::string& case_id,
                                                             uint64_t size) {
  LIFELINE_ASSIGN_OR_RETURN(std::vector<store::RecordRow> rows, analysis::CurrentRows(st, case_id, size));
  std::unordered_map<std::string, json> out;
  for (const auto& r : rows) {
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return CorruptionError("record " + r.id + " is not a JSON object");
    out[r.id] = std::move(j);
  }
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const char* kCss = R"css(
:root{color-scheme:light}
body{font-family:"Noto Sans","Noto Sans Armenian","DejaVu Sans","Arial Unicode MS",sans-serif;color:#1a1a1a;background:#fff;max-width:60rem;margin:0 auto;padding:1.5rem;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.3rem;border-bottom:2px solid #1f3a5f;padding-bottom:.2rem;margin-top:2rem;color:#1f3a5f}
h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #999;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#e8edf3}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.kf{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.6rem;padding:0;list-style:none}
.kf li{border:1px solid #999;border-radius:4px;padding:.5rem}
.kf .v{display:block;font-size:1.5rem;font-weight:bold}
data.fig{font-variant-numeric:tabular-nums}
pre{background:#f3f3f3;border:1px solid #999;padding:.5rem;white-space:pre-wrap;word-break:break-all;font-size:.85rem}
code{font-family:"DejaVu Sans Mono",monospace;word-break:break-all}
.note{color:#333;font-size:.92rem}
svg.chart{width:100%;height:auto;display:block;margin:.5rem 0}
svg text{font-family:inherit;font-size:11px;fill:#1a1a1a}
svg .axis{text-anchor:middle}svg .ylabel{text-anchor:end}svg .label{text-anchor:end}
svg .grid{stroke:#ddd;stroke-width:1}svg .tick{stroke:#555}
svg .st-open{fill:#4d9221}svg .st-restricted{fill:#f1a340}svg .st-closed{fill:#7f0000}svg .st-unknown{fill:#d9d9d9}
svg .hatch{stroke:#5a3000;stroke-width:2}svg .dot{fill:#555}
svg .line{fill:none;stroke-width:2}svg .s1{stroke:#1f3a5f}svg .s2{stroke:#b2182b;stroke-dasharray:6 3}
svg .bar{fill:#1f3a5f}
svg .fan90{fill:#c6dbef}svg .fan50{fill:#6baed6}svg .median{stroke:#08306b}
svg .threshold{stroke:#b2182b;stroke-width:1.5;stroke-dasharray:5 3}
a{color:#0b4f9c}
@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-after:avoid}table,svg,figure{break-inside:avoid}a{color:inherit}nav{display:none}}
)css";

}  // namespace

Result<RenderedReport> Render(store::LogStore& store, const note::Verifier& log_key, const ReportOptions& opts) {
  LIFELINE_ASSIGN_OR_RETURN(Catalog cat, Catalog::For(opts.lang));
  int32_t from = analysis::kNoDay, to = analysis::kNoDay;
  if (!opts.from.empty()) {
    auto d = record::ParseDate(opts.from);
    if (!d.ok()) return d.status().Annotate("--from");
    from = static_cast<int32_t>(d->days);
  }
  if (!opts.to.empty()) {
    auto d = record::ParseDate(opts.to);
    if (!d.ok()) return d.status().Annotate("--to");
    to = static_cast<int32_t>(d->days);
  }
  if (from != analysis::kNoDay && to != analysis::kNoDay && from > to) {
    return InvalidArgumentError("--from " + opts.from + " is after --to " + opts.to);
  }
  // The scenario first: a bad one fails before the store is read.
  std::optional<analysis::Scenario> scenario;
  int64_t asked_trajectories = 0;
  if (!opts.scenario_toml.empty()) {
    LIFELINE_ASSIGN_OR_RETURN(scenario, analysis::ParseScenario(opts.scenario_toml, opts.scenario_name));
    asked_trajectories = scenario->trajectories;
    if (opts.trajectories < 0 || opts.trajectories > analysis::kMaxTrajectories) {
      return InvalidArgumentError("trajectories must be between 1 and " +
                                  std::to_string(analysis::kMaxTrajectories));
    }
    scenario->trajectories =
        opts.trajectories > 0 ? opts.trajectories : std::min(scenario->trajectories, kReportTrajectories);
  }
  LIFELINE_ASSIGN_OR_RETURN(analysis::VerifiedDataset v,
                            analysis::LoadVerifiedDataset(store, log_key, opts.case_id, opts.at));
  LIFELINE_RETURN_IF_ERROR(analysis::ResolveRange(v.ds, &from, &to));
  analysis::IndicatorOptions io;
  io.from = from;
  io.to = to;
  io.explain = true;  // the record ids name the sources listed
  LIFELINE_ASSIGN_OR_RETURN(analysis::Indicators ind, analysis::ComputeIndicators(v.ds, v.cp, io));
  LIFELINE_ASSIGN_OR_RETURN(analysis::Compliance comp, analysis::ComputeCompliance(v.ds, v.cp, from, to));
  std::optional<analysis::ForecastModel> model;
  std::vector<analysis::CommodityForecast> forecast;
  if (scenario) {
    auto m = analysis::FitForecast(v.ds, *scenario);
    if (!m.ok()) return m.status().Annotate(opts.scenario_name);
    LIFELINE_ASSIGN_OR_RETURN(forecast, analysis::RunForecast(*m));
    model = std::move(*m);
  }
  LIFELINE_ASSIGN_OR_RETURN(auto records, CurrentRecords(store, opts.case_id, v.cp.size));

  Figures fig(cat);
  std::set<std::string> behind;  // record ids behind the figures
  auto add_ids = [&](const std::vector<std::string>& ids) { behind.insert(ids.begin(), ids.end()); };
  std::vector<std::string> dates;
  for (const auto& d : ind.days) dates.push_back(d.date);

  const json& case_rec = records.count(opts.case_id) ? records.at(opts.case_id) : json::object();
  std::string case_title = Str(case_rec, "title");
  std::string out;
  out.reserve(1 << 18);
  out += "<!DOCTYPE html>\n<html lang=\"" + Escape(opts.lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  out += "<meta name=\"generator\" content=\"Lifeline\">\n";
  out += "<title>" + Escape(cat.Format("title", {{"case", opts.case_id}})) + "</title>\n<style>" + kCss +
         "</style>\n</head>\n<body>\n<header>\n";
  out += "<h1>" + Escape(cat.Format("title", {{"case", opts.case_id}})) + "</h1>\n";
  if (!case_title.empty()) out += "<p><strong>" + Escape(case_title) + "</strong></p>\n";
  out += "<p>" + Substitute(Escape(cat.Get("period")), {{"from", fig.Date("period.from", ind.from)},
                                                         {"to", fig.Date("period.to", ind.to)}}) +
         "</p>\n";
  out += "<p class=\"note\">" + Escape(cat.Get("generated_note")) + " " + Escape(cat.Get("original_language_note")) +
         "</p>\n</header>\n";
  // Contents.
  const char* sections[] = {"key_figures", "routes",     "cargo",    "patients", "outages",   "incidents",
                            "compliance",  "forecast",   "sources",  "assumptions", "checkpoint"};
  out += "<nav aria-labelledby=\"toc\"><h2 id=\"toc\">" + Escape(cat.Get("contents")) + "</h2><ol>";
  for (const char* s : sections) {
    out += "<li><a href=\"#" + std::string(s) + "\">" + Escape(cat.Get(std::string("section.") + s)) + "</a></li>";
  }
  out += "</ol></nav>\n<main>\n";

  // --- Figures computed up front (shown in several places). ---
  int64_t patients_total = 0;
  for (const auto& f : ind.totals.flows) patients_total += f.delivered.patients;
  std::map<std::string, int64_t> patients_month;
  for (const auto& d : ind.days) {
    for (const auto& f : d.flows) {
      if (f.delivered.patients > 0) patients_month[d.date.substr(0, 7)] += f.delivered.patients;
      add_ids(f.delivered.records);
    }
    for (const auto& r : d.routes) add_ids(r.records);
    for (const auto& c : d.cargo) add_ids(c.records);
    for (const auto& n : d.needs) add_ids(n.records);
    for (const auto& u : d.utilities) add_ids(u.records);
  }
  add_ids(ind.totals.incidents.records);

  // --- Key figures ---
  out += "<section id=\"key_figures\"><h2>" + Escape(cat.Get("section.key_figures")) + "</h2><ul class=\"kf\">";
  auto kf = [&](const std::string& label, const std::string& value) {
    out += "<li>" + Escape(label) + "<span class=\"v\">" + value + "</span></li>";
  };
  kf(cat.Get("kf.days_in_period"), fig.Num("period.days", static_cast<double>(ind.days.size())));
  for (const auto& r : ind.totals.routes) {
    if (r.closed > 0) kf(cat.Format("kf.days_closed", {{"route", r.route}}), fig.Num("route." + r.route + ".closed", r.closed));
    if (r.restricted > 0) {
      kf(cat.Format("kf.days_restricted", {{"route", r.route}}),
         fig.Num("route." + r.route + ".restricted", r.restricted));
    }
  }
  for (const auto& n : ind.totals.needs) {
    kf(cat.Format("kf.coverage", {{"commodity", n.commodity}}),
       fig.OptNum("need." + n.commodity + ".coverage_pct", n.coverage ? std::optional(*n.coverage * 100) : std::nullopt, 1) +
           (n.coverage ? " %" : ""));
  }
  kf(cat.Get("kf.patients"), fig.Num("patients.total", static_cast<double>(patients_total)));
  kf(cat.Get("kf.incidents"), fig.Num("incidents.count", static_cast<double>(ind.totals.incidents.incidents)));
  kf(cat.Get("kf.fatalities"), fig.Num("incidents.fatalities_best", static_cast<double>(ind.totals.incidents.fatalities_best)));
  out += "</ul></section>\n";

  // --- Routes ---
  out += "<section id=\"routes\"><h2>" + Escape(cat.Get("section.routes")) + "</h2><p>" +
         Escape(cat.Get("routes.intro")) + "</p>";
  {
    std::vector<std::pair<std::string, std::vector<analysis::RouteState>>> bands;
    for (const auto& r : ind.totals.routes) bands.push_back({r.route, {}});
    for (const auto& d : ind.days) {
      for (size_t i = 0; i < bands.size(); ++i) {
        analysis::RouteState st = analysis::RouteState::kUnknown;
        for (const auto& rd : d.routes) {
          if (rd.route == bands[i].first) st = rd.state;
        }
        bands[i].second.push_back(st);
      }
    }
    std::string desc;
    for (const auto& r : ind.totals.routes) {
      desc += cat.Format("routes.totals", {{"route", r.route},
                                           {"open", cat.Number(r.open)},
                                           {"restricted", cat.Number(r.restricted)},
                                           {"closed", cat.Number(r.closed)},
                                           {"unknown", cat.Number(r.unknown)}}) +
              ". ";
    }
    out += "<figure>" + RouteBands({"routes-chart", cat.Get("routes.chart_title"), desc}, dates, bands, cat) +
           "<figcaption><ul>";
    for (const auto& r : ind.totals.routes) {
      std::string k = "route." + r.route + ".";
      out += "<li>" + Substitute(Escape(cat.Get("routes.totals")),
                                 {{"route", "<strong>" + Escape(r.route) + "</strong>"},
                                  {"open", fig.Num(k + "open", r.open)},
                                  {"restricted", fig.Num(k + "restricted", r.restricted)},
                                  {"closed", fig.Num(k + "closed", r.closed)},
                                  {"unknown", fig.Num(k + "unknown", r.unknown)}}) +
             "</li>";
    }
    out += "</ul></figcaption></figure></section>\n";
  }

  // --- Cargo against need ---
  out += "<section id=\"cargo\"><h2>" + Escape(cat.Get("section.cargo")) + "</h2><p>" + Escape(cat.Get("cargo.intro")) +
         "</p>";
  if (ind.totals.needs.empty()) out += "<p>" + Escape(cat.Get("cargo.none")) + "</p>";
  int chart = 0;
  for (const auto& n : ind.totals.needs) {
    std::string k = "need." + n.commodity + ".";
    Series need{cat.Get("cargo.need"), {}, "s2"}, del{cat.Get("cargo.delivered"), {}, "s1"};
    double cn = 0, cd = 0;
    for (const auto& d : ind.days) {
      for (const auto& nd : d.needs) {
        if (nd.commodity != n.commodity || nd.unit != n.unit) continue;
        cn += nd.need.value_or(0);
        cd += nd.delivered;
      }
      need.values.push_back(cn);
      del.values.push_back(cd);
    }
    std::string title = cat.Format("cargo.chart_title", {{"commodity", n.commodity}, {"unit", n.unit}});
    std::string desc = cat.Get("cargo.need") + ": " + cat.Number(n.need.value_or(NAN)) + " " + n.unit + "; " +
                       cat.Get("cargo.delivered") + ": " + cat.Number(n.delivered) + " " + n.unit + ".";
    out += "<h3>" + Escape(n.commodity) + " (" + Escape(n.unit) + ")</h3><figure>" +
           LineChart({"cargo-" + std::to_string(chart++), title, desc}, dates, {need, del}, cat) + "</figure>";
    out += "<table><thead><tr><th scope=\"col\">" + Escape(cat.Get("cargo.need")) + "</th><th scope=\"col\">" +
           Escape(cat.Get("cargo.delivered")) + "</th><th scope=\"col\">" + Escape(cat.Get("cargo.coverage")) +
           "</th><th scope=\"col\">" + Escape(cat.Get("cargo.shortfall")) + "</th></tr></thead><tbody><tr>";
    out += "<td class=\"n\">" + fig.OptNum(k + "need", n.need) + "</td><td class=\"n\">" + fig.Num(k + "delivered", n.delivered) +
           "</td><td class=\"n\">" +
           fig.OptNum(k + "coverage_pct", n.coverage ? std::optional(*n.coverage * 100) : std::nullopt, 1) +
           (n.coverage ? " %" : "") + "</td><td class=\"n\">" + fig.Num(k + "shortfall", n.shortfall) + "</td></tr>";
    out += "</tbody></table>";
    if (n.days_need_unknown > 0) {
      out += "<p class=\"note\">" +
             Substitute(Escape(cat.Get("cargo.need_unknown")), {{"days", fig.Num(k + "days_need_unknown", n.days_need_unknown)}}) +
             "</p>";
    }
  }
  if (!ind.totals.cargo.empty()) {
    out += "<table><thead><tr><th scope=\"col\">" + Escape(cat.Get("cargo.commodity")) + "</th><th scope=\"col\">" +
           Escape(cat.Get("cargo.unit")) + "</th><th scope=\"col\" class=\"n\">" + Escape(cat.Get("cargo.delivered")) +
           "</th></tr></thead><tbody>";
    for (const auto& c : ind.totals.cargo) {
      out += "<tr><td>" + Escape(c.commodity) + "</td><td>" + Escape(c.unit) + "</td><td class=\"n\">" +
             fig.Num("cargo." + c.commodity + "." + c.unit + ".delivered", c.delivered) + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  // --- Patients ---
  out += "<section id=\"patients\"><h2>" + Escape(cat.Get("section.patients")) + "</h2><p>" +
         Escape(cat.Get("patients.intro")) + "</p>";
  if (patients_total == 0) {
    out += "<p>" + Escape(cat.Get("patients.none")) + "</p>";
  } else {
    std::vector<Bar> bars;
    std::string desc;
    for (const auto& [m, n] : patients_month) {
      bars.push_back({cat.Month(std::stoi(m.substr(0, 4)), std::stoi(m.substr(5, 2))), static_cast<double>(n)});
      desc += bars.back().label + ": " + cat.Number(static_cast<double>(n)) + ". ";
    }
    out += "<figure>" + BarChart({"patients-chart", cat.Get("patients.chart_title"), desc}, bars, cat, 0) +
           "</figure><table><thead><tr><th scope=\"col\">" + Escape(cat.Get("patients.operator")) +
           "</th><th scope=\"col\">" + Escape(cat.Get("patients.direction")) + "</th><th scope=\"col\" class=\"n\">" +
           Escape(cat.Get("patients.count")) + "</th></tr></thead><tbody>";
    for (const auto& f : ind.totals.flows) {
      if (f.delivered.patients == 0) continue;
      out += "<tr><td>" + Escape(f.op) + "</td><td>" + Escape(cat.Get("dir." + f.direction)) + "</td><td class=\"n\">" +
             fig.Num("patients." + f.op + "." + f.direction, static_cast<double>(f.delivered.patients)) + "</td></tr>";
    }
    out += "</tbody></table><table><thead><tr><th scope=\"col\">" + Escape(cat.Get("incidents.date")) +
           "</th><th scope=\"col\" class=\"n\">" + Escape(cat.Get("patients.count")) + "</th></tr></thead><tbody>";
    for (const auto& [m, n] : patients_month) {
      out += "<tr><td>" + Escape(cat.Month(std::stoi(m.substr(0, 4)), std::stoi(m.substr(5, 2)))) +
             "</td><td class=\"n\">" + fig.Num("patients.month." + m, static_cast<double>(n)) + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  // --- Outages ---
  out += "<section id=\"outages\"><h2>" + Escape(cat.Get("section.outages")) + "</h2><p>" +
         Escape(cat.Get("outages.intro")) + "</p>";
  if (ind.totals.utilities.empty()) {
    out += "<p>" + Escape(cat.Get("outages.none")) + "</p>";
  } else {
    std::vector<Bar> bars;
    std::string desc;
    for (const auto& u : ind.totals.utilities) {
      bars.push_back({u.utility, u.hours});
      desc += u.utility + ": " + cat.Number(u.hours, 1) + ". ";
    }
    out += "<figure>" + BarChart({"outages-chart", cat.Get("outages.chart_title"), desc}, bars, cat, 1) +
           "</figure><table><thead><tr><th scope=\"col\">" + Escape(cat.Get("outages.utility")) +
           "</th><th scope=\"col\" class=\"n\">" + Escape(cat.Get("outages.hours")) + "</th><th scope=\"col\" class=\"n\">" +
           Escape(cat.Get("outages.days_equiv")) + "</th></tr></thead><tbody>";
    for (const auto& u : ind.totals.utilities) {
      out += "<tr><td>" + Escape(u.utility) + "</td><td class=\"n\">" + fig.Num("outage_hours." + u.utility, u.hours, 1) +
             "</td><td class=\"n\">" + Escape(cat.Number(u.hours / 24, 1)) + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  // --- Incidents ---
  out += "<section id=\"incidents\"><h2>" + Escape(cat.Get("section.incidents")) + "</h2>";
  {
    std::vector<std::pair<std::string, const json*>> incs;
    for (const auto& [id, j] : records) {
      if (Str(j, "kind") != "incident") continue;
      std::string date = Str(j, "date").substr(0, 10);
      if (date < ind.from || date > ind.to) continue;
      incs.push_back({date + " " + id, &j});
    }
    std::sort(incs.begin(), incs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (incs.empty()) {
      out += "<p>" + Escape(cat.Get("incidents.none")) + "</p>";
    } else {
      out += "<table><thead><tr>";
      for (const char* h : {"incidents.date", "incidents.place", "incidents.type", "incidents.fatalities",
                            "incidents.sources"}) {
        out += "<th scope=\"col\">" + Escape(cat.Get(h)) + "</th>";
      }
      out += "</tr></thead><tbody>";
      for (const auto& [sort_key, jp] : incs) {
        const json& j = *jp;
        std::string id = Str(j, "id");
        behind.insert(id);
        std::string place = j.contains("location") && j["location"].is_object() ? Str(j["location"], "name") : "";
        std::string type = Str(j, "event_type");
        if (!Str(j, "sub_event_type").empty()) type += " / " + Str(j, "sub_event_type");
        std::optional<double> fat;
        if (j.contains("fatalities") && j["fatalities"].is_object() && j["fatalities"].contains("best") &&
            j["fatalities"]["best"].is_number()) {
          fat = j["fatalities"]["best"].get<double>();
        }
        std::string pubs;
        if (j.contains("sources") && j["sources"].is_array()) {
          for (const auto& s : j["sources"]) {
            if (!s.is_string()) continue;
            auto it = records.find(s.get<std::string>());
            std::string name = it != records.end() ? Str(it->second, "publisher") : s.get<std::string>();
            if (pubs.find(name) == std::string::npos) pubs += (pubs.empty() ? "" : "; ") + name;
          }
        }
        out += "<tr><td>" + fig.Date("incident." + id + ".date", Str(j, "date").substr(0, 10)) + "</td><td>" +
               Escape(place) + "</td><td>" + Escape(type) + "</td><td class=\"n\">" +
               fig.OptNum("incident." + id + ".fatalities", fat) + "</td><td>" + Escape(pubs) + "</td></tr>";
      }
      out += "</tbody></table>";
    }
  }
  out += "</section>\n";

  // --- Compliance ---
  out += "<section id=\"compliance\"><h2>" + Escape(cat.Get("section.compliance")) + "</h2>";
  if (comp.obligations.empty()) {
    out += "<p>" + Escape(cat.Get("compliance.none")) + "</p>";
  } else {
    out += "<table><thead><tr>";
    for (const char* h : {"compliance.obligation", "compliance.route", "compliance.violated", "compliance.evaluated",
                          "compliance.first", "compliance.last"}) {
      out += "<th scope=\"col\">" + Escape(cat.Get(h)) + "</th>";
    }
    out += "</tr></thead><tbody>";
    for (const auto& o : comp.obligations) {
      behind.insert(o.obligation);
      for (const auto& vd : o.violations) add_ids(vd.records);
      std::string k = "compliance." + o.obligation + ".";
      out += "<tr><th scope=\"row\">" + Escape(o.title.empty() ? o.obligation : o.title) + "<br><small>" +
             Escape(o.instrument) + "</small></th><td>" + Escape(o.route) + "</td>";
      if (!o.evaluable) {
        out += "<td colspan=\"4\">" + Escape(cat.Format("compliance.not_evaluable", {{"reason", o.reason}})) + "</td></tr>";
        continue;
      }
      out += "<td class=\"n\">" + fig.Num(k + "days_in_violation", static_cast<double>(o.days_in_violation)) +
             "</td><td class=\"n\">" + fig.Num(k + "days_evaluated", static_cast<double>(o.days_evaluated)) +
             "</td><td>" + fig.Date(k + "first_violation", o.first_violation) + "</td><td>" +
             fig.Date(k + "last_violation", o.last_violation) + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  // --- Forecast ---
  out += "<section id=\"forecast\"><h2>" + Escape(cat.Get("section.forecast")) + "</h2>";
  if (!model) {
    out += "<p>" + Escape(cat.Get("forecast.none")) + "</p>";
  } else {
    std::string start = record::FormatDate(record::Day{model->start});
    out += "<p>" + Substitute(Escape(cat.Get("forecast.intro")),
                              {{"scenario", "<code>" + Escape(opts.scenario_name) + "</code>"},
                               {"trajectories", fig.Num("forecast.trajectories", static_cast<double>(model->trajectories))},
                               {"start", fig.Date("forecast.start", start)},
                               {"seed", "<code>" + std::to_string(model->seed) + "</code>"}}) +
           "</p>";
    std::vector<std::string> fdates;
    for (int32_t d = 0; d < model->horizon; ++d) fdates.push_back(record::FormatDate(record::Day{model->start + d}));
    for (size_t c = 0; c < forecast.size(); ++c) {
      const auto& cf = forecast[c];
      std::string k = "forecast." + cf.name + ".";
      std::vector<std::array<double, 5>> pct;
      double median_sum = 0;
      for (const auto& p : cf.stock) {
        pct.push_back({p[0], p[1], p[2], p[3], p[4]});
        median_sum += p[2];
      }
      std::string title = cat.Format("forecast.chart_title", {{"commodity", cf.name}, {"unit", cf.unit}});
      std::string desc = title + ". " + cat.Get("forecast.final_stock") + ": " +
                         (cf.stock.empty() ? cat.Get("na") : cat.Number(cf.stock.back()[2], 1)) + " " + cf.unit + ".";
      out += "<h3>" + Escape(cf.name) + " (" + Escape(cf.unit) + ")</h3><figure>" +
             FanChart({"forecast-" + std::to_string(c), title, desc}, fdates, pct, cf.threshold, cat) + "</figure>";
      out += "<table><thead><tr><th scope=\"col\">" + Escape(cat.Get("forecast.percentile")) + "</th>";
      for (double p : analysis::kForecastPercentiles) out += "<th scope=\"col\" class=\"n\">p" + Fixed(p, 0) + "</th>";
      out += "</tr></thead><tbody><tr><th scope=\"row\">" +
             Escape(cf.threshold ? cat.Format("forecast.days_to_threshold",
                                              {{"threshold", cat.Number(*cf.threshold)}, {"unit", cf.unit}})
                                 : cat.Get("forecast.exhausted")) +
             "</th>";
      for (size_t i = 0; i < analysis::kForecastPercentiles.size(); ++i) {
        std::string key = k + "days_to_threshold.p" + Fixed(analysis::kForecastPercentiles[i], 0);
        const auto& d = cf.days_to_threshold[i];
        out += "<td class=\"n\">" +
               (d ? fig.Num(key, *d) : fig.Text(key, cat.Get("forecast.beyond"))) + "</td>";
      }
      out += "</tr><tr><th scope=\"row\">" + Escape(cat.Get("forecast.final_stock")) + "</th>";
      for (size_t i = 0; i < analysis::kForecastPercentiles.size(); ++i) {
        out += "<td class=\"n\">" +
               fig.Num(k + "final_stock.p" + Fixed(analysis::kForecastPercentiles[i], 0),
                       cf.stock.empty() ? 0 : cf.stock.back()[i], 1) +
               "</td>";
      }
      out += "</tr></tbody></table><p>" + Escape(cat.Get("forecast.never")) + ": " +
             fig.Num(k + "never_pct", cf.never_fraction * 100, 1) + " %. " + Escape(cat.Get("forecast.median_sum")) +
             ": " + fig.Num(k + "median_sum", median_sum, 1) + "</p>";
      out += ForecastDrivers(cf, k, fdates, fig, cat);
    }
  }
  out += "</section>\n";

  // --- Sources ---
  std::set<std::string> source_ids;
  for (const auto& id : behind) {
    auto it = records.find(id);
    if (it == records.end() || !it->second.contains("sources") || !it->second["sources"].is_array()) continue;
    for (const auto& s : it->second["sources"]) {
      if (s.is_string()) source_ids.insert(s.get<std::string>());
    }
  }
  std::vector<std::tuple<std::string, std::string, const json*>> sources;  // publisher, date, record
  for (const auto& id : source_ids) {
    auto it = records.find(id);
    if (it == records.end()) continue;
    sources.emplace_back(Str(it->second, "publisher"), Str(it->second, "published"), &it->second);
  }
  std::sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  out += "<section id=\"sources\"><h2>" + Escape(cat.Get("section.sources")) + "</h2><p>" +
         Escape(cat.Get("sources.intro")) + " (" + fig.Num("sources.count", static_cast<double>(sources.size())) +
         ")</p><table><thead><tr>";
  for (const char* h : {"sources.publisher", "sources.title", "sources.date", "sources.url"}) {
    out += "<th scope=\"col\">" + Escape(cat.Get(h)) + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const auto& [pub, date, jp] : sources) {
    std::string url = Str(*jp, "url");
    bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    out += "<tr><td>" + Escape(pub) + "</td><td>" + Escape(Str(*jp, "title")) + "</td><td>" +
           Escape(cat.Date(date)) + "</td><td>" +
           (web ? "<a href=\"" + Escape(url) + "\">" + Escape(url) + "</a>" : Escape(url)) + "</td></tr>";
  }
  out += "</tbody></table></section>\n";

  // --- Assumptions ---
  out += "<section id=\"assumptions\"><h2>" + Escape(cat.Get("section.assumptions")) + "</h2><p class=\"note\">" +
         Escape(cat.Get("assumptions.note")) + "</p><ul>";
  std::vector<std::string> assumptions = ind.assumptions;
  assumptions.insert(assumptions.end(), comp.assumptions.begin(), comp.assumptions.end());
  if (model) {
    assumptions.insert(assumptions.end(), model->assumptions.begin(), model->assumptions.end());
  }
  for (const auto& a : assumptions) out += "<li lang=\"en\">" + Escape(a) + "</li>";
  if (model) {
    out += "<li>" + Escape(cat.Format("forecast.trajectories_note",
                                      {{"trajectories", cat.Number(static_cast<double>(model->trajectories))},
                                       {"asked", cat.Number(static_cast<double>(asked_trajectories))}})) +
           "</li>";
  }
  out += "</ul></section>\n";

  // --- Checkpoint ---
  std::string file = opts.file_name.empty() ? "REPORT.html" : opts.file_name;
  out += "<section id=\"checkpoint\"><h2>" + Escape(cat.Get("section.checkpoint")) + "</h2><p>" +
         Escape(cat.Get("checkpoint.intro")) + "</p><table><tbody>";
  out += "<tr><th scope=\"row\">" + Escape(cat.Get("checkpoint.origin")) + "</th><td><code>" + Escape(v.origin) +
         "</code></td></tr>";
  out += "<tr><th scope=\"row\">" + Escape(cat.Get("checkpoint.size")) + "</th><td>" +
         fig.Num("checkpoint.size", static_cast<double>(v.cp.size)) + "</td></tr>";
  out += "<tr><th scope=\"row\">" + Escape(cat.Get("checkpoint.root")) + "</th><td><code>" +
         fig.Text("checkpoint.root", v.cp.root) + "</code></td></tr></tbody></table>";
  out += "<h3>" + Escape(cat.Get("checkpoint.note")) + "</h3><pre id=\"checkpoint-note\">" + Escape(v.note) + "</pre>";
  out += "<h3>" + Escape(cat.Get("verify.heading")) + "</h3><ol><li>" +
         Escape(cat.Format("verify.step1", {{"file", file}})) + "</li><li>" + Escape(cat.Get("verify.step2")) +
         "<pre>lifeline --store STORE verify\nlifeline --store STORE log export-tiles TILES\n"
         "lifeline verify --tiles TILES --vkey log.vkey\n"
         "tlog-verify tiles log.vkey TILES</pre></li><li>" +
         Escape(cat.Get("verify.step3")) + "</li></ol></section>\n</main>\n";

  // --- The machine-readable block ---
  json block = {{"version", 1},
                {"case", opts.case_id},
                {"from", ind.from},
                {"to", ind.to},
                {"lang", opts.lang},
                {"scenario", opts.scenario_toml.empty() ? json(nullptr)
                                                        : json{{"name", opts.scenario_name},
                                                               {"toml", opts.scenario_toml},
                                                               {"trajectories", model->trajectories}}},
                {"checkpoint", {{"origin", v.origin}, {"size", v.cp.size}, {"root", v.cp.root}, {"note", v.note}}},
                {"figures", fig.values}};
  std::string text = block.dump(-1, ' ', false, json::error_handler_t::replace);
  // '<' occurs only inside JSON strings: escaping it keeps "</script>" and
  // "<!--" out of the element.
  std::string safe;
  safe.reserve(text.size());
  for (char ch : text) {
    if (ch == '<') {
      safe += "\\u003c";
    } else {
      safe += ch;
    }
  }
  out += "<script type=\"application/json\" id=\"lifeline-report\">" + safe + "</script>\n</body>\n</html>\n";

  RenderedReport r;
  r.html = std::move(out);
  r.figures = std::move(fig.values);
  r.texts = std::move(fig.texts);
  r.from = ind.from;
  r.to = ind.to;
  r.size = v.cp.size;
  r.root = v.cp.root;
  return r;
}

Result<std::string> RenderReport(store::LogStore& store, const note::Verifier& log_key, const ReportOptions& opts) {
  LIFELINE_ASSIGN_OR_RETURN(RenderedReport r, Render(store, log_key, opts));
  return std::move(r.html);
}

}  // namespace lifeline::report
