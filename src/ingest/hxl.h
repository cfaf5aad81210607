// HXL-tagged CSV (Humanitarian Exchange Language 1.1, hxlstandard.org):
// spreadsheets with a row of hashtags such as #adm1+name or #affected+killed
// between the human header rows and the data.
//
// Hashtag syntax (HXL 1.1 tagging conventions): '#', a letter, then letters,
// digits or '_'; then any number of attributes, each '+' and a token of the
// same form. Hashtags and attributes are case-insensitive (read in lower
// case); whitespace around the hashtag and around each '+' is ignored
// ("#Affected +Killed" == "#affected+killed"); attribute order does not
// matter and repeats collapse.
//
// Finding the hashtag row follows the reference implementation
// (libhxl-python): the first of the first 25 CSV records in which more than
// half of the non-empty cells are hashtag specs. Rows above it are headers;
// the header just above gives column names for messages. A non-empty cell of
// the hashtag row that is not a hashtag (input-fuzzy.csv: "country", "adm1")
// leaves its column untagged: it is ignored, with a warning. Data rows may be
// shorter or longer than the hashtag row; untagged cells are never read.
//
// Mapping to `incident` records (one per data row with any non-empty tagged
// cell; the first tagged column that matches wins, in the order listed):
//   date            #date+occurred, #date+start, #date (other attributes but
//                   not +end/+year), #date+reported, #date+year (as YYYY);
//                   a partial date sets date_precision month/year
//   date_precision  #meta+date_precision: day, week, month or year; with a
//                   partial date it must name the date's own precision
//   location.name   #loc+name, #loc, #adm2+name, #adm2, #adm1+name, #adm1,
//                   #country+name, #country (never +code columns)
//   location.admin1 #adm1+name, #adm1 (not +code); admin2, admin3 likewise
//   location.country #country+code when an ISO alpha-3 code, else the
//                   #country name mapped to alpha-3 (country_codes.h)
//   location.lat/lon #geo+lat, #geo+lon
//   location.geo_precision #meta+geo_precision: 1, 2 or 3
//   event_type      #event+type (not +sub), #crisis+type, #crisis, else
//                   HxlOptions::default_event_type (with a warning)
//   sub_event_type  #event+type+sub (as ACLED's HDX exports tag it)
//   access_constraint #access+code: a whole number 1..9
//   actors          every non-empty #org and #group cell, in column order,
//                   without repeats
//   fatalities      #affected+killed (best), with +min -> low, +max -> high
//   injuries        #affected+injured (not +min/+max)
//   description     #description (first non-empty)
//   note            #meta+source
//   id              "hxl-" + slug(#event+id or #meta+id) when present, else
//                   "hxl-<file slug>-l<line>"
//   sources         [the file's `source` record], emitted first: id
//                   "src-hxl-<file slug>", title "HXL dataset <file name>",
//                   publisher HxlOptions::publisher.
// Values are checked by type, each error naming the line and the hashtag:
// numeric hashtags (those that hxl-default-schema.json declares numbers:
// #population, #affected, #inneed, #targeted, #reached, #indicator+num,
// #output+num, #value) must hold numbers (thousands separators allowed),
// counts mapped into the record non-negative integers, #date a date,
// #geo+lat/#geo+lon coordinates in range.
//
// A row without a date or location still yields its candidate record (the
// schema validator will name what is missing); a warning names the hashtag
// that would supply it.
//
// Lifeline's own HXL export (src/export WriteHxlCsv; a hashtag row with
// #meta+kind) is read by its column table instead (tabular/lifeline_hxl.h,
// which the writer shares), so that export -> import gives back the records
// field for field (src/export/README.md lists the columns):
//   - each row's kind is #meta+kind: incident or movement. The writer fills
//     only the envelope of other kinds, so such a row is an error (import
//     those records from the JSON Lines export); so is an empty kind;
//   - id is #meta+id as written (a valid record id, unique in the file,
//     required); sources #meta+source (ids joined with ';', or a JSON array of
//     ids); case #meta+case (an error when it differs from
//     ImportOptions::case_id, filled from it when empty); supersedes
//     #meta+supersedes; note #meta+note;
//   - one column per field, no fallbacks between columns: location.name is
//     #loc+name only, location.country #country+code as written; every
//     #group+name cell is one actor, in column order, repeats kept; cargo
//     (#item+cargo) a JSON array; direction and outcome checked against
//     docs/records.md;
//   - text cells are taken with their surrounding whitespace (the writer
//     wrote the field as it was); numbers, ids and codes are trimmed;
//   - a non-empty cell in a column of the other kind (#affected+killed in a
//     movement row) is an error; a second column for one field (but
//     #group+name) is an error at the hashtag row; other hashtags are
//     type-checked and not read (with a warning);
//   - a row with an empty #meta+source cites the file's `source` record,
//     which is emitted only when some row cites it.
// What HXL does not carry back: `recorded` and `by` (#meta+recorded and
// #meta+by are not read: Lifeline stamps records when it appends them, and
// an import that carried them would be refused unless --preserve-stamps),
// `confidential` (never exported), every field of kinds other than incident
// and movement, and text that is only whitespace (read as an empty cell).
//
// Pure; thread-safe.
#ifndef LIFELINE_INGEST_HXL_H_
#define LIFELINE_INGEST_HXL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/reader.h"

namespace lifeline::ingest {

struct Hashtag {
  std::string tag;                      // lower case, without '#': "affected"
  std::vector<std::string> attributes;  // lower case, without '+', first-seen order
  bool Has(std::string_view attribute) const;
  std::string ToString() const;  // "#affected+killed"
  friend bool operator==(const Hashtag&, const Hashtag&) = default;
};

// One hashtag spec as it appears in a cell; nullopt when it is not one.
std::optional<Hashtag> ParseHashtag(std::string_view spec);

// True for the hashtags that hxl-default-schema.json (libhxl-python) declares
// numbers: #population, #affected, #inneed, #targeted, #reached,
// #indicator+num, #output+num, #value (any further attributes).
bool IsNumericHashtag(const Hashtag& hashtag);

struct HashtagRow {
  std::vector<std::optional<Hashtag>> columns;  // per cell; nullopt = untagged
  std::vector<size_t> invalid;  // 0-based cells that were non-empty but not hashtags
};

// Applies the hashtag-row rule above to one CSV record.
std::optional<HashtagRow> ParseHashtagRow(const std::vector<std::string>& cells);

struct HxlOptions {
  // The publisher of the file's `source` record. HXL files do not say who
  // published them; when empty the record says "unstated" and a warning asks
  // for it.
  std::string publisher;
  // event_type for rows without #event+type/#crisis. A neutral label rather
  // than one of ACLED's categories, which would claim a classification that
  // the data does not make.
  std::string default_event_type = "Unspecified";
};

ReadResult ReadHxlCsv(std::string_view data, const ImportOptions& options,
                      const HxlOptions& hxl_options = {});

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_HXL_H_
