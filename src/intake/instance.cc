#include "intake/instance.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <pugixml.hpp>
#include <sstream>

#include "base/kinds.h"
#include "intake/form_layout.h"
#include "intake/xform.h"

namespace lifeline::intake {
namespace {

using nlohmann::json;
using record::FieldInfo;
using record::FieldType;

// The OpenRosa meta elements besides instanceID that a client may send
// (the ODK XForms specification, "Metadata"); read and ignored.
constexpr std::string_view kOtherMeta[] = {"deprecatedID", "instanceName", "timeStart", "timeEnd", "userID",
                                           "deviceID",     "phoneNumber",  "email",     "audit",   "simSerial",
                                           "subscriberID"};

// An element's name without its namespace prefix (orx:meta is meta).
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool Blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::vector<std::string> Split(std::string_view s, std::string_view separators) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < s.size()) {
    size_t end = s.find_first_of(separators, i);
    if (end == std::string_view::npos) end = s.size();
    if (end > i) parts.emplace_back(s.substr(i, end - i));
    i = end + 1;
  }
  return parts;
}

Result<json> IntegerValue(std::string_view text, const std::string& path) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return InvalidArgumentError(path + ": \"" + std::string(text) + "\" is not a whole number");
  }
  return json(n);
}

Result<json> DecimalValue(std::string_view text, const std::string& path) {
  json v = json::parse(text, nullptr, false);
  // A number too large for a double parses as infinity, which JSON cannot hold.
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    return InvalidArgumentError(path + ": \"" + std::string(text) + "\" is not a number");
  }
  return v;
}

// The value of a leaf field from its element's text (not blank).
Result<json> LeafValue(const FieldInfo& f, std::string_view text, const std::string& path) {
  switch (f.type) {
    case FieldType::kCount:
    case FieldType::kIntRange: return IntegerValue(text, path);
    case FieldType::kNumber:
    case FieldType::kNonNegNumber:
    case FieldType::kFraction:
    case FieldType::kHours: return DecimalValue(text, path);
    case FieldType::kEnumList:
    case FieldType::kRefList: return json(Split(text, " \t\r\n"));
    case FieldType::kTextList: {
      json list = json::array();
      for (const std::string& line : Split(text, "\r\n")) {
        if (!Blank(line)) list.push_back(line);
      }
      return list;
    }
    case FieldType::kBool:
      if (text == "true" || text == "1") return json(true);
      if (text == "false" || text == "0") return json(false);
      return InvalidArgumentError(path + ": \"" + std::string(text) + "\" is not true or false");
    default: return json(std::string(text));
  }
}

class Reader {
 public:
  Reader(const FormLayout& layout, Instance* out) : layout_(layout), out_(out) {}

  // Reads the children of `parent` (at `path`) as `fields` into `*obj`.
  Status ReadFields(const pugi::xml_node& parent, const std::vector<FieldInfo>& fields, const std::string& path,
                    bool top, json* obj);

 private:
  Status ReadMeta(const pugi::xml_node& meta, const std::string& path);
  Status ReadField(const pugi::xml_node& child, const FieldInfo& f, const std::string& path, bool top, json* obj);

  const FormLayout& layout_;
  Instance* out_;
};

Status Reader::ReadFields(const pugi::xml_node& parent, const std::vector<FieldInfo>& fields, const std::string& path,
                          bool top, json* obj) {
  *obj = json::object();
  std::map<std::string, int, std::less<>> seen;
  for (pugi::xml_node child : parent.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      if (!Blank(child.value())) return InvalidArgumentError(path + ": holds text outside its fields' elements");
      continue;
    }
    if (child.type() != pugi::node_element) continue;
    const std::string name(LocalName(child));
    const int n = ++seen[name];
    const std::string child_path = path + "/" + name;
    if (top && name == "meta") {
      if (n > 1) return InvalidArgumentError(child_path + ": appears twice");
      LIFELINE_RETURN_IF_ERROR(ReadMeta(child, child_path));
      continue;
    }
    auto f = std::find_if(fields.begin(), fields.end(), [&name](const FieldInfo& f) { return f.name == name; });
    if (f == fields.end()) {
      return InvalidArgumentError(child_path + ": is not a field of the " + FormId(layout_.kind) + " form");
    }
    if (n > 1 && !IsRepeat(*f)) return InvalidArgumentError(child_path + ": appears twice (it is not a repeat)");
    LIFELINE_RETURN_IF_ERROR(ReadField(child, *f, IsRepeat(*f) ? child_path + "[" + std::to_string(n) + "]" : child_path,
                                       top, obj));
  }
  return Status::Ok();
}

Status Reader::ReadField(const pugi::xml_node& child, const FieldInfo& f, const std::string& path, bool top,
                         json* obj) {
  if (IsGroup(f) || IsRepeat(f)) {
    json members;
    LIFELINE_RETURN_IF_ERROR(ReadFields(child, f.fields, path, false, &members));
    if (members.empty()) return Status::Ok();
    if (IsGroup(f)) {
      (*obj)[f.name] = std::move(members);
    } else {
      (*obj)[f.name].push_back(std::move(members));
    }
    return Status::Ok();
  }
  if (child.find_child([](const pugi::xml_node& n) { return n.type() == pugi::node_element; })) {
    return InvalidArgumentError(path + ": holds elements, but the field is a single value");
  }
  const std::string_view text = child.text().get();
  if (Blank(text)) return Status::Ok();
  if (top && IsUpload(layout_, f)) {
    out_->attachments[f.name] = std::string(text);
    return Status::Ok();
  }
  LIFELINE_ASSIGN_OR_RETURN(json value, LeafValue(f, text, path));
  if (!value.is_array() || !value.empty()) (*obj)[f.name] = std::move(value);
  return Status::Ok();
}

// "odk-" and the UUID of "uuid:<UUID>", in lower case.
Result<std::string> RecordId(std::string_view instance_id, const std::string& path) {
  constexpr std::string_view kPrefix = "uuid:";
  std::string_view uuid = instance_id.substr(std::min(instance_id.size(), kPrefix.size()));
  const bool hex = std::all_of(uuid.begin(), uuid.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '-'; });
  if (instance_id.substr(0, kPrefix.size()) != kPrefix || uuid.empty() || uuid.size() > 64 || !hex ||
      !std::isxdigit(static_cast<unsigned char>(uuid[0]))) {
    return InvalidArgumentError(path + ": \"" + std::string(instance_id) +
                                "\" is not an instance id of the form uuid:<UUID> (hex digits and '-')");
  }
  std::string id = "odk-";
  for (char c : uuid) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return id;
}

Status Reader::ReadMeta(const pugi::xml_node& meta, const std::string& path) {
  for (pugi::xml_node child : meta.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view name = LocalName(child);
    if (name == "instanceID") {
      if (!out_->instance_id.empty()) return InvalidArgumentError(path + "/instanceID: appears twice");
      out_->instance_id = child.text().get();
      LIFELINE_ASSIGN_OR_RETURN(out_->record["id"], RecordId(out_->instance_id, path + "/instanceID"));
    } else if (std::find(std::begin(kOtherMeta), std::end(kOtherMeta), name) == std::end(kOtherMeta)) {
      return InvalidArgumentError(path + "/" + std::string(name) + ": is not an OpenRosa meta element");
    }
  }
  return Status::Ok();
}

// The text of leaf field `f`'s element for value `v` (at `path`): the
// inverse of LeafValue.
Result<std::string> LeafText(const FieldInfo& f, const json& v, const std::string& path) {
  auto wrong = [&] { return InvalidArgumentError(path + ": " + v.dump() + " is not " + f.description); };
  auto joined = [&](std::string_view forbidden, char separator) -> Result<std::string> {
    if (!v.is_array()) return wrong();
    std::string text;
    for (const json& item : v) {
      if (!item.is_string() || Blank(item.get<std::string>()) ||
          item.get<std::string>().find_first_of(forbidden) != std::string::npos) {
        return InvalidArgumentError(path + ": " + item.dump() + " cannot be one of a list's values in an instance");
      }
      text += (text.empty() ? "" : std::string(1, separator)) + item.get<std::string>();
    }
    return text;
  };
  switch (f.type) {
    case FieldType::kCount:
    case FieldType::kIntRange: return v.is_number_integer() ? Result<std::string>(v.dump()) : wrong();
    case FieldType::kNumber:
    case FieldType::kNonNegNumber:
    case FieldType::kFraction:
    case FieldType::kHours: return v.is_number() ? Result<std::string>(v.dump()) : wrong();
    case FieldType::kEnumList:
    case FieldType::kRefList: return joined(" \t\r\n", ' ');
    case FieldType::kTextList: return joined("\r\n", '\n');
    case FieldType::kBool: return v.is_boolean() ? Result<std::string>(v.get<bool>() ? "true" : "false") : wrong();
    default:
      return v.is_string() && !Blank(v.get<std::string>()) ? Result<std::string>(v.get<std::string>()) : wrong();
  }
}

// Writes the members of `obj` (at `path`) as `fields` under `parent`.
Status WriteFields(pugi::xml_node parent, const std::vector<FieldInfo>& fields, const json& obj,
                   const std::string& path, const FormLayout* top, const std::map<std::string, std::string>& files) {
  if (!obj.is_object()) return InvalidArgumentError(path + ": must be an object, not " + obj.dump());
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const bool known = std::any_of(fields.begin(), fields.end(), [&](const FieldInfo& f) { return f.name == it.key(); });
    if (!known && !(top != nullptr && (it.key() == "kind" || it.key() == "id"))) {
      return InvalidArgumentError(path + "/" + it.key() + ": is not a field of the form");
    }
  }
  for (const FieldInfo& f : fields) {
    const std::string child_path = path + "/" + f.name;
    if (top != nullptr && IsUpload(*top, f)) {
      if (auto file = files.find(f.name); file != files.end()) parent.append_child(f.name.c_str()).text().set(file->second.c_str());
      continue;
    }
    if (!obj.contains(f.name)) continue;
    const json& v = obj.at(f.name);
    if (IsGroup(f)) {
      LIFELINE_RETURN_IF_ERROR(WriteFields(parent.append_child(f.name.c_str()), f.fields, v, child_path, nullptr, files));
    } else if (IsRepeat(f)) {
      if (!v.is_array()) return InvalidArgumentError(child_path + ": must be an array, not " + v.dump());
      for (const json& item : v) {
        LIFELINE_RETURN_IF_ERROR(WriteFields(parent.append_child(f.name.c_str()), f.fields, item, child_path, nullptr, files));
      }
    } else {
      LIFELINE_ASSIGN_OR_RETURN(std::string text, LeafText(f, v, child_path));
      parent.append_child(f.name.c_str()).text().set(text.c_str());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> RecordToInstance(const json& record, std::string_view form_version,
                                     const std::map<std::string, std::string>& attachments) {
  const std::string kind = record.is_object() ? record.value("kind", "") : "";
  LIFELINE_ASSIGN_OR_RETURN(FormLayout layout, LayoutOf(kind));
  const std::string id = record.value("id", "");
  if (id.rfind("odk-", 0) != 0) {
    return InvalidArgumentError("id: \"" + id + "\" is not an instance's record id (odk-<uuid>)");
  }
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child(std::string(kRootElement).c_str());
  root.append_attribute("id").set_value(FormId(kind).c_str());
  root.append_attribute("version").set_value(std::string(form_version).c_str());
  json fields = record;
  // A claim's value is asked as text (TypeClaimValue reads it back).
  if (auto v = fields.find("value"); kind == kinds::kClaim && v != fields.end() && (v->is_number() || v->is_boolean())) {
    *v = v->dump();
  }
  LIFELINE_RETURN_IF_ERROR(WriteFields(root, layout.fields, fields, std::string(kRootElement), &layout, attachments));
  root.append_child("meta").append_child("instanceID").text().set(("uuid:" + id.substr(4)).c_str());
  std::ostringstream xml;
  doc.save(xml, "", pugi::format_raw);
  return xml.str();
}

Status TypeClaimValue(std::string_view about_kind, json& record) {
  if (!record.is_object() || record.value("kind", "") != kinds::kClaim) return Status::Ok();
  auto value = record.find("value");
  auto field = record.find("field");
  auto info = record::DescribeKind(about_kind);
  if (value == record.end() || !value->is_string() || field == record.end() || !field->is_string() || !info) {
    return Status::Ok();
  }
  auto claimed = std::find_if(info->fields.begin(), info->fields.end(),
                              [&](const FieldInfo& f) { return f.name == field->get<std::string>(); });
  if (claimed == info->fields.end()) return Status::Ok();
  switch (claimed->type) {
    case FieldType::kCount:
    case FieldType::kIntRange:
    case FieldType::kNumber:
    case FieldType::kNonNegNumber:
    case FieldType::kFraction:
    case FieldType::kHours:
    case FieldType::kBool: break;
    default: return Status::Ok();
  }
  auto typed = LeafValue(*claimed, value->get<std::string>(), "value");
  if (!typed.ok()) {
    return InvalidArgumentError(typed.status().message() + ", as " + claimed->name + " of a " +
                                std::string(about_kind) + " record must be: " + claimed->description);
  }
  *value = std::move(*typed);
  return Status::Ok();
}

Status TypeClaimValueFromLog(store::LogStore& store, json& record) {
  const auto about = record.is_object() ? record.find("about") : record.end();
  if (about == record.end() || !about->is_string() || record.value("kind", "") != kinds::kClaim) return Status::Ok();
  auto row = store.FindRecord(about->get<std::string>());
  if (!row.ok()) return row.status().code() == ErrorCode::kNotFound ? Status::Ok() : row.status();
  return TypeClaimValue(row->kind, record);
}

Result<Instance> ParseInstance(std::string_view xml) {
  pugi::xml_document doc;
  const unsigned options = pugi::parse_default & ~pugi::parse_eol;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
  if (!parsed) {
    return InvalidArgumentError("the instance is not well-formed XML: " + std::string(parsed.description()) +
                                " at byte " + std::to_string(parsed.offset));
  }
  pugi::xml_node root = doc.document_element();
  const std::string root_path(LocalName(root));
  Instance out;
  out.form_id = root.attribute("id").value();
  out.form_version = root.attribute("version").value();
  auto kind = KindOfForm(out.form_id);
  if (!kind.ok()) return kind.status().Annotate(root_path + "/@id");
  LIFELINE_ASSIGN_OR_RETURN(FormLayout layout, LayoutOf(*kind));
  out.record = json::object();
  json fields;
  Reader reader(layout, &out);
  LIFELINE_RETURN_IF_ERROR(reader.ReadFields(root, layout.fields, root_path, true, &fields));
  if (out.instance_id.empty()) {
    return InvalidArgumentError(root_path + "/meta/instanceID: is required (uuid:<UUID>): it identifies the record");
  }
  out.record.update(fields);
  out.record["kind"] = *kind;
  return out;
}

}  // namespace lifeline::intake
