// The fields of a Lifeline form, in form order: what BuildXForm (xform.h)
// writes and ParseInstance (instance.h) reads, from one place. Internal to
// the intake module.
//
// A layout is the kind's table (record::DescribeKind) with the envelope's
// `case` first and `sources` (factual kinds) and `note` last, without the
// fields xform.h leaves out; an evidence form's sha256, size, media_type and
// file_name give way to the upload field `file`; a claim form's value (any
// JSON value in the schema) is asked as text.
#ifndef LIFELINE_INTAKE_FORM_LAYOUT_H_
#define LIFELINE_INTAKE_FORM_LAYOUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "record/schema.h"

namespace lifeline::intake {

// The upload (binary) field of an evidence form.
inline constexpr std::string_view kUploadField = "file";
// The instance's root element, as ODK names it.
inline constexpr std::string_view kRootElement = "data";

struct FormLayout {
  std::string kind;
  std::vector<record::FieldInfo> fields;
};

// The layout of `kind`'s form; InvalidArgument for a kind that has no form.
Result<FormLayout> LayoutOf(std::string_view kind);

// The kind of form `form_id` ("lifeline-<kind>"), or InvalidArgument naming
// the forms there are.
Result<std::string> KindOfForm(std::string_view form_id);

// True for the top-level field `f` of `layout` that is the file upload.
bool IsUpload(const FormLayout& layout, const record::FieldInfo& f);

// True when the field is one element with space-separated values
// (select_multiple): enum and reference lists.
bool IsSelectMultiple(const record::FieldInfo& f);

// True for a field that is a group (an object of known members) or a repeat
// (a list of such objects).
bool IsGroup(const record::FieldInfo& f);
bool IsRepeat(const record::FieldInfo& f);

}  // namespace lifeline::intake

#endif  // LIFELINE_INTAKE_FORM_LAYOUT_H_
