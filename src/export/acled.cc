// WriteAcledCsv: incidents in ACLED's codebook columns. README.md gives the
// mapping and the reasons; ReadAcledCsv (src/ingest/acled.h) is its inverse
// for the fields it reads.
#include <array>
#include <optional>
#include <string>

#include "base/check.h"
#include "base/kinds.h"
#include "export/export.h"
#include "export/internal.h"
#include "record/values.h"
#include "tabular/country_codes.h"

namespace lifeline::exports {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 31> kColumns = {
    "event_id_cnty", "event_date",    "year",           "time_precision", "disorder_type",
    "event_type",    "sub_event_type", "actor1",        "assoc_actor_1",  "inter1",
    "actor2",        "assoc_actor_2", "inter2",         "interaction",    "civilian_targeting",
    "iso",           "region",        "country",        "admin1",         "admin2",
    "admin3",        "location",      "latitude",       "longitude",      "geo_precision",
    "source",        "source_scale",  "notes",          "fatalities",     "tags",
    "timestamp"};

size_t Col(std::string_view name) {
  size_t i = 0;
  while (i < kColumns.size() && kColumns[i] != name) ++i;
  LIFELINE_CHECK(i < kColumns.size(), "an ACLED column name not in kColumns");
  return i;
}

// ACLED's event ids are upper case ("SYR12345"); ReadAcledCsv lower-cases
// them behind "acled-". Undoing both gives back ACLED's id.
std::string EventId(const std::string& id) {
  constexpr std::string_view kPrefix = "acled-";
  if (!id.starts_with(kPrefix)) return id;
  std::string out = id.substr(kPrefix.size());
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

void AddTag(std::string& tags, std::string_view item) {
  if (!tags.empty()) tags += "; ";
  tags += item;
}

Result<std::vector<std::string>> Row(const json& r) {
  std::vector<std::string> row(kColumns.size());
  auto set = [&](std::string_view column, const json& object,
                 std::string_view key) -> Status {
    Result<std::string> text = internal::MemberText(object, key);
    if (!text.ok()) return text.status();
    row[Col(column)] = std::move(*text);
    return Status::Ok();
  };
  LIFELINE_ASSIGN_OR_RETURN(std::string id, internal::MemberText(r, "id"));
  row[Col("event_id_cnty")] = EventId(id);
  LIFELINE_RETURN_IF_ERROR(set("event_date", r, "date"));
  const std::string& date = row[Col("event_date")];
  if (date.size() >= 4) row[Col("year")] = date.substr(0, 4);

  std::string tags;
  LIFELINE_ASSIGN_OR_RETURN(std::string precision, internal::MemberText(r, "date_precision"));
  if (precision.empty() || precision == "day") {
    row[Col("time_precision")] = "1";
  } else if (precision == "week") {
    row[Col("time_precision")] = "2";
  } else if (precision == "month") {
    row[Col("time_precision")] = "3";
  } else if (precision == "year") {
    // ACLED's coarsest precision is a month; say what the record says.
    row[Col("time_precision")] = "3";
    AddTag(tags, "date_precision=year");
  } else {
    return InvalidArgumentError("date_precision: not day, week, month or year: " + precision);
  }

  LIFELINE_RETURN_IF_ERROR(set("event_type", r, "event_type"));
  LIFELINE_RETURN_IF_ERROR(set("sub_event_type", r, "sub_event_type"));
  const json& actors = internal::Member(r, "actors");
  if (!actors.is_null() && !actors.is_array()) return InvalidArgumentError("actors: wanted an array");
  for (size_t i = 0; i < actors.size(); ++i) {
    Result<std::string> name = internal::ScalarText(actors[i]);
    if (!name.ok()) return name.status().Annotate("actors[" + std::to_string(i) + "]");
    if (i == 0) {
      row[Col("actor1")] = *name;
    } else if (i == 1) {
      row[Col("actor2")] = *name;
    } else {
      // ACLED has two sides; placing a third actor with either would be a
      // claim the record does not make.
      AddTag(tags, "actor=" + *name);
    }
  }

  const json& loc = internal::Member(r, "location");
  if (!loc.is_null() && !loc.is_object()) return InvalidArgumentError("location: wanted an object");
  LIFELINE_ASSIGN_OR_RETURN(std::string alpha3, internal::MemberText(loc, "country"));
  // The ISO 3166-1 table the readers use (tabular/country_codes.h), so that
  // `iso` and `country` read back as the record's alpha-3 code.
  if (auto c = tabular::CountryFromAlpha3(alpha3)) {
    row[Col("iso")] = std::to_string(c->numeric);
    row[Col("country")] = c->name;
  } else {
    row[Col("country")] = alpha3;  // a code ISO does not assign (XKX): keep it
  }
  for (auto [column, key] : {std::pair{"admin1", "admin1"}, std::pair{"admin2", "admin2"},
                             std::pair{"admin3", "admin3"}, std::pair{"location", "name"},
                             std::pair{"latitude", "lat"}, std::pair{"longitude", "lon"},
                             std::pair{"geo_precision", "geo_precision"}}) {
    Status s = set(column, loc, key);
    if (!s.ok()) return s.Annotate("location");
  }

  LIFELINE_ASSIGN_OR_RETURN(std::string note, internal::MemberText(r, "note"));
  LIFELINE_ASSIGN_OR_RETURN(std::string sources, internal::ListText(internal::Member(r, "sources")));
  if (!note.empty()) {
    // ReadAcledCsv keeps ACLED's `source` in the note: give it back there.
    row[Col("source")] = note;
    if (!sources.empty()) AddTag(tags, "sources=" + sources);
  } else {
    row[Col("source")] = sources;
  }
  LIFELINE_RETURN_IF_ERROR(set("notes", r, "description"));

  const json& fatalities = internal::Member(r, "fatalities");
  if (!fatalities.is_null() && !fatalities.is_object()) {
    return InvalidArgumentError("fatalities: wanted an object");
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string best, internal::MemberText(fatalities, "best"));
  // ACLED's 0 means "no fatalities reported", which is what a record without
  // fatalities reports.
  row[Col("fatalities")] = best.empty() ? "0" : best;
  for (std::string_view key : {"low", "high"}) {
    LIFELINE_ASSIGN_OR_RETURN(std::string n, internal::MemberText(fatalities, key));
    if (!n.empty()) AddTag(tags, "fatalities_" + std::string(key) + "=" + n);
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string injuries, internal::MemberText(r, "injuries"));
  if (!injuries.empty()) AddTag(tags, "injuries=" + injuries);
  LIFELINE_ASSIGN_OR_RETURN(std::string access, internal::MemberText(r, "access_constraint"));
  if (!access.empty()) AddTag(tags, "access_constraint=" + access);
  row[Col("tags")] = std::move(tags);

  LIFELINE_ASSIGN_OR_RETURN(std::string recorded, internal::MemberText(r, "recorded"));
  if (!recorded.empty()) {
    Result<int64_t> t = record::ParseDateTime(recorded);
    if (!t.ok()) return t.status().Annotate("recorded");
    row[Col("timestamp")] = std::to_string(*t);
  }
  return row;
}

}  // namespace

Result<std::string> WriteAcledCsv(std::span<const json> records, const CsvExportOptions& options) {
  std::string out;
  const std::vector<std::string> header(kColumns.begin(), kColumns.end());
  internal::AppendCsvRow(out, header, options);
  for (size_t i = 0; i < records.size(); ++i) {
    LIFELINE_RETURN_IF_ERROR(internal::CheckRecord(records[i], i));
    if (records[i].at("kind") != kinds::kIncident) continue;
    Result<std::vector<std::string>> row = Row(records[i]);
    if (!row.ok()) return row.status().Annotate(internal::RecordName(records[i], i));
    internal::AppendCsvRow(out, *row, options);
  }
  return out;
}

}  // namespace lifeline::exports
