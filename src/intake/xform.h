// ODK XForms for the kinds a field team records, generated from the record
// schema's tables (record::DescribeKind), so that a form and the validation
// of what it submits cannot drift apart.
//
// A form is an XForm 1.0 document with ODK's extensions (the ODK XForms
// specification, getodk.github.io/xforms-spec): h:html with h:head (title,
// model: the primary instance <data id="lifeline-<kind>" version="...">,
// one bind per field) and h:body (one control per field: input, select1,
// select, upload; a group for an object field, a repeat for a list of
// objects). Namespaces: XForms (default), h (XHTML), ev, xsd, jr
// (JavaRosa), odk and orx (OpenRosa). meta/instanceID is preloaded with a
// fresh UUID (jr:preload="uid").
//
// What is mirrored from record::Validate (docs/intake.md lists it): required
// fields (required="true()", or a condition inside an optional group);
// types (string, int, decimal, date, dateTime, binary); enums as select1
// and enum lists as select, their values from the tables, a vocabulary's
// with the case's own terms; references (case, route, via, sources) as
// choices from FormChoices; non-negative counts and numbers and ranges
// (constraint); URL and SHA-256 patterns; date order (until >= from, to >=
// from, confirmed_until >= from, period.to >= period.from); a location's
// lat and lon ranges, given together, its country's form; route_status's
// restricted (required when status is restricted, not relevant when open);
// movement's direction "both" only with a period, and via of two routes or
// more. Each constraint's jr:constraintMsg says what Validate would say.
// Checked only at submission: that references resolve within the case,
// the plausible dates of the case, an incident's casualties adding up to
// its fatalities, the characters a field may hold.
//
// The claim form (a verifier's: a party's position on another record):
// about is typed in (a record id, with the id pattern as its constraint;
// that it names a record of the log is checked at submission), stance and
// party, text; field and value say which field of that record the claim is
// about and what the party says it is. value (any JSON value in the
// schema) is a text input: ParseInstance reads it as text, and
// TypeClaimValue (instance.h) gives it the claimed field's type where that
// is a number or true/false. Its constraint asks for field, as Validate.
//
// Left out of every form (no field team fills them): kind and id (from the
// form id and the instanceID), supersedes (corrections), confidential,
// recorded and by (set by Lifeline). An evidence form replaces sha256,
// size, media_type and file_name with an upload field `file`: the server
// computes them from the attachment.
//
// Thread safety: BuildXForm and FormKinds are pure; ReadFormChoices reads the
// store it is given (store::LogStore is not thread-safe).
#ifndef LIFELINE_INTAKE_XFORM_H_
#define LIFELINE_INTAKE_XFORM_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "record/schema.h"
#include "store/store.h"

namespace lifeline::intake {

// movement, route_status, outage, incident, stock, source, evidence: in this
// order. The kinds a field team records (a monitor's forms, without claim).
const std::vector<std::string>& FormKinds();

// Who fills a form, as the API's roles submit (docs/api.md, "Roles"): a
// verifier submits only claims; a monitor (and an admin) every kind.
enum class FormRole { kVerifier, kMonitor };

// The kinds whose forms `role` may submit, in the order a form list gives
// them: a verifier's is claim alone; a monitor's is FormKinds() then claim.
// Every kind with a form is in FormKindsFor(FormRole::kMonitor).
const std::vector<std::string>& FormKindsFor(FormRole role);
// "lifeline-" + kind.
std::string FormId(std::string_view kind);

// What the store offers as choices.
struct FormChoices {
  std::vector<std::pair<std::string, std::string>> cases, sources, routes;  // id, label
  record::CaseVocabulary vocabulary;  // the case's additions, if one case
};

// Reads cases, sources and routes through store::LogStore (visibility as the
// caller allows: the server passes only what the token may see): the current
// records (corrections applied, retractions out) of `case_id`, or of every
// case when it is empty; the vocabulary of `case_id`'s case record. NotFound
// when `case_id` is given and no case record has that id. Not const: a
// LogStore query is not (store.h ForEachRecord).
Result<FormChoices> ReadFormChoices(store::LogStore& store, std::string_view case_id);

struct XForm {
  std::string form_id, version, xml;  // xml: the complete XForm document
};

// The form of `kind` (one of FormKindsFor(FormRole::kMonitor);
// InvalidArgument otherwise) with `choices`. Its version is "<schema
// version>-<first 10 hex digits of the SHA-256 of the form with an empty
// version>", so it changes whenever the form's text does. With exactly one case in `choices`, the form's case
// field defaults to it.
Result<XForm> BuildXForm(std::string_view kind, const FormChoices& choices);

}  // namespace lifeline::intake

#endif  // LIFELINE_INTAKE_XFORM_H_
