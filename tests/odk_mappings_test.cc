// The shipped KoBoToolbox and ODK Central mappings (data/mappings/) against
// the forms Lifeline serves (intake::BuildXForm): an export of a Lifeline
// form has one column per question, named by its path in the instance
// (KoBo joins groups with '/', Central with '-'). A mapping must read only
// columns such an export has, and every question's column but those an
// export cannot bring in (docs/intake-exports.md): the repeats (tables of
// their own), the upload, `case` (the import's --case) and meta/instanceID
// (the record id comes from the server's own copy of it).
//
// So a field added to a form without its column in the mappings, or a
// mapping column renamed away from its question, fails here.
#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/file.h"
#include "ingest/mapping.h"
#include "intake/xform.h"

namespace lifeline {
namespace {

struct FormColumns {
  std::set<std::string> questions;  // every leaf the export has a column for
  std::set<std::string> expected;   // those a mapping must read
};

std::string Join(const std::vector<std::string>& path, char sep) {
  std::string out;
  for (const std::string& p : path) out += (out.empty() ? "" : std::string(1, sep)) + p;
  return out;
}

// The instance's leaves under `node`, the repeats' subtrees left out.
void Leaves(const pugi::xml_node& node, std::vector<std::string>& path, const std::set<std::string>& repeats,
            char sep, FormColumns& out) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    path.push_back(child.name());
    const std::string slash = Join(path, '/');
    if (repeats.count("/data/" + slash)) {
      path.pop_back();
      continue;
    }
    if (child.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; })) {
      Leaves(child, path, repeats, sep, out);
    } else {
      out.questions.insert(Join(path, sep));
      if (slash != "case" && slash != "file" && slash.rfind("meta/", 0) != 0) out.expected.insert(Join(path, sep));
    }
    path.pop_back();
  }
}

FormColumns ColumnsOf(const std::string& kind, char sep) {
  intake::FormChoices choices;
  auto form = intake::BuildXForm(kind, choices);
  EXPECT_TRUE(form.ok()) << form.status().message();
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(form->xml.c_str()));
  std::set<std::string> repeats;
  for (pugi::xpath_node r : doc.select_nodes("//*[local-name()='repeat']")) {
    repeats.insert(r.node().attribute("nodeset").value());
  }
  pugi::xml_node data = doc.select_node("//*[local-name()='instance'][not(@id)]/*").node();
  EXPECT_EQ(std::string(data.name()), "data") << kind;
  FormColumns out;
  std::vector<std::string> path;
  Leaves(data, path, repeats, sep, out);
  return out;
}

void CheckMappings(const std::string& server, char sep) {
  for (const std::string& kind : intake::FormKinds()) {
    SCOPED_TRACE(server + "/" + kind);
    const std::string file = std::string(LIFELINE_SOURCE_DIR) + "/data/mappings/" + server + "/" + kind + ".toml";
    auto text = ReadFile(file);
    ASSERT_TRUE(text.ok()) << text.status().message();
    auto mapping = ingest::ParseMapping(*text, file);
    ASSERT_TRUE(mapping.ok()) << mapping.status().message();
    EXPECT_EQ(mapping->kind, kind);
    const FormColumns form = ColumnsOf(kind, sep);
    ASSERT_FALSE(form.expected.empty());
    std::set<std::string> read;
    for (const ingest::ColumnRule& c : mapping->columns) {
      read.insert(c.column);
      EXPECT_TRUE(form.questions.count(c.column)) << "the mapping reads \"" << c.column
                                                  << "\", which is no question of the form";
    }
    for (const std::string& q : form.expected) {
      EXPECT_TRUE(read.count(q)) << "the form asks \"" << q << "\" and the mapping does not read it";
    }
  }
}

TEST(OdkMappingsTest, KoboMappingsReadTheFormsQuestions) { CheckMappings("kobo", '/'); }

TEST(OdkMappingsTest, CentralMappingsReadTheFormsQuestions) { CheckMappings("central", '-'); }

}  // namespace
}  // namespace lifeline
