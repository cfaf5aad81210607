#include "ingest/csv.h"

#include <gtest/gtest.h>

#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using testing::HasError;
using testing::ReadFile;
using testing::SharedData;

TEST(CsvDiagnosticsTest, UseHeaderNames) {
  tabular::CsvTable t = tabular::ParseCsv("id,notes\n1,bad\"quote\n2,\"x\"y\n");
  std::vector<std::string> header = {"id", "notes"};
  ReadResult out;
  AppendCsvDiagnostics(t, &header, out);
  EXPECT_TRUE(HasError(out.errors, 2, "notes", "quote"));
  EXPECT_TRUE(HasError(out.errors, 3, "notes", "closing quote"));
  EXPECT_EQ(CsvFieldName(5, &header), "column 5");
  EXPECT_EQ(CsvFieldName(0, &header), "(file)");
}

TEST(CsvDiagnosticsTest, TranscodingIsSaid) {
  tabular::CsvTable t = tabular::ParseCsv(ReadFile(SharedData("hxl/input-valid-latin1.csv")));
  ASSERT_TRUE(t.errors.empty());
  ReadResult out;
  AppendCsvDiagnostics(t, nullptr, out);
  EXPECT_EQ(out.encoding, tabular::TextEncoding::kWindows1252);
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_EQ(out.warnings[0].line, 1u);
  EXPECT_EQ(out.warnings[0].field, "(file)");
}

}  // namespace
}  // namespace lifeline::ingest
