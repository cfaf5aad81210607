#include "analysis/risk.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "base/kinds.h"
#include "record/corroboration.h"
#include "record/view.h"

namespace lifeline::analysis {
namespace {

using nlohmann::json;
using RowIndex = std::unordered_map<std::string, const store::RecordRow*>;

Result<json> ParseBody(const store::RecordRow& row) {
  json j = json::parse(row.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return CorruptionError("the projection of " + row.id + " is not a JSON object");
  return j;
}

std::vector<std::string> Strings(const json& rec, const char* key) {
  std::vector<std::string> out;
  auto it = rec.find(key);
  if (it == rec.end() || !it->is_array()) return out;
  for (const json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// A tagged record: from the current rows when it is current at the
// checkpoint, else (superseded or retracted there) as "not current".
Result<RiskTarget> Target(store::LogStore& st, uint64_t size, const RowIndex& current, const std::string& id) {
  RiskTarget t;
  t.id = id;
  auto it = current.find(id);
  if (it == current.end()) {
    t.status = "not current";
    auto row = st.FindRecord(id);
    if (!row.ok()) return t;  // validated at submission; not ours to judge here
    t.kind = row->kind;
    t.date = row->date_from;
    return t;
  }
  const store::RecordRow& row = *it->second;
  t.kind = row.kind;
  t.date = row.date_from;
  LIFELINE_ASSIGN_OR_RETURN(json body, ParseBody(row));
  t.summary = record::Summary(body);
  LIFELINE_ASSIGN_OR_RETURN(record::Corroboration c, record::Corroborate(st, id, size));
  t.status = c.status;
  t.publishers = static_cast<int64_t>(c.publishers.size());
  return t;
}

Result<RiskTag> ReadTag(store::LogStore& st, uint64_t size, const RowIndex& current, const store::RecordRow& row,
                        const json& rec) {
  RiskTag tag;
  tag.id = row.id;
  tag.author = rec.value("author", "");
  tag.text = rec.value("text", "");
  tag.indicator = rec.value("indicator", "");
  tag.sources = Strings(rec, "sources");
  for (const std::string& id : Strings(rec, "targets")) {
    LIFELINE_ASSIGN_OR_RETURN(RiskTarget t, Target(st, size, current, id));
    tag.targets.push_back(std::move(t));
  }
  return tag;
}

RiskCounts Count(const std::vector<const RiskTag*>& tags) {
  RiskCounts c;
  std::set<std::string> records, authors;
  for (const RiskTag* tag : tags) {
    authors.insert(tag->author);
    for (const RiskTarget& t : tag->targets) {
      if (!records.insert(t.id).second) continue;
      ++c.by_status[t.status];
      if (t.date.size() < 7) continue;
      ++c.by_month[t.date.substr(0, 7)];
      if (c.first.empty() || t.date < c.first) c.first = t.date;
      if (c.last.empty() || t.date > c.last) c.last = t.date;
    }
  }
  c.tags = static_cast<int64_t>(tags.size());
  c.records = static_cast<int64_t>(records.size());
  c.authors.assign(authors.begin(), authors.end());
  return c;
}

std::vector<const RiskTag*> Pointers(const std::vector<RiskTag>& tags) {
  std::vector<const RiskTag*> out;
  for (const RiskTag& t : tags) out.push_back(&t);
  return out;
}

// One factor's indicators: the factor-level tags first, then the
// framework's indicators in order, then any the file no longer lists.
RiskFactor BuildFactor(const record::FrameworkFactor& f, std::map<std::string, std::vector<RiskTag>> by_indicator,
                       const std::string& file) {
  RiskFactor out{f.id, f.name, f.group, {}, {}};
  std::vector<const RiskTag*> all;
  auto add = [&](const std::string& id, const std::string& label) {
    auto it = by_indicator.find(id);
    if (it == by_indicator.end()) return;
    RiskIndicator ind{id, label, Count(Pointers(it->second)), std::move(it->second)};
    std::sort(ind.tags.begin(), ind.tags.end(), [](const RiskTag& a, const RiskTag& b) { return a.id < b.id; });
    by_indicator.erase(it);
    out.indicators.push_back(std::move(ind));
  };
  add("", "");
  for (const auto& i : f.indicators) add(i.id, i.label);
  while (!by_indicator.empty()) add(by_indicator.begin()->first, "(not in " + file + ")");
  for (const auto& ind : out.indicators) {
    for (const auto& t : ind.tags) all.push_back(&t);
  }
  out.counts = Count(all);
  return out;
}

// The current rows ComputeRisk reads: the tags, and the rows they name.
struct RiskRows {
  bool any = false;                     // whether the case has a current row
  std::vector<store::RecordRow> tags;   // in log order
  std::vector<store::RecordRow> named;  // the current rows some tag names, in log order
};

// The case's current view at `size` (RecordQuery::tree_size: corrections
// and retractions applied as ForEachCurrentRow applies them), asked only
// for what the risk view reads: its tags by the kind index, then the rows
// they name by the id index. A case of a million movements and a few dozen
// tags reads a few dozen rows, not every row of the case twice over
// (BENCHMARKS.md, "the risk view's rows by query"). Corruption if a tag
// does not parse.
Result<RiskRows> ReadRiskRows(store::LogStore& st, const std::string& case_id, uint64_t size) {
  RiskRows out;
  store::RecordQuery q;
  q.case_id = case_id;
  q.tree_size = size;
  q.kind = kinds::kTag;
  std::vector<std::string> named;
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& row) -> Status {
    Result<json> rec = ParseBody(row);
    if (!rec.ok()) return rec.status();
    for (std::string& id : Strings(*rec, "targets")) named.push_back(std::move(id));
    out.tags.push_back(row);
    return Status::Ok();
  }));
  // Whether the case has any current row there: a tag or a case record
  // says so by an indexed read; only failing both does the first current
  // row in log order decide (a scan of the case's rows in SQLite).
  out.any = !out.tags.empty();
  for (const std::string& kind : {std::string(kinds::kCase), std::string()}) {
    if (out.any) break;
    q.kind = kind;
    q.limit = 1;
    LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow&) {
      out.any = true;
      return Status::Ok();
    }));
  }
  if (named.empty()) return out;
  q.kind.clear();
  q.limit = 0;
  q.ids = std::move(named);
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& row) {
    out.named.push_back(row);
    return Status::Ok();
  }));
  return out;
}

}  // namespace

Result<Risk> ComputeRisk(store::LogStore& st, const std::string& case_id, const CheckpointRef& cp,
                         const record::Framework& framework) {
  LIFELINE_ASSIGN_OR_RETURN(RiskRows rows, ReadRiskRows(st, case_id, cp.size));
  if (!rows.any) {
    return NotFoundError("case " + case_id + " has no records at tree size " + std::to_string(cp.size));
  }
  RowIndex current;
  for (const auto& r : rows.named) current.emplace(r.id, &r);
  Risk risk{case_id, cp, framework.id, framework.title, framework.url, framework.file, {}, {}, 0};
  // factor -> indicator -> tags
  std::map<std::string, std::map<std::string, std::vector<RiskTag>>> tagged;
  for (const auto& row : rows.tags) {
    LIFELINE_ASSIGN_OR_RETURN(json rec, ParseBody(row));
    if (rec.value("framework", "") != framework.id) {
      ++risk.other_frameworks;
      continue;
    }
    LIFELINE_ASSIGN_OR_RETURN(RiskTag tag, ReadTag(st, cp.size, current, row, rec));
    tagged[rec.value("factor", "")][tag.indicator].push_back(std::move(tag));
  }
  std::vector<const RiskTag*> all;
  for (const auto& f : framework.factors) {
    risk.factors.push_back(BuildFactor(f, std::move(tagged[f.id]), framework.file));
    for (const auto& ind : risk.factors.back().indicators) {
      for (const auto& t : ind.tags) all.push_back(&t);
    }
  }
  risk.totals = Count(all);
  return risk;
}

namespace {

json CountsJson(const RiskCounts& c) {
  json j{{"tags", c.tags}, {"records", c.records}, {"authors", c.authors}, {"by_month", c.by_month},
         {"by_status", c.by_status}};
  j["first"] = c.first.empty() ? json(nullptr) : json(c.first);
  j["last"] = c.last.empty() ? json(nullptr) : json(c.last);
  return j;
}

json TagJson(const RiskTag& t) {
  json targets = json::array();
  for (const auto& r : t.targets) {
    targets.push_back({{"id", r.id}, {"kind", r.kind}, {"date", r.date.empty() ? json(nullptr) : json(r.date)},
                       {"summary", r.summary}, {"status", r.status}, {"publishers", r.publishers}});
  }
  return {{"id", t.id}, {"author", t.author}, {"text", t.text}, {"sources", t.sources}, {"targets", targets}};
}

}  // namespace

json RiskJson(const Risk& r) {
  json factors = json::array();
  for (const auto& f : r.factors) {
    json inds = json::array();
    for (const auto& i : f.indicators) {
      json tags = json::array();
      for (const auto& t : i.tags) tags.push_back(TagJson(t));
      inds.push_back({{"indicator", i.id.empty() ? json(nullptr) : json(i.id)}, {"label", i.label},
                      {"counts", CountsJson(i.counts)}, {"tags", tags}});
    }
    factors.push_back({{"factor", f.id}, {"name", f.name}, {"group", f.group}, {"counts", CountsJson(f.counts)},
                       {"indicators", inds}});
  }
  return {{"case", r.case_id},
          {"checkpoint", {{"size", r.checkpoint.size}, {"root", r.checkpoint.root}}},
          {"statement", kRiskStatement},
          {"framework", {{"id", r.framework}, {"title", r.framework_title}, {"url", r.framework_url},
                         {"file", r.framework_file}}},
          {"totals", CountsJson(r.totals)},
          {"factors", factors},
          {"other_frameworks", r.other_frameworks}};
}

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

void CountsLine(std::ostringstream& out, const char* indent, const RiskCounts& c) {
  out << indent << c.tags << " tag(s) of " << c.records << " record(s)";
  if (!c.first.empty()) out << ", dated " << c.first << " to " << c.last;
  out << "\n" << indent << "by: " << Join(c.authors) << "\n";
  std::vector<std::string> statuses;
  for (const auto& [status, n] : c.by_status) statuses.push_back(status + " " + std::to_string(n));
  out << indent << "corroboration of the tagged records: " << Join(statuses) << "\n";
}

}  // namespace

std::string RiskTable(const Risk& r) {
  std::ostringstream out;
  out << "Case " << r.case_id << " at tree size " << r.checkpoint.size << ", root " << r.checkpoint.root << "\n"
      << r.framework_title << " (" << r.framework << ", " << r.framework_url << ")\n\n"
      << kRiskStatement << "\n\n";
  CountsLine(out, "", r.totals);
  for (const auto& f : r.factors) {
    if (f.counts.tags == 0) continue;
    out << "\n" << f.id << "  " << f.name << "\n";
    CountsLine(out, "  ", f.counts);
    for (const auto& i : f.indicators) {
      out << "  " << (i.id.empty() ? std::string("(the factor as a whole)") : i.id + "  " + i.label) << "\n";
      CountsLine(out, "    ", i.counts);
      for (const auto& t : i.tags) {
        out << "    " << t.id << " by " << t.author << ":\n";
        for (const auto& x : t.targets) {
          out << "      " << x.id << " (" << x.kind << (x.date.empty() ? "" : ", " + x.date) << ", " << x.status
              << ")\n";
        }
      }
    }
  }
  std::vector<std::string> untagged;
  for (const auto& f : r.factors) {
    if (f.counts.tags == 0) untagged.push_back(f.id);
  }
  if (!untagged.empty()) out << "\nNo tags: " << Join(untagged) << "\n";
  if (r.other_frameworks > 0) out << r.other_frameworks << " tag(s) of other frameworks not shown\n";
  return out.str();
}

}  // namespace lifeline::analysis
