// libFuzzer target: intake::ParseInstance, the reader of the OpenRosa
// instances `lifeline serve` takes from the network (POST /submission).
//
// Invariants: an error has a message; an instance read is of one of the
// forms (its form id is FormId of its record's kind), its record's id is
// "odk-" and the instanceID's UUID in lower case, and it round-trips:
// RecordToInstance writes it back, and ParseInstance reads that into the
// same record, version and attachments.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "intake/instance.h"
#include "intake/xform.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto inst = lifeline::intake::ParseInstance(in);
  if (!inst.ok()) {
    LIFELINE_CHECK(!inst.status().message().empty(), "error without a message");
    return 0;
  }
  const std::string kind = inst->record.at("kind").get<std::string>();
  LIFELINE_CHECK(inst->form_id == lifeline::intake::FormId(kind), "form id and kind differ");
  const std::string id = inst->record.at("id").get<std::string>();
  std::string lower = "odk-" + inst->instance_id.substr(5);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  LIFELINE_CHECK(inst->instance_id.rfind("uuid:", 0) == 0 && id == lower, "id is not odk-<uuid>");
  auto xml = lifeline::intake::RecordToInstance(inst->record, inst->form_version, inst->attachments);
  LIFELINE_CHECK(xml.ok(), "a record read from an instance cannot be written back");
  auto again = lifeline::intake::ParseInstance(*xml);
  LIFELINE_CHECK(again.ok(), "the instance written back does not parse");
  LIFELINE_CHECK(again->record == inst->record, "round trip changed the record");
  LIFELINE_CHECK(again->attachments == inst->attachments, "round trip changed the attachments");
  LIFELINE_CHECK(again->form_version == inst->form_version, "round trip changed the version");
  return 0;
}
