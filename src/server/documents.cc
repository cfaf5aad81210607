// A case as a document: GET .../export (its records as JSON Lines, CSV,
// HXL, ACLED or GeoJSON) and GET .../report (the situation report, HTML).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "export/export.h"
#include "report/report.h"
#include "server/handlers.h"
#include "server/reply.h"

namespace lifeline::server {
namespace {

using nlohmann::json;

// An export's bytes, MIME type and file extension.
struct Exported {
  std::string text;
  std::string type = "text/csv; charset=utf-8";
  std::string ext = "csv";
};

// `records` written in `format` (the one check of its name is the caller's).
Result<Exported> WriteFormat(const std::string& format, const std::vector<json>& records, const std::string& kind,
                             const exports::CsvExportOptions& csv) {
  Exported e;
  if (format == "jsonl") {
    LIFELINE_ASSIGN_OR_RETURN(e.text, exports::WriteJsonLines(records));
    e.type = "application/x-ndjson";
    e.ext = "jsonl";
  } else if (format == "csv") {
    LIFELINE_ASSIGN_OR_RETURN(e.text, exports::WriteCsv(records, kind, csv));
  } else if (format == "hxl") {
    LIFELINE_ASSIGN_OR_RETURN(e.text, exports::WriteHxlCsv(records, csv));
  } else if (format == "acled") {
    LIFELINE_ASSIGN_OR_RETURN(e.text, exports::WriteAcledCsv(records, csv));
  } else {
    LIFELINE_ASSIGN_OR_RETURN(auto g, exports::WriteGeoJson(records));
    e.text = std::move(g.text);
    e.type = "application/geo+json";
    e.ext = "geojson";
  }
  return e;
}

// The records the query selects, without `confidential`: the writers never
// write it (export/export.h); it is removed here as well so that no writer
// can be the one that forgets.
Result<std::vector<json>> ExportedRecords(store::LogStore& st, const store::RecordQuery& q) {
  std::vector<json> records;
  LIFELINE_RETURN_IF_ERROR((st.ForEachRecord(q, [&](const store::RecordRow& r) {
    records.push_back(json::parse(r.body, nullptr, false));
    return Status::Ok();
  })));
  for (auto& r : records) {
    if (r.is_object()) r.erase("confidential");
  }
  return records;
}

// The report's options from the request's parameters (a bad one: 400; an unknown scenario: 404).
Result<report::ReportOptions> ReportParams(const Context& c, const http::Request& req) {
  LIFELINE_RETURN_IF_ERROR(OnlyParams(req, {"lang", "from", "to", "at", "scenario"}));
  report::ReportOptions ro;
  ro.case_id = req.matches[1];
  if (req.has_param("lang")) ro.lang = req.get_param_value("lang");
  LIFELINE_ASSIGN_OR_RETURN(ro.from, DateParam(req, "from"));
  LIFELINE_ASSIGN_OR_RETURN(ro.to, DateParam(req, "to"));
  LIFELINE_ASSIGN_OR_RETURN(auto at, IntParam(req, "at", 0, INT64_MAX / 2));
  if (at) ro.at = static_cast<uint64_t>(*at);
  if (req.has_param("scenario")) {
    LIFELINE_ASSIGN_OR_RETURN(ro.scenario_toml, ScenarioText(c, ro.case_id, req.get_param_value("scenario")));
    ro.scenario_name = req.get_param_value("scenario");
  }
  ro.file_name = "sitrep-" + ro.case_id + "-" + ro.lang + ".html";
  if (c.opt.published_checkpoint) ro.published_note = c.opt.published_checkpoint;
  return ro;
}

}  // namespace

void GetExport(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {"format", "kind", "from", "to", "raw"}); !s.ok()) return SendStatus(res, s);
  const std::string case_id = req.matches[1];
  // CSV cells are spreadsheet-safe unless raw=true (export/export.h).
  exports::CsvExportOptions csv;
  if (req.has_param("raw")) {
    const std::string raw = req.get_param_value("raw");
    if (raw != "true" && raw != "false") return SendError(res, 400, "parameter raw must be true or false");
    csv.raw = raw == "true";
  }
  std::string format = req.has_param("format") ? req.get_param_value("format") : "jsonl";
  store::RecordQuery q;
  q.case_id = case_id;
  q.kind = req.get_param_value("kind");
  auto from = DateParam(req, "from");
  auto to = DateParam(req, "to");
  if (!from.ok()) return SendStatus(res, from.status());
  if (!to.ok()) return SendStatus(res, to.status());
  q.from = *from;
  q.to = *to;
  if (format == "csv" && q.kind.empty()) return SendError(res, 400, "format csv needs kind (one kind per CSV)");
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  if (!Gate::AdmitCase(**st, who, case_id, res)) return;
  auto records = ExportedRecords(**st, q);
  if (!records.ok()) return SendStatus(res, records.status());
  if (format != "jsonl" && format != "csv" && format != "hxl" && format != "acled" && format != "geojson") {
    return SendError(res, 400, "format must be jsonl, csv, hxl, acled or geojson");
  }
  auto out = WriteFormat(format, *records, q.kind, csv);
  if (!out.ok()) return SendStatus(res, out.status());
  res.set_header("Content-Disposition", "attachment; filename=\"" + case_id + "." + format + "." + out->ext + "\"");
  res.set_content(std::move(out->text), out->type.c_str());
}

void GetReport(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  auto ro = ReportParams(c, req);
  if (!ro.ok()) return SendStatus(res, ro.status());
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  if (!Gate::AdmitCase(**st, who, ro->case_id, res)) return;
  if (ReplicaBehindAt(c, **st, ro->at ? std::optional<int64_t>(static_cast<int64_t>(*ro->at)) : std::nullopt, res)) return;
  auto html = report::RenderReport(**st, c.verifier, *ro);
  if (!html.ok()) return SendStatus(res, html.status());
  // A report is a document with inline styles and no script at all.
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
  res.set_content(std::move(*html), "text/html; charset=utf-8");
}

}  // namespace lifeline::server
