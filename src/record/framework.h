// Analysis frameworks that `tag` records name (docs/records.md, "tag"): a
// framework is data, not code. Each is a JSON file in data/frameworks/
// (id, title, url, factors [{id, name, group, indicators [{id, label}]}]),
// compiled into the binary at build time (framework_data.cc.in), so that
// validation, the CLI and the server read the same list without a path at
// run time. A tag naming a framework, factor or indicator not in its file is
// refused, with the list and the file named.
//
// Thread safety: Frameworks() is built once (a function-local static) and
// read-only afterwards.
#ifndef LIFELINE_RECORD_FRAMEWORK_H_
#define LIFELINE_RECORD_FRAMEWORK_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lifeline::record {

struct FrameworkIndicator {
  std::string id;     // "7.10"
  std::string label;  // a short paraphrase
};

struct FrameworkFactor {
  std::string id;     // "RF7"
  std::string name;
  std::string group;  // e.g. common, genocide, crimes_against_humanity, war_crimes
  std::vector<FrameworkIndicator> indicators;
  const FrameworkIndicator* Indicator(std::string_view id) const;
};

struct Framework {
  std::string id;  // "un-foa-2014": the file's name without .json
  std::string title, publisher, published, url, note;
  std::string file;  // where it came from, e.g. "data/frameworks/un-foa-2014.json"
  std::vector<FrameworkFactor> factors;  // in the file's order
  const FrameworkFactor* Factor(std::string_view id) const;
};

// Parses a framework file. InvalidArgument naming `file` and the member that
// is wrong (missing id, duplicate factor or indicator, an indicator whose
// number does not start with its factor's).
Result<Framework> ParseFramework(std::string_view text, const std::string& file);

// The frameworks compiled in, sorted by id. A file that does not parse
// aborts at first use (the build's tests parse every one).
const std::vector<Framework>& Frameworks();

// The compiled-in framework `id`, or null.
const Framework* FindFramework(std::string_view id);

// "un-foa-2014" or "a, b": the ids of the compiled-in frameworks.
std::string FrameworkIds();

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_FRAMEWORK_H_
