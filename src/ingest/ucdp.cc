#include "ingest/ucdp.h"

#include <optional>
#include <string>
#include <unordered_map>

#include "ingest/build.h"
#include "ingest/fields.h"
#include "ingest/hxl.h"
#include "ingest/sheet.h"
#include "tabular/country_codes.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;

std::optional<Date> IsoDate(RowCells& cells, std::string_view column) {
  std::string_view v = cells.Get(column);
  if (v.empty()) return std::nullopt;
  auto d = ParseDateWithFormat(v, "%Y-%m-%d");
  if (!d.ok()) {
    cells.Error(column, d.status().message());
    return std::nullopt;
  }
  return *d;
}

// The `location` of a UCDP event: place name, admin areas, country (iso3, else
// the country's name), coordinates and their precision.
json UcdpLocation(RowCells& cells) {
  json loc = json::object();
  loc["name"] = cells.Required("where_coordinates");
  if (auto v = cells.Get("adm_1"); !v.empty()) loc["admin1"] = v;
  if (auto v = cells.Get("adm_2"); !v.empty()) loc["admin2"] = v;
  std::string_view iso3 = cells.Get("iso3");
  std::string_view country = cells.Get("country");
  if (!iso3.empty()) {
    if (tabular::IsAlpha3(iso3)) {
      loc["country"] = iso3;
    } else {
      cells.Error("iso3", "not an ISO 3166-1 alpha-3 code: " + Quote(iso3));
    }
  } else if (!country.empty()) {
    if (auto c = tabular::Alpha3FromName(country)) {
      loc["country"] = *c;
    } else {
      cells.Warn("country", "no ISO 3166-1 alpha-3 code known for " + Quote(country) +
                                ": location.country is left out");
    }
  }
  std::optional<double> lat = cells.Latitude("latitude");
  std::optional<double> lon = cells.Longitude("longitude");
  if (lat && lon) {
    loc["lat"] = *lat;
    loc["lon"] = *lon;
  } else if (lat.has_value() != lon.has_value() && !cells.failed()) {
    cells.Error(lat ? "longitude" : "latitude", "empty, but the other coordinate is given");
  }
  if (std::optional<int64_t> p = cells.Integer("where_prec")) {
    if (*p >= 1 && *p <= 7) {
      loc["geo_precision"] = *p <= 2 ? *p : 3;
    } else {
      cells.Error("where_prec", "not 1 to 7: " + Quote(cells.Get("where_prec")));
    }
  }
  return loc;
}

// Sets the event_type of `r` from UCDP's `type_of_violence` (`violence`) and
// returns its name for the note ("state-based conflict", ...; empty when
// unknown).
std::string UcdpViolence(RowCells& cells, std::string_view violence, json& r) {
  std::string kind_of_violence;
  if (violence == "1") {
    r["event_type"] = "Battles";
    kind_of_violence = "state-based conflict";
  } else if (violence == "2") {
    r["event_type"] = "Battles";
    kind_of_violence = "non-state conflict";
  } else if (violence == "3") {
    r["event_type"] = "Violence against civilians";
    kind_of_violence = "one-sided violence";
  } else if (!violence.empty()) {
    cells.Error("type_of_violence", "not 1, 2 or 3: " + Quote(violence));
  }
  return kind_of_violence;
}

// `fatalities` from UCDP's low, best and high estimates (kept as given, with
// a warning when they are not in order).
json UcdpFatalities(RowCells& cells) {
  json fatalities = json::object();
  if (cells.Get("best").empty()) cells.Error("best", "empty: a value is required");
  std::optional<int64_t> low = cells.Count("low");
  std::optional<int64_t> best = cells.Count("best");
  std::optional<int64_t> high = cells.Count("high");
  if (low) fatalities["low"] = *low;
  if (best) fatalities["best"] = *best;
  if (high) fatalities["high"] = *high;
  if ((low && best && *low > *best) || (best && high && *best > *high) ||
      (low && high && *low > *high)) {
    cells.Warn("best", "UCDP gives low " + (low ? std::to_string(*low) : "-") + ", best " +
                           (best ? std::to_string(*best) : "-") + ", high " +
                           (high ? std::to_string(*high) : "-") +
                           ", not in order: kept as given");
  }
  return fatalities;
}

// The source record every event of the file cites.
json UcdpSourceRecord(const std::string& source_id, const ImportOptions& options) {
  json source = NewRecord("source", source_id, options);
  source["publisher"] = "Uppsala Conflict Data Program";
  source["title"] = "UCDP Georeferenced Event Dataset: " +
                    (options.file_name.empty() ? std::string("(unnamed file)")
                                               : options.file_name);
  source["publisher_type"] = "academic";
  source["url"] = "https://ucdp.uu.se";
  source["language"] = "en";
  return source;
}

}  // namespace

ReadResult ReadUcdpCsv(std::string_view data, const ImportOptions& options) {
  ReadResult out;
  Sheet sheet = ReadSheet(data, out);
  if (!sheet.has_header ||
      !RequireColumns(sheet, {"id", "date_start", "type_of_violence", "where_coordinates", "best"},
                      "a UCDP GED file", out)) {
    SortDiagnostics(out);
    return out;
  }
  size_t first = 0;
  if (!sheet.rows.empty() && ParseHashtagRow(sheet.rows.front().fields)) {
    out.warnings.push_back({sheet.rows.front().line, "(row)",
                            "an HXL hashtag row, not an event: skipped"});
    first = 1;
  }
  const std::string source_id = SourceIdForFile("ucdp", options.file_name);
  std::unordered_map<std::string, uint64_t> ids;  // id -> line of its first row
  for (size_t i = first; i < sheet.rows.size(); ++i) {
    const tabular::CsvRecord& row = sheet.rows[i];
    RowCells cells(sheet, row, out);
    std::string_view event_id = cells.Required("id");
    std::string id = "ucdp-" + AsciiLower(event_id);
    if (!event_id.empty()) {
      if (!IsValidRecordId(id)) {
        cells.Error("id", "cannot make a record id of " + Quote(event_id));
      } else if (auto [it, fresh] = ids.emplace(id, row.line); !fresh) {
        cells.Error("id", "event " + Quote(event_id) + " is also at line " +
                              std::to_string(it->second));
      }
    }
    json r = NewRecord("incident", id, options);
    r["sources"] = json::array({source_id});
    if (cells.Get("date_start").empty()) cells.Error("date_start", "empty: a value is required");
    std::optional<Date> start = IsoDate(cells, "date_start");
    if (start) r["date"] = FormatDate(*start);
    std::optional<Date> end = IsoDate(cells, "date_end");
    if (std::string_view p = cells.Get("date_prec"); !p.empty()) {
      // 2 is a range of 2-6 days: the date is day-precise, the range in the note.
      static constexpr std::string_view kPrecision[] = {"day", "day", "week", "month", "year"};
      if (p.size() == 1 && p[0] >= '1' && p[0] <= '5') {
        r["date_precision"] = kPrecision[p[0] - '1'];
      } else {
        cells.Error("date_prec", "not 1 to 5: " + Quote(p));
      }
    }

    r["location"] = UcdpLocation(cells);

    std::string_view violence = cells.Required("type_of_violence");
    const std::string kind_of_violence = UcdpViolence(cells, violence, r);
    json actors = json::array();
    for (std::string_view col : {"side_a", "side_b"}) {
      if (auto v = cells.Get(col); !v.empty()) actors.push_back(v);
    }
    if (!actors.empty()) r["actors"] = std::move(actors);

    r["fatalities"] = UcdpFatalities(cells);
    if (auto v = cells.Get("source_headline"); !v.empty()) r["description"] = v;

    std::string note = "UCDP: " + kind_of_violence + " (type_of_violence " +
                       std::string(violence) + ")";
    if (start && end && !(*start == *end)) {
      note += "; from " + FormatDate(*start) + " to " + FormatDate(*end);
    }
    if (auto v = cells.Get("source_article"); !v.empty()) {
      note += "\n";
      note += v;
    }
    r["note"] = std::move(note);

    if (!cells.failed()) out.rows.push_back({row.line, std::move(r)});
  }
  if (!out.rows.empty()) {
    PrependRecord(out, UcdpSourceRecord(source_id, options));
  }
  SortDiagnostics(out);
  return out;
}

}  // namespace lifeline::ingest
