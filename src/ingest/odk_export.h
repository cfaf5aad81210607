// JSON exports of ODK servers read through a CSV mapping (mapping.h).
//
// KoBoToolbox and ODK Central export a form's submissions as CSV and as JSON.
// This reader flattens the JSON into the rows and column names that the same
// server's CSV export has, so that one mapping per form reads both:
//
//   KoBoToolbox, API v2 `/api/v2/assets/<uid>/data.json`:
//     {"count": N, "next": url|null, "previous": url|null, "results": [ {...} ]}
//     Each result is already flat: keys are XML paths joined with '/'
//     ("location/lat", "meta/instanceID"), as in the CSV export with "XML
//     values and headers" and group separator '/'. Metadata keys start with
//     '_' (`_id`, `_uuid`, `_submission_time`, `_validation_status`, ...).
//
//   ODK Central, OData `.../forms/<id>.svc/Submissions`:
//     {"@odata.context": url, "value": [ {"__id": "uuid:...", "__system":
//     {...}, "group": {"field": ...}, "meta": {"instanceID": "uuid:..."}} ]}
//     Groups are nested objects: their paths are joined with '-' as in
//     Central's CSV ("location-lat", "meta-instanceID"); `__id` is the CSV's
//     `KEY`; `__system`'s members are the CSV's trailing columns
//     (submissionDate -> SubmissionDate, submitterId -> SubmitterID,
//     submitterName -> SubmitterName, attachmentsPresent ->
//     AttachmentsPresent, attachmentsExpected -> AttachmentsExpected, status
//     -> Status, reviewState -> ReviewState, deviceId -> DeviceID, edits ->
//     Edits, formVersion -> FormVersion); a geopoint (GeoJSON Point) is the
//     CSV's four columns `<name>-Latitude`, `-Longitude`, `-Altitude`,
//     `-Accuracy`.
//
// Values become cells as the CSV has them: strings as they are, numbers in
// JSON's decimal form, true/false, null as an empty cell, an array of scalars
// joined by spaces. Repeat groups are not main-table columns (both servers
// export each repeat as its own table): a KoBo array of objects or a Central
// `<repeat>@odata.navigationLink` is left out with one warning per name.
// Other structured metadata (KoBo's `_attachments`, `_validation_status`) is
// left out silently; no mapping reads it.
//
// Errors name the file's line: an export that is not one ("(file)"), a row
// that is not an object ("(row)", at the line where the element starts), a
// form value that is an object where KoBo has none or a column name that two
// keys flatten to (the column). Pure; no state; thread-compatible.
#ifndef LIFELINE_INGEST_ODK_EXPORT_H_
#define LIFELINE_INGEST_ODK_EXPORT_H_

#include <optional>
#include <string_view>

#include "ingest/mapping.h"
#include "ingest/reader.h"

namespace lifeline::ingest {

enum class OdkServer { kKobo, kCentral };

// "kobo-json" / "central-json": the `lifeline import --format` names.
std::string_view OdkJsonFormatName(OdkServer server);

// Which server's JSON export `data` is: an object with a "results" array
// (KoBoToolbox) or a "value" array (ODK Central); nullopt for anything else.
std::optional<OdkServer> DetectOdkJson(std::string_view data);

// Flattens the export (as above) and applies `mapping` to its rows. A column
// the mapping reads that no submission has is an empty cell (both servers
// leave unanswered questions out of JSON). Rows' `line` is the line where
// the submission's object starts in the file.
ReadResult ReadOdkJsonWithMapping(std::string_view data, OdkServer server, const Mapping& mapping,
                                  const ImportOptions& options);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_ODK_EXPORT_H_
