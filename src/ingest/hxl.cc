#include "ingest/hxl.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <set>

#include "base/kinds.h"
#include "ingest/build.h"
#include "ingest/csv.h"
#include "ingest/fields.h"
#include "tabular/country_codes.h"
#include "tabular/csv.h"
#include "tabular/lifeline_hxl.h"
#include "tabular/text.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;

// libhxl-python looks this far down for the hashtag row.
constexpr size_t kMaxHeaderRows = 25;

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsTokenChar(char c) { return IsAlpha(c) || (c >= '0' && c <= '9') || c == '_'; }
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Reads a token at `pos` (letter, then letters/digits/'_'), lower-cased.
std::optional<std::string> ReadToken(std::string_view s, size_t& pos) {
  if (pos >= s.size() || !IsAlpha(s[pos])) return std::nullopt;
  size_t start = pos;
  while (pos < s.size() && IsTokenChar(s[pos])) ++pos;
  return AsciiLower(s.substr(start, pos - start));
}

// A rule choosing columns: hashtag `tag` having all of `with` and none of
// `without`.
struct Pattern {
  std::string_view tag;
  std::initializer_list<std::string_view> with;
  std::initializer_list<std::string_view> without;
};

bool Matches(const Hashtag& h, const Pattern& p) {
  if (h.tag != p.tag) return false;
  for (std::string_view a : p.with) {
    if (!h.Has(a)) return false;
  }
  for (std::string_view a : p.without) {
    if (h.Has(a)) return false;
  }
  return true;
}

struct Column {
  size_t index = 0;  // 0-based cell index
  Hashtag hashtag;
  std::string label;   // "#affected+killed"
  std::string header;  // the human header above, or ""
};

// Columns matching the patterns, in pattern order, each column once.
std::vector<const Column*> Select(const std::vector<Column>& columns,
                                  std::initializer_list<Pattern> patterns) {
  std::vector<const Column*> out;
  for (const Pattern& p : patterns) {
    for (const Column& c : columns) {
      if (Matches(c.hashtag, p) && std::find(out.begin(), out.end(), &c) == out.end()) {
        out.push_back(&c);
      }
    }
  }
  return out;
}

std::string_view Cell(const std::vector<std::string>& fields, size_t index) {
  return index < fields.size() ? tabular::Trim(fields[index]) : std::string_view();
}

// The first of `cols` with a non-empty cell in this row.
const Column* FirstFilled(const std::vector<const Column*>& cols,
                          const std::vector<std::string>& fields) {
  for (const Column* c : cols) {
    if (!Cell(fields, c->index).empty()) return c;
  }
  return nullptr;
}

std::string Where(const Column& c) {
  std::string s = "column " + std::to_string(c.index + 1);
  if (!c.header.empty()) s += " (" + c.header + ")";
  return s;
}

// The columns the mapping reads, chosen once per file.
struct Plan {
  std::vector<const Column*> date, date_precision, loc_name, admin1, admin2, admin3, country_code,
      country_name, lat, lon, geo_precision, event_type, sub_event_type, access, actors, killed,
      killed_min, killed_max, injured, description, source, id;
};

Plan MakePlan(const std::vector<Column>& cols) {
  static constexpr std::initializer_list<std::string_view> kNone = {};
  Plan p;
  p.date = Select(cols, {{"date", {"occurred"}, kNone},
                         {"date", {"start"}, kNone},
                         {"date", kNone, {"end", "year", "reported"}},
                         {"date", {"reported"}, kNone},
                         {"date", {"year"}, kNone}});
  p.loc_name = Select(cols, {{"loc", {"name"}, kNone},
                             {"loc", kNone, {"code", "id"}},
                             {"adm2", {"name"}, kNone},
                             {"adm2", kNone, {"code", "id"}},
                             {"adm1", {"name"}, kNone},
                             {"adm1", kNone, {"code", "id"}},
                             {"country", {"name"}, kNone},
                             {"country", kNone, {"code", "id"}}});
  p.admin1 = Select(cols, {{"adm1", {"name"}, kNone}, {"adm1", kNone, {"code", "id"}}});
  p.admin2 = Select(cols, {{"adm2", {"name"}, kNone}, {"adm2", kNone, {"code", "id"}}});
  p.admin3 = Select(cols, {{"adm3", {"name"}, kNone}, {"adm3", kNone, {"code", "id"}}});
  p.date_precision = Select(cols, {{"meta", {"date_precision"}, kNone}});
  p.geo_precision = Select(cols, {{"meta", {"geo_precision"}, kNone}});
  p.country_code = Select(cols, {{"country", {"code"}, kNone}});
  p.country_name =
      Select(cols, {{"country", {"name"}, kNone}, {"country", kNone, {"code", "id"}}});
  p.lat = Select(cols, {{"geo", {"lat"}, kNone}});
  p.lon = Select(cols, {{"geo", {"lon"}, kNone}});
  // #event+type+sub is ACLED's sub_event_type (its HDX exports tag it so),
  // never the event type itself.
  p.event_type = Select(cols, {{"event", {"type"}, {"sub"}},
                               {"crisis", {"type"}, kNone},
                               {"crisis", kNone, {"code", "id"}}});
  p.sub_event_type = Select(cols, {{"event", {"type", "sub"}, kNone}});
  p.access = Select(cols, {{"access", {"code"}, kNone}});
  p.actors = Select(cols, {{"org", kNone, {"code", "id"}}, {"group", kNone, {"code", "id"}}});
  // Columns in file order for actors, whatever the tag.
  std::sort(p.actors.begin(), p.actors.end(),
            [](const Column* a, const Column* b) { return a->index < b->index; });
  p.killed = Select(cols, {{"affected", {"killed"}, {"min", "max"}}});
  p.killed_min = Select(cols, {{"affected", {"killed", "min"}, kNone}});
  p.killed_max = Select(cols, {{"affected", {"killed", "max"}, kNone}});
  p.injured = Select(cols, {{"affected", {"injured"}, {"min", "max"}}});
  p.description = Select(cols, {{"description", kNone, kNone}});
  p.source = Select(cols, {{"meta", {"source"}, kNone}});
  p.id = Select(cols, {{"event", {"id"}, kNone}, {"meta", {"id"}, kNone}});
  return p;
}

// Would the cells be a hashtag row if each had a leading '#'? Used to explain
// files like input-invalid.csv, whose tag row lost its '#'s.
bool LooksLikeHashtagsWithoutHash(const std::vector<std::string>& cells, std::string* example) {
  size_t non_empty = 0, valid = 0;
  for (const std::string& c : cells) {
    std::string_view t = tabular::Trim(c);
    if (t.empty()) continue;
    ++non_empty;
    if (t.front() != '#' && t.find('+') != std::string_view::npos &&
        ParseHashtag("#" + std::string(t))) {
      if (valid == 0) *example = std::string(t);
      ++valid;
    }
  }
  return non_empty > 0 && valid * 2 > non_empty;
}

// --- Lifeline's own HXL export -------------------------------------------
//
// src/export's WriteHxlCsv writes one column per record field, tagged as
// tabular/lifeline_hxl.h says. A file whose hashtag row has #meta+kind is
// read with that table instead of the mapping for HXL data in general, so
// that an export comes back field for field (hxl.h lists what does not).

using tabular::HxlValue;
using tabular::LifelineHxlColumn;

// Same tag and the same set of attributes (HXL: order does not matter).
bool SameHashtag(const Hashtag& a, const Hashtag& b) {
  if (a.tag != b.tag || a.attributes.size() != b.attributes.size()) return false;
  for (const std::string& x : a.attributes) {
    if (!b.Has(x)) return false;
  }
  return true;
}

const LifelineHxlColumn* FindExportField(const Hashtag& h) {
  for (const LifelineHxlColumn& e : tabular::LifelineHxlLayout()) {
    if (SameHashtag(h, *ParseHashtag(e.hashtag))) return &e;
  }
  return nullptr;
}

bool IsExportLayout(const std::vector<Column>& columns) {
  const Hashtag kind{"meta", {"kind"}};
  return std::any_of(columns.begin(), columns.end(),
                     [&](const Column& c) { return SameHashtag(c.hashtag, kind); });
}

struct ExportPlan {
  std::vector<const LifelineHxlColumn*> fields;  // per entry of the columns; null: not read
  const Column* kind = nullptr;
  const Column* id = nullptr;
};

// Sets `path` ("location.admin1") in `record`, making the objects on the way.
void SetPath(json& record, std::string_view path, json value) {
  json* at = &record;
  for (size_t dot; (dot = path.find('.')) != std::string_view::npos; path.remove_prefix(dot + 1)) {
    at = &(*at)[std::string(path.substr(0, dot))];
  }
  (*at)[std::string(path)] = std::move(value);
}

std::optional<DatePrecision> DatePrecisionFromName(std::string_view name) {
  for (DatePrecision p : {DatePrecision::kDay, DatePrecision::kWeek, DatePrecision::kMonth,
                          DatePrecision::kYear}) {
    if (DatePrecisionName(p) == name) return p;
  }
  return std::nullopt;
}

constexpr std::string_view kGeoPrecisionRule =
    "location.geo_precision must be 1 (exact place), 2 (near it) or 3 (region only)";
constexpr std::string_view kAccessRule =
    "access_constraint must be an OCHA access-constraint category, a whole number from 1 to 9";

class RowReader {
 public:
  // `export_plan` is null for HXL data in general, else the file is
  // Lifeline's own export (IsExportLayout).
  RowReader(const std::vector<Column>& columns, const Plan& plan, const ExportPlan* export_plan,
            const ImportOptions& options, const HxlOptions& hxl, std::string_view source_id,
            ReadResult& out)
      : columns_(columns), plan_(plan), export_(export_plan), options_(options), hxl_(hxl),
        source_id_(source_id), out_(out) {}

  // True when an accepted row cites the file's `source` record.
  bool cites_file_source() const { return cites_file_source_; }

  void Read(const tabular::CsvRecord& rec) {
    const auto& f = rec.fields;
    bool any = false;
    for (const Column& c : columns_) any = any || !Cell(f, c.index).empty();
    if (!any) {
      ++out_.skipped_rows;
      return;
    }
    line_ = rec.line;
    errors_ = 0;
    if (export_ != nullptr) {
      ReadExport(f);
    } else {
      ReadData(f);
    }
  }

 private:
  // HXL data in general: the mapping in hxl.h.
  void ReadData(const std::vector<std::string>& f) {
    for (const Column& c : columns_) CheckType(c, Cell(f, c.index));

    json r = NewRecord("incident", Id(f), options_);
    r["sources"] = json::array({source_id_});
    const Column* date = FirstFilled(plan_.date, f);
    if (date == nullptr && !plan_.date.empty()) {
      Warn(plan_.date.front()->label, "no date in this row: the incident will not validate");
    }
    // Bad dates are reported by CheckType.
    SetDate(r, f, date, FirstFilled(plan_.date_precision, f), /*report_bad_date=*/false);
    std::optional<int64_t> geo_precision;
    if (const Column* c = FirstFilled(plan_.geo_precision, f)) {
      geo_precision = Code(*c, Cell(f, c->index), 1, 3, kGeoPrecisionRule);
    }
    if (json loc = Location(f); !loc.empty()) {
      if (geo_precision) loc["geo_precision"] = *geo_precision;
      r["location"] = std::move(loc);
    } else if (!plan_.loc_name.empty()) {
      Warn(plan_.loc_name.front()->label,
           "no place name in this row: the incident will not validate");
    }
    if (const Column* c = FirstFilled(plan_.event_type, f)) {
      r["event_type"] = Cell(f, c->index);
    } else if (!hxl_.default_event_type.empty()) {
      r["event_type"] = hxl_.default_event_type;
    }
    if (const Column* c = FirstFilled(plan_.sub_event_type, f)) {
      r["sub_event_type"] = Cell(f, c->index);
    }
    if (const Column* c = FirstFilled(plan_.access, f)) {
      if (auto v = Code(*c, Cell(f, c->index), 1, 9, kAccessRule)) r["access_constraint"] = *v;
    }
    json actors = json::array();
    std::set<std::string_view> seen;
    for (const Column* c : plan_.actors) {
      std::string_view v = Cell(f, c->index);
      if (!v.empty() && seen.insert(v).second) actors.push_back(v);
    }
    if (!actors.empty()) r["actors"] = std::move(actors);
    json fatalities = json::object();
    if (auto v = Count(plan_.killed, f)) fatalities["best"] = *v;
    if (auto v = Count(plan_.killed_min, f)) fatalities["low"] = *v;
    if (auto v = Count(plan_.killed_max, f)) fatalities["high"] = *v;
    if (!fatalities.empty()) r["fatalities"] = std::move(fatalities);
    if (auto v = Count(plan_.injured, f)) r["injuries"] = *v;
    if (const Column* c = FirstFilled(plan_.description, f)) {
      r["description"] = Cell(f, c->index);
    }
    if (const Column* c = FirstFilled(plan_.source, f)) r["note"] = Cell(f, c->index);

    if (errors_ == 0) {
      cites_file_source_ = true;
      out_.rows.push_back({line_, std::move(r)});
    }
  }

  // Lifeline's own export: one column per field (tabular::LifelineHxlLayout()).
  void ReadExport(const std::vector<std::string>& f) {
    const Column& kind_column = *export_->kind;
    const std::string kind(Cell(f, kind_column.index));
    const unsigned row_kind =
        kind == kinds::kIncident ? tabular::kHxlIncident : kind == kinds::kMovement ? tabular::kHxlMovement : 0;
    if (row_kind == 0) {
      Error(kind_column,
            kind.empty()
                ? std::string("empty: every row of a Lifeline HXL export names its record's kind")
                : "HXL carries only the envelope of " + Quote(kind) +
                      " records (WriteHxlCsv writes the fields of incidents and movements): "
                      "import them from the JSON Lines export");
      return;
    }
    json r = {{"kind", kind}};
    json actors = json::array();
    const Column *date = nullptr, *precision = nullptr;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Column& c = columns_[i];
      const LifelineHxlColumn* e = export_->fields[i];
      const std::string_view v = Cell(f, c.index);
      if (v.empty()) continue;
      if (e == nullptr) {
        CheckType(c, v);
        continue;
      }
      if ((e->kinds & row_kind) == 0) {
        Error(c, kind + " records have no " + std::string(e->field) + ": this cell must be empty");
        continue;
      }
      // Text keeps the whitespace around it: the writer wrote the field as
      // it is, and trimming would change the record.
      const std::string_view raw = f[c.index];
      switch (e->value) {
        case HxlValue::kText:
          SetPath(r, e->field, raw);
          break;
        case HxlValue::kActor:
          actors.push_back(raw);  // repeats too: the record's list as it is
          break;
        case HxlValue::kKind:
        case HxlValue::kStamp:
          break;
        case HxlValue::kId:
          if (IsRecordId(c, v)) SetPath(r, e->field, v);
          break;
        case HxlValue::kIdList:
          if (auto ids = IdList(c, v)) r["sources"] = std::move(*ids);
          break;
        case HxlValue::kCase:
          if (!IsRecordId(c, v)) break;
          if (!options_.case_id.empty() && v != options_.case_id) {
            Error(c, "the record belongs to case " + Quote(v) + ", the import is into case " +
                         Quote(options_.case_id));
            break;
          }
          r["case"] = v;
          break;
        case HxlValue::kDate:
          date = &c;
          break;
        case HxlValue::kDatePrecision:
          precision = &c;
          break;
        case HxlValue::kDay: {
          auto d = ParseDateWithFormat(v, "%Y-%m-%d");
          if (d.ok() && FormatDate(*d) == v) {
            SetPath(r, e->field, v);
          } else {
            Error(c, "must be a date YYYY-MM-DD, not " + Quote(v));
          }
          break;
        }
        case HxlValue::kLat:
        case HxlValue::kLon: {
          auto d = e->value == HxlValue::kLat ? ParseLatitude(v) : ParseLongitude(v);
          if (d.ok()) {
            SetPath(r, e->field, *d);
          } else {
            Error(c, d.status().message());
          }
          break;
        }
        case HxlValue::kGeoPrecision:
          if (auto n = Code(c, v, 1, 3, kGeoPrecisionRule)) SetPath(r, e->field, *n);
          break;
        case HxlValue::kAccess:
          if (auto n = Code(c, v, 1, 9, kAccessRule)) SetPath(r, e->field, *n);
          break;
        case HxlValue::kCount:
          if (auto n = WholeCount(c, v, /*report_not_a_number=*/true)) SetPath(r, e->field, *n);
          break;
        case HxlValue::kDirection:
          if (OneOf(c, v, {"in", "out"}, e->field)) SetPath(r, e->field, v);
          break;
        case HxlValue::kOutcome:
          // A vocabulary the case may extend (docs/records.md, "Vocabularies"):
          // the schema, which knows the case's terms, judges it on import.
          SetPath(r, e->field, v);
          break;
        case HxlValue::kCargo: {
          json cargo = json::parse(std::string(v), nullptr, /*allow_exceptions=*/false);
          if (cargo.is_discarded() || !cargo.is_array()) {
            Error(c, "cargo must be a JSON array of quantities, not " + Quote(v));
          } else {
            SetPath(r, e->field, std::move(cargo));
          }
          break;
        }
      }
    }
    SetDate(r, f, date, precision, /*report_bad_date=*/true);
    if (!actors.empty()) r["actors"] = std::move(actors);
    if (!r.contains("id")) {
      if (Cell(f, export_->id->index).empty()) {
        Error(*export_->id, "empty: every row of a Lifeline HXL export has its record's id");
      }
    } else {
      ClaimId(*export_->id, r["id"].get<std::string>());
    }
    if (!r.contains("case") && !options_.case_id.empty()) r["case"] = options_.case_id;
    // As in other HXL files, a row that names no source cites the file.
    const bool cites_file = !r.contains("sources");
    if (cites_file) r["sources"] = json::array({source_id_});
    if (errors_ == 0) {
      cites_file_source_ = cites_file_source_ || cites_file;
      out_.rows.push_back({line_, std::move(r)});
    }
  }

  void Error(const Column& c, std::string message) {
    out_.errors.push_back({line_, c.label, std::move(message) + " (" + Where(c) + ")"});
    ++errors_;
  }
  void Warn(const std::string& field, std::string message) {
    out_.warnings.push_back({line_, field, std::move(message)});
  }

  // Checks a cell against its hashtag's type, whether the mapping reads it
  // or not.
  void CheckType(const Column& c, std::string_view v) {
    if (v.empty()) return;
    if (IsNumericHashtag(c.hashtag)) {
      if (auto n = ParseNumberWithThousands(v); !n.ok()) Error(c, n.status().message());
    } else if (c.hashtag.tag == "date") {
      if (auto d = ParseLooseDate(v); !d.ok()) Error(c, d.status().message());
    } else if (c.hashtag.tag == "geo" && c.hashtag.Has("lat")) {
      if (auto d = ParseLatitude(v); !d.ok()) Error(c, d.status().message());
    } else if (c.hashtag.tag == "geo" && c.hashtag.Has("lon")) {
      if (auto d = ParseLongitude(v); !d.ok()) Error(c, d.status().message());
    }
  }

  // `date` and `date_precision` from the date column and the
  // #meta+date_precision column (either may be null). A partial date
  // ("2015-03") carries its own precision; a precision cell must then say
  // the same, since the two cells would otherwise disagree about the record.
  void SetDate(json& r, const std::vector<std::string>& f, const Column* date,
               const Column* precision, bool report_bad_date) {
    std::optional<DatePrecision> from_date;
    std::string_view date_text = date != nullptr ? Cell(f, date->index) : std::string_view();
    if (date != nullptr) {
      auto d = ParseLooseDate(date_text);
      if (d.ok()) {
        r["date"] = FormatDate(d->date);
        if (d->precision != DatePrecision::kDay) from_date = d->precision;
      } else if (report_bad_date) {
        Error(*date, d.status().message());
      }
    }
    if (precision == nullptr) {
      if (from_date) r["date_precision"] = DatePrecisionName(*from_date);
      return;
    }
    std::string_view text = Cell(f, precision->index);
    std::optional<DatePrecision> named = DatePrecisionFromName(text);
    if (!named) {
      Error(*precision, "date_precision must be day, week, month or year, not " + Quote(text));
    } else if (from_date && *from_date != *named) {
      Error(*precision, "date_precision " + Quote(text) + " disagrees with the date " +
                            Quote(date_text) + ", which gives only the " +
                            std::string(DatePrecisionName(*from_date)));
    } else {
      r["date_precision"] = DatePrecisionName(*named);
    }
  }

  // A count (fatalities, injuries, vehicles, ...): a whole number >= 0.
  // Cells that are not numbers at all are reported here only when
  // `report_not_a_number`, since CheckType reports them for numeric hashtags.
  std::optional<int64_t> WholeCount(const Column& c, std::string_view v,
                                    bool report_not_a_number) {
    auto n = ParseNumberWithThousands(v);
    if (!n.ok()) {
      if (report_not_a_number) Error(c, n.status().message());
      return std::nullopt;
    }
    if (*n < 0 || *n != std::floor(*n) || *n > 9007199254740992.0) {
      Error(c, "a count must be a whole number >= 0: " + Quote(v));
      return std::nullopt;
    }
    return static_cast<int64_t>(*n);
  }

  std::optional<int64_t> Count(const std::vector<const Column*>& cols,
                               const std::vector<std::string>& f) {
    const Column* c = FirstFilled(cols, f);
    if (c == nullptr) return std::nullopt;
    return WholeCount(*c, Cell(f, c->index), /*report_not_a_number=*/false);
  }

  // A whole number in [lo, hi] (geo_precision, access_constraint).
  std::optional<int64_t> Code(const Column& c, std::string_view v, int64_t lo, int64_t hi,
                              std::string_view rule) {
    auto n = ParseInteger(v);
    if (!n.ok() || *n < lo || *n > hi) {
      Error(c, std::string(rule) + ", not " + Quote(v));
      return std::nullopt;
    }
    return *n;
  }

  bool OneOf(const Column& c, std::string_view v, std::initializer_list<std::string_view> allowed,
             std::string_view field) {
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return true;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    Error(c, std::string(field) + " must be one of " + list + ", not " + Quote(v));
    return false;
  }

  bool IsRecordId(const Column& c, std::string_view v) {
    if (IsValidRecordId(v)) return true;
    Error(c, "not a record id: " + Quote(v) + " (ids match ^[a-z0-9][a-z0-9._:-]{0,127}$)");
    return false;
  }

  // Record ids joined with ';', or, as WriteHxlCsv writes them when a join
  // would be ambiguous, a JSON array of strings.
  std::optional<json> IdList(const Column& c, std::string_view v) {
    json ids = json::array();
    if (v.front() == '[') {
      json list = json::parse(std::string(v), nullptr, /*allow_exceptions=*/false);
      if (list.is_discarded() || !list.is_array()) {
        Error(c, "not a JSON array of record ids: " + Quote(v));
        return std::nullopt;
      }
      for (const json& id : list) {
        if (!id.is_string()) {
          Error(c, "not a JSON array of record ids: " + Quote(v));
          return std::nullopt;
        }
        ids.push_back(id);
      }
    } else {
      for (size_t start = 0;;) {
        size_t end = std::min(v.find(';', start), v.size());
        ids.push_back(tabular::Trim(v.substr(start, end - start)));
        if (end == v.size()) break;
        start = end + 1;
      }
    }
    for (const json& id : ids) {
      if (!IsRecordId(c, id.get_ref<const std::string&>())) return std::nullopt;
    }
    return ids;
  }

  json Location(const std::vector<std::string>& f) {
    json loc = json::object();
    const Column* name = FirstFilled(plan_.loc_name, f);
    if (name == nullptr) return loc;
    loc["name"] = Cell(f, name->index);
    if (const Column* c = FirstFilled(plan_.admin1, f)) loc["admin1"] = Cell(f, c->index);
    if (const Column* c = FirstFilled(plan_.admin2, f)) loc["admin2"] = Cell(f, c->index);
    if (const Column* c = FirstFilled(plan_.admin3, f)) loc["admin3"] = Cell(f, c->index);
    std::optional<std::string> alpha3;
    if (const Column* c = FirstFilled(plan_.country_code, f)) {
      std::string code(Cell(f, c->index));
      for (char& ch : code) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
      if (tabular::IsAlpha3(code)) {
        alpha3 = code;
      } else if (warned_codes_.insert(code).second) {
        Warn(c->label, "not an ISO 3166-1 alpha-3 code: " + Quote(code) +
                           " (location.country is left out where no name gives it)");
      }
    }
    if (!alpha3) {
      if (const Column* c = FirstFilled(plan_.country_name, f)) {
        std::string_view country = Cell(f, c->index);
        alpha3 = tabular::Alpha3FromName(country);
        if (!alpha3 && warned_codes_.insert(std::string(country)).second) {
          Warn(c->label, "no ISO 3166-1 alpha-3 code known for country " + Quote(country) +
                             ": location.country is left out");
        }
      }
    }
    if (alpha3) loc["country"] = *alpha3;
    if (const Column* c = FirstFilled(plan_.lat, f)) {
      if (auto v = ParseLatitude(Cell(f, c->index)); v.ok()) loc["lat"] = *v;
    }
    if (const Column* c = FirstFilled(plan_.lon, f)) {
      if (auto v = ParseLongitude(Cell(f, c->index)); v.ok()) loc["lon"] = *v;
    }
    return loc;
  }

  // An error when `id` was already taken by an earlier row.
  void ClaimId(const Column& c, const std::string& id) {
    if (auto [it, fresh] = ids_.emplace(id, line_); !fresh) {
      Error(c, "the id " + Quote(id) + " is also used at line " + std::to_string(it->second));
    }
  }

  std::string Id(const std::vector<std::string>& f) {
    if (const Column* c = FirstFilled(plan_.id, f)) {
      std::string slug = Slug(Cell(f, c->index));
      if (slug.empty() || slug.size() > 120) {
        Error(*c, "cannot make a record id of " + Quote(Cell(f, c->index)));
        return "invalid";
      }
      if (auto [it, fresh] = ids_.emplace("hxl-" + slug, line_); !fresh) {
        Error(*c, "the id " + Quote(Cell(f, c->index)) + " is also used at line " +
                      std::to_string(it->second));
      }
      return "hxl-" + slug;
    }
    return "hxl-" + FileStemSlug(options_.file_name) + "-l" + std::to_string(line_);
  }

  const std::vector<Column>& columns_;
  const Plan& plan_;
  const ExportPlan* export_;
  const ImportOptions& options_;
  const HxlOptions& hxl_;
  std::string source_id_;
  ReadResult& out_;
  uint64_t line_ = 0;
  size_t errors_ = 0;
  bool cites_file_source_ = false;
  std::map<std::string, uint64_t> ids_;
  std::set<std::string> warned_codes_;
};

}  // namespace

bool Hashtag::Has(std::string_view attribute) const {
  return std::find(attributes.begin(), attributes.end(), attribute) != attributes.end();
}

std::string Hashtag::ToString() const {
  std::string s = "#" + tag;
  for (const std::string& a : attributes) s += "+" + a;
  return s;
}

bool IsNumericHashtag(const Hashtag& h) {
  // hxl-default-schema.json (libhxl-python), rule "Always a number":
  // #population,#affected,#inneed,#targeted,#reached,#indicator+num,#output+num,#value
  static constexpr std::string_view kAlways[] = {"population", "affected", "inneed", "targeted",
                                                 "reached", "value"};
  for (std::string_view t : kAlways) {
    if (h.tag == t) return true;
  }
  return (h.tag == "indicator" || h.tag == "output") && h.Has("num");
}

std::optional<Hashtag> ParseHashtag(std::string_view spec) {
  std::string_view s = tabular::Trim(spec);
  size_t pos = 0;
  if (pos >= s.size() || s[pos] != '#') return std::nullopt;
  ++pos;
  auto tag = ReadToken(s, pos);
  if (!tag) return std::nullopt;
  Hashtag h{*tag, {}};
  for (;;) {
    while (pos < s.size() && IsBlank(s[pos])) ++pos;
    if (pos == s.size()) break;
    if (s[pos] != '+') return std::nullopt;
    ++pos;
    while (pos < s.size() && IsBlank(s[pos])) ++pos;
    auto attr = ReadToken(s, pos);
    if (!attr) return std::nullopt;
    if (!h.Has(*attr)) h.attributes.push_back(*attr);
  }
  return h;
}

std::optional<HashtagRow> ParseHashtagRow(const std::vector<std::string>& cells) {
  HashtagRow row;
  size_t non_empty = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string_view t = tabular::Trim(cells[i]);
    if (t.empty()) {
      row.columns.emplace_back();
      continue;
    }
    ++non_empty;
    row.columns.push_back(ParseHashtag(t));
    if (!row.columns.back()) row.invalid.push_back(i);
  }
  // libhxl-python's FUZZY_HASHTAG_PERCENTAGE: more than half must be hashtags.
  if (non_empty == 0 || row.invalid.size() * 2 >= non_empty) return std::nullopt;
  return row;
}

ReadResult ReadHxlCsv(std::string_view data, const ImportOptions& options,
                      const HxlOptions& hxl_options) {
  ReadResult out;
  tabular::CsvTable table = tabular::ParseCsv(data);
  std::optional<size_t> tag_index;
  std::optional<HashtagRow> tag_row;
  for (size_t r = 0; r < table.records.size() && r < kMaxHeaderRows; ++r) {
    tag_row = ParseHashtagRow(table.records[r].fields);
    if (tag_row) {
      tag_index = r;
      break;
    }
  }
  if (!tag_index) {
    AppendCsvDiagnostics(table, nullptr, out);
    std::string example;
    for (size_t r = 0; r < table.records.size() && r < kMaxHeaderRows; ++r) {
      if (LooksLikeHashtagsWithoutHash(table.records[r].fields, &example)) {
        out.errors.push_back(
            {table.records[r].line, "(hashtag row)",
             "no HXL hashtag row; this row looks like one but its cells lack the leading '#' (" +
                 Quote(example) + " should be " + Quote("#" + example) + ")"});
        SortDiagnostics(out);
        return out;
      }
    }
    uint64_t line = table.records.empty() ? 1 : table.records.front().line;
    out.errors.push_back(
        {line, "(hashtag row)",
         "no HXL hashtag row in the first " + std::to_string(kMaxHeaderRows) +
             " rows: HXL data needs a row of hashtags such as #adm1+name or #affected+killed "
             "between the column headers and the data"});
    SortDiagnostics(out);
    return out;
  }

  const tabular::CsvRecord& tags = table.records[*tag_index];
  const std::vector<std::string>* headers =
      *tag_index > 0 ? &table.records[*tag_index - 1].fields : nullptr;
  std::vector<Column> columns;
  std::vector<std::string> names;  // per cell: hashtag, else header, for CSV errors
  for (size_t i = 0; i < tag_row->columns.size(); ++i) {
    std::string header = headers != nullptr && i < headers->size()
                             ? std::string(tabular::Trim((*headers)[i]))
                             : std::string();
    if (tag_row->columns[i]) {
      columns.push_back({i, *tag_row->columns[i], tag_row->columns[i]->ToString(), header});
      names.push_back(columns.back().label);
    } else {
      names.push_back(header);
    }
  }
  AppendCsvDiagnostics(table, &names, out);
  for (size_t i : tag_row->invalid) {
    out.warnings.push_back({tags.line, std::string(tabular::Trim(tags.fields[i])),
                            "not an HXL hashtag: column " + std::to_string(i + 1) +
                                " is not read"});
  }

  const Plan plan = MakePlan(columns);
  const std::string source_id = SourceIdForFile("hxl", options.file_name);
  std::optional<ExportPlan> export_plan;
  if (IsExportLayout(columns)) {
    // One column per field: a second column for the same field (actors
    // aside) would leave the record ambiguous.
    export_plan.emplace();
    std::map<const LifelineHxlColumn*, const Column*> seen;
    bool duplicate = false;
    for (const Column& c : columns) {
      const LifelineHxlColumn* e = FindExportField(c.hashtag);
      export_plan->fields.push_back(e);
      if (e == nullptr) {
        out.warnings.push_back({tags.line, c.label,
                                "not a column of Lifeline's HXL export: " + Where(c) +
                                    " is checked but not read"});
        continue;
      }
      if (e->value == HxlValue::kKind) export_plan->kind = &c;
      if (e->field == "id") export_plan->id = &c;
      if (auto [it, fresh] = seen.emplace(e, &c); !fresh && e->value != HxlValue::kActor) {
        out.errors.push_back({tags.line, c.label,
                              "a second " + c.label + " column (" + Where(c) + ", first " +
                                  Where(*it->second) + "): a Lifeline HXL export has one "
                                  "column per field"});
        duplicate = true;
      }
    }
    if (export_plan->id == nullptr) {
      out.errors.push_back({tags.line, "#meta+id",
                            "a Lifeline HXL export (it has #meta+kind) needs the #meta+id column"});
    }
    if (duplicate || export_plan->id == nullptr) {
      SortDiagnostics(out);
      return out;
    }
  } else {
    if (plan.date.empty()) {
      out.warnings.push_back(
          {tags.line, "#date", "no #date column: the incidents have no date and will not validate"});
    }
    if (plan.loc_name.empty()) {
      out.warnings.push_back(
          {tags.line, "#loc+name",
           "no place column (#loc, #adm1, #adm2 or #country): the incidents have no location and "
           "will not validate"});
    }
    if (plan.event_type.empty()) {
      out.warnings.push_back({tags.line, "#event+type",
                              "no #event+type or #crisis column: event_type is " +
                                  Quote(hxl_options.default_event_type)});
    }
  }

  RowReader reader(columns, plan, export_plan ? &*export_plan : nullptr, options, hxl_options,
                   source_id, out);
  for (size_t r = *tag_index + 1; r < table.records.size(); ++r) reader.Read(table.records[r]);

  if (reader.cites_file_source()) {
    json source = NewRecord("source", source_id, options);
    source["title"] = "HXL dataset " + (options.file_name.empty() ? std::string("(unnamed file)")
                                                                  : options.file_name);
    source["publisher"] = hxl_options.publisher.empty() ? "unstated" : hxl_options.publisher;
    source["publisher_type"] = "other";
    if (hxl_options.publisher.empty()) {
      out.warnings.push_back({1, "(file)",
                              "HXL files do not name their publisher: the source record says "
                              "'unstated' (set HxlOptions::publisher)"});
    }
    PrependRecord(out, std::move(source));
  }
  SortDiagnostics(out);
  return out;
}

}  // namespace lifeline::ingest
