// The XML documents of the OpenRosa APIs that `lifeline serve` speaks
// (docs.getodk.org/openrosa-form-list, openrosa-form-submission,
// openrosa-http), written with pugixml, so every value is escaped. Pure
// functions; thread-safe.
#ifndef LIFELINE_SERVER_OPENROSA_XML_H_
#define LIFELINE_SERVER_OPENROSA_XML_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lifeline::server::openrosa {

// One form of the Form List API.
struct FormEntry {
  std::string form_id, name, version;
  std::string md5;           // 32 hex digits of the form's XML ("md5:" is added)
  std::string download_url;  // absolute
};
// <xforms xmlns="http://openrosa.org/xforms/xformsList"> with one <xform>
// (formID, name, version, hash, downloadUrl) per entry, in order.
std::string FormListXml(const std::vector<FormEntry>& forms);

// What an accepted submission became: the record, where it is in the log,
// and its c2sp.org/tlog-proof@v1 receipt.
struct Accepted {
  std::string id;
  uint64_t index = 0;      // the record's entry in the log
  uint64_t tree_size = 0;  // of the checkpoint the receipt leads to
  std::string receipt;
};
// <OpenRosaResponse xmlns="http://openrosa.org/http/response"> with
// <message nature="...">, and for an accepted submission a <record id
// index tree_size> element holding its <receipt>.
std::string ResponseXml(std::string_view nature, std::string_view message, const Accepted* accepted = nullptr);

// The form id of an instance: its root element's `id` attribute. Error
// (InvalidArgument, with the parser's words and offset) when the text is
// not well-formed XML or the root has no id.
Result<std::string> InstanceFormId(std::string_view xml);

}  // namespace lifeline::server::openrosa

#endif  // LIFELINE_SERVER_OPENROSA_XML_H_
