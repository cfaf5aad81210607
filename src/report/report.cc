#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analysis/compliance.h"
#include "analysis/severity.h"
#include "analysis/risk.h"
#include "analysis/dataset.h"
#include "analysis/forecast.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "analysis/movement_parse.h"
#include "analysis/verified.h"
#include "base/bytes.h"
#include "base/kinds.h"
#include "note/checkpoint.h"
#include "record/outcome_class.h"
#include "record/values.h"
#include "report/catalog.h"
#include "report/svg.h"

namespace lifeline::report {
namespace {

using json = nlohmann::json;

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
  // A percentage (`pct` in percent: 45.2), shown as the language writes one.
  std::string OptPct(const std::string& key, std::optional<double> pct, int decimals = 1) {
    if (!pct) return Put(key, "", cat_.Get("na"));
    return Put(key, Fixed(*pct, decimals), cat_.Percent(*pct / 100, decimals));
  }
  std::string Date(const std::string& key, const std::optional<std::string>& iso) {
    if (!iso || iso->empty()) return Put(key, "", cat_.Get("na"));
    return Put(key, *iso, cat_.Date(*iso));
  }
  std::string Text(const std::string& key, const std::string& value) { return Put(key, value, value); }
  // A value from a closed set, shown by its localised label.
  std::string Label(const std::string& key, const std::string& value, const std::string& label) {
    return Put(key, value, label);
  }

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
    auto pct = [&](const char* name, double v) {
      return std::pair<std::string, Arg>{name, Arg::Markup(fig.Num(key + name + "_pct", v * 100), v * 100)};
    };
    return MessageArgs{pct("route_parameters", b.route_parameters), pct("route_days", b.route_days),
                       pct("inflows", b.inflows), pct("interaction", b.interaction)};
  };
  std::string out = "<p>";
  if (const auto& b = cf.stock_drivers[widest]) {
    MessageArgs args = shares(k + "drivers.", *b);
    args.emplace_back("date", Arg::Markup(fig.Date(k + "drivers.date", dates[widest])));
    args.emplace_back("trajectories", Arg::Markup(fig.Num(k + "drivers.trajectories",
                                                          static_cast<double>(cf.drivers_trajectories)),
                                                  static_cast<double>(cf.drivers_trajectories)));
    out += cat.FormatHtml("forecast.drivers", args);
  } else {
    out += Escape(cat.Get("forecast.drivers_none"));
  }
  if (const auto& b = cf.days_to_threshold_drivers) {
    out += " " + cat.FormatHtml("forecast.drivers_days", shares(k + "drivers.days_to_threshold.", *b));
  }
  return out + "</p>";
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The current records of a case at the checkpoint, as the report reads
// them, gathered from the dataset's own load (analysis::LoadedRow), so the
// case is read once: the same rows, with LoadDataset's rules (superseded
// and retracted records left out). A movement that got through is read only
// for its sources (the sources section), so of those only the source list
// is kept, interned: a case of a million movements would otherwise hold a
// million parsed objects of about 2.5 KB each. Every other record is kept
// parsed, by id: the movements that did not get through by their outcome's
// class (the stopped table lists those stopped or turned back), and any
// movement a claim is about (the claims table labels it).
//
// The source lists are kept by the record's id index in the dataset's ids
// (`ids`, which outlives this), 4 bytes a movement instead of a map node
// holding the id's text; a movement the dataset does not hold (one it left
// out for its dates) by its id.
struct CaseRecords {
  static constexpr uint32_t kNoSources = UINT32_MAX;
  const analysis::StringTable* ids = nullptr;
  std::unordered_map<std::string, json> parsed;
  record::OutcomeClasses outcome_classes;  // the case's own outcome terms (record/outcome_class.h)
  std::vector<uint32_t> sources_by_index;  // id index -> source_lists index, or kNoSources
  std::unordered_map<std::string, uint32_t> sources_of;  // the others: id -> source_lists index
  std::vector<std::vector<std::string>> source_lists;

  // The source list of movement `id` (id index `index`, or kNone), or null.
  const std::vector<std::string>* SourcesOf(int32_t index, const std::string& id) const {
    if (index == analysis::kNone && ids != nullptr) index = ids->Find(id).value_or(analysis::kNone);
    if (index != analysis::kNone) {
      const uint32_t at = static_cast<size_t>(index) < sources_by_index.size()
                              ? sources_by_index[static_cast<size_t>(index)] : kNoSources;
      return at == kNoSources ? nullptr : &source_lists[at];
    }
    auto it = sources_of.find(id);
    return it == sources_of.end() ? nullptr : &source_lists[it->second];
  }
};

// The class of movement `j`'s outcome among the case's `classes`
// (record::OutcomeClassOf): "" when it has none (the analyses leave it out).
std::string_view OutcomeClass(const record::OutcomeClasses& classes, const json& j) {
  return record::OutcomeClassOf(classes, Str(j, "outcome")).value_or("");
}

// Builds CaseRecords from the rows of a load, as LoadDataset hands them
// over (Add is its observer), then Finish once the dataset is loaded.
class CaseRecordsBuilder {
 public:
  Status Add(const analysis::LoadedRow& r) {
    if (r.movement != nullptr) {
      if (r.movement->outcome != analysis::Outcome::kCompleted) return Parse(*r.row);
      Keep(r.record, r.row->id, r.movement->sources);
      return Status::Ok();
    }
    json& j = *r.body;
    const std::string kind = Str(j, "kind");
    if (kind == kinds::kClaim) claimed_.insert(Str(j, "about"));
    if (kind != kinds::kMovement || OutcomeClass(r.ds->outcome_classes, j) != "completed") {
      out_.parsed[r.row->id] = std::move(j);
      return Status::Ok();
    }
    std::vector<std::string> sources;
    if (auto it = j.find("sources"); it != j.end() && it->is_array()) {
      for (const auto& s : *it) {
        if (s.is_string()) sources.push_back(s.get<std::string>());
      }
    }
    Keep(r.ds->ids.Find(r.row->id).value_or(analysis::kNone), r.row->id, sources);
    return Status::Ok();
  }

  // `ds`: the dataset the rows were loaded into (outliving the result).
  Result<CaseRecords> Finish(store::LogStore& st, const analysis::Dataset& ds) && {
    out_.ids = &ds.ids;
    out_.outcome_classes = ds.outcome_classes;
    out_.sources_by_index.shrink_to_fit();  // grown a row at a time
    // A movement kept by id whose id a later row put in the dataset's ids
    // (a claim about it, say) is found by its index, as SourcesOf looks.
    for (auto it = out_.sources_of.begin(); it != out_.sources_of.end();) {
      if (std::optional<int32_t> index = ds.ids.Find(it->first)) {
        KeepAt(*index, it->second);
        it = out_.sources_of.erase(it);
      } else {
        ++it;
      }
    }
    // A movement a claim is about, read again whole (ids are unique, so the
    // stored row of that id is the current one seen above).
    for (const auto& id : claimed_) {
      if (out_.SourcesOf(analysis::kNone, id) == nullptr || out_.parsed.count(id)) continue;
      LIFELINE_ASSIGN_OR_RETURN(store::RecordRow r, st.FindRecord(id));
      json j = json::parse(r.body, nullptr, false);
      if (!j.is_object()) return CorruptionError("record " + r.id + " is not a JSON object");
      out_.parsed[id] = std::move(j);
    }
    return std::move(out_);
  }

 private:
  // A movement that did not get through (the fast reader does not keep its
  // body), parsed whole.
  Status Parse(const store::RecordRow& row) {
    json j = json::parse(row.body, nullptr, false);
    if (!j.is_object()) return CorruptionError("record " + row.id + " is not a JSON object");
    out_.parsed[row.id] = std::move(j);
    return Status::Ok();
  }

  // Keeps `sources` as the source list of movement `id` (id index `index`,
  // or kNone when the dataset does not hold it yet), each distinct list once.
  void Keep(int32_t index, const std::string& id, const std::vector<std::string>& sources) {
    auto [at, added] = interned_.try_emplace(sources, static_cast<uint32_t>(out_.source_lists.size()));
    if (added) out_.source_lists.push_back(at->first);
    if (index == analysis::kNone) {
      out_.sources_of[id] = at->second;
    } else {
      KeepAt(index, at->second);
    }
  }

  void KeepAt(int32_t index, uint32_t list) {
    const size_t k = static_cast<size_t>(index);
    if (out_.sources_by_index.size() <= k) out_.sources_by_index.resize(k + 1, CaseRecords::kNoSources);
    out_.sources_by_index[k] = list;
  }

  CaseRecords out_;
  std::map<std::vector<std::string>, uint32_t> interned_;
  std::unordered_set<std::string> claimed_;  // what the claims are about
};

// Record content (names, titles, places, commodities as recorded) is quoted
// as written, in a span of class "rc": readers, screen readers (with `lang`
// when the record states its language) and the language tests tell it from
// the report's own text.
std::string Quoted(const std::string& text, const std::string& lang = "") {
  if (text.empty()) return "";
  return "<span class=\"rc\"" + (lang.empty() ? std::string() : " lang=\"" + Escape(lang) + "\"") + ">" + Escape(text) +
         "</span>";
}

// `name` in the analysis's sentences (field names, ids) as <code>.
std::string WithCode(const std::string& html) {
  std::string out;
  bool code = false;
  for (char c : html) {
    if (c == '`') {
      out += code ? "</code>" : "<code>";
      code = !code;
    } else {
      out += c;
    }
  }
  if (code) out += "</code>";
  return out;
}

// How a canonical unit is shown: a mass of 10 t or more in tonnes (the
// unit sources and baselines use for supplies), else as it is.
struct Shown {
  std::string unit;
  double factor;  // shown = canonical x factor
};
Shown ShowUnit(const std::string& unit, double largest) {
  if (unit == "kg" && largest >= 10000) return {"t", 1e-3};
  return {unit, 1};
}

// A route's recorded name, else its id.
std::string RouteName(const std::unordered_map<std::string, json>& records, const std::string& id) {
  auto it = records.find(id);
  std::string name = it != records.end() ? Str(it->second, "name") : "";
  return name.empty() ? id : name;
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
svg .axis{text-anchor:middle}svg .ylabel{text-anchor:end}svg .label{text-anchor:end}svg .bandlabel{text-anchor:start;font-weight:bold}
svg .grid{stroke:#ddd;stroke-width:1}svg .tick{stroke:#555}
svg .st-open{fill:#4d9221}svg .st-restricted{fill:#f1a340}svg .st-closed{fill:#7f0000}svg .st-unknown{fill:#d9d9d9}
svg .hatch{stroke:#5a3000;stroke-width:2}svg .dot{fill:#555}
svg .line{fill:none;stroke-width:2}svg .s1{stroke:#1f3a5f}svg .s2{stroke:#b2182b;stroke-dasharray:6 3}
svg .bar{fill:#1f3a5f}
svg .fan90{fill:#c6dbef}svg .fan50{fill:#6baed6}svg .median{stroke:#08306b}
svg .threshold{stroke:#b2182b;stroke-width:1.5;stroke-dasharray:5 3}
a{color:#0b4f9c}
.kf .d{display:block;font-size:.85rem;color:#333;margin-top:.2rem}
.kf li.wide{grid-column:1/-1}
.flag{font-size:.8rem;border:1px solid #7f0000;color:#7f0000;border-radius:3px;padding:0 .25rem;white-space:nowrap}
@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-after:avoid}table,svg,figure,tr,.kf li{break-inside:avoid}a{color:inherit}nav{display:none}td a.rc{word-break:break-all;font-size:.8em}th{overflow-wrap:anywhere}}
)css";


// Everything a report is computed from.
struct Inputs {
  const ReportOptions* opts = nullptr;
  analysis::VerifiedDataset* v = nullptr;
  const analysis::Indicators* ind = nullptr;
  const analysis::Compliance* comp = nullptr;
  const analysis::Risk* risk = nullptr;
  const analysis::Headline* head = nullptr;
  const analysis::Severity* severity = nullptr;
  const std::optional<analysis::ForecastModel>* model = nullptr;
  const std::vector<analysis::CommodityForecast>* forecast = nullptr;
  const CaseRecords* records = nullptr;
  int64_t asked_trajectories = 0;
  const note::Verifier* log_key = nullptr;
};

const char* kSections[] = {"key_figures", "blockade",   "supply",   "movements", "casualties", "utilities",  "claims",
                           "compliance",  "severity",   "risk",     "forecast",  "sources",    "assumptions", "checkpoint"};

// Writes the page section by section. Figures go through `fig_` (shown as
// <data> elements and repeated in the JSON block); the records each figure
// rests on go to `behind_`, whose sources the report lists.
class Writer {
 public:
  Writer(const Catalog& cat, const Inputs& in) : cat_(cat), in_(in), fig_(cat) {}

  std::string Page() {
    out_.reserve(1 << 18);
    Header();
    out_ += "<main>\n";
    KeyFigures();
    Blockade();
    Supply();
    Movements();
    Casualties();
    Utilities();
    Claims();
    Compliance();
    Severity();
    Risk();
    Forecast();
    Sources();
    Assumptions();
    Checkpoint();
    out_ += "</main>\n" + Block() + "</body>\n</html>\n";
    return std::move(out_);
  }
  Figures& figures() { return fig_; }

 private:
  const analysis::Indicators& ind() const { return *in_.ind; }
  // The records kept parsed (CaseRecords): every kind the report reads.
  const std::unordered_map<std::string, json>& records() const { return in_.records->parsed; }
  void Behind(const std::vector<std::string>& ids) { behind_.insert(ids.begin(), ids.end()); }
  // A list of the indicators' dataset, by index (the figures of a large
  // case rest on millions of records).
  void Behind(const analysis::RecordIds& ids) {
    if (behind_index_.size() < in_.ind->record_ids->size()) behind_index_.resize(in_.ind->record_ids->size());
    for (int32_t i : ids.indices()) behind_index_[static_cast<size_t>(i)] = true;
  }
  std::string H(const std::string& key) const { return Escape(cat_.Get(key)); }
  std::string Route(const std::string& id) const { return Quoted(RouteName(records(), id)); }
  // A value of an open vocabulary: the catalogue's term, or one the case
  // defines ("fuel") quoted as record content.
  std::string CaseTerm(std::string_view group, const std::string& code) const {
    return cat_.HasTerm(group, code) ? Escape(cat_.Term(group, code)) : Quoted(code);
  }
  std::string Section(const char* id) {
    return "<section id=\"" + std::string(id) + "\"><h2>" + H(std::string("section.") + id) + "</h2>";
  }
  std::string Th(std::initializer_list<const char*> keys, std::initializer_list<const char*> numeric = {}) const {
    std::string s = "<thead><tr>";
    for (const char* k : keys) {
      bool n = std::find_if(numeric.begin(), numeric.end(), [&](const char* x) { return std::string(x) == k; }) !=
               numeric.end();
      s += std::string("<th scope=\"col\"") + (n ? " class=\"n\"" : "") + ">" + H(k) + "</th>";
    }
    return s + "</tr></thead>";
  }
  // A figure's html as its bound (or qualifier) reads: "at least 944",
  // "about 40 %"; `number` for the message's plural forms.
  std::string Qualified(std::string html, const std::string& bound, std::optional<double> number = std::nullopt) {
    const char* key = bound == "at_least" ? "fig.at_least"
                      : bound == "at_most" ? "fig.at_most"
                      : bound == "about"   ? "fig.about"
                                           : nullptr;
    if (key == nullptr) return html;
    return cat_.FormatHtml(key, {{"value", Arg::Markup(std::move(html), number)}});
  }
  // A number that may be a lower bound: "at least 944".
  std::string Bounded(const std::string& key, double v, const std::string& bound, int decimals = 0) {
    return Qualified(fig_.Num(key, v, decimals), bound, v);
  }
  std::string BoundedPct(const std::string& key, std::optional<double> ratio, const std::string& bound) {
    if (!ratio) return fig_.OptPct(key, std::nullopt);
    return Qualified(fig_.OptPct(key, *ratio * 100, 1), bound);
  }
  std::string Days(const std::string& key, double days, const std::string& bound = "exact") {
    std::string d = cat_.FormatHtml("value.days", {{"n", Arg::Markup(fig_.Num(key, days), days)}});
    return Qualified(std::move(d), bound == "at_least" ? bound : "exact");
  }
  std::string Observed(const std::string& key, std::optional<double> completeness) {
    if (!completeness) return "";
    return cat_.FormatHtml("fig.observed", {{"pct", Arg::Markup(fig_.OptPct(key, *completeness * 100, 0))}});
  }
  // The publisher of a record's first source, for "reported by" columns.
  std::string Reporter(const std::string& reported_by, bool one_party) const {
    if (reported_by.empty()) return H("fig.reporter_not_stated");
    return Quoted(reported_by) + (one_party ? " <span class=\"flag\">" + H("fig.one_party") + "</span>" : "");
  }
  // The current records of `kind` dated within the range (a date-time by
  // its day), by date then id; `keep`, if given, filters further.
  std::vector<const json*> DatedInRange(const char* kind, const std::function<bool(const json&)>& keep = nullptr) const {
    std::vector<std::pair<std::string, const json*>> rows;
    for (const auto& [id, j] : records()) {
      if (Str(j, "kind") != kind || (keep != nullptr && !keep(j))) continue;
      std::string date = Str(j, "date").substr(0, 10);
      if (date < ind().from || date > ind().to) continue;
      rows.push_back({date + " " + id, &j});
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const json*> out;
    for (const auto& r : rows) out.push_back(r.second);
    return out;
  }
  void Card(const std::string& label, const std::string& value, const std::string& detail, bool wide = false) {
    out_ += std::string("<li") + (wide ? " class=\"wide\"" : "") + ">" + label + "<span class=\"v\">" + value +
            "</span>" + (detail.empty() ? "" : "<span class=\"d\">" + detail + "</span>") + "</li>";
  }

  void Header();
  void KeyFigures();
  void BlockadeCards();
  void SupplyCards();
  void MovementCards();
  void DeathsCard();
  void UtilityCards();
  void Blockade();
  void Supply();
  void Severity();
  void SeverityRuns();
  void BaselineTables();
  void NeedTables();
  void StoppedTable();
  void StockTable();
  void Movements();
  void EstimateReports(const analysis::RangeEstimate& e, const std::string& k);
  void Casualties();
  void IncidentTable();
  void Utilities();
  void Claims();
  void Compliance();
  std::string OnePartyShare(const std::string& k, const json& d);
  void Risk();
  void RiskRow(const std::string& key, const std::string& label, const analysis::RiskCounts& c);
  std::string RuleInWords(const analysis::ObligationCompliance& o) const;
  std::string RuleWhere(const analysis::ObligationCompliance& o) const;
  std::string RuleDirections(const analysis::ObligationCompliance& o) const;
  void Forecast();
  void Sources();
  // Adds the sources of record `id` (id index `index`, or kNone) to `source_ids`.
  void SourcesBehind(int32_t index, const std::string& id, std::set<std::string>& source_ids) const;
  void Assumptions();
  void Checkpoint();
  std::string Block();

  const Catalog& cat_;
  const Inputs& in_;
  Figures fig_;
  std::set<std::string> behind_;
  std::vector<bool> behind_index_;  // by id index in in_.ind->record_ids
  std::string out_;
};

std::string CaseTitle(const analysis::Indicators& ind) {
  return ind.case_title.empty() ? ind.case_id : ind.case_title;
}

void Writer::Header() {
  const ReportOptions& o = *in_.opts;
  std::string title = CaseTitle(ind());
  out_ += "<!DOCTYPE html>\n<html lang=\"" + Escape(o.lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out_ += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  out_ += "<meta name=\"generator\" content=\"Lifeline\">\n";
  out_ += "<title>" + Escape(cat_.Format("title", {{"case", title}})) + "</title>\n<style>" + kCss +
          "</style>\n</head>\n<body>\n<header>\n";
  out_ += "<h1>" + cat_.FormatHtml("title", {{"case", Arg::Markup(Quoted(title))}}) + "</h1>\n";
  out_ += "<p class=\"note\">" +
          cat_.FormatHtml("case.id", {{"id", Arg::Markup("<code>" + Escape(o.case_id) + "</code>")}}) + "</p>\n";
  out_ += "<p>" + cat_.FormatHtml("period", {{"from", Arg::Markup(fig_.Date("period.from", ind().from))},
                                             {"to", Arg::Markup(fig_.Date("period.to", ind().to))}}) +
          "</p>\n";
  out_ += "<p class=\"note\">" + H("generated_note") + " " + H("original_language_note") + "</p>\n</header>\n";
  out_ += "<nav aria-labelledby=\"toc\"><h2 id=\"toc\">" + H("contents") + "</h2><ol>";
  for (const char* s : kSections) {
    out_ += "<li><a href=\"#" + std::string(s) + "\">" + H(std::string("section.") + s) + "</a></li>";
  }
  out_ += "</ol></nav>\n";
}

// --- Key figures: the headline figures, in the order of their rules. ---

void Writer::KeyFigures() {
  out_ += Section("key_figures") + "<p class=\"note\">" + H("kf.intro") + "</p><ul class=\"kf\">";
  BlockadeCards();
  SupplyCards();
  MovementCards();
  DeathsCard();
  UtilityCards();
  out_ += "</ul></section>\n";
}

void Writer::BlockadeCards() {
  const analysis::Headline& h = *in_.head;
  const analysis::Blockade& b = ind().blockade;
  if (const auto* f = h.Find("blockade.days"); f && !f->value && f->reason == "no_status") {
    Card(H("kf.blockade_none"), fig_.Text("blockade.days", cat_.Get("fig.unknown")), H("kf.no_status"), true);
  } else if (f && f->value) {
    Behind(f->records);
    std::string routes;
    for (const auto& r : b.lifeline_routes) routes += (routes.empty() ? "" : ", ") + Route(r);
    std::string detail = cat_.FormatHtml(
        "kf.blockade_detail",
        {{"from", Arg::Markup(fig_.Date("blockade.first_day", b.first_day))},
         {"to", Arg::Markup(fig_.Date("blockade.last_day", b.last_day))},
         {"closed", Arg::Markup(fig_.Num("blockade.fully_closed", static_cast<double>(b.fully_closed)),
                                static_cast<double>(b.fully_closed))},
         {"partial", Arg::Markup(fig_.Num("blockade.partly_open", static_cast<double>(b.partly_open)),
                                 static_cast<double>(b.partly_open))}});
    Card(cat_.FormatHtml("kf.blockade", {{"routes", Arg::Markup(routes)}}),
         Days("blockade.days", *f->value, f->bound), detail + " " + Observed("blockade.observed_pct", f->completeness),
         true);
  }
  for (const char* kind : {"closed", "medical", "humanitarian"}) {
    const auto* f = h.Find(std::string("blockade.longest.") + kind);
    if (f == nullptr || !f->value) continue;
    Behind(f->records);
    std::string k = std::string("blockade.longest.") + kind;
    Card(H(std::string("kf.longest.") + kind), Days(k + ".days", *f->value, f->bound),
         cat_.FormatHtml("kf.episode_detail",
                         {{"from", Arg::Markup(fig_.Date(k + ".from", f->detail["from"].get<std::string>()))},
                          {"to", Arg::Markup(fig_.Date(k + ".to", f->detail["to"].get<std::string>()))},
                          {"count", Arg::Markup(fig_.Num(k + ".episodes", f->detail["episodes"].get<double>()),
                                                f->detail["episodes"].get<double>())}}));
  }
}

void Writer::SupplyCards() {
  for (const auto& f : in_.head->figures) {
    if (f.key.rfind("supply.baseline.", 0) == 0) {
      Behind(f.records);
      const json& d = f.detail;
      std::string k = "kf." + f.key;
      if (!f.value) {
        Card(cat_.FormatHtml("kf.supply_baseline", {{"route", Arg::Markup(Route(d["route"].get<std::string>()))}}),
             fig_.Text(k + ".pct", cat_.Get("fig.unknown")), H("kf.no_data"));
        continue;
      }
      Shown u = ShowUnit(d["unit"].get<std::string>(), d["expected"].get<double>());
      std::string detail = cat_.FormatHtml(
          "kf.supply_detail",
          {{"delivered", Arg::Markup(Bounded(k + ".delivered", d["delivered"].get<double>() * u.factor, f.bound))},
           {"expected", Arg::Markup(fig_.Num(k + ".expected", d["expected"].get<double>() * u.factor))},
           {"unit", cat_.Unit(u.unit)},
           {"per_day", Arg::Markup(fig_.Num(k + ".per_day", d["per_day"].get<double>() * u.factor))}});
      Card(cat_.FormatHtml("kf.supply_baseline", {{"route", Arg::Markup(Route(d["route"].get<std::string>()))}}),
           BoundedPct(k + ".pct", f.value, f.bound),
           detail + OnePartyShare(k, d) + " " + Observed(k + ".observed_pct", f.completeness));
    } else if (f.key.rfind("supply.requirement.", 0) == 0) {
      Behind(f.records);
      std::string k = "kf." + f.key;
      Card(cat_.FormatHtml("kf.requirement", {{"basis", Arg::Markup(Quoted(f.detail["basis"].get<std::string>()))}}),
           BoundedPct(k + ".pct", f.value, f.bound), Observed(k + ".observed_pct", f.completeness));
    } else if (f.key.rfind("need.", 0) == 0) {
      std::string commodity = f.detail["commodity"].get<std::string>(), k = "kf." + f.key;
      std::string no_value = f.bound == "not_assessed"     ? "fig.not_assessed"
                             : f.bound == "not_applicable" ? "fig.not_dependent"
                                                           : "fig.unknown";
      std::string value = f.value ? BoundedPct(k + ".pct", f.value, f.bound) : fig_.Text(k + ".pct", cat_.Get(no_value));
      std::string detail = f.bound == "not_assessed"     ? H("kf.need_not_assessed")
                           : f.bound == "not_applicable" ? H("kf.need_not_dependent")
                           : f.value                     ? Observed(k + ".observed_pct", f.completeness)
                                                         : H("kf.need_unknown");
      if (f.value) Behind(f.records);
      Card(cat_.FormatHtml("kf.need", {{"commodity", Arg::Markup(Quoted(commodity))}}), value, detail);
    }
  }
}

// The movement figures the key figures show: every measure and direction
// with a value, in the headline's order, but a both-ways figure that repeats
// one-way ones (the headline marks it; the dashboard's overview shows the same).
std::vector<const analysis::HeadlineFigure*> ShownMovements(const analysis::Headline& head) {
  std::vector<const analysis::HeadlineFigure*> shown;
  for (const auto& f : head.figures) {
    if (f.key.rfind("movements.", 0) == 0 && f.value && !f.detail.value("repeats_one_way", false)) shown.push_back(&f);
  }
  return shown;
}

// "4,887 of it by a party's own count (Hamas)." for a figure resting partly
// on totals a party gave (the headline's detail.one_party), else "".
std::string Writer::OnePartyShare(const std::string& k, const json& d) {
  if (!d.contains("one_party") || d["one_party"]["value"].get<double>() == 0) return "";
  std::string who;
  for (const auto& p : d["one_party"]["parties"]) who += (who.empty() ? "" : ", ") + p.get<std::string>();
  const double n = d["one_party"]["value"].get<double>();
  return " " + cat_.FormatHtml("kf.one_party_share",
                               {{"n", Arg::Markup(fig_.Num(k + ".one_party", n), n)}, {"who", Arg::Markup(Quoted(who))}});
}

void Writer::MovementCards() {
  for (const auto* f : ShownMovements(*in_.head)) {
    Behind(f->records);
    const std::string k = "kf." + f->key;
    const json& d = f->detail;
    std::string detail = cat_.FormatHtml(
        "kf.estimate_detail",
        {{"rule", cat_.Get("rule." + d["rule"].get<std::string>())},
         {"daily", Arg::Markup(fig_.Num(k + ".daily_sum", d["daily_sum"].get<double>()), d["daily_sum"].get<double>())}});
    detail += OnePartyShare(k, d);
    if (!d["discrepancies"].empty()) {
      detail += " " + cat_.FormatHtml("kf.discrepancies",
                                      {{"n", Arg::Markup(fig_.Num(k + ".discrepancies", d["discrepancies"].size()),
                                                         static_cast<double>(d["discrepancies"].size()))}});
    }
    Card(H(k), Bounded(k, *f->value, f->bound), detail + " " + Observed(k + ".observed_pct", f->completeness));
  }
}

// Deaths by party: one line per party, never a total across parties.
void Writer::DeathsCard() {
  const auto* f = in_.head->Find("casualties");
  if (f == nullptr || f->detail["by_party"].empty()) return;
  Behind(f->records);
  std::string lines;
  for (const auto& p : f->detail["by_party"]) {
    const json& fat = p["fatalities"];
    if (fat["best"].get<int64_t>() == 0 && fat["high"].get<int64_t>() == 0) continue;
    std::string party = p["party"].is_null() ? "" : p["party"].get<std::string>();
    std::string k = "kf.deaths." + (party.empty() ? std::string("not_stated") : party);
    double best = fat["best"].get<double>(), low = fat["low"].get<double>(), high = fat["high"].get<double>();
    double own = p["one_party_best"].get<double>();
    MessageArgs args = {{"party", Arg::Markup(party.empty() ? H("fig.party_not_stated") : Quoted(party))},
                        {"best", Arg::Markup(fig_.Num(k + ".best", best), best)}};
    // The range only where the counts differ (each figure shown is one the
    // page carries).
    bool range = low != best || high != best;
    if (range) {
      args.emplace_back("low", Arg::Markup(fig_.Num(k + ".low", low), low));
      args.emplace_back("high", Arg::Markup(fig_.Num(k + ".high", high), high));
    }
    lines += "<br>" + cat_.FormatHtml(range ? "kf.deaths_line" : "kf.deaths_line_exact", args);
    if (own > 0) {
      lines += " " + cat_.FormatHtml("kf.deaths_own",
                                     {{"n", Arg::Markup(fig_.Num(k + ".one_party_best", own), own)}});
    }
  }
  if (lines.empty()) return;
  Card(H("kf.deaths"), "", lines.substr(4) + "<br>" + H("kf.deaths_note"), true);
}

void Writer::UtilityCards() {
  for (const auto& f : in_.head->figures) {
    if (f.key.rfind("utilities.", 0) != 0 || !f.value || *f.value == 0) continue;
    Behind(f.records);
    const json& d = f.detail;
    std::string utility = f.key.substr(10), k = "kf." + f.key;
    std::string detail;
    if (!d["first_supply_cut"].is_null()) {
      detail += cat_.FormatHtml("kf.utility_cut",
                                {{"from", Arg::Markup(fig_.Date(k + ".first_cut", d["first_supply_cut"].get<std::string>()))},
                                 {"to", Arg::Markup(fig_.Date(k + ".last_cut", d["last_supply_cut"].get<std::string>()))}});
    }
    if (d["max_scheduled_hours"].get<double>() > 0) {
      double hours = d["max_scheduled_hours"].get<double>();
      int decimals = hours == std::round(hours) ? 0 : 1;
      detail += " " + cat_.FormatHtml("kf.utility_rationing", {{"hours", Arg::Markup(fig_.Num(k + ".max_scheduled_hours",
                                                                                             hours, decimals),
                                                                                    hours, decimals)}});
    }
    if (d["days_unknown"].get<int64_t>() > 0) {
      double unknown = d["days_unknown"].get<double>();
      detail += " " + cat_.FormatHtml("kf.utility_unknown",
                                      {{"days", Arg::Markup(fig_.Num(k + ".days_unknown", unknown), unknown)}});
    }
    Card(cat_.FormatHtml("kf.utility", {{"utility", Arg::Markup(CaseTerm("utility", utility))}}), Days(k + ".days", *f.value, f.bound),
         detail);
  }
}

// --- The blockade: route statuses by direction, its length, its episodes. ---

void Writer::Blockade() {
  const analysis::Blockade& b = ind().blockade;
  out_ += Section("blockade") + "<p>" + H("blockade.intro") + "</p>";
  if (b.lifeline_routes.empty()) {
    out_ += "<p>" + H("blockade.no_lifeline") + "</p>";
  } else {
    std::string routes;
    for (const auto& r : b.lifeline_routes) routes += (routes.empty() ? "" : ", ") + Route(r);
    out_ += "<p>" + cat_.FormatHtml(b.lifeline_from_profile ? "blockade.lifeline_profile" : "blockade.lifeline_baseline",
                                    {{"routes", Arg::Markup(routes)}}) +
            "</p>";
    out_ += "<table>" + Th({"blockade.route", "blockade.direction", "term.passage.open", "term.passage.humanitarian_only",
                            "term.passage.closed", "term.passage.unknown"},
                           {"term.passage.open", "term.passage.humanitarian_only", "term.passage.closed",
                            "term.passage.unknown"}) +
            "<tbody>";
    for (const auto& r : b.routes) {
      for (int w = 0; w < 2; ++w) {
        const char* dir = w == 0 ? "in" : "out";
        std::string k = "blockade." + r.route + "." + dir + ".";
        out_ += "<tr><td>" + Route(r.route) + "</td><td>" + Escape(cat_.Term("direction", dir)) + "</td>";
        for (auto p : {analysis::Passage::kOpen, analysis::Passage::kHumanitarianOnly, analysis::Passage::kClosed,
                       analysis::Passage::kUnknown}) {
          double days = static_cast<double>(r.by_direction[static_cast<size_t>(w)][static_cast<size_t>(p)]);
          out_ += "<td class=\"n\">" + fig_.Num(k + std::string(analysis::PassageName(p)), days) + "</td>";
        }
        out_ += "</tr>";
      }
    }
    out_ += "</tbody></table>";
    if (!b.episodes.empty()) {
      out_ += "<h3>" + H("blockade.episodes") + "</h3><table>" +
              Th({"blockade.episode", "blockade.route", "blockade.from", "blockade.to", "blockade.days"},
                 {"blockade.days"}) +
              "<tbody>";
      for (const auto& e : b.episodes) {
        if (e.kind == "blockade") continue;  // the whole length is the key figure
        Behind(e.records);
        std::string k = "episode." + e.kind + "." + e.from + ".";
        out_ += "<tr><td>" + Escape(cat_.Term("episode", e.kind)) + "</td><td>" + Route(e.route) + "</td><td>" +
                fig_.Date(k + "from", e.from) + "</td><td>" + fig_.Date(k + "to", e.to) + "</td><td class=\"n\">" +
                fig_.Num(k + "days", static_cast<double>(e.days)) + "</td></tr>";
      }
      out_ += "</tbody></table>";
    }
  }
  // Every route's combined status, day by day.
  std::vector<std::string> dates;
  for (const auto& d : ind().days) dates.push_back(d.date);
  std::vector<std::pair<std::string, std::vector<analysis::RouteState>>> bands;
  for (const auto& r : ind().totals.routes) bands.push_back({r.route, {}});
  for (const auto& d : ind().days) {
    for (auto& band : bands) {
      analysis::RouteState st = analysis::RouteState::kUnknown;
      for (const auto& rd : d.routes) {
        if (rd.route == band.first) st = rd.state;
        Behind(rd.records);
      }
      band.second.push_back(st);
    }
  }
  std::string desc;
  for (const auto& r : ind().totals.routes) {
    desc += cat_.Format("routes.totals", {{"route", RouteName(records(), r.route)},
                                          {"open", r.open},
                                          {"restricted", r.restricted},
                                          {"closed", r.closed},
                                          {"unknown", r.unknown}}) +
            ". ";
  }
  for (auto& band : bands) band.first = RouteName(records(), band.first);
  out_ += "<h3>" + H("routes.chart_title") + "</h3><p>" + H("routes.intro") + "</p><figure>" +
          RouteBands({"routes-chart", cat_.Get("routes.chart_title"), desc}, dates, bands, cat_) + "<figcaption><ul>";
  for (const auto& r : ind().totals.routes) {
    std::string k = "route." + r.route + ".";
    out_ += "<li>" + cat_.FormatHtml("routes.totals",
                                     {{"route", Arg::Markup("<strong>" + Route(r.route) + "</strong>")},
                                      {"open", Arg::Markup(fig_.Num(k + "open", r.open), r.open)},
                                      {"restricted", Arg::Markup(fig_.Num(k + "restricted", r.restricted), r.restricted)},
                                      {"closed", Arg::Markup(fig_.Num(k + "closed", r.closed), r.closed)},
                                      {"unknown", Arg::Markup(fig_.Num(k + "unknown", r.unknown), r.unknown)}}) +
            "</li>";
  }
  out_ += "</ul></figcaption></figure></section>\n";
}

// --- Supply: against the baseline per period, requirements, needs, what
// arrived, what was stopped. ---

void Writer::Supply() {
  out_ += Section("supply") + "<p>" + H("supply.intro") + "</p>";
  BaselineTables();
  NeedTables();
  if (!ind().totals.cargo.empty()) {
    out_ += "<h3>" + H("supply.cargo") + "</h3><p class=\"note\">" + H("supply.cargo_note") + "</p><table>" +
            Th({"cargo.commodity", "cargo.unit", "cargo.delivered", "supply.stopped"},
               {"cargo.delivered", "supply.stopped"}) +
            "<tbody>";
    for (const auto& c : ind().totals.cargo) {
      Behind(c.records);
      std::string k = "cargo." + c.commodity + "." + c.unit + ".";
      out_ += "<tr><td>" + Quoted(c.commodity) + "</td><td>" + Escape(cat_.Unit(c.unit)) + "</td><td class=\"n\">" +
              fig_.Num(k + "delivered", c.delivered) + "</td><td class=\"n\">" + fig_.Num(k + "stopped", c.stopped) +
              "</td></tr>";
    }
    out_ += "</tbody></table>";
  }
  StoppedTable();
  StockTable();
  out_ += "</section>\n";
}

// Stocks on hand as reported (the forecast's starting points).
void Writer::StockTable() {
  std::vector<const json*> rows = DatedInRange("stock");
  if (rows.empty()) return;
  out_ += "<h3>" + H("supply.stocks_title") + "</h3><table>" +
          Th({"incidents.date", "cargo.commodity", "supply.stock", "supply.area"}, {"supply.stock"}) + "<tbody>";
  for (const json* jp : rows) {
    const json& j = *jp;
    std::string id = Str(j, "id");
    behind_.insert(id);
    out_ += "<tr><td>" + fig_.Date("stock." + id + ".date", Str(j, "date")) + "</td><td>" + Quoted(Str(j, "commodity")) +
            "</td><td class=\"n\">" + fig_.Num("stock." + id + ".quantity", j.value("quantity", 0.0), 1) + " " +
            Escape(cat_.Unit(Str(j, "unit"))) + "</td><td>" + Quoted(Str(j, "area")) + "</td></tr>";
  }
  out_ += "</tbody></table>";
}

void Writer::BaselineTables() {
  for (const auto& bc : ind().baselines) {
    Behind({bc.record});
    Shown u = ShowUnit(bc.unit, bc.periods.empty() ? 0 : bc.periods[0].expected);
    std::string what = bc.measure == "cargo" ? cat_.Format("supply.measure_cargo", {{"unit", cat_.Unit(u.unit)}})
                                             : cat_.Term("measure", bc.measure);
    std::string dirs;
    for (const auto& d : bc.directions) dirs += (dirs.empty() ? "" : ", ") + cat_.Term("direction", d);
    std::string kb = "baseline." + bc.route + "." + bc.measure + (bc.unit.empty() ? "" : "." + bc.unit) + ".";
    out_ += "<h3>" + cat_.FormatHtml("supply.baseline_title", {{"what", what}, {"route", Arg::Markup(Route(bc.route))}}) +
            "</h3><p>" +
            cat_.FormatHtml("supply.baseline_intro",
                            {{"per_day", Arg::Markup(fig_.Num(kb + "per_day", bc.per_day * u.factor), bc.per_day * u.factor)},
                             {"directions", dirs}}) +
            "</p><table>" +
            Th({"supply.period", "supply.reported_by", "supply.delivered", "supply.expected", "supply.share"},
               {"supply.delivered", "supply.expected", "supply.share"}) +
            "<tbody>";
    for (size_t i = 0; i < bc.periods.size(); ++i) {
      const auto& p = bc.periods[i];
      Behind(p.records);
      std::string k = kb + (i == 0 ? std::string("range") : p.report) + ".";
      std::string who = i == 0 ? H("supply.best_estimate")
                               : Reporter(p.reported_by, in_.v->ds.IsParty(in_.v->ds.actors.Find(p.reported_by).value_or(analysis::kNone)));
      out_ += "<tr><td>" + cat_.FormatHtml("supply.period_dates", {{"from", Arg::Markup(fig_.Date(k + "from", p.from))},
                                                                   {"to", Arg::Markup(fig_.Date(k + "to", p.to))}}) +
              "</td><td>" + who + "</td><td class=\"n\">" + Bounded(k + "delivered", p.delivered * u.factor, p.qualifier) +
              "</td><td class=\"n\">" + fig_.Num(k + "expected", p.expected * u.factor) + "</td><td class=\"n\">" +
              BoundedPct(k + "pct", p.ratio, p.qualifier == "as_stated" ? "exact" : p.qualifier) + "</td></tr>";
    }
    out_ += "</tbody></table>";
    if (bc.other_routes_delivered > 0) {
      Behind(bc.other_routes);
      out_ += "<p class=\"note\">" +
              cat_.FormatHtml("supply.other_routes",
                              {{"delivered", Arg::Markup(fig_.Num(kb + "other_routes", bc.other_routes_delivered * u.factor, 1),
                                                         bc.other_routes_delivered * u.factor, 1)},
                               {"unit", cat_.Unit(u.unit)}}) +
              "</p>";
    }
  }
  for (const auto& r : ind().requirements) {
    Behind(r.delivered.records);
    std::string k = "requirement." + r.record + ".";
    out_ += "<h3>" + cat_.FormatHtml("supply.requirement_title", {{"basis", Arg::Markup(Quoted(r.basis))}}) + "</h3><p>" +
            cat_.FormatHtml("supply.requirement_line",
                            {{"delivered", Arg::Markup(Bounded(k + "delivered", r.delivered.best,
                                                               r.delivered.lower_bound ? "at_least" : "exact"))},
                             {"expected", Arg::Markup(fig_.Num(k + "expected", r.expected), r.expected)},
                             {"pct", Arg::Markup(BoundedPct(k + "pct", r.ratio,
                                                            r.delivered.lower_bound ? "at_least" : "exact"))}}) +
            "</p>";
  }
}

void Writer::NeedTables() {
  if (ind().totals.needs.empty()) return;
  out_ += "<h3>" + H("supply.needs") + "</h3><p class=\"note\">" + H("supply.needs_intro") + "</p><table>" +
          Th({"cargo.commodity", "supply.dependency", "cargo.need", "supply.delivered", "cargo.coverage"},
             {"cargo.need", "supply.delivered", "cargo.coverage"}) +
          "<tbody>";
  for (const auto& n : ind().totals.needs) {
    std::string k = "need." + n.commodity + ".";
    std::string share = n.share ? fig_.OptPct(k + "share_pct", *n.share * 100, 0) : H("fig.not_assessed");
    std::string coverage;
    if (n.coverage) {
      if (n.estimate) Behind(n.estimate->records);
      coverage = BoundedPct(k + "coverage_pct", n.coverage, n.coverage_lower_bound ? "at_least" : "exact");
    } else {
      coverage = fig_.Text(k + "coverage_pct", cat_.Get(!n.assessed                   ? "fig.not_assessed"
                                                        : n.share && *n.share <= 0 ? "fig.not_dependent"
                                                                                   : "fig.unknown"));
    }
    double delivered = n.estimate ? n.estimate->best : n.delivered;
    out_ += "<tr><td>" + Quoted(n.commodity) + "</td><td class=\"n\">" + share + "</td><td class=\"n\">" +
            (n.need ? Escape(cat_.Quantity(*n.need, n.unit)) : H("na")) + "</td><td class=\"n\">" +
            Bounded(k + "delivered", delivered, n.estimate && n.estimate->lower_bound ? "at_least" : "exact") + " " +
            Escape(cat_.Unit(n.unit)) + "</td><td class=\"n\">" + coverage + "</td></tr>";
  }
  out_ += "</tbody></table>";
}

// Convoys and crossings that did not get through, as recorded.
void Writer::StoppedTable() {
  std::vector<const json*> rows = DatedInRange("movement", [&](const json& j) {
    const std::string_view cls = OutcomeClass(in_.records->outcome_classes, j);
    return cls == "stopped" || cls == "turned_back";
  });
  if (rows.empty()) return;
  out_ += "<h3>" + H("supply.stopped_title") + "</h3><table>" +
          Th({"incidents.date", "patients.operator", "blockade.direction", "supply.outcome", "supply.what"}) + "<tbody>";
  for (const json* jp : rows) {
    const json& j = *jp;
    std::string id = Str(j, "id");
    behind_.insert(id);
    std::string what;
    for (const char* m : {"vehicles", "persons", "patients"}) {
      if (j.contains(m) && j[m].is_number()) {
        what += (what.empty() ? "" : "; ") + cat_.Quantity(j[m].get<double>(), m == std::string("patients") ? "persons" : m);
      }
    }
    if (j.contains("cargo") && j["cargo"].is_array()) {
      for (const auto& c : j["cargo"]) {
        what += (what.empty() ? "" : "; ") + cat_.Quantity(c.value("quantity", 0.0), Str(c, "unit")) + " " +
                Str(c, "commodity");
      }
    }
    out_ += "<tr><td>" + fig_.Date("stopped." + id + ".date", Str(j, "date")) + "</td><td>" + Quoted(Str(j, "operator")) +
            "</td><td>" + Escape(cat_.Term("direction", Str(j, "direction"))) + "</td><td>" +
            CaseTerm("outcome", Str(j, "outcome")) + "</td><td>" + Quoted(what) + "</td></tr>";
  }
  out_ += "</tbody></table>";
}

// --- Movements: each figure as an estimate, with the reports it weighs. ---

void Writer::Movements() {
  out_ += Section("movements") + "<p>" + H("movements.intro") + "</p><table>" +
          Th({"movements.what", "movements.daily_sum", "movements.best", "movements.observed", "movements.rule"},
             {"movements.daily_sum", "movements.best", "movements.observed"}) +
          "<tbody>";
  std::vector<const analysis::RangeEstimate*> shown;
  for (const auto& e : ind().estimates) {
    if (e.outcome != "delivered" || e.measure == "cargo") continue;
    shown.push_back(&e);
    Behind(e.records);
    std::string k = "estimate." + e.measure + "." + e.direction + ".";
    out_ += "<tr><td>" + Escape(cat_.Format("movements.label", {{"measure", cat_.Term("measure", e.measure)},
                                                                 {"direction", cat_.Term("direction", e.direction)}})) +
            "</td><td class=\"n\">" + fig_.Num(k + "daily_sum", e.daily_sum) + "</td><td class=\"n\">" +
            Bounded(k + "best", e.best, e.lower_bound ? "at_least" : "exact") + "</td><td class=\"n\">" +
            fig_.OptPct(k + "observed_pct", e.completeness.Fraction() * 100, 0) + "</td><td>" +
            H("rule." + e.rule) + "</td></tr>";
  }
  out_ += "</tbody></table>";
  for (const auto* e : shown) {
    if (!e->reports.empty()) EstimateReports(*e, "estimate." + e->measure + "." + e->direction + ".");
  }
  out_ += "</section>\n";
}

// The period reports an estimate weighed, side by side, and where they
// disagree.
void Writer::EstimateReports(const analysis::RangeEstimate& e, const std::string& k) {
  out_ += "<h3>" + Escape(cat_.Format("movements.reports_title", {{"measure", cat_.Term("measure", e.measure)},
                                                                  {"direction", cat_.Term("direction", e.direction)}})) +
          "</h3><table>" +
          Th({"supply.period", "supply.reported_by", "movements.figure", "movements.used"}, {"movements.figure"}) +
          "<tbody>";
  for (const auto& r : e.reports) {
    std::string rk = k + "report." + r.record + ".";
    std::string fit = r.fit == "within" ? (r.used ? H("movements.used_yes") : H("movements.used_no"))
                                        : H("movements.fit_" + r.fit);
    out_ += "<tr><td>" + cat_.FormatHtml("supply.period_dates", {{"from", Arg::Markup(fig_.Date(rk + "from", r.from))},
                                                                 {"to", Arg::Markup(fig_.Date(rk + "to", r.to))}}) +
            "</td><td>" + Reporter(r.reported_by, r.one_party) + "</td><td class=\"n\">" +
            Bounded(rk + "value", r.value, r.qualifier) + "</td><td>" + fit + "</td></tr>";
  }
  out_ += "</tbody></table>";
  // The one-party flag of a report's reporter, as in the table above.
  auto one_party = [&](const std::string& id) {
    return std::any_of(e.reports.begin(), e.reports.end(),
                       [&](const analysis::RangeEstimate::Report& r) { return r.record == id && r.one_party; });
  };
  for (const auto& d : e.discrepancies) {
    std::string dk = k + "discrepancy." + d.a + "." + (d.b.empty() ? "records" : d.b) + ".";
    if (d.kind == "reports") {
      out_ += "<p class=\"note\">" +
              cat_.FormatHtml("movements.discrepancy",
                              {{"a", Arg::Markup(fig_.Num(dk + "a", d.value_a))},
                               {"who_a", Arg::Markup(Reporter(d.reporter_a, one_party(d.a)))},
                               {"b", Arg::Markup(fig_.Num(dk + "b", d.value_b))},
                               {"who_b", Arg::Markup(Reporter(d.reporter_b, one_party(d.b)))}}) +
              "</p>";
    } else {
      out_ += "<p class=\"note\">" +
              cat_.FormatHtml("movements.records_exceed",
                              {{"a", Arg::Markup(fig_.Num(dk + "a", d.value_a))},
                               {"who_a", Arg::Markup(Reporter(d.reporter_a, one_party(d.a)))},
                               {"b", Arg::Markup(fig_.Num(dk + "b", d.value_b))}}) +
              "</p>";
    }
  }
}

// --- Casualties by party, category and cause; the incidents. ---

void Writer::Casualties() {
  out_ += Section("casualties") + "<p>" + H("casualties.intro") + "</p>";
  const analysis::CasualtyTotals& c = ind().totals.casualties;
  if (!c.groups.empty()) {
    out_ += "<table>" +
            Th({"casualties.party", "casualties.category", "casualties.cause", "casualties.incidents",
                "casualties.low", "casualties.best", "casualties.high", "casualties.injuries", "casualties.own_count"},
               {"casualties.incidents", "casualties.low", "casualties.best", "casualties.high", "casualties.injuries",
                "casualties.own_count"}) +
            "<tbody>";
    for (const auto& g : c.groups) {
      std::string k = "casualties." + (g.party.empty() ? std::string("not_stated") : g.party) + "." + g.category + "." +
                      g.cause + ".";
      const analysis::CasualtyFigures& f = g.figures;
      Behind(f.records);
      out_ += "<tr><td>" + (g.party.empty() ? H("fig.party_not_stated") : Quoted(g.party)) + "</td><td>" +
              Escape(cat_.Term("category", g.category)) + "</td><td>" + Escape(cat_.Term("cause", g.cause)) +
              "</td><td class=\"n\">" + fig_.Num(k + "incidents", static_cast<double>(f.incidents)) +
              "</td><td class=\"n\">" + fig_.Num(k + "low", static_cast<double>(f.low)) + "</td><td class=\"n\">" +
              fig_.Num(k + "best", static_cast<double>(f.best)) + "</td><td class=\"n\">" +
              fig_.Num(k + "high", static_cast<double>(f.high)) + "</td><td class=\"n\">" +
              fig_.Num(k + "injuries", static_cast<double>(f.injuries)) + "</td><td class=\"n\">" +
              fig_.Num(k + "one_party_best", static_cast<double>(f.one_party_best)) + "</td></tr>";
    }
    out_ += "</tbody></table><p class=\"note\">" + H("casualties.note") + "</p>";
  }
  IncidentTable();
  out_ += "</section>\n";
}

void Writer::IncidentTable() {
  std::vector<const json*> incs = DatedInRange("incident");
  out_ += "<h3>" + H("section.incidents") + "</h3>";
  if (incs.empty()) {
    out_ += "<p>" + H("incidents.none") + "</p>";
    return;
  }
  out_ += "<table>" +
          Th({"incidents.date", "incidents.place", "incidents.type", "incidents.fatalities", "incidents.sources"},
             {"incidents.fatalities"}) +
          "<tbody>";
  for (const json* jp : incs) {
    const json& j = *jp;
    std::string id = Str(j, "id");
    behind_.insert(id);
    std::string place = j.contains("location") && j["location"].is_object() ? Str(j["location"], "name") : "";
    std::string type = Escape(cat_.Term("event_type", Str(j, "event_type")));
    if (std::string sub = Str(j, "sub_event_type"); !sub.empty()) {
      type += " / " + (cat_.HasTerm("sub_event_type", sub) ? Escape(cat_.Term("sub_event_type", sub)) : Quoted(sub));
    }
    std::optional<double> fat;
    if (j.contains("fatalities") && j["fatalities"].is_object() && j["fatalities"].contains("best") &&
        j["fatalities"]["best"].is_number()) {
      fat = j["fatalities"]["best"].get<double>();
    }
    std::string pubs;
    if (j.contains("sources") && j["sources"].is_array()) {
      for (const auto& s : j["sources"]) {
        if (!s.is_string()) continue;
        auto it = records().find(s.get<std::string>());
        std::string name = it != records().end() ? Str(it->second, "publisher") : s.get<std::string>();
        if (pubs.find(name) == std::string::npos) pubs += (pubs.empty() ? "" : "; ") + name;
      }
    }
    out_ += "<tr><td>" + fig_.Date("incident." + id + ".date", Str(j, "date").substr(0, 10)) + "</td><td>" +
            Quoted(place) + "</td><td>" + type + "</td><td class=\"n\">" +
            fig_.OptNum("incident." + id + ".fatalities", fat) + "</td><td>" + Quoted(pubs) + "</td></tr>";
  }
  out_ += "</tbody></table>";
}

// --- Utilities: supply lines cut, hours without service, rationing, and
// the days nothing is known. ---

void Writer::Utilities() {
  out_ += Section("utilities") + "<p>" + H("utilities.intro") + "</p>";
  if (ind().totals.utilities.empty()) {
    out_ += "<p>" + H("outages.none") + "</p></section>\n";
    return;
  }
  out_ += "<table>" +
          Th({"outages.utility", "utilities.supply_cut", "utilities.first", "utilities.last", "utilities.days_without",
              "outages.hours", "utilities.rationing", "utilities.unknown"},
             {"utilities.supply_cut", "utilities.days_without", "outages.hours", "utilities.rationing",
              "utilities.unknown"}) +
          "<tbody>";
  for (const auto& u : ind().totals.utilities) {
    Behind(u.records);
    std::string k = "utility." + u.utility + ".";
    out_ += "<tr><td>" + CaseTerm("utility", u.utility) + "</td><td class=\"n\">" +
            fig_.Num(k + "days_supply_cut", static_cast<double>(u.days_supply_cut)) + "</td><td>" +
            fig_.Date(k + "first_supply_cut", u.first_supply_cut) + "</td><td>" +
            fig_.Date(k + "last_supply_cut", u.last_supply_cut) + "</td><td class=\"n\">" +
            fig_.Num(k + "days_without_service", static_cast<double>(u.days_without_service)) +
            "</td><td class=\"n\">" + fig_.Num("outage_hours." + u.utility, u.hours, 1) + "</td><td class=\"n\">" +
            fig_.Num(k + "max_scheduled_hours", u.max_scheduled, 1) + "</td><td class=\"n\">" +
            fig_.Num(k + "days_unknown", static_cast<double>(u.days_unknown)) + "</td></tr>";
  }
  out_ += "</tbody></table></section>\n";
}

// --- The parties' positions on the records behind the figures. ---

std::string Label(const json& j, const Catalog& cat) {
  std::string kind = Str(j, "kind"), date = Str(j, "date");
  if (date.empty()) date = Str(j, "from");
  if (date.empty()) date = Str(j, "issued");
  std::string what = Str(j, "title");
  if (what.empty() && j.contains("location") && j["location"].is_object()) what = Str(j["location"], "name");
  if (what.empty()) what = Str(j, "operator");
  std::string s = Escape(cat.Term("kind", kind));
  if (!date.empty()) s += ", " + Escape(cat.Date(date.substr(0, 10)));
  if (!what.empty()) s += ": " + Quoted(what);
  return s;
}

void Writer::Claims() {
  std::vector<std::tuple<std::string, std::string, const json*>> claims;  // about, id, claim
  for (const auto& [id, j] : records()) {
    if (Str(j, "kind") != kinds::kClaim) continue;
    claims.emplace_back(Str(j, "about"), id, &j);
  }
  std::sort(claims.begin(), claims.end(),
            [](const auto& a, const auto& b) { return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b)); });
  out_ += Section("claims") + "<p>" + H("claims.intro") + "</p>";
  if (claims.empty()) {
    out_ += "<p>" + H("claims.none") + "</p></section>\n";
    return;
  }
  out_ += "<table>" + Th({"claims.about", "claims.party", "claims.stance", "claims.text"}) + "<tbody>";
  for (const auto& [about, id, jp] : claims) {
    const json& c = *jp;
    behind_.insert(id);
    auto it = records().find(about);
    std::string label = it != records().end() ? Label(it->second, cat_) : "<code>" + Escape(about) + "</code>";
    // A claim about one field is about that field, not the whole record.
    if (c.contains("field") && c.at("field").is_string()) {
      label += ": <code>" + Escape(Str(c, "field")) + "</code>";
      if (c.contains("value")) label += " = " + Quoted(c.at("value").is_string() ? Str(c, "value") : c.at("value").dump());
    }
    out_ += "<tr><td>" + label + "</td><td>" + Quoted(Str(c, "party")) + "</td><td>" +
            Escape(cat_.Term("stance", Str(c, "stance"))) + "</td><td>" + Quoted(Str(c, "text")) + "</td></tr>";
  }
  out_ += "</tbody></table></section>\n";
}

// --- Compliance with each obligation. ---

// The directions a rule covers: "into the area", "both directions".
std::string Writer::RuleDirections(const analysis::ObligationCompliance& o) const {
  return Escape(cat_.Term("direction", o.directions.size() == 1 ? o.directions[0] : "both"));
}

// The directions and routes a commodity_allowed or flow_at_least rule
// covers: "into the area, on all routes".
std::string Writer::RuleWhere(const analysis::ObligationCompliance& o) const {
  std::string routes;
  for (const auto& r : o.routes) routes += (routes.empty() ? "" : ", ") + Route(r);
  return cat_.FormatHtml("compliance.rule.where",
                         {{"directions", Arg::Markup(RuleDirections(o))},
                          {"routes", Arg::Markup(routes.empty() ? H("compliance.rule.all_routes") : routes)}});
}

// The rule an obligation's figures were measured against, in words: "flow
// at least 500 vehicles a day, into the area, on all routes"; "electricity
// restored in Gaza" (a term the catalogue lacks, such as one a case defines,
// as written).
std::string Writer::RuleInWords(const analysis::ObligationCompliance& o) const {
  if (o.rule_type == "route_open") {
    std::string what;
    for (const auto& f : o.rule_for) what += (what.empty() ? "" : ", ") + CaseTerm("restriction", f);
    return cat_.FormatHtml(what.empty() ? "compliance.rule.route_open_all" : "compliance.rule.route_open",
                           {{"route", Arg::Markup(Route(o.route))}, {"for", Arg::Markup(what)},
                            {"directions", Arg::Markup(RuleDirections(o))}});
  }
  if (o.rule_type == "service_restored") {
    return cat_.FormatHtml(o.area.empty() ? "compliance.rule.service_restored" : "compliance.rule.service_restored_in",
                           {{"utility", Arg::Markup(CaseTerm("utility", o.utility))}, {"area", Arg::Markup(Quoted(o.area))}});
  }
  if (o.rule_type == "commodity_allowed") {
    return cat_.FormatHtml("compliance.rule.commodity_allowed",
                           {{"commodity", Arg::Markup(CaseTerm("restriction", o.commodity))},
                            {"where", Arg::Markup(RuleWhere(o))}});
  }
  if (o.rule_type != "flow_at_least" || !o.quantity) return "";
  // Cargo: "500,000 kg (flour)", the unit after the number, the commodity as the record names it.
  std::string what = o.measure == "cargo" ? Escape(o.unit) + (o.commodity.empty() ? "" : " (" + Quoted(o.commodity) + ")")
                                          : Escape(cat_.Term("measure", o.measure));
  std::string flow = cat_.FormatHtml("compliance.flow_rule",
                                     {{"quantity", Arg::Markup(Escape(cat_.Number(*o.quantity)))},
                                      {"what", Arg::Markup(what)},
                                      {"per", Arg::Markup(Escape(cat_.Term("per", o.per)))}});
  return cat_.FormatHtml("compliance.rule.flow_at_least", {{"flow", Arg::Markup(flow)}, {"where", Arg::Markup(RuleWhere(o))}});
}

void Writer::Compliance() {
  const analysis::Compliance& comp = *in_.comp;
  out_ += Section("compliance");
  if (comp.obligations.empty()) {
    out_ += "<p>" + H("compliance.none") + "</p></section>\n";
    return;
  }
  out_ += "<table>" +
          Th({"compliance.obligation", "compliance.subject", "compliance.violated", "compliance.evaluated",
              "compliance.first", "compliance.last"},
             {"compliance.violated", "compliance.evaluated"}) +
          "<tbody>";
  for (const auto& o : comp.obligations) {
    behind_.insert(o.obligation);
    for (const auto& vd : o.violations) Behind(vd.records);
    std::string k = "compliance." + o.obligation + ".";
    out_ += "<tr><th scope=\"row\">" + Quoted(o.title.empty() ? o.obligation : o.title) + "<br><small>" +
            Escape(cat_.Term("instrument", o.instrument)) + "</small></th><td>" + RuleInWords(o) + "</td>";
    if (!o.evaluable) {
      // A not_evaluable rule's reason is the record's own words: quoted as
      // record content; any other is the analysis's, translated.
      std::optional<std::string> why = cat_.AnalysisText("reason", "", o.reason);
      std::string reason = o.rule_type == "not_evaluable" ? Quoted(o.reason)
                           : why ? WithCode(Escape(*why))
                                 : "<span lang=\"en\">" + WithCode(Escape(o.reason)) + "</span>";
      out_ += "<td colspan=\"4\">" + cat_.FormatHtml("compliance.not_evaluable", {{"reason", Arg::Markup(reason)}}) +
              "</td></tr>";
      continue;
    }
    out_ += "<td class=\"n\">" + fig_.Num(k + "days_in_violation", static_cast<double>(o.days_in_violation)) +
            "</td><td class=\"n\">" + fig_.Num(k + "days_evaluated", static_cast<double>(o.days_evaluated)) +
            "</td><td>" + fig_.Date(k + "first_violation", o.first_violation) + "</td><td>" +
            fig_.Date(k + "last_violation", o.last_violation) + "</td></tr>";
  }
  out_ += "</tbody></table></section>\n";
}

// --- Siege severity: the criteria, the rule, days by class, and the runs of
// days with the same class and answers (analysis/severity.h). ---

void Writer::Severity() {
  const analysis::Severity& sev = *in_.severity;
  out_ += Section("severity") + "<p>" + H("severity.intro") + "</p><ul>";
  for (size_t c = 0; c < analysis::kCriteria; ++c) {
    std::string name(analysis::CriterionName(static_cast<analysis::Criterion>(c)));
    out_ += "<li><strong>" + H("severity.criterion." + name) + "</strong>: " + H("severity.question." + name) + "</li>";
  }
  out_ += "</ul><p>" + H("severity.rule_intro") + "</p><ul>";
  for (const char* cls : {"severe", "high", "moderate", "none", "unknown"}) {
    out_ += "<li><strong>" + H(std::string("severity.class.") + cls) + "</strong>: " +
            H(std::string("severity.rule.") + cls) + "</li>";
  }
  out_ += "</ul><table>" + Th({"severity.col_class", "severity.days"}, {"severity.days"}) + "<tbody>";
  for (size_t k = 0; k < sev.days_by_class.size(); ++k) {
    std::string cls(analysis::SeverityClassName(static_cast<analysis::SeverityClass>(k)));
    out_ += "<tr><th scope=\"row\">" + H("severity.class." + cls) + "</th><td class=\"n\">" +
            fig_.Num("severity.days." + cls, static_cast<double>(sev.days_by_class[k])) + "</td></tr>";
  }
  out_ += "</tbody></table>";
  SeverityRuns();
  out_ += "</section>\n";
}

// Maximal runs of consecutive days with the same class and answers; each
// names the records that decided its answers.
void Writer::SeverityRuns() {
  const std::vector<analysis::SeverityPeriod>& days = in_.severity->periods;
  auto same = [](const analysis::SeverityPeriod& a, const analysis::SeverityPeriod& b) {
    if (a.cls != b.cls) return false;
    for (size_t c = 0; c < analysis::kCriteria; ++c) {
      if (a.criteria[c].answer != b.criteria[c].answer) return false;
    }
    return true;
  };
  out_ += "<table>" + Th({"severity.from", "severity.to", "severity.col_class", "severity.answers"}) + "<tbody>";
  for (size_t a = 0, n = 0; a < days.size(); ++n) {
    size_t b = a + 1;
    while (b < days.size() && same(days[a], days[b])) ++b;
    const std::string k = "severity.run." + std::to_string(n) + ".";
    std::string cls(analysis::SeverityClassName(days[a].cls));
    out_ += "<tr><td>" + fig_.Date(k + "from", days[a].from) + "</td><td>" + fig_.Date(k + "to", days[b - 1].to) +
            "</td><td>" + fig_.Label(k + "class", cls, cat_.Get("severity.class." + cls)) + "</td><td>";
    for (size_t c = 0; c < analysis::kCriteria; ++c) {
      std::string name(analysis::CriterionName(static_cast<analysis::Criterion>(c)));
      std::string answer(analysis::AnswerName(days[a].criteria[c].answer));
      out_ += (c ? "; " : "") + H("severity.criterion." + name) + " " + H("severity.answer." + answer);
      for (size_t i = a; i < b; ++i) Behind(days[i].criteria[c].records);
    }
    out_ += "</td></tr>";
    a = b;
  }
  out_ += "</tbody></table>";
}

// --- Records monitors tagged against the atrocity-risk framework. ---
// Counts and cites; the section's first words say it states no verdict.

void Writer::RiskRow(const std::string& key, const std::string& label, const analysis::RiskCounts& c) {
  std::string authors;
  for (const auto& a : c.authors) authors += (authors.empty() ? "" : "; ") + a;
  out_ += "<tr><th scope=\"row\">" + label + "</th><td class=\"n\">" +
          fig_.Num(key + ".tags", static_cast<double>(c.tags)) + "</td><td class=\"n\">" +
          fig_.Num(key + ".records", static_cast<double>(c.records)) + "</td><td>" + Quoted(authors) + "</td><td>" +
          cat_.FormatHtml("risk.dates", {{"first", Arg::Markup(fig_.Date(key + ".first", c.first))},
                                         {"last", Arg::Markup(fig_.Date(key + ".last", c.last))}}) +
          "</td></tr>";
}

void Writer::Risk() {
  const analysis::Risk& r = *in_.risk;
  out_ += Section("risk") + "<p class=\"note\">" + H("risk.statement") + "</p><p>" +
          cat_.FormatHtml("risk.framework", {{"title", Arg::Markup(Quoted(r.framework_title, "en"))}}) + "</p>";
  if (r.totals.tags == 0) {
    out_ += "<p>" + H("risk.none") + "</p></section>\n";
    return;
  }
  out_ += "<table>" +
          Th({"risk.factor", "risk.tags", "risk.records", "risk.authors", "risk.dates_col"}, {"risk.tags", "risk.records"}) +
          "<tbody>";
  for (const auto& f : r.factors) {
    if (f.counts.tags == 0) continue;
    RiskRow("risk." + f.id, "<code>" + Escape(f.id) + "</code> " + Quoted(f.name, "en"), f.counts);
    for (const auto& i : f.indicators) {
      for (const auto& t : i.tags) {
        behind_.insert(t.id);
        for (const auto& x : t.targets) behind_.insert(x.id);
      }
      RiskRow("risk." + f.id + "." + (i.id.empty() ? "factor" : i.id),
              "<small>" + (i.id.empty() ? H("risk.factor_level") : Escape(i.id) + " " + Quoted(i.label, "en")) + "</small>",
              i.counts);
    }
  }
  out_ += "</tbody></table></section>\n";
}

// --- The forecast, when a scenario was given. ---

void Writer::Forecast() {
  const std::optional<analysis::ForecastModel>& model = *in_.model;
  const ReportOptions& o = *in_.opts;
  out_ += Section("forecast");
  if (!model) {
    out_ += "<p>" + H("forecast.none") + "</p></section>\n";
    return;
  }
  std::string start = record::FormatDate(record::Day{model->start});
  out_ += "<p>" + cat_.FormatHtml("forecast.intro",
                                  {{"scenario", Arg::Markup("<code>" + Escape(o.scenario_name) + "</code>")},
                                   {"trajectories", Arg::Markup(fig_.Num("forecast.trajectories",
                                                                         static_cast<double>(model->trajectories)),
                                                                model->trajectories)},
                                   {"start", Arg::Markup(fig_.Date("forecast.start", start))},
                                   {"seed", Arg::Markup("<code>" + std::to_string(model->seed) + "</code>")}}) +
          "</p>";
  std::vector<std::string> fdates;
  for (int32_t d = 0; d < model->horizon; ++d) fdates.push_back(record::FormatDate(record::Day{model->start + d}));
  const auto& forecast = *in_.forecast;
  for (size_t c = 0; c < forecast.size(); ++c) {
    const auto& cf = forecast[c];
    std::string k = "forecast." + cf.name + ".";
    std::vector<std::array<double, 5>> pct;
    double median_sum = 0;
    for (const auto& p : cf.stock) {
      pct.push_back({p[0], p[1], p[2], p[3], p[4]});
      median_sum += p[2];
    }
    std::string title = cat_.Format("forecast.chart_title", {{"commodity", cf.name}, {"unit", cat_.Unit(cf.unit)}});
    std::string desc = cat_.Format(
        "forecast.chart_desc",
        {{"title", title}, {"stock", cf.stock.empty() ? cat_.Get("na") : cat_.Quantity(cf.stock.back()[2], cf.unit, 1)}});
    out_ += "<h3>" + Quoted(cf.name) + " (" + Escape(cat_.Unit(cf.unit)) + ")</h3><figure>" +
            FanChart({"forecast-" + std::to_string(c), title, desc}, fdates, pct, cf.threshold, cat_) + "</figure>";
    out_ += "<table><thead><tr><th scope=\"col\">" + H("forecast.percentile") + "</th>";
    for (double p : analysis::kForecastPercentiles) out_ += "<th scope=\"col\" class=\"n\">p" + Fixed(p, 0) + "</th>";
    out_ += "</tr></thead><tbody><tr><th scope=\"row\">" +
            Escape(cf.threshold ? cat_.Format("forecast.days_to_threshold",
                                              {{"threshold", cat_.Quantity(*cf.threshold, cf.unit)}})
                                : cat_.Get("forecast.exhausted")) +
            "</th>";
    for (size_t i = 0; i < analysis::kForecastPercentiles.size(); ++i) {
      std::string key = k + "days_to_threshold.p" + Fixed(analysis::kForecastPercentiles[i], 0);
      const auto& d = cf.days_to_threshold[i];
      out_ += "<td class=\"n\">" + (d ? fig_.Num(key, *d) : fig_.Text(key, cat_.Get("forecast.beyond"))) + "</td>";
    }
    out_ += "</tr><tr><th scope=\"row\">" + H("forecast.final_stock") + "</th>";
    for (size_t i = 0; i < analysis::kForecastPercentiles.size(); ++i) {
      out_ += "<td class=\"n\">" +
              fig_.Num(k + "final_stock.p" + Fixed(analysis::kForecastPercentiles[i], 0),
                       cf.stock.empty() ? 0 : cf.stock.back()[i], 1) +
              "</td>";
    }
    out_ += "</tr></tbody></table><p>" +
            cat_.FormatHtml("forecast.never",
                            {{"pct", Arg::Markup(fig_.OptPct(k + "never_pct", cf.never_fraction * 100, 1))}}) +
            " " +
            cat_.FormatHtml("forecast.median_sum", {{"sum", Arg::Markup(fig_.Num(k + "median_sum", median_sum, 1))}}) +
            "</p>";
    out_ += ForecastDrivers(cf, k, fdates, fig_, cat_);
  }
  out_ += "</section>\n";
}

// --- The sources of every record behind a figure. ---

void Writer::SourcesBehind(int32_t index, const std::string& id, std::set<std::string>& source_ids) const {
  if (const std::vector<std::string>* list = in_.records->SourcesOf(index, id)) {
    source_ids.insert(list->begin(), list->end());
    return;
  }
  auto it = records().find(id);
  if (it == records().end() || !it->second.contains("sources") || !it->second["sources"].is_array()) return;
  for (const auto& s : it->second["sources"]) {
    if (s.is_string()) source_ids.insert(s.get<std::string>());
  }
}

void Writer::Sources() {
  std::set<std::string> source_ids;
  for (size_t i = 0; i < behind_index_.size(); ++i) {
    if (!behind_index_[i]) continue;
    SourcesBehind(static_cast<int32_t>(i), std::string(in_.ind->record_ids->at(static_cast<int32_t>(i))), source_ids);
  }
  for (const auto& id : behind_) SourcesBehind(analysis::kNone, id, source_ids);
  std::vector<std::tuple<std::string, std::string, const json*>> sources;  // publisher, date, record
  for (const auto& id : source_ids) {
    auto it = records().find(id);
    if (it == records().end()) continue;
    sources.emplace_back(Str(it->second, "publisher"), Str(it->second, "published"), &it->second);
  }
  std::sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  out_ += Section("sources") + "<p>" + H("sources.intro") + " (" +
          fig_.Num("sources.count", static_cast<double>(sources.size())) + ")</p><table>" +
          Th({"sources.publisher", "sources.title", "sources.date", "sources.url"}) + "<tbody>";
  for (const auto& [pub, date, jp] : sources) {
    std::string url = Str(*jp, "url");
    bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    out_ += "<tr><td>" + Quoted(pub) + "</td><td>" + Quoted(Str(*jp, "title"), Str(*jp, "language")) + "</td><td>" +
            Escape(cat_.Date(date)) + "</td><td>" +
            (web ? "<a class=\"rc\" href=\"" + Escape(url) + "\">" + Escape(url) + "</a>" : Quoted(url)) + "</td></tr>";
  }
  out_ += "</tbody></table></section>\n";
}

// --- What the models assumed, in the reader's language where the
// catalogue has the sentence. ---

void Writer::Assumptions() {
  const std::optional<analysis::ForecastModel>& model = *in_.model;
  out_ += Section("assumptions") + "<p class=\"note\">" + H("assumptions.note") + "</p><ul>";
  std::vector<std::pair<std::string, std::string>> all;  // key, English
  auto add = [&](const std::vector<std::string>& keys, const std::vector<std::string>& texts) {
    for (size_t i = 0; i < texts.size(); ++i) all.emplace_back(i < keys.size() ? keys[i] : "", texts[i]);
  };
  add(ind().assumption_keys, ind().assumptions);
  add(in_.comp->assumption_keys, in_.comp->assumptions);
  if (model) add(model->assumption_keys, model->assumptions);
  // The indicators and the compliance check share some assumptions: each is
  // stated once.
  std::set<std::string> stated;
  for (const auto& [key, a] : all) {
    if (!stated.insert(a).second) continue;
    std::optional<std::string> text = cat_.Assumption(key, a);
    out_ += text ? "<li>" + WithCode(Escape(*text)) + "</li>" : "<li lang=\"en\">" + WithCode(Escape(a)) + "</li>";
  }
  if (model) {
    out_ += "<li>" + Escape(cat_.Format("forecast.trajectories_note",
                                        {{"trajectories", model->trajectories}, {"asked", in_.asked_trajectories}})) +
            "</li>";
  }
  out_ += "</ul></section>\n";
}

// --- The signed checkpoint and how to verify the report. ---

void Writer::Checkpoint() {
  const analysis::VerifiedDataset& v = *in_.v;
  std::string file = in_.opts->file_name.empty() ? "REPORT.html" : in_.opts->file_name;
  out_ += Section("checkpoint") + "<p>" + H("checkpoint.intro") + "</p><table><tbody>";
  out_ += "<tr><th scope=\"row\">" + H("checkpoint.origin") + "</th><td><code>" + Escape(v.origin) + "</code></td></tr>";
  out_ += "<tr><th scope=\"row\">" + H("checkpoint.size") + "</th><td>" +
          fig_.Num("checkpoint.size", static_cast<double>(v.cp.size)) + "</td></tr>";
  out_ += "<tr><th scope=\"row\">" + H("checkpoint.root") + "</th><td><code>" + fig_.Text("checkpoint.root", v.cp.root) +
          "</code></td></tr>";
  // The key the note is signed with and its fingerprint (note::Fingerprint),
  // which a reader compares with the dashboard's trust status and with
  // `lifeline vkey`.
  out_ += "<tr><th scope=\"row\">" + H("checkpoint.vkey") + "</th><td><code id=\"log-vkey\">" +
          Escape(in_.log_key->ToString()) + "</code></td></tr>";
  out_ += "<tr><th scope=\"row\">" + H("checkpoint.fingerprint") + "</th><td><code id=\"log-fingerprint\">" +
          Escape(note::Fingerprint(*in_.log_key)) + "</code></td></tr></tbody></table>";
  out_ += "<h3>" + H("checkpoint.note") + "</h3><pre id=\"checkpoint-note\">" + Escape(v.note) + "</pre>";
  out_ += "<h3>" + H("verify.heading") + "</h3><ol><li>" +
          cat_.FormatHtml("verify.step1", {{"file", Arg::Markup("<code>" + Escape(file) + "</code>")}}) + "</li><li>" +
          H("verify.step2") +
          "<pre>lifeline --store STORE verify\nlifeline --store STORE log export-tiles TILES\n"
          "lifeline verify --tiles TILES --vkey log.vkey\n"
          "tlog-verify tiles log.vkey TILES</pre></li><li>" +
          H("verify.step3") + "</li></ol></section>\n";
}

// --- The machine-readable block: every figure, with what produced it. ---

std::string Writer::Block() {
  const ReportOptions& o = *in_.opts;
  const analysis::VerifiedDataset& v = *in_.v;
  const std::optional<analysis::ForecastModel>& model = *in_.model;
  json block = {{"version", 1},
                {"case", o.case_id},
                {"from", ind().from},
                {"to", ind().to},
                {"lang", o.lang},
                {"scenario", o.scenario_toml.empty() ? json(nullptr)
                                                     : json{{"name", o.scenario_name},
                                                            {"toml", o.scenario_toml},
                                                            {"trajectories", model->trajectories}}},
                {"checkpoint", {{"origin", v.origin}, {"size", v.cp.size}, {"root", v.cp.root}, {"note", v.note}}},
                {"figures", fig_.values}};
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
  return "<script type=\"application/json\" id=\"lifeline-report\">" + safe + "</script>\n";
}

Result<int32_t> DayOption(const std::string& s, const char* flag) {
  if (s.empty()) return analysis::kNoDay;
  auto d = record::ParseDate(s);
  if (!d.ok()) return d.status().Annotate(flag);
  return static_cast<int32_t>(d->days);
}

}  // namespace

Result<RenderedReport> Render(store::LogStore& store, const note::Verifier& log_key, const ReportOptions& opts) {
  LIFELINE_ASSIGN_OR_RETURN(Catalog cat, Catalog::For(opts.lang));
  LIFELINE_ASSIGN_OR_RETURN(int32_t from, DayOption(opts.from, "--from"));
  LIFELINE_ASSIGN_OR_RETURN(int32_t to, DayOption(opts.to, "--to"));
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
  CaseRecordsBuilder records_builder;
  LIFELINE_ASSIGN_OR_RETURN(analysis::VerifiedDataset v,
                            analysis::LoadVerifiedDataset(store, log_key, opts.case_id, opts.at,
                                                          [&](const analysis::LoadedRow& r) {
                                                            return records_builder.Add(r);
                                                          }));
  if (opts.published_note) {
    std::string published = opts.published_note(v.note);
    auto pub = note::OpenCheckpoint(published, log_key);
    auto stored = note::OpenCheckpoint(v.note, log_key);
    if (pub.ok() && stored.ok() && pub->checkpoint.size == stored->checkpoint.size &&
        pub->checkpoint.root == stored->checkpoint.root) {
      v.note = std::move(published);
    }
  }
  LIFELINE_RETURN_IF_ERROR(analysis::ResolveRange(v.ds, &from, &to));
  analysis::IndicatorOptions io;
  io.from = from;
  io.to = to;
  io.explain = true;  // the record ids name the sources listed
  LIFELINE_ASSIGN_OR_RETURN(analysis::Indicators ind, analysis::ComputeIndicators(v.ds, v.cp, io));
  LIFELINE_ASSIGN_OR_RETURN(analysis::Compliance comp, analysis::ComputeCompliance(v.ds, v.cp, from, to));
  analysis::Headline head = analysis::ComputeHeadline(ind, comp);
  LIFELINE_ASSIGN_OR_RETURN(analysis::Severity severity, analysis::ComputeSeverity(v.ds, v.cp, from, to));
  std::optional<analysis::ForecastModel> model;
  std::vector<analysis::CommodityForecast> forecast;
  if (scenario) {
    auto m = analysis::FitForecast(v.ds, *scenario);
    if (!m.ok()) return m.status().Annotate(opts.scenario_name);
    LIFELINE_ASSIGN_OR_RETURN(forecast, analysis::RunForecast(*m));
    model = std::move(*m);
  }
  LIFELINE_ASSIGN_OR_RETURN(CaseRecords records, std::move(records_builder).Finish(store, v.ds));
  const record::Framework* framework = record::FindFramework("un-foa-2014");
  if (framework == nullptr) return InternalError("the framework un-foa-2014 is not compiled in");
  LIFELINE_ASSIGN_OR_RETURN(analysis::Risk risk, analysis::ComputeRisk(store, opts.case_id, v.cp, *framework));

  Inputs in{&opts, &v, &ind, &comp, &risk, &head, &severity, &model, &forecast, &records, asked_trajectories, &log_key};
  Writer w(cat, in);
  RenderedReport r;
  r.html = w.Page();
  r.figures = std::move(w.figures().values);
  r.texts = std::move(w.figures().texts);
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
