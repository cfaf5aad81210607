// Export writers: records as stored in the log -> the text of a file in a
// format other tools read (JSON Lines, flat CSV, HXL-tagged CSV, ACLED CSV,
// GeoJSON). src/export/README.md gives every column and hashtag.
//
// Input: records as the log holds them, JSON objects following
// docs/records.md (schema v2) plus the server fields `recorded` and `by`, in
// the order they are to appear. Output: the whole file as one string, or an
// error naming the record (by id, else by its 0-based index) and the field.
//
// Contracts shared by every writer:
//   - A record's `confidential` object, and anything inside it, MUST NOT
//     appear in any output.
//   - Output is deterministic: the same records give the same bytes (column
//     sets depend only on the records given, never on a clock or locale).
//   - Records are written in input order; none is reordered or merged.
//   - Numbers keep full precision: they are written as RFC 8785 (JCS)
//     writes them (shortest text that reads back as the same double).
//   - CSV output follows RFC 4180: CRLF line ends, a field is quoted when it
//     holds a comma, a double quote, CR or LF, and quotes inside are doubled.
//     No byte-order mark.
//   - CSV output is spreadsheet-safe unless CsvExportOptions::raw: a cell
//     whose first character is '=', '+', '-', '@', TAB or CR (and is not
//     wholly a number such as -45.2), or that starts "'" and then one of
//     those or "'", is written with a "'" in front (tabular::NeutraliseCsvCell,
//     in tabular/csv.h, gives the rule), so that a spreadsheet shows it as
//     text instead of running it as a formula. Every reader in src/ingest
//     removes that "'" again (tabular::RestoreCsvCell, which ParseCsv
//     applies), so the round trips below hold.
//
// Round trips through the import readers (src/ingest) are part of the
// contract and tested: ReadJsonLines(WriteJsonLines(r)) gives back the log's
// entries byte for byte (minus `confidential`); ReadLifelineCsv
// (ingest/lifeline_csv.h) gives back every kind's CSV field for field (minus
// `recorded` and `by` unless asked to keep them); ReadHxlCsv gives back
// incidents and movements field for field (minus `recorded` and `by`);
// ReadAcledCsv gives back the fields its mapping carries (see README.md).
//
// Pure: no I/O, no clock, no shared state; thread-safe.
#ifndef LIFELINE_EXPORT_EXPORT_H_
#define LIFELINE_EXPORT_EXPORT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace lifeline::exports {

// How the CSV-shaped writers (WriteCsv, WriteHxlCsv, WriteAcledCsv) write
// their cells.
struct CsvExportOptions {
  // false (the default): every cell is spreadsheet-safe
  // (tabular::NeutraliseCsvCell). true: every cell is the value verbatim, as
  // `lifeline export --raw` and the API's `raw=1` ask; opening such a file in
  // a spreadsheet may run its cells as formulas.
  bool raw = false;
};

// One record per line (LF), each in RFC 8785 canonical form without its
// `confidential` member: exactly the log's entry bytes otherwise. Every kind
// is written. InvalidArgument for a record that is not an object with a
// string `kind`, or that holds a number JCS cannot write.
Result<std::string> WriteJsonLines(std::span<const nlohmann::json> records);

// One line of WriteJsonLines: `record` as written there, with its LF,
// appended to `*out`. `position` (0-based, in the export) names the record in
// errors when it has no id. For exports written record by record in bounded
// memory (`lifeline export --format jsonl`); WriteJsonLines is this applied
// to each record in turn.
[[nodiscard]] Status AppendJsonLine(const nlohmann::json& record, size_t position, std::string* out);

// A flat CSV of the records of one `kind` (records of other kinds are left
// out), in the layout of tabular/lifeline_csv.h, which ReadLifelineCsv
// (ingest/lifeline_csv.h) reads back. Header row first; columns: id, case,
// sources, supersedes, note, recorded, by, then the kind's fields in schema
// order (CsvColumns). Nested objects are
// flattened with dots (location.lat, fatalities.best, period.from,
// rule.for); arrays of strings are joined with ';' (but written as a JSON
// array when empty, when an element is empty or holds a ';', or when the
// first starts with '[', so that the join is never ambiguous); arrays of
// objects or of arrays (cargo, population, custody, path) are written as
// canonical JSON text in one cell.
// InvalidArgument for an unknown kind, and for a record holding a field that
// the schema does not define (the CSV would silently lose it).
Result<std::string> WriteCsv(std::span<const nlohmann::json> records, std::string_view kind,
                             const CsvExportOptions& options = {});

// The column names of WriteCsv for `kind`, in order; empty for an unknown
// kind.
std::vector<std::string> CsvColumns(std::string_view kind);

// HXL 1.1 tagged CSV: a header row (Lifeline field names), the hashtag row,
// then one row per record. The envelope columns (#meta+id, #meta+kind, ...)
// are always present; the incident columns when any incident is given, the
// movement columns when any movement is given; other kinds fill only the
// envelope columns. Actors get one #group+name column each (as many as the
// longest actors list), so that each cell names one actor. ReadHxlCsv reads
// incidents and movements back field for field (all but `recorded` and
// `by`) and refuses rows of other kinds, whose fields HXL does not carry.
Result<std::string> WriteHxlCsv(std::span<const nlohmann::json> records,
                                const CsvExportOptions& options = {});

// The incidents among `records` (other kinds are left out) in the columns of
// ACLED's codebook, in its order: event_id_cnty, event_date, year,
// time_precision, disorder_type, event_type, sub_event_type, actor1,
// assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
// civilian_targeting, iso, region, country, admin1, admin2, admin3, location,
// latitude, longitude, geo_precision, source, source_scale, notes,
// fatalities, tags, timestamp. Columns whose content ACLED derives from its
// own coding (disorder_type, inter*, interaction, civilian_targeting, region,
// source_scale, assoc_actor_*) are left empty. README.md gives each column.
Result<std::string> WriteAcledCsv(std::span<const nlohmann::json> records,
                                  const CsvExportOptions& options = {});

struct GeoJsonExport {
  std::string text;  // an RFC 7946 FeatureCollection, one feature per line
  uint64_t features = 0;
  // Incidents and routes that could not be placed: no location.lat/lon, no
  // path, or a one-point path on a route that is not a checkpoint, crossing
  // or bridge.
  uint64_t skipped_without_coordinates = 0;
  // Records of kinds that are not geographic (everything but incident and
  // route): left out, not an omission.
  uint64_t not_geographic = 0;
};

// Incidents with location.lat/lon -> Point features; routes with a path of
// two or more points -> LineString; checkpoints, crossings and bridges with
// a one-point path -> Point. Positions are [lon, lat] as RFC 7946 requires
// (the records' paths are [lat, lon]). Each feature's "id" is the record id.
// InvalidArgument when a coordinate is present but not a number in range.
Result<GeoJsonExport> WriteGeoJson(std::span<const nlohmann::json> records);

}  // namespace lifeline::exports

#endif  // LIFELINE_EXPORT_EXPORT_H_
