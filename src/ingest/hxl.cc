#include "ingest/hxl.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <set>

#include "ingest/build.h"
#include "ingest/country_codes.h"
#include "ingest/csv.h"
#include "ingest/fields.h"

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
  return index < fields.size() ? Trim(fields[index]) : std::string_view();
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
  std::vector<const Column*> date, loc_name, admin1, admin2, country_code, country_name, lat, lon,
      event_type, actors, killed, killed_min, killed_max, injured, description, source, id;
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
  p.country_code = Select(cols, {{"country", {"code"}, kNone}});
  p.country_name =
      Select(cols, {{"country", {"name"}, kNone}, {"country", kNone, {"code", "id"}}});
  p.lat = Select(cols, {{"geo", {"lat"}, kNone}});
  p.lon = Select(cols, {{"geo", {"lon"}, kNone}});
  p.event_type = Select(cols, {{"event", {"type"}, kNone},
                               {"crisis", {"type"}, kNone},
                               {"crisis", kNone, {"code", "id"}}});
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
    std::string_view t = Trim(c);
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

class RowReader {
 public:
  RowReader(const std::vector<Column>& columns, const Plan& plan, const ImportOptions& options,
            const HxlOptions& hxl, std::string_view source_id, ReadResult& out)
      : columns_(columns), plan_(plan), options_(options), hxl_(hxl), source_id_(source_id),
        out_(out) {}

  void Read(const CsvRecord& rec) {
    const auto& f = rec.fields;
    bool any = false;
    for (const Column& c : columns_) any = any || !Cell(f, c.index).empty();
    if (!any) {
      ++out_.skipped_rows;
      return;
    }
    line_ = rec.line;
    errors_ = 0;
    CheckTypes(f);

    json r = NewRecord("incident", Id(f), options_);
    r["sources"] = json::array({source_id_});
    if (const Column* c = FirstFilled(plan_.date, f)) {
      auto d = ParseLooseDate(Cell(f, c->index));
      if (d.ok()) {  // else reported by CheckTypes
        r["date"] = FormatDate(d->date);
        if (d->precision != DatePrecision::kDay) {
          r["date_precision"] = DatePrecisionName(d->precision);
        }
      }
    } else if (!plan_.date.empty()) {
      Warn(plan_.date.front()->label, "no date in this row: the incident will not validate");
    }
    if (json loc = Location(f); !loc.empty()) {
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

    if (errors_ == 0) out_.rows.push_back({line_, std::move(r)});
  }

 private:
  void Error(const Column& c, std::string message) {
    out_.errors.push_back({line_, c.label, std::move(message) + " (" + Where(c) + ")"});
    ++errors_;
  }
  void Warn(const std::string& field, std::string message) {
    out_.warnings.push_back({line_, field, std::move(message)});
  }

  // Every tagged cell is checked against its hashtag's type, mapped or not.
  void CheckTypes(const std::vector<std::string>& f) {
    for (const Column& c : columns_) {
      std::string_view v = Cell(f, c.index);
      if (v.empty()) continue;
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
  }

  // A count (fatalities, injuries): a whole number >= 0.
  std::optional<int64_t> Count(const std::vector<const Column*>& cols,
                               const std::vector<std::string>& f) {
    const Column* c = FirstFilled(cols, f);
    if (c == nullptr) return std::nullopt;
    auto n = ParseNumberWithThousands(Cell(f, c->index));
    if (!n.ok()) return std::nullopt;  // reported by CheckTypes
    if (*n < 0 || *n != std::floor(*n) || *n > 9007199254740992.0) {
      Error(*c, "a count must be a whole number >= 0: " + Quote(Cell(f, c->index)));
      return std::nullopt;
    }
    return static_cast<int64_t>(*n);
  }

  json Location(const std::vector<std::string>& f) {
    json loc = json::object();
    const Column* name = FirstFilled(plan_.loc_name, f);
    if (name == nullptr) return loc;
    loc["name"] = Cell(f, name->index);
    if (const Column* c = FirstFilled(plan_.admin1, f)) loc["admin1"] = Cell(f, c->index);
    if (const Column* c = FirstFilled(plan_.admin2, f)) loc["admin2"] = Cell(f, c->index);
    std::optional<std::string> alpha3;
    if (const Column* c = FirstFilled(plan_.country_code, f)) {
      std::string code(Cell(f, c->index));
      for (char& ch : code) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
      if (IsAlpha3(code)) {
        alpha3 = code;
      } else if (warned_codes_.insert(code).second) {
        Warn(c->label, "not an ISO 3166-1 alpha-3 code: " + Quote(code) +
                           " (location.country is left out where no name gives it)");
      }
    }
    if (!alpha3) {
      if (const Column* c = FirstFilled(plan_.country_name, f)) {
        std::string_view country = Cell(f, c->index);
        alpha3 = Alpha3FromName(country);
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

  std::string Id(const std::vector<std::string>& f) {
    std::string id;
    if (const Column* c = FirstFilled(plan_.id, f)) {
      std::string slug = Slug(Cell(f, c->index));
      if (slug.empty() || slug.size() > 120) {
        Error(*c, "cannot make a record id of " + Quote(Cell(f, c->index)));
        return "invalid";
      }
      id = "hxl-" + slug;
      if (auto [it, fresh] = ids_.emplace(id, line_); !fresh) {
        Error(*c, "the id " + Quote(Cell(f, c->index)) + " is also used at line " +
                      std::to_string(it->second));
      }
      return id;
    }
    return "hxl-" + FileStemSlug(options_.file_name) + "-l" + std::to_string(line_);
  }

  const std::vector<Column>& columns_;
  const Plan& plan_;
  const ImportOptions& options_;
  const HxlOptions& hxl_;
  std::string source_id_;
  ReadResult& out_;
  uint64_t line_ = 0;
  size_t errors_ = 0;
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
  std::string_view s = Trim(spec);
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
    std::string_view t = Trim(cells[i]);
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
  CsvTable table = ParseCsv(data);
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

  const CsvRecord& tags = table.records[*tag_index];
  const std::vector<std::string>* headers =
      *tag_index > 0 ? &table.records[*tag_index - 1].fields : nullptr;
  std::vector<Column> columns;
  std::vector<std::string> names;  // per cell: hashtag, else header, for CSV errors
  for (size_t i = 0; i < tag_row->columns.size(); ++i) {
    std::string header = headers != nullptr && i < headers->size()
                             ? std::string(Trim((*headers)[i]))
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
    out.warnings.push_back({tags.line, std::string(Trim(tags.fields[i])),
                            "not an HXL hashtag: column " + std::to_string(i + 1) +
                                " is not read"});
  }

  const Plan plan = MakePlan(columns);
  const std::string source_id = SourceIdForFile("hxl", options.file_name);
  if (plan.date.empty()) {
    out.warnings.push_back({tags.line, "#date",
                            "no #date column: the incidents have no date and will not validate"});
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

  RowReader reader(columns, plan, options, hxl_options, source_id, out);
  for (size_t r = *tag_index + 1; r < table.records.size(); ++r) reader.Read(table.records[r]);

  if (!out.rows.empty()) {
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
