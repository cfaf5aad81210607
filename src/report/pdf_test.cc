// The attachment and text of PDF reports, on a small PDF written here (no
// Chromium needed; tests/cli/report_cli_test.sh prints real reports).
#include "report/pdf.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace lifeline::report {
namespace {

// A one-page PDF showing `text` in Helvetica, with a correct xref table.
std::string TinyPdf(const std::string& text) {
  std::string content = "BT /F1 24 Tf 72 700 Td (" + text + ") Tj ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
  };
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

constexpr const char* kAttachedHtml = "<!doctype html><html><body><p>Closed on <data class=\"fig\" data-key=\"k\" "
                              "value=\"20\">20</data> days</p></body></html>";

TEST(PdfTest, RecognisesTheMagic) {
  EXPECT_TRUE(IsPdf(TinyPdf("x")));
  EXPECT_FALSE(IsPdf("<!doctype html>"));
  EXPECT_FALSE(IsPdf("%PD"));
}

TEST(PdfTest, AttachedHtmlAndTextReadBack) {
  auto attached = AttachReportHtml(TinyPdf("Closed on 20 days"), kAttachedHtml);
  ASSERT_TRUE(attached.ok()) << attached.status().ToString();
  EXPECT_TRUE(IsPdf(*attached));
  auto r = ReadPdfReport(*attached);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->html, kAttachedHtml);
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_NE(r->pages[0].find("Closed on 20 days"), std::string::npos) << r->pages[0];
  // Attaching again replaces the attachment, and the same input gives the
  // same bytes.
  auto again = AttachReportHtml(*attached, "<p>other</p>");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReadPdfReport(*again)->html, "<p>other</p>");
  EXPECT_EQ(*AttachReportHtml(TinyPdf("Closed on 20 days"), kAttachedHtml), *attached);
}

TEST(PdfTest, APdfWithoutTheAttachmentSaysWhatToDo) {
  auto r = ReadPdfReport(TinyPdf("Closed on 20 days"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("carries no Lifeline report"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("--format pdf"), std::string::npos);
}

TEST(PdfTest, DamagedOrTruncatedPdfsAreErrorsNotCrashes) {
  auto attached = AttachReportHtml(TinyPdf("Closed on 20 days"), kAttachedHtml);
  ASSERT_TRUE(attached.ok());
  for (size_t keep : {size_t{5}, size_t{20}, attached->size() / 3, attached->size() / 2, attached->size() - 30}) {
    auto r = ReadPdfReport(attached->substr(0, keep));
    ASSERT_FALSE(r.ok()) << "truncated to " << keep;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
  std::string garbled = *attached;
  for (size_t i = 40; i < garbled.size(); i += 97) garbled[i] = '\x01';
  EXPECT_FALSE(ReadPdfReport(garbled).ok());
  EXPECT_FALSE(ReadPdfReport("%PDF-1.7\nnothing else").ok());
  EXPECT_FALSE(AttachReportHtml("%PDF-1.7\nnothing else", kAttachedHtml).ok());
  EXPECT_FALSE(ReadPdfReport("<html></html>").ok());
}

}  // namespace
}  // namespace lifeline::report
