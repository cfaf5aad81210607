// The layout of Lifeline's own HXL export: which hashtag holds which record
// field, written by src/export (WriteHxlCsv) and read back by src/ingest
// (ReadHxlCsv, which recognises the layout by its #meta+kind column), so
// that export -> import gives back incidents and movements field for field.
// It lives here, below both, so that the writer and the reader share one
// table and cannot drift apart; src/export/README.md gives the table and the
// reasons for each hashtag (the general HXL reader checks every #date cell
// as a date, so date-times are #meta; it reads each #group cell as one
// actor, so actors get a column each).
//
// Invariants of the table (LifelineHxlLayout):
//   - in the order the writer writes the columns: the envelope's id and kind,
//     date and date_precision, the incident columns, the movement columns,
//     then the rest of the envelope;
//   - every hashtag appears once; `actors` (#group+name) is the one field
//     written as several columns, one per actor, in order;
//   - `field` names a record field, with members of an object joined by '.'
//     (location.admin1, fatalities.best, period.from);
//   - `kinds` is never empty: only incident and movement records have rows
//     of their own; the envelope columns are also written, alone, for
//     records of other kinds, which the reader refuses (their other fields
//     have no column).
//
// Pure; the table is static and immutable; thread-safe.
#ifndef LIFELINE_TABULAR_LIFELINE_HXL_H_
#define LIFELINE_TABULAR_LIFELINE_HXL_H_

#include <span>
#include <string_view>

namespace lifeline::tabular {

// What a column's cells hold; the reader checks each cell as this says.
enum class HxlValue {
  kText,           // the cell as written, surrounding whitespace included
  kId,             // a record id
  kIdList,         // record ids joined with ';', or a JSON array of them
  kKind,           // incident or movement
  kCase,           // a record id that must agree with the import's case
  kDate,           // a date as the record holds it (the reader: ParseLooseDate)
  kDatePrecision,  // day, week, month, year
  kDay,            // a day, YYYY-MM-DD, kept as written (a period's bounds)
  kLat,
  kLon,
  kGeoPrecision,   // 1..3
  kAccess,         // 1..9
  kCount,          // a whole number >= 0
  kActor,          // one element of `actors` per column
  kDirection,      // in, out
  kOutcome,        // completed, stopped, turned_back
  kCargo,          // a JSON array of quantities (canonical JSON text)
  kStamp,          // recorded, by: written, never read (Lifeline stamps records)
};

// The row kinds that fill a column, as bits.
inline constexpr unsigned kHxlIncident = 1, kHxlMovement = 2;
inline constexpr unsigned kHxlEither = kHxlIncident | kHxlMovement;

struct LifelineHxlColumn {
  std::string_view hashtag;  // as the writer writes it: "#adm1+name"
  std::string_view field;    // "location.admin1"; also the column's header
  HxlValue value;
  unsigned kinds;            // kHxlIncident, kHxlMovement or kHxlEither
  // Part of every record (id, kind, sources, case, supersedes, note,
  // recorded, by): written whatever the record's kind.
  bool envelope = false;
};

// Every column of the layout, in the order above.
std::span<const LifelineHxlColumn> LifelineHxlLayout();

}  // namespace lifeline::tabular

#endif  // LIFELINE_TABULAR_LIFELINE_HXL_H_
