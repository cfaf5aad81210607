// A movement record's figures, read from its JSON body: the one kind a large
// case has millions of, so LoadDataset (and the report, for the sources of
// the movements that got through) reads it without building a JSON DOM.
//
// Two readers give the same MovementFields:
// - MovementFromJson() reads a parsed body (any movement, errors included);
// - ParseMovementFast() reads the text in one SAX pass, and only accepts a
//   plain, well-formed movement none of whose dates lies outside its case's
//   plausible dates. For anything else it returns nullopt and the caller
//   takes the DOM path, so errors, left-out records and odd bodies are
//   decided in one place only. Its events come from its own scanner of the
//   JSON the log stores (canonical, few escapes); a body outside that subset
//   is read by nlohmann's SAX parser instead (ParseMovementSax), so the two
//   agree on every body.
//
// Thread safety: pure functions; may run on several threads at once.
#ifndef LIFELINE_ANALYSIS_MOVEMENT_PARSE_H_
#define LIFELINE_ANALYSIS_MOVEMENT_PARSE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/dataset.h"
#include "base/status.h"

namespace lifeline::analysis {

// A cargo line converted to its canonical unit (record::LookupUnit).
struct CargoLine {
  std::string commodity;
  double quantity = 0;
  std::string_view unit;  // canonical; points into the unit table (static)
  friend bool operator==(const CargoLine&, const CargoLine&) = default;
};

// What Dataset needs of one movement record (AddMovementFields).
struct MovementFields {
  std::string id, route, op, reported_by;
  int32_t day = kNoDay;
  int32_t period_from = kNoDay, period_to = kNoDay;
  Direction direction = Direction::kIn;
  Outcome outcome = Outcome::kCompleted;  // the class of its outcome term
  std::string outcome_term;  // the term when not its class's name (departed, a case's own); else ""
  Qualifier qualifier = Qualifier::kAsStated;
  int64_t vehicles = 0, persons = 0, patients = 0;
  uint8_t given = 0;  // MeasureBits of the figures the record gives
  std::vector<CargoLine> cargo;
  // The strings of its `sources` array, in order: only when asked for
  // (ParseMovementFast's with_sources; MovementFromJson leaves it empty).
  std::vector<std::string> sources;
  friend bool operator==(const MovementFields&, const MovementFields&) = default;
};

// The movement `r` (a parsed body), its outcome counted by its class among
// the core's and `classes` (the case's own terms, Dataset::outcome_classes);
// InvalidArgument naming the field when a date is missing or malformed, a
// cargo line has an unknown unit or no quantity, or the outcome has no
// class.
Result<MovementFields> MovementFromJson(const nlohmann::json& r, const record::OutcomeClasses& classes = {});

// The movement whose canonical JSON is `body`, judged against the plausible
// dates of the case record `profile` (null when none) at the day the
// record was recorded. nullopt: not a plain movement, a field of an
// unexpected type, an error, an outcome outside the core (a case's own term
// is classed on the DOM path), or a date outside the window (see above).
std::optional<MovementFields> ParseMovementFast(std::string_view body, const nlohmann::json& profile,
                                                bool with_sources = false);

// What ParseMovementFast gives, read by nlohmann's SAX parser alone; the
// fast reader's own scanner hands it every body outside the JSON subset it
// reads. For tests: the scanner must agree with it on every body.
std::optional<MovementFields> ParseMovementSax(std::string_view body, const nlohmann::json& profile,
                                               bool with_sources = false);

// Appends `m` to `ds` (a movement row, its source and its cargo lines).
// Defined in dataset.cc.
void AddMovementFields(Dataset& ds, const MovementFields& m);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_MOVEMENT_PARSE_H_
