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
//   location.name   #loc+name, #loc, #adm2+name, #adm2, #adm1+name, #adm1,
//                   #country+name, #country (never +code columns)
//   location.admin1 #adm1+name, #adm1 (not +code); admin2 likewise
//   location.country #country+code when an ISO alpha-3 code, else the
//                   #country name mapped to alpha-3 (country_codes.h)
//   location.lat/lon #geo+lat, #geo+lon
//   event_type      #event+type, #crisis+type, #crisis, else
//                   HxlOptions::default_event_type (with a warning)
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
// that would supply it. Pure; thread-safe.
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
