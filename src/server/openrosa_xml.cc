#include "server/openrosa_xml.h"

#include <pugixml.hpp>
#include <sstream>

namespace lifeline::server::openrosa {
namespace {

std::string Text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

void Child(pugi::xml_node parent, const char* name, const std::string& text) {
  parent.append_child(name).text().set(text.c_str());
}

}  // namespace

std::string FormListXml(const std::vector<FormEntry>& forms) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("xforms");
  root.append_attribute("xmlns") = "http://openrosa.org/xforms/xformsList";
  for (const FormEntry& f : forms) {
    pugi::xml_node x = root.append_child("xform");
    Child(x, "formID", f.form_id);
    Child(x, "name", f.name);
    Child(x, "version", f.version);
    Child(x, "hash", "md5:" + f.md5);
    Child(x, "downloadUrl", f.download_url);
  }
  return Text(doc);
}

std::string ResponseXml(std::string_view nature, std::string_view message, const Accepted* accepted) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("OpenRosaResponse");
  root.append_attribute("xmlns") = "http://openrosa.org/http/response";
  pugi::xml_node m = root.append_child("message");
  m.append_attribute("nature") = std::string(nature).c_str();
  m.text().set(std::string(message).c_str());
  if (accepted != nullptr) {
    pugi::xml_node r = root.append_child("record");
    r.append_attribute("id") = accepted->id.c_str();
    r.append_attribute("index") = std::to_string(accepted->index).c_str();
    r.append_attribute("tree_size") = std::to_string(accepted->tree_size).c_str();
    Child(r, "receipt", accepted->receipt);
  }
  return Text(doc);
}

Result<std::string> InstanceFormId(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return InvalidArgumentError("xml_submission_file is not well-formed XML: " + std::string(parsed.description()) +
                                " at byte " + std::to_string(parsed.offset));
  }
  pugi::xml_attribute id = doc.document_element().attribute("id");
  if (id.empty() || std::string_view(id.value()).empty()) {
    return InvalidArgumentError("xml_submission_file: the root element <" + std::string(doc.document_element().name()) +
                                "> has no id attribute (the form's id)");
  }
  return std::string(id.value());
}

}  // namespace lifeline::server::openrosa
