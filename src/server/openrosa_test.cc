// The OpenRosa documents (openrosa_xml.h) read back with pugixml, as a
// client reads them, and the token of a /key/<token>/ path (access.h).
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "base/status_testing.h"
#include "server/access.h"
#include "server/openrosa_xml.h"

namespace lifeline::server {
namespace {

pugi::xml_document Parse(const std::string& xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
  return doc;
}

TEST(OpenRosaXmlTest, FormListHasEachFormInOrderWithItsFields) {
  std::vector<openrosa::FormEntry> forms = {
      {"lifeline-movement", "Lifeline: movement", "3-abc", "0123456789abcdef0123456789abcdef", "http://h/forms/lifeline-movement.xml"},
      {"lifeline-stock", "A <b> & \"c\"", "3-def", "fedcba9876543210fedcba9876543210", "http://h/forms/lifeline-stock.xml?a=1&b=2"},
  };
  auto doc = Parse(openrosa::FormListXml(forms));
  pugi::xml_node root = doc.document_element();
  EXPECT_STREQ(root.name(), "xforms");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://openrosa.org/xforms/xformsList");
  std::vector<pugi::xml_node> xs;
  for (pugi::xml_node x : root.children("xform")) xs.push_back(x);
  ASSERT_EQ(xs.size(), 2u);
  EXPECT_STREQ(xs[0].child_value("formID"), "lifeline-movement");
  EXPECT_STREQ(xs[0].child_value("version"), "3-abc");
  EXPECT_STREQ(xs[0].child_value("hash"), "md5:0123456789abcdef0123456789abcdef");
  EXPECT_STREQ(xs[1].child_value("name"), "A <b> & \"c\"") << "escaped, read back as sent";
  EXPECT_STREQ(xs[1].child_value("downloadUrl"), "http://h/forms/lifeline-stock.xml?a=1&b=2");
}

TEST(OpenRosaXmlTest, ResponseCarriesTheMessageAndTheAcceptedRecord) {
  openrosa::Accepted a{"odk-3f2a", 41, 42, "c2sp.org/tlog-proof@v1\nindex 41\n\n<note>\n"};
  auto doc = Parse(openrosa::ResponseXml("submit_success", "Recorded <odk-3f2a>", &a));
  pugi::xml_node root = doc.document_element();
  EXPECT_STREQ(root.name(), "OpenRosaResponse");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://openrosa.org/http/response");
  EXPECT_STREQ(root.child("message").attribute("nature").value(), "submit_success");
  EXPECT_STREQ(root.child_value("message"), "Recorded <odk-3f2a>");
  pugi::xml_node r = root.child("record");
  EXPECT_STREQ(r.attribute("id").value(), "odk-3f2a");
  EXPECT_EQ(r.attribute("index").as_ullong(), 41u);
  EXPECT_EQ(r.attribute("tree_size").as_ullong(), 42u);
  EXPECT_EQ(std::string(r.child_value("receipt")), a.receipt) << "the receipt's text exactly, newlines and all";

  auto err = Parse(openrosa::ResponseXml("error", "date: not a date"));
  EXPECT_STREQ(err.document_element().child("message").attribute("nature").value(), "error");
  EXPECT_TRUE(err.document_element().child("record").empty());
}

TEST(OpenRosaXmlTest, InstanceFormIdIsTheRootsIdOrAClearError) {
  auto id = openrosa::InstanceFormId(R"(<?xml version="1.0"?><data id="lifeline-outage" version="1"><x/></data>)");
  ASSERT_OK(id);
  EXPECT_EQ(*id, "lifeline-outage");
  auto broken = openrosa::InstanceFormId("<data id=\"x\"><unclosed></data>");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("not well-formed XML"), std::string::npos) << broken.status().message();
  auto none = openrosa::InstanceFormId("<data><x/></data>");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no id attribute"), std::string::npos) << none.status().message();
  EXPECT_FALSE(openrosa::InstanceFormId("").ok());
}

TEST(PathTokenTest, OnlyAKeyPrefixCarriesAToken) {
  EXPECT_EQ(PathToken("/key/llt_0123abcd_s3cret/formList"), "llt_0123abcd_s3cret");
  EXPECT_EQ(PathToken("/key/llt_x/submission"), "llt_x");
  EXPECT_EQ(PathToken("/formList"), "");
  EXPECT_EQ(PathToken("/keys/x/formList"), "");
  EXPECT_EQ(RedactedPath("/key/llt_0123abcd_s3cret/submission"), "/key/***/submission");
  EXPECT_EQ(RedactedPath("/api/v1/records"), "/api/v1/records");
}

}  // namespace
}  // namespace lifeline::server
