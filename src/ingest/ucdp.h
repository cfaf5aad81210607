// UCDP Georeferenced Event Dataset (GED, ucdp.uu.se) CSV -> `incident`
// records.
//
// The header row is required; columns are found by name, in any order.
// Required: id, date_start, type_of_violence, where_coordinates, best. An HXL
// hashtag row right below the header (as in HDX's UCDP files) is recognised
// and skipped with a warning.
//
//   id              "ucdp-" + id (unique in the file)
//   date            date_start (YYYY-MM-DD)
//   date_precision  date_prec 1..5 -> day, day (a 2-6 day range), week,
//                   month, year (docs/records.md)
//   location        name: where_coordinates; admin1: adm_1; admin2: adm_2;
//                   country: iso3 when the file has it, else the `country`
//                   name mapped to ISO alpha-3 ("Myanmar (Burma)" -> MMR);
//                   lat, lon: latitude, longitude; geo_precision: where_prec
//                   1 -> 1, 2 -> 2, 3..7 -> 3
//   event_type      type_of_violence 1 (state-based) and 2 (non-state) ->
//                   "Battles", 3 (one-sided) -> "Violence against civilians"
//   actors          [side_a, side_b]
//   fatalities      {low, best, high}, all three kept as UCDP gives them (a
//                   warning when low <= best <= high does not hold: a handful
//                   of GED rows have that)
//   description     source_headline, when given
//   note            "UCDP: <kind of violence> (type_of_violence N)", the date
//                   range when date_end differs from date_start, then
//                   source_article on a new line
//   sources         [the file's source record]
// The file's one `source` record comes first: id "src-ucdp-<file slug>",
// publisher "Uppsala Conflict Data Program", publisher_type "academic",
// title "UCDP Georeferenced Event Dataset: <file name>", url
// https://ucdp.uu.se, language "en".
//
// Pure; thread-safe.
#ifndef LIFELINE_INGEST_UCDP_H_
#define LIFELINE_INGEST_UCDP_H_

#include <string_view>

#include "ingest/reader.h"

namespace lifeline::ingest {

ReadResult ReadUcdpCsv(std::string_view data, const ImportOptions& options);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_UCDP_H_
