#include "ingest/acled.h"

#include <optional>
#include <string>
#include <unordered_map>

#include "ingest/build.h"
#include "ingest/fields.h"
#include "ingest/sheet.h"
#include "tabular/country_codes.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;

// ACLED's event dates: ISO in current exports, day-month-year words in old
// ones. Never numeric day/month orders.
std::optional<Date> AcledDate(RowCells& cells) {
  std::string_view v = cells.Required("event_date");
  if (v.empty()) return std::nullopt;
  for (std::string_view form : {"%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d-%b-%Y", "%d %b %Y"}) {
    auto d = ParseDateWithFormat(v, form);
    if (d.ok()) return *d;
    if (d.status().message().starts_with("no such date")) {
      cells.Error("event_date", d.status().message());
      return std::nullopt;
    }
  }
  cells.Error("event_date", "not a date: " + Quote(v) + " (wanted YYYY-MM-DD)");
  return std::nullopt;
}

// What a row's `iso` code and `country` name resolve to. Pure in the two
// cells; an export repeats a few pairs on every row, so each pair is
// resolved once per file (CountryCache) and its messages given on every row.
struct CountryCodes {
  std::optional<std::string> by_code;  // from a non-empty iso
  bool iso_is_integer = false;         // when by_code is empty
  std::optional<std::string> by_name;  // from a non-empty name
};

class CountryCache {
 public:
  const CountryCodes& Resolve(std::string_view iso, std::string_view name) {
    std::string key;
    key.reserve(iso.size() + 1 + name.size());
    key.append(iso).push_back('\0');  // CSV cells hold no NUL byte
    key.append(name);
    auto [it, fresh] = cache_.try_emplace(std::move(key));
    if (fresh) {
      CountryCodes& c = it->second;
      if (!iso.empty()) c.by_code = tabular::Alpha3FromNumeric(iso);
      if (!iso.empty() && !c.by_code) c.iso_is_integer = ParseInteger(iso).ok();
      if (!name.empty()) c.by_name = tabular::Alpha3FromName(name);
    }
    return it->second;
  }

 private:
  std::unordered_map<std::string, CountryCodes> cache_;
};

std::optional<std::string> Country(RowCells& cells, CountryCache& cache) {
  std::string_view iso = cells.Get("iso");
  std::string_view name = cells.Get("country");
  const CountryCodes& codes = cache.Resolve(iso, name);
  const std::optional<std::string>& by_code = codes.by_code;
  if (!iso.empty() && !by_code) {
    if (!codes.iso_is_integer) {
      cells.Error("iso", "not a numeric ISO 3166-1 code: " + Quote(iso));
      return std::nullopt;
    }
    cells.Warn("iso", "ISO 3166-1 assigns no country to code " + Quote(iso) + "; trying the country name");
  }
  const std::optional<std::string>& by_name = codes.by_name;
  if (by_code && by_name && *by_code != *by_name) {
    cells.Warn("country", "country " + Quote(name) + " is " + *by_name + " but iso " +
                              Quote(iso) + " is " + *by_code + "; using the code");
  }
  if (by_code) return by_code;
  if (by_name) return by_name;
  if (!name.empty()) {
    cells.Warn("country", "no ISO 3166-1 alpha-3 code known for " + Quote(name) +
                              ": location.country is left out");
  }
  return std::nullopt;
}

}  // namespace

ReadResult ReadAcledCsv(std::string_view data, const ImportOptions& options) {
  ReadResult out;
  Sheet sheet = ReadSheet(data, out);
  if (!sheet.has_header ||
      !RequireColumns(sheet, {"event_id_cnty", "event_date", "event_type", "location",
                              "fatalities"},
                      "an ACLED export", out)) {
    SortDiagnostics(out);
    return out;
  }
  const std::string source_id = SourceIdForFile("acled", options.file_name);
  std::unordered_map<std::string, uint64_t> ids;  // id -> line of its first row
  CountryCache countries;
  for (const tabular::CsvRecord& row : sheet.rows) {
    RowCells cells(sheet, row, out);
    std::string_view event_id = cells.Required("event_id_cnty");
    std::string id = "acled-" + AsciiLower(event_id);
    if (!event_id.empty()) {
      if (!IsValidRecordId(id)) {
        cells.Error("event_id_cnty", "cannot make a record id of " + Quote(event_id) +
                                         " (letters, digits, '.', '_', ':', '-' only)");
      } else if (auto [it, fresh] = ids.emplace(id, row.line); !fresh) {
        cells.Error("event_id_cnty", "event " + Quote(event_id) + " is also at line " +
                                         std::to_string(it->second));
      }
    }
    json r = NewRecord("incident", id, options);
    r["sources"] = json::array({source_id});
    if (std::optional<Date> d = AcledDate(cells)) r["date"] = FormatDate(*d);
    if (std::string_view p = cells.Get("time_precision"); !p.empty()) {
      if (p == "1") {
        r["date_precision"] = "day";
      } else if (p == "2") {
        r["date_precision"] = "week";
      } else if (p == "3") {
        r["date_precision"] = "month";
      } else {
        cells.Error("time_precision", "not 1, 2 or 3: " + Quote(p));
      }
    }

    json loc = json::object();
    loc["name"] = cells.Required("location");
    if (auto v = cells.Get("admin1"); !v.empty()) loc["admin1"] = v;
    if (auto v = cells.Get("admin2"); !v.empty()) loc["admin2"] = v;
    if (auto c = Country(cells, countries)) loc["country"] = *c;
    std::optional<double> lat = cells.Latitude("latitude");
    std::optional<double> lon = cells.Longitude("longitude");
    if (lat.has_value() != lon.has_value() && !cells.failed()) {
      cells.Error(lat ? "longitude" : "latitude", "empty, but the other coordinate is given");
    }
    if (lat && lon) {
      loc["lat"] = *lat;
      loc["lon"] = *lon;
    }
    if (std::string_view p = cells.Get("geo_precision"); !p.empty()) {
      if (p == "1" || p == "2" || p == "3") {
        loc["geo_precision"] = p[0] - '0';
      } else {
        cells.Error("geo_precision", "not 1, 2 or 3: " + Quote(p));
      }
    }
    r["location"] = std::move(loc);

    r["event_type"] = cells.Required("event_type");
    if (auto v = cells.Get("sub_event_type"); !v.empty()) r["sub_event_type"] = v;
    json actors = json::array();
    for (std::string_view col : {"actor1", "actor2"}) {
      if (auto v = cells.Get(col); !v.empty()) actors.push_back(v);
    }
    if (!actors.empty()) r["actors"] = std::move(actors);
    if (cells.Get("fatalities").empty()) {
      cells.Error("fatalities", "empty: ACLED gives 0 when no one was reported killed");
    } else if (std::optional<int64_t> n = cells.Count("fatalities")) {
      r["fatalities"] = json{{"best", *n}};
    }
    if (auto v = cells.Get("notes"); !v.empty()) r["description"] = v;
    if (auto v = cells.Get("source"); !v.empty()) r["note"] = v;

    if (!cells.failed()) out.rows.push_back({row.line, std::move(r)});
  }
  if (!out.rows.empty()) {
    json source = NewRecord("source", source_id, options);
    source["publisher"] = "ACLED";
    source["title"] = "ACLED data export " + (options.file_name.empty()
                                                  ? std::string("(unnamed file)")
                                                  : options.file_name);
    source["publisher_type"] = "ngo";
    source["url"] = "https://acleddata.com";
    source["language"] = "en";
    PrependRecord(out, std::move(source));
  }
  SortDiagnostics(out);
  return out;
}

}  // namespace lifeline::ingest
