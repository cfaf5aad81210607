// Inputs that used to slip through submission (issue 11): control
// characters, far dates, cycles of corrections, retractions of retractions,
// entries too large for the log, and imports that appended half.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/status_testing.h"
#include "merkle/tile.h"
#include "note/note.h"
#include "record/canonical.h"
#include "record/import_session.h"
#include "record/projection.h"
#include "record/submit.h"
#include "record/submit_testing.h"
#include "record/view.h"
#include "store/memory/memory_store.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

const std::vector<std::string> kValidRecords = {
    R"({"kind":"source","id":"s1","case":"c1","publisher":"ICRC","title":"Statement"})",
    R"({"kind":"case","id":"c1","title":"Blockade","region":"R","started":"2022-12-12","sources":["s1"]})",
    R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
};

class InputChecksTest : public SubmitFixture {
 protected:
  InputChecksTest() : SubmitFixture("in.jsonl") {}

  // Appends records as they are, past every check: a log written before
  // the checks existed.
  void AppendUnchecked(const std::vector<std::string>& lines) {
    std::vector<std::string> entries;
    std::vector<store::RecordRow> rows;
    for (const auto& line : lines) {
      json j = *ParseJson(line);
      j["recorded"] = "2023-07-10T12:00:00Z";
      j["by"] = "cli";
      std::string body = *Canonicalize(j);
      auto row = ProjectRecord(j, body);
      ASSERT_OK(row);
      entries.push_back(body);
      rows.push_back(*row);
    }
    auto r = log_->AppendMany(std::move(entries), std::move(rows)).get();
    ASSERT_OK(r);
  }

  static std::string Rejections(const SubmitReport& rep) {
    std::string s;
    for (const auto& r : rep.rejections) s += r.ToString() + "\n";
    return s;
  }

};

TEST_F(InputChecksTest, ControlCharactersAreRefusedNamingTheField) {
  MustSubmit(kValidRecords);
  auto rep = MustSubmit({
      R"({"kind":"source","id":"s2","case":"c1","publisher":"A\u0000B","title":"T"})",
      R"({"kind":"source","id":"s3","case":"c1","publisher":"P","title":"two\nlines"})",
      R"({"kind":"source","id":"s4","case":"c1","publisher":"P","title":"T","note":"tab\there\nand a line\u007f"})",
      R"({"kind":"source","id":"s5","case":"c1","publisher":"P\u0085","title":"T"})",
      R"({"kind":"source","id":"s6","case":"c1","publisher":"P","title":"\ufeffT"})",
      R"({"kind":"movement","id":"m1","case":"c1","route":"r1","date":"2023-01-01","direction":"in","operator":"ICRC","sources":["s1"],"cargo":[{"commodity":"flour\u0001","quantity":1,"unit":"t"}]})",
  });
  EXPECT_EQ(rep.rejected, 6u) << Rejections(rep);
  ASSERT_EQ(rep.rejections.size(), 6u) << Rejections(rep);
  EXPECT_EQ(rep.rejections[0].field, "publisher");
  EXPECT_EQ(rep.rejections[0].where, "in.jsonl:1");
  EXPECT_NE(rep.rejections[0].message.find("U+0000"), std::string::npos);
  EXPECT_EQ(rep.rejections[1].field, "title");  // a title is one line
  EXPECT_EQ(rep.rejections[2].field, "note");   // prose: tab and newline pass, DEL does not
  EXPECT_NE(rep.rejections[2].message.find("U+007F"), std::string::npos);
  EXPECT_EQ(rep.rejections[3].field, "publisher");
  EXPECT_NE(rep.rejections[3].message.find("U+0085"), std::string::npos);
  EXPECT_EQ(rep.rejections[4].field, "title");
  EXPECT_NE(rep.rejections[4].message.find("U+FEFF"), std::string::npos);
  EXPECT_EQ(rep.rejections[5].field, "cargo[0].commodity");
  // Prose keeps its tabs and newlines.
  rep = MustSubmit({R"({"kind":"source","id":"s7","case":"c1","publisher":"P","title":"T","note":"a\tb\nc"})"});
  EXPECT_EQ(rep.accepted, 1u) << Rejections(rep);
}

TEST_F(InputChecksTest, FarDatesAreRefusedAtSubmissionAndACaseSetsItsOwnWindow) {
  MustSubmit(kValidRecords);
  // Recorded 2023-07-10: the default window ends 366 days later.
  auto rep = MustSubmit({
      R"({"kind":"movement","id":"m1","case":"c1","route":"r1","date":"9999-12-31","direction":"in","operator":"ICRC","sources":["s1"]})",
      R"({"kind":"movement","id":"m2","case":"c1","route":"r1","date":"1899-12-31","direction":"in","operator":"ICRC","sources":["s1"]})",
      R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2023-01-01T00:00:00Z","until":"2024-07-11T00:00:00Z","status":"closed","sources":["s1"]})",
  });
  ASSERT_EQ(rep.rejected, 3u) << Rejections(rep);
  EXPECT_EQ(rep.rejections[0].field, "date");
  EXPECT_EQ(rep.rejections[0].where, "in.jsonl:1");
  EXPECT_NE(rep.rejections[0].message.find("plausible dates"), std::string::npos);
  EXPECT_EQ(rep.rejections[1].field, "date");
  EXPECT_EQ(rep.rejections[2].field, "until");
  rep = MustSubmit({R"({"kind":"movement","id":"m3","case":"c1","route":"r1","date":"2024-07-10","direction":"in","operator":"ICRC","sources":["s1"]})"});
  EXPECT_EQ(rep.accepted, 1u) << Rejections(rep);
  // A case correction narrows the window; later submissions follow it.
  rep = MustSubmit({R"({"kind":"case","id":"c1-v2","case":"c1","supersedes":"c1","title":"Blockade","region":"R","started":"2022-12-12","sources":["s1"],"date_window":{"from":"2022-01-01","until":"2023-12-31"}})"});
  ASSERT_EQ(rep.accepted, 1u) << Rejections(rep);
  rep = MustSubmit({R"({"kind":"movement","id":"m4","case":"c1","route":"r1","date":"2021-12-31","direction":"in","operator":"ICRC","sources":["s1"]})"});
  EXPECT_EQ(rep.rejected, 1u) << Rejections(rep);
  // The window of a case record in the same submission applies at once.
  rep = MustSubmit({
      R"({"kind":"source","id":"t1","case":"c2","publisher":"P","title":"T"})",
      R"({"kind":"case","id":"c2","title":"Old siege","region":"R","started":"1992-04-05","sources":["t1"],"date_window":{"from":"1990-01-01","until":"2999-12-31"}})",
      R"({"kind":"route","id":"r2","case":"c2","name":"Tunnel","type":"road","sources":["t1"]})",
      R"({"kind":"movement","id":"m5","case":"c2","route":"r2","date":"2500-01-01","direction":"in","operator":"UN","sources":["t1"]})",
  });
  EXPECT_EQ(rep.accepted, 4u) << Rejections(rep);
}

TEST_F(InputChecksTest, CyclesOfCorrectionsAndRetractionsOfRetractionsAreRefused) {
  MustSubmit(kValidRecords);
  auto rep = MustSubmit({
      R"({"kind":"route","id":"a","case":"c1","name":"A","type":"road","sources":["s1"],"supersedes":"b"})",
      R"({"kind":"route","id":"b","case":"c1","name":"B","type":"road","sources":["s1"],"supersedes":"a"})",
  });
  EXPECT_EQ(rep.rejected, 2u) << Rejections(rep);
  EXPECT_NE(Rejections(rep).find("cycle"), std::string::npos) << Rejections(rep);
  EXPECT_EQ(rep.rejections[0].field, "supersedes");
  // A correction before the record it corrects (no cycle) is refused too.
  rep = MustSubmit({
      R"({"kind":"route","id":"x2","case":"c1","name":"X","type":"road","sources":["s1"],"supersedes":"x1"})",
      R"({"kind":"route","id":"x1","case":"c1","name":"X","type":"road","sources":["s1"]})",
  });
  EXPECT_EQ(rep.rejected, 1u) << Rejections(rep);
  EXPECT_NE(Rejections(rep).find("comes later"), std::string::npos) << Rejections(rep);
  // Itself.
  rep = MustSubmit({R"({"kind":"route","id":"y","case":"c1","name":"Y","type":"road","sources":["s1"],"supersedes":"y"})"});
  EXPECT_EQ(rep.rejected, 1u);
  // Retractions: of itself, of a retraction (in the store or the batch).
  MustSubmit({R"({"kind":"retraction","id":"rt1","case":"c1","retracts":"r1","reason":"wrong"})"});
  rep = MustSubmit({
      R"({"kind":"retraction","id":"rt2","case":"c1","retracts":"rt2","reason":"self"})",
      R"({"kind":"retraction","id":"rt3","case":"c1","retracts":"rt1","reason":"undo"})",
      R"({"kind":"retraction","id":"rt4","case":"c1","retracts":"rt5","reason":"each other"})",
      R"({"kind":"retraction","id":"rt5","case":"c1","retracts":"rt4","reason":"each other"})",
  });
  EXPECT_EQ(rep.rejected, 4u) << Rejections(rep);
  for (const auto& r : rep.rejections) EXPECT_EQ(r.field, "retracts") << r.ToString();
  EXPECT_EQ(log_->size(), 4u);  // kValidRecords and rt1
}

TEST_F(InputChecksTest, ACycleAlreadyInTheLogKeepsItsLatestRecordAndABoundedHistory) {
  MustSubmit(kValidRecords);
  AppendUnchecked({
      R"({"kind":"route","id":"a","case":"c1","name":"A","type":"road","sources":["s1"],"supersedes":"b"})",
      R"({"kind":"route","id":"b","case":"c1","name":"B","type":"road","sources":["s1"],"supersedes":"a"})",
  });
  // Before: both left the current view. Now the later entry supersedes.
  EXPECT_EQ(CurrentIds("route"), (std::vector<std::string>{"r1", "b"}));
  auto view = ViewRecord(*mem_, TestSigner().verifier(), "b");
  ASSERT_OK(view);
  EXPECT_EQ((*view)["older_versions"], json({"a"}));  // was a, b, a, b ... 1,000 of them
  EXPECT_EQ((*view)["newer_versions"], json::array());
  view = ViewRecord(*mem_, TestSigner().verifier(), "a");
  ASSERT_OK(view);
  EXPECT_EQ((*view)["older_versions"], json::array());
  EXPECT_EQ((*view)["newer_versions"], json({"b"}));
}

std::string Movement(size_t i) {
  return R"({"kind":"movement","id":"m)" + std::to_string(i) +
         R"(","case":"c1","route":"r1","date":"2023-01-01","direction":"in","operator":"ICRC","sources":["s1"]})";
}

std::string Oversized() {
  return R"({"kind":"movement","id":"big","case":"c1","route":"r1","date":"2023-01-01","direction":"in","operator":"ICRC","sources":["s1"],"note":")" +
         std::string(merkle::kMaxEntrySize, 'x') + R"("})";
}

TEST_F(InputChecksTest, AnEntryTooLargeForTheLogIsRefusedAtValidationNamingItsLargestField) {
  MustSubmit(kValidRecords);
  SubmitOptions dry;
  dry.dry_run = true;
  auto rep = MustSubmit({Movement(1), Oversized()}, dry);  // a dry run tells the truth
  ASSERT_EQ(rep.rejected, 1u) << Rejections(rep);
  EXPECT_EQ(rep.rejections[0].where, "in.jsonl:2");
  EXPECT_EQ(rep.rejections[0].id, "big");
  EXPECT_EQ(rep.rejections[0].field, "note");
  EXPECT_NE(rep.rejections[0].message.find("65535"), std::string::npos) << rep.rejections[0].message;
  // --partial appends the rest, and what refers to the refused record is refused too.
  SubmitOptions partial;
  partial.all_or_nothing = false;
  rep = MustSubmit({Movement(1), Oversized(),
                    R"({"kind":"claim","id":"cl1","case":"c1","about":"big","stance":"confirms","party":"P","text":"t","sources":["s1"]})"},
                   partial);
  EXPECT_EQ(rep.accepted, 1u) << Rejections(rep);
  EXPECT_EQ(rep.rejected, 2u) << Rejections(rep);
  EXPECT_EQ(log_->size(), 4u);
}

// 10,001 valid records and one oversized: today's import appended the first
// batch of 10,000, then failed without saying where. Now nothing is appended.
TEST_F(InputChecksTest, TenThousandAndOneRecordsAndOneOversizedAppendNothing) {
  MustSubmit(kValidRecords);
  std::vector<std::string> lines;
  for (size_t i = 0; i < 10001; ++i) lines.push_back(Movement(i));
  lines.push_back(Oversized());
  // The API and `add`: one Submit.
  auto rep = MustSubmit(lines);
  EXPECT_EQ(rep.rejected, 1u) << Rejections(rep);
  EXPECT_FALSE(rep.written);
  EXPECT_EQ(log_->size(), 3u);
  ASSERT_EQ(rep.rejections.size(), 1u);
  EXPECT_EQ(rep.rejections[0].where, "in.jsonl:10002");
  // `import`: a chunked session, the oversized record in the second chunk.
  SubmitOptions opts;
  opts.recorded = "2023-07-10T12:00:00Z";
  std::string dir = ::testing::TempDir() + "/input_checks_spool";
  std::filesystem::create_directories(dir);
  auto session = ImportSession::Start(*mem_, opts, dir);
  ASSERT_OK(session);
  std::vector<std::string> first(lines.begin(), lines.begin() + 10000), second(lines.begin() + 10000, lines.end());
  ASSERT_TRUE((*session)->AddChunk(Parse(first)).ok());
  ASSERT_TRUE((*session)->AddChunk(Parse(second, 10001)).ok());
  auto done = (*session)->Finish(log_.get());
  ASSERT_OK(done);
  EXPECT_FALSE(done->written);
  EXPECT_EQ(done->rejected, 1u);
  EXPECT_EQ(done->rejections[0].ToString().rfind("in.jsonl:10002: record big: note: ", 0), 0u)
      << done->rejections[0].ToString();
  EXPECT_EQ(log_->size(), 3u);
}

// An import appends its records a few batches at a time from its spool,
// with batches in flight across those parts: the log gets the batches one
// call with every record would cut, in order, each reported as it lands.
TEST_F(InputChecksTest, RecordsHandedOverInPartsAreAppendedInTheBatchesOfOneCall) {
  MustSubmit(kValidRecords);
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> part_entries(4);
  std::vector<std::vector<store::RecordRow>> part_rows(4);
  const std::vector<size_t> part_sizes = {2, 7, 0, 4};
  for (size_t p = 0, n = 0; p < part_sizes.size(); ++p) {
    for (size_t i = 0; i < part_sizes[p]; ++i, ++n) {
      json j = *ParseJson(Movement(n));
      j["recorded"] = "2023-07-10T12:00:00Z";
      j["by"] = "cli";
      std::string body = *Canonicalize(j);
      auto row = ProjectRecord(j, body);
      ASSERT_OK(row);
      ids.push_back(row->id);
      part_entries[p].push_back(body);
      part_rows[p].push_back(*row);
    }
  }
  SubmitOptions opts;
  opts.batch = 3;
  std::vector<uint64_t> landed;
  opts.progress = [&](uint64_t done, uint64_t) { landed.push_back(done); };
  SubmitReport rep;
  rep.accepted = ids.size();
  {
    RecordAppender appender(log_.get(), opts, &rep, log_->size());
    for (size_t p = 0; p < part_sizes.size(); ++p) {
      ASSERT_OK(appender.Add(std::move(part_entries[p]), std::move(part_rows[p])));
    }
    ASSERT_OK(appender.Finish());
  }
  EXPECT_EQ(landed, (std::vector<uint64_t>{3, 6, 9, 12, 13}));
  EXPECT_EQ(rep.appended, 13u);
  EXPECT_EQ(rep.first_index, std::optional<uint64_t>(3));
  EXPECT_TRUE(rep.written);
  ASSERT_EQ(log_->size(), 16u);
  std::vector<std::string> logged;
  store::RecordQuery q;
  q.kind = "movement";
  ASSERT_OK(mem_->ForEachRecord(q, [&](const store::RecordRow& r) {
    logged.push_back(r.id);
    return Status::Ok();
  }));
  EXPECT_EQ(logged, ids);
}

}  // namespace
}  // namespace lifeline::record
