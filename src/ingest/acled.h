// ACLED (Armed Conflict Location & Event Data, acleddata.com) CSV exports ->
// `incident` records.
//
// The header row is required; columns are found by name, in any order;
// columns not listed here are ignored. Required: event_id_cnty, event_date,
// event_type, location, fatalities.
//
//   id              "acled-" + lower-case event_id_cnty (unique in the file)
//   date            event_date: YYYY-MM-DD as in ACLED's exports (also
//                   "15 March 2020" / "15-March-2020" from older exports)
//   date_precision  time_precision 1/2/3 -> day/week/month
//   location        name: location; admin1; admin2; country: ISO alpha-3 from
//                   the numeric `iso` code (ISO 3166-1), else from the
//                   `country` name, else left out with a warning (a name
//                   that contradicts the code is a warning too); lat, lon:
//                   latitude, longitude; geo_precision (1-3)
//   event_type, sub_event_type   as given
//   actors          [actor1, actor2], empty ones left out
//   fatalities      {best: fatalities}
//   description     notes
//   note            source (ACLED's list of the reports behind the event)
//   sources         [the file's source record]
// The file's one `source` record comes first: id "src-acled-<file slug>",
// publisher "ACLED", publisher_type "ngo" (ACLED is an independent non-profit
// organisation, no longer a university project), title "ACLED data export
// <file name>", url https://acleddata.com, language "en".
//
// Pure; thread-safe.
#ifndef LIFELINE_INGEST_ACLED_H_
#define LIFELINE_INGEST_ACLED_H_

#include <string_view>

#include "ingest/reader.h"

namespace lifeline::ingest {

ReadResult ReadAcledCsv(std::string_view data, const ImportOptions& options);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_ACLED_H_
