// libFuzzer target: the analyses' movement reader (src/analysis/movement_parse.h),
// whose own scanner reads the JSON bodies the log stores.
//
// Invariants checked for every input, as movement_parse.h promises them:
//   - ParseMovementFast (the scanner, falling back to nlohmann's SAX parser
//     outside its subset) gives exactly what ParseMovementSax gives, with and
//     without the sources, with no case record and with one;
//   - whatever it accepts is a JSON object whose dates lie in the window of
//     the day it was recorded (the DOM path would not leave it out).
// (That the DOM reader, MovementFromJson, reads what it accepts into the same
// fields is movement_parse_test's: it lives in dataset.cc with the other
// kinds' readers, which this target does not build.)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "analysis/movement_parse.h"
#include "base/check.h"
#include "record/schema.h"

namespace {

using lifeline::analysis::MovementFields;
using nlohmann::json;
namespace record = lifeline::record;

// A case record with plausible dates of its own (the seeds' dates are in it).
const json& CaseProfile() {
  static const json profile = json::parse(
      R"({"kind":"case","id":"c","title":"t","date_window":{"from":"2022-12-01","until":"2024-12-31"},"sources":["s"]})");
  return profile;
}

// Whether the DOM path leaves `body` out for a date outside the default
// window at the day it was recorded (as dataset.cc does with no case record).
bool FarDated(const json& body) {
  return !record::DatesOutside(body, record::PlausibleDates(nullptr, record::ReferenceDay(body))).empty();
}

// The invariants above, for one body.
void CheckBody(std::string_view body) {
  const json none;
  for (const json* profile : {&none, &CaseProfile()}) {
    for (bool with_sources : {false, true}) {
      const std::optional<MovementFields> fast = lifeline::analysis::ParseMovementFast(body, *profile, with_sources);
      const std::optional<MovementFields> sax = lifeline::analysis::ParseMovementSax(body, *profile, with_sources);
      LIFELINE_CHECK(fast == sax, "the scanner and nlohmann's SAX parser read a body differently");
      if (!with_sources && fast) LIFELINE_CHECK(fast->sources.empty(), "sources kept when not asked for");
    }
  }
  if (!lifeline::analysis::ParseMovementFast(body, none)) return;
  const json dom = json::parse(body, nullptr, false);
  LIFELINE_CHECK(dom.is_object(), "the fast reader accepted a body that is not a JSON object");
  LIFELINE_CHECK(!FarDated(dom), "the fast reader accepted a body the DOM path leaves out as far-dated");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  // The input as a whole body, and inside a movement the reader accepts: as
  // the text of a string it reads and as the number of a figure it counts,
  // so that every input reaches the scanner's strings and numbers there.
  CheckBody(in);
  CheckBody(R"({"date":"2023-01-02","id":"a","kind":"movement","operator":")" + in + R"(","vehicles":3})");
  CheckBody(R"({"date":"2023-01-02","id":"a","kind":"movement","vehicles":)" + in + "}");
  return 0;
}
