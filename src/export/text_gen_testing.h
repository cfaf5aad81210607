// A rapidcheck generator of cell text for the export property tests
// (test-only): src/export/csv_property_test.cc and
// tests/export_roundtrip_property_test.cc.
#ifndef LIFELINE_EXPORT_TEXT_GEN_TESTING_H_
#define LIFELINE_EXPORT_TEXT_GEN_TESTING_H_

#include <rapidcheck.h>

#include <string>
#include <utility>
#include <vector>

namespace lifeline::exports {

// Text built from the pieces that matter to the rule and to CSV (formula
// characters, quotes, digits, separators, line breaks, multi-byte UTF-8) and
// any other ASCII byte but NUL: valid UTF-8 without NUL, as records hold.
inline rc::Gen<std::string> Text() {
  rc::Gen<std::string> piece = rc::gen::oneOf(
      rc::gen::element<std::string>("=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "'", "\"", ",",
                                    ";", " ", "0", "7", ".", "e", "E", "[", "Ստ", "Л"),
      rc::gen::map(rc::gen::inRange(1, 128), [](int c) { return std::string(1, static_cast<char>(c)); }));
  // The first bytes decide the rule: start from one of its edges half the
  // time, so that "'=", "''" or "-1" are not left to chance.
  rc::Gen<std::string> start = rc::gen::element<std::string>(
      "", "", "", "", "", "", "", "", "", "", "", "", "'", "''", "'=", "'-", "'\t", "'\r", "'+",
      "'@", "=", "-", "-1", "-1.5", "+2e-7", "@", "\t", "\r");
  return rc::gen::map(rc::gen::pair(start, rc::gen::container<std::vector<std::string>>(piece)),
                      [](const std::pair<std::string, std::vector<std::string>>& parts) {
                        std::string s = parts.first;
                        for (const std::string& p : parts.second) s += p;
                        return s;
                      });
}

}  // namespace lifeline::exports

#endif  // LIFELINE_EXPORT_TEXT_GEN_TESTING_H_
