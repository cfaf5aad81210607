// OpenRosa instances (what ODK Collect, KoBoCollect and Enketo submit for a
// Lifeline form, intake/xform.h) read back into records, and records written
// as instances.
//
// The conventions (docs/intake.md, "Instances"):
// - The root is <data id="lifeline-<kind>" version="...">; `kind` is taken
//   from the form id.
// - Its children are named exactly as the record's fields, in any order. An
//   object field is a group element with its members as children; a list of
//   objects is a repeat (the element repeated, one per object); a list of
//   terms or references (`sources`, enum lists) is one element with
//   space-separated values (select_multiple); a list of free text (e.g.
//   `actors`) is one element with one entry per line.
// - An empty element (or one of white space only) means the field is
//   absent; a group or repeat left empty is absent too.
// - <meta><instanceID>uuid:...</instanceID></meta> is required (other
//   OpenRosa meta elements, e.g. instanceName or deprecatedID, are allowed
//   and ignored). The record's `id` is "odk-" followed by the UUID in lower
//   case, so a resend of one instance is the same record.
// - An evidence form's file is an upload (binary) element <file> whose text
//   is the attachment's file name: it goes to Instance::attachments, not to
//   the record.
// Element names are compared without their namespace prefix (orx:meta is
// meta). Nothing here checks the record against the schema beyond the
// types: the caller validates it (record::Validate) as any other record.
//
// Untrusted input: pugixml parses without recursion and expands no entity
// of a DOCTYPE; the reader descends only as deep as the form's groups (an
// element that is no field is refused where it stands). The caller bounds
// the size (the server's request limit).
//
// Thread safety: pure functions of their arguments, except
// TypeClaimValueFromLog, which reads the store it is given.
#ifndef LIFELINE_INTAKE_INSTANCE_H_
#define LIFELINE_INTAKE_INSTANCE_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace lifeline::intake {

struct Instance {
  std::string form_id, form_version, instance_id;  // instance_id as sent ("uuid:...")
  nlohmann::json record;  // kind, id and the fields; no `by`/`recorded`
  // Record field path -> attachment file name (an evidence form's `file`); the
  // server stores the bytes in the evidence store and sets sha256/size/media_type.
  std::map<std::string, std::string> attachments;
};

// Parses an OpenRosa instance. Errors (Status) name the element path and what is wrong:
// malformed XML (InvalidArgument with the byte offset), a form id that is not
// a Lifeline form's, an element that is no field of the form, a value that
// is not of its field's type, a missing or malformed instanceID.
Result<Instance> ParseInstance(std::string_view xml);

// Gives a claim's value, which its form asks for as text (xform.h), the type
// of the field it is about: `record`'s field in a record of kind
// `about_kind` (the kind of the record `about` names; the caller looks it
// up in the log). For a whole-number field (count, range) the text must be
// a whole number, for a number field a number, for a boolean true, false, 1
// or 0; it becomes that JSON value. Text that is not one is
// InvalidArgument naming value and the claimed field ("12a" never becomes
// 12). Every other field's value stays text. Nothing changes for a record
// that is no claim, has no text value, or names a kind or field that does
// not exist (Validate reports those). docs/intake.md, "The claim form".
Status TypeClaimValue(std::string_view about_kind, nlohmann::json& record);

// TypeClaimValue with the kind of the record `about` names, looked up in
// `store` (not thread-safe, as store::LogStore). An `about` that is not in
// the log leaves the value as text: validation refuses the claim and says
// why. Errors of the store are returned.
Status TypeClaimValueFromLog(store::LogStore& store, nlohmann::json& record);

// Writes `record` (of one of FormKindsFor(FormRole::kMonitor), with an id "odk-<uuid>") as the
// instance of its form that ParseInstance reads back into it:
// ParseInstance(RecordToInstance(r, v, a)) gives r, version v and
// attachments a. `attachments` names an evidence record's file (key "file").
// Fields the forms leave out (intake/xform.h) are InvalidArgument, as are
// values of the wrong type.
Result<std::string> RecordToInstance(const nlohmann::json& record, std::string_view form_version,
                                     const std::map<std::string, std::string>& attachments = {});

}  // namespace lifeline::intake

#endif  // LIFELINE_INTAKE_INSTANCE_H_
