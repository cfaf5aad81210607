#include "intake/form_layout.h"

#include <algorithm>

#include "base/kinds.h"
#include "intake/xform.h"

namespace lifeline::intake {
namespace {

using record::FieldInfo;
using record::FieldType;

// The evidence fields the server computes from the uploaded file.
constexpr std::string_view kFromUpload[] = {"sha256", "size", "media_type", "file_name"};

bool ComputedFromUpload(std::string_view kind, const FieldInfo& f) {
  return kind == kinds::kEvidence && std::find(std::begin(kFromUpload), std::end(kFromUpload), f.name) != std::end(kFromUpload);
}

// A field a form cannot hold: an object or list checked by code of its
// own, whose members the table does not give, or a value of any type.
// Named so that a field added to a form's kind without a form control
// fails BuildXForm (and its tests) rather than becoming a text box.
Status CheckRepresentable(std::string_view kind, const std::vector<FieldInfo>& fields, const std::string& prefix) {
  for (const FieldInfo& f : fields) {
    const bool opaque = f.type == FieldType::kAny || ((f.type == FieldType::kObject || f.type == FieldType::kArray) && f.fields.empty());
    if (opaque) {
      return InternalError("the " + std::string(kind) + " form cannot hold field " + prefix + f.name +
                           ": give its members in the schema table (ObjectOf/ArrayOf), or leave it out of the form "
                           "(intake/form_layout.cc)");
    }
    LIFELINE_RETURN_IF_ERROR(CheckRepresentable(kind, f.fields, prefix + f.name + "."));
  }
  return Status::Ok();
}

// A claim's value is any JSON value in the schema; its form asks for it as
// text, which TypeClaimValue (instance.h) types by the claimed field.
void AskClaimValueAsText(std::string_view kind, std::vector<FieldInfo>& fields) {
  if (kind != kinds::kClaim) return;
  for (FieldInfo& f : fields) {
    if (f.name != "value") continue;
    f.type = FieldType::kText;
    f.description = "what the party says that field is: a number or true/false when the field is one, else text";
  }
}

}  // namespace

const std::vector<std::string>& FormKinds() {
  static const std::vector<std::string> kFormKinds = {
      std::string(kinds::kMovement), std::string(kinds::kRouteStatus), std::string(kinds::kOutage),
      std::string(kinds::kIncident), std::string(kinds::kStock),       std::string(kinds::kSource),
      std::string(kinds::kEvidence)};
  return kFormKinds;
}

const std::vector<std::string>& FormKindsFor(FormRole role) {
  static const std::vector<std::string> kVerifier = {std::string(kinds::kClaim)};
  static const std::vector<std::string> kMonitor = [] {
    std::vector<std::string> all = FormKinds();
    all.emplace_back(kinds::kClaim);
    return all;
  }();
  return role == FormRole::kVerifier ? kVerifier : kMonitor;
}

std::string FormId(std::string_view kind) { return "lifeline-" + std::string(kind); }

Result<std::string> KindOfForm(std::string_view form_id) {
  const auto& kinds = FormKindsFor(FormRole::kMonitor);
  for (const std::string& kind : kinds) {
    if (FormId(kind) == form_id) return kind;
  }
  std::string ids;
  for (const std::string& kind : kinds) ids += (ids.empty() ? "" : ", ") + FormId(kind);
  return InvalidArgumentError("\"" + std::string(form_id) + "\" is not a Lifeline form (" + ids + ")");
}

Result<FormLayout> LayoutOf(std::string_view kind) {
  const auto& kinds = FormKindsFor(FormRole::kMonitor);
  auto info = record::DescribeKind(kind);
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end() || !info) {
    std::string names;
    for (const std::string& k : kinds) names += (names.empty() ? "" : ", ") + k;
    return InvalidArgumentError("no form for kind \"" + std::string(kind) + "\": the forms are " + names);
  }
  AskClaimValueAsText(kind, info->fields);
  LIFELINE_RETURN_IF_ERROR(CheckRepresentable(kind, info->fields, ""));
  FormLayout layout{std::string(kind), {}};
  layout.fields.push_back({"case", FieldType::kRef, true, {}, "case", "", "the case the record belongs to", {}});
  bool upload = false;
  for (FieldInfo& f : info->fields) {
    if (!ComputedFromUpload(kind, f)) {
      layout.fields.push_back(std::move(f));
    } else if (!upload) {
      upload = true;
      layout.fields.push_back({std::string(kUploadField), FieldType::kText, true, {}, "", "",
                               "the file: a photo, recording or document (its hash, size and type are computed "
                               "when it is received)", {}});
    }
  }
  if (info->factual) {
    layout.fields.push_back({"sources", FieldType::kRefList, true, {}, "source", "",
                             "the sources the record cites (at least one)", {}});
  }
  layout.fields.push_back({"note", FieldType::kText, false, {}, "", "", "what fits no other field", {}});
  return layout;
}

bool IsUpload(const FormLayout& layout, const FieldInfo& f) {
  return layout.kind == kinds::kEvidence && f.name == kUploadField;
}

bool IsSelectMultiple(const FieldInfo& f) { return f.type == FieldType::kEnumList || f.type == FieldType::kRefList; }

bool IsGroup(const FieldInfo& f) {
  return !f.fields.empty() && (f.type == FieldType::kLocation || f.type == FieldType::kObject);
}

bool IsRepeat(const FieldInfo& f) {
  return !f.fields.empty() && (f.type == FieldType::kQuantityList || f.type == FieldType::kArray);
}

}  // namespace lifeline::intake
