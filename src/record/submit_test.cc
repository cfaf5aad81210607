#include "record/submit.h"

#include <gtest/gtest.h>

#include <map>

#include "base/status_testing.h"
#include "log/reader.h"
#include "record/canonical.h"
#include "record/corroboration.h"
#include "record/projection.h"
#include "record/submit_testing.h"
#include "store/memory/memory_store.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

class SubmitTest : public SubmitFixture {};

const std::vector<std::string> kBase = {
    R"({"kind":"source","id":"s1","case":"c1","publisher":"ICRC","title":"Statement"})",
    R"({"kind":"case","id":"c1","title":"Blockade","region":"R","started":"2022-12-12","sources":["s1"]})",
    R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
    R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2022-12-12T10:30:00+04:00","status":"closed","sources":["s1"]})",
};

TEST_F(SubmitTest, ReferencesMayPointForwardWithinASubmission) {
  // The source names its case, and the case cites the source.
  auto rep = MustSubmit(kBase);
  EXPECT_EQ(rep.accepted, 4u);
  EXPECT_EQ(rep.rejected, 0u);
  EXPECT_TRUE(rep.written);
  EXPECT_EQ(*rep.first_index, 0u);
  EXPECT_EQ(log_->size(), 4u);
  EXPECT_EQ(CurrentIds(), (std::vector<std::string>{"s1", "c1", "r1", "rs1"}));
}

TEST_F(SubmitTest, EntriesAreCanonicalStampedAndProjectedInTheSameCommit) {
  SubmitOptions opts;
  opts.principal = "monitor:anna";
  MustSubmit(kBase, opts);
  log::LogReader reader(mem_);
  auto entry = reader.Entry(3);
  ASSERT_OK(entry);
  EXPECT_EQ(*entry,
            R"({"by":"monitor:anna","case":"c1","from":"2022-12-12T10:30:00+04:00","id":"rs1","kind":"route_status",)"
            R"("recorded":"2023-07-10T12:00:00Z","route":"r1","sources":["s1"],"status":"closed"})");
  auto row = mem_->FindRecord("rs1");
  ASSERT_OK(row);
  EXPECT_EQ(row->index, 3u);
  EXPECT_EQ(row->body, *entry);
  EXPECT_EQ(row->route, "r1");
  EXPECT_EQ(row->date_from, "2022-12-12");  // 10:30 at +04:00 is 06:30 UTC
  // The projection is a function of the entry alone.
  auto again = ProjectRecord(*ParseJson(*entry), *entry);
  ASSERT_OK(again);
  again->index = 3;
  EXPECT_EQ(*again, *row);
}

TEST_F(SubmitTest, AllOrNothingWritesNothingWhenOneRecordIsBad) {
  auto lines = kBase;
  lines.push_back(R"({"kind":"movement","id":"m1","case":"c1","route":"r1","date":"2023-01-05","direction":"sideways","operator":"ICRC","sources":["s1"]})");
  auto rep = MustSubmit(lines);
  EXPECT_EQ(rep.rejected, 1u);
  EXPECT_EQ(rep.accepted, 4u);
  EXPECT_FALSE(rep.written);
  EXPECT_EQ(log_->size(), 0u);
  ASSERT_EQ(rep.rejections.size(), 1u);
  EXPECT_EQ(rep.rejections[0].ToString(),
            "test.jsonl:5: record m1: direction: must be one of in, out, both, not \"sideways\" (hint: give direction "
            "as one of in, out, both, e.g. \"direction\": \"in\" (docs/records.md, \"Kinds\"))");
}

TEST_F(SubmitTest, PartialModeDropsRecordsThatDependOnRejectedOnes) {
  auto lines = kBase;
  lines[2] = R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"tunnel","sources":["s1"]})";
  SubmitOptions opts;
  opts.all_or_nothing = false;
  auto rep = MustSubmit(lines, opts);
  // r1 is bad, so rs1 (which names it) is rejected too; s1 and c1 go in.
  EXPECT_EQ(rep.rejected, 2u);
  EXPECT_EQ(rep.accepted, 2u);
  EXPECT_EQ(log_->size(), 2u);
  bool rs1_named = false;
  for (const auto& r : rep.rejections) rs1_named |= r.id == "rs1" && r.field == "route";
  EXPECT_TRUE(rs1_named);
}

TEST_F(SubmitTest, ResubmittingIsIdempotent) {
  MustSubmit(kBase);
  auto rep = MustSubmit(kBase);
  EXPECT_EQ(rep.unchanged, 4u);
  EXPECT_EQ(rep.accepted, 0u);
  EXPECT_EQ(log_->size(), 4u);
}

TEST_F(SubmitTest, SameIdWithOtherContentIsRejected) {
  MustSubmit(kBase);
  auto rep = MustSubmit({R"({"kind":"route","id":"r1","case":"c1","name":"Other road","type":"road","sources":["s1"]})"});
  EXPECT_EQ(rep.rejected, 1u);
  EXPECT_NE(rep.rejections[0].message.find("supersedes"), std::string::npos);
  EXPECT_EQ(log_->size(), 4u);
}

TEST_F(SubmitTest, DuplicateIdsInOneSubmissionAreRejected) {
  auto lines = kBase;
  lines.push_back(kBase[2]);
  auto rep = MustSubmit(lines);
  EXPECT_EQ(rep.rejected, 1u);
  EXPECT_EQ(rep.rejections[0].where, "test.jsonl:5");
  EXPECT_NE(rep.rejections[0].message.find("test.jsonl:3"), std::string::npos);
}

TEST_F(SubmitTest, CorrectionsAndRetractionsShapeTheCurrentView) {
  MustSubmit(kBase);
  MustSubmit({R"({"kind":"route_status","id":"rs1-v2","case":"c1","route":"r1","from":"2022-12-12T11:00:00+04:00","status":"closed","supersedes":"rs1","sources":["s1"]})"});
  EXPECT_EQ(CurrentIds("route_status"), (std::vector<std::string>{"rs1-v2"}));
  MustSubmit({R"({"kind":"retraction","id":"rt1","case":"c1","retracts":"rs1-v2","reason":"source withdrew it"})"});
  EXPECT_TRUE(CurrentIds("route_status").empty());
  // History: everything is still in the log and queryable.
  store::RecordQuery all;
  all.kind = "route_status";
  all.current_only = false;
  int n = 0;
  ASSERT_TRUE(mem_->ForEachRecord(all, [&](const store::RecordRow&) {
    ++n;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, 2);
  std::vector<std::string> referrers;
  ASSERT_TRUE(mem_->ForEachReferrer("rs1", [&](const store::RecordRow& r) {
    referrers.push_back(r.id);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(referrers, (std::vector<std::string>{"rs1-v2"}));
}

// A corrected case record keeps its case's id and stays in that case; it
// can never take over another case (whose case record would then have two
// current versions, one of them perhaps public).
TEST_F(SubmitTest, ACaseRecordCorrectsOnlyItsOwnCase) {
  MustSubmit(kBase);
  MustSubmit({R"({"kind":"source","id":"s2","case":"c2","publisher":"UN","title":"Note"})",
              R"({"kind":"case","id":"c2","title":"Other","region":"R","started":"2023-01-01","sources":["s2"]})"});
  auto rep = MustSubmit({R"({"kind":"case","id":"c1-v2","case":"c1","supersedes":"c2","title":"Blockade",
                             "region":"R","started":"2022-12-12","public":true,"sources":["s1"]})"});
  ASSERT_EQ(rep.rejected, 1u);
  EXPECT_EQ(rep.rejections[0].field, "supersedes");
  EXPECT_NE(rep.rejections[0].message.find("case \"c2\""), std::string::npos) << rep.rejections[0].message;
  EXPECT_EQ(CurrentIds("case"), (std::vector<std::string>{"c1", "c2"}));  // in log order
  // Its own case's record, in the log or in the same submission, it does correct.
  rep = MustSubmit({R"({"kind":"case","id":"c1-v2","case":"c1","supersedes":"c1","title":"Blockade",
                        "region":"R","started":"2022-12-12","sources":["s1"]})",
                    R"({"kind":"case","id":"c1-v3","case":"c1","supersedes":"c1-v2","title":"Blockade",
                        "region":"R","started":"2022-12-11","sources":["s1"]})"});
  EXPECT_EQ(rep.rejected, 0u) << (rep.rejections.empty() ? "" : rep.rejections[0].ToString());
  EXPECT_EQ(CurrentIds("case"), (std::vector<std::string>{"c2", "c1-v3"}));  // in log order
}

TEST_F(SubmitTest, DryRunWritesNothing) {
  SubmitOptions opts;
  opts.dry_run = true;
  auto rep = MustSubmit(kBase, opts);
  EXPECT_EQ(rep.accepted, 4u);
  EXPECT_FALSE(rep.written);
  EXPECT_EQ(log_->size(), 0u);
}

TEST_F(SubmitTest, StoreFailureWritesNothingAndSaysHowFarItGot) {
  mem_->InjectFailure(store::MemoryStore::Op::kApply, IoError("No space left on device"), 0, true);
  auto r = Submit(Parse(kBase), *mem_, log_.get(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_NE(r.status().message().find("appended 0 of 4"), std::string::npos) << r.status().message();
  EXPECT_TRUE(CurrentIds().empty());
}

// A reader whose lookups of stored records fail (the database went away
// while the records were checked); ids never stored are NotFound.
class LostReader : public store::MemoryStore {
 public:
  LostReader() : MemoryStore("example.org/records") {}
  Result<store::RecordRow> FindRecord(const std::string& id) override {
    if (id == "m2") return NotFoundError("no record m2");
    return UnavailableError("the database went away");
  }
};

TEST_F(SubmitTest, AReaderThatFailsIsAnErrorNotARejection) {
  MustSubmit(kBase);
  LostReader reader;
  auto r = Submit(Parse({R"({"kind":"movement","id":"m2","case":"c1","route":"r1","date":"2023-01-05",)"
                         R"("direction":"in","operator":"ICRC","sources":["s1"]})"}),
                  reader, log_.get(), {});
  ASSERT_FALSE(r.ok()) << "rejected " << r->rejected << " as if the references were missing";
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().message();
  EXPECT_NE(r.status().message().find("the database went away"), std::string::npos) << r.status().message();
  EXPECT_EQ(log_->size(), 4u);
}

TEST_F(SubmitTest, CorroborationIsComputedFromSourcesClaimsAndRetractions) {
  MustSubmit(kBase);
  auto c = Corroborate(*mem_, "rs1");
  ASSERT_OK(c);
  EXPECT_EQ(c->status, "single-source");
  EXPECT_EQ(c->publishers, (std::vector<std::string>{"ICRC"}));
  // A second source from the same publisher does not corroborate.
  MustSubmit({R"({"kind":"source","id":"s2","case":"c1","publisher":"ICRC","title":"Another statement"})",
              R"({"kind":"claim","id":"cl1","case":"c1","about":"rs1","stance":"confirms","party":"ICRC","text":"Yes","sources":["s2"]})"});
  EXPECT_EQ(Corroborate(*mem_, "rs1")->status, "single-source");
  // An independent publisher does.
  MustSubmit({R"({"kind":"source","id":"s3","case":"c1","publisher":"Reuters","title":"Report"})",
              R"({"kind":"claim","id":"cl2","case":"c1","about":"rs1","stance":"confirms","party":"Reuters","text":"Seen","sources":["s3"]})"});
  c = Corroborate(*mem_, "rs1");
  EXPECT_EQ(c->status, "corroborated");
  EXPECT_EQ(c->publishers, (std::vector<std::string>{"ICRC", "Reuters"}));
  EXPECT_EQ(c->confirmed_by, (std::vector<std::string>{"cl1", "cl2"}));
  // A party disputes it.
  MustSubmit({R"({"kind":"source","id":"s4","case":"c1","publisher":"Ministry","title":"Denial","publisher_type":"party"})",
              R"({"kind":"claim","id":"cl3","case":"c1","about":"rs1","stance":"disputes","party":"Ministry","text":"The road is open","sources":["s4"]})"});
  c = Corroborate(*mem_, "rs1");
  EXPECT_EQ(c->status, "disputed");
  EXPECT_EQ(c->disputed_by, (std::vector<std::string>{"Ministry"}));
  // The dispute is withdrawn: retracting the claim.
  MustSubmit({R"({"kind":"retraction","id":"rt-cl3","case":"c1","retracts":"cl3","reason":"withdrawn"})"});
  EXPECT_EQ(Corroborate(*mem_, "rs1")->status, "corroborated");
  MustSubmit({R"({"kind":"retraction","id":"rt-rs1","case":"c1","retracts":"rs1","reason":"wrong date"})"});
  EXPECT_EQ(Corroborate(*mem_, "rs1")->status, "retracted");
}

// Bounded by a tree size, corroboration is what the log held then: each
// step of the history above, read back after all of it.
TEST_F(SubmitTest, CorroborationAtATreeSizeIgnoresLaterRecords) {
  MustSubmit(kBase);
  std::vector<std::pair<uint64_t, std::string>> then{{log_->size(), "single-source"}};
  MustSubmit({R"({"kind":"source","id":"s3","case":"c1","publisher":"Reuters","title":"Report"})",
              R"({"kind":"claim","id":"cl2","case":"c1","about":"rs1","stance":"confirms","party":"Reuters","text":"Seen","sources":["s3"]})"});
  then.emplace_back(log_->size(), "corroborated");
  MustSubmit({R"({"kind":"source","id":"s4","case":"c1","publisher":"Ministry","title":"Denial","publisher_type":"party"})",
              R"({"kind":"claim","id":"cl3","case":"c1","about":"rs1","stance":"disputes","party":"Ministry","text":"The road is open","sources":["s4"]})"});
  then.emplace_back(log_->size(), "disputed");
  MustSubmit({R"({"kind":"retraction","id":"rt-cl3","case":"c1","retracts":"cl3","reason":"withdrawn"})"});
  then.emplace_back(log_->size(), "corroborated");
  MustSubmit({R"({"kind":"retraction","id":"rt-rs1","case":"c1","retracts":"rs1","reason":"wrong date"})"});
  then.emplace_back(log_->size(), "retracted");
  for (const auto& [size, status] : then) {
    auto c = Corroborate(*mem_, "rs1", size);
    ASSERT_OK(c);
    EXPECT_EQ(c->status, status) << "at tree size " << size;
  }
  EXPECT_EQ(Corroborate(*mem_, "rs1", 1).status().code(), ErrorCode::kNotFound) << "rs1 before it was logged";
}


// A resolver over a fixed map, optionally claiming thread safety so that
// CheckBatch spreads the batch over several threads.
class ThreadedResolver : public Resolver {
 public:
  ThreadedResolver(std::map<std::string, std::string> kinds, bool thread_safe)
      : kinds_(std::move(kinds)), thread_safe_(thread_safe) {}
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto it = kinds_.find(id);
    if (it == kinds_.end()) return std::nullopt;
    return it->second;
  }
  bool ThreadSafe() const override { return thread_safe_; }

 private:
  std::map<std::string, std::string> kinds_;
  bool thread_safe_;
};

TEST(CheckBatchTest, ParallelCheckEqualsSerialCheck) {
  // Enough records for several threads, with problems scattered through the
  // batch: bad fields, duplicate ids, references to rejected records (found
  // in a later pass), forward references, and records already in the log.
  std::vector<std::string> lines;
  std::string mv10;
  for (int i = 0; i < 5000; ++i) {
    std::string id = "mv-" + std::to_string(i);
    std::string route = i % 97 == 5 ? "nowhere" : "road";
    std::string date = i % 101 == 7 ? "2023-02-30" : "2023-01-01";
    if (i % 113 == 11) id = "mv-3";  // a duplicate id
    lines.push_back(R"({"kind":"movement","id":")" + id + R"(","case":"c","route":")" + route + R"(","date":")" +
                    date + R"(","direction":"in","operator":"ICRC","vehicles":)" + std::to_string(i % 7) +
                    R"(,"sources":["s"]})");
    if (i == 10) mv10 = lines.back();
    if (i % 89 == 3) {  // a claim about this movement, and one about a later record
      lines.push_back(R"({"kind":"claim","id":"cl-)" + std::to_string(i) + R"(","case":"c","about":")" + id +
                      R"(","stance":"disputes","party":"A","text":"no","sources":["s"]})");
      lines.push_back(R"({"kind":"claim","id":"cf-)" + std::to_string(i) + R"(","case":"c","about":"mv-)" +
                      std::to_string(i + 1) + R"(","stance":"confirms","party":"B","text":"yes","sources":["s"]})");
    }
  }
  auto parse = [&] {
    std::vector<Candidate> out;
    for (size_t i = 0; i < lines.size(); ++i) {
      auto j = ParseJson(lines[i]);
      EXPECT_OK(j);
      out.push_back(Candidate{"t.jsonl:" + std::to_string(i + 1), *j});
    }
    return out;
  };
  const std::map<std::string, std::string> known = {{"c", "case"}, {"s", "source"}, {"road", "route"}};
  // mv-10 is "already in the log" with the same content, mv-12 with other
  // content (mv-11 is no candidate: its id became the duplicate mv-3).
  ExistingFn existing = [&](const std::string& id) -> Result<std::optional<store::RecordRow>> {
    if (id != "mv-10" && id != "mv-12") return std::optional<store::RecordRow>();
    store::RecordRow row;
    row.id = id;
    row.body = id == "mv-10" ? mv10 : R"({"kind":"movement","id":"mv-12"})";
    return std::optional<store::RecordRow>(row);
  };
  SubmitOptions opts;
  struct Out {
    SubmitReport rep;
    std::vector<std::string> entries;
    std::vector<store::RecordRow> rows;
  };
  auto run = [&](bool parallel) {
    Out o;
    ThreadedResolver outer(known, parallel);
    auto cands = parse();
    Status s = CheckBatch(cands, outer, existing, opts, "2023-07-10T12:00:00Z", &o.rep, &o.entries, &o.rows);
    EXPECT_OK(s);
    return o;
  };
  Out serial = run(false), parallel = run(true);
  EXPECT_GT(serial.rep.rejected, 100u);
  EXPECT_GT(serial.rep.accepted + serial.entries.size(), 4000u);
  EXPECT_EQ(serial.rep.unchanged, 1u);  // mv-10; mv-12 is rejected (other content)
  EXPECT_EQ(serial.rep.candidates, parallel.rep.candidates);
  EXPECT_EQ(serial.rep.rejected, parallel.rep.rejected);
  EXPECT_EQ(serial.rep.unchanged, parallel.rep.unchanged);
  ASSERT_EQ(serial.rep.rejections.size(), parallel.rep.rejections.size());
  size_t conflicts = 0;
  for (size_t i = 0; i < serial.rep.rejections.size(); ++i) {
    const Rejection& r = serial.rep.rejections[i];
    EXPECT_EQ(r.ToString(), parallel.rep.rejections[i].ToString());
    EXPECT_EQ(r.cause, parallel.rep.rejections[i].cause);
    // Only mv-12, in the log with other content, is an id conflict; a
    // duplicate id within the batch (mv-3) is not.
    if (r.cause == Rejection::Cause::kIdConflict) {
      ++conflicts;
      EXPECT_EQ(r.id, "mv-12");
      EXPECT_EQ(r.field, "id");
    }
  }
  EXPECT_EQ(conflicts, 1u);
  EXPECT_EQ(serial.entries, parallel.entries);
  EXPECT_EQ(serial.rows, parallel.rows);
}

}  // namespace
}  // namespace lifeline::record
