// Test helpers: a log over an in-memory store, records submitted through
// record::Submit (the one path records take in production), and the
// dataset loaded back at a checkpoint.
#ifndef LIFELINE_ANALYSIS_ANALYSIS_TESTING_H_
#define LIFELINE_ANALYSIS_ANALYSIS_TESTING_H_

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "log/log.h"
#include "record/canonical.h"
#include "record/projection.h"
#include "record/submit.h"
#include "record/values.h"
#include "store/memory/memory_store.h"

namespace lifeline::analysis {

// Day `s` (YYYY-MM-DD) as days since 1970-01-01, for expected values.
inline int32_t D(const char* s) { return static_cast<int32_t>(record::ParseDate(s)->days); }

class TestLog {
 public:
  TestLog() {
    crypto::Ed25519Seed seed{};
    seed[5] = 5;
    auto mem = std::make_unique<store::MemoryStore>("example.org/analysis");
    mem_ = mem.get();
    note::Signer signer("example.org/analysis", seed);
    verifier_ = signer.verifier();
    auto l = log::Log::Open(std::move(mem), signer);
    if (!l.ok()) std::abort();
    log_ = std::move(*l);
  }

  // Submits `lines` (JSON records) as one submission; an error when any is
  // rejected.
  Status TrySubmit(const std::vector<std::string>& lines) {
    std::vector<record::Candidate> cands;
    for (size_t i = 0; i < lines.size(); ++i) {
      LIFELINE_ASSIGN_OR_RETURN(nlohmann::json j, record::ParseJson(lines[i]));
      cands.push_back({"test:" + std::to_string(i + 1), std::move(j)});
    }
    record::SubmitOptions opts;
    opts.recorded = "2024-01-01T00:00:00Z";
    LIFELINE_ASSIGN_OR_RETURN(record::SubmitReport rep, record::Submit(std::move(cands), *mem_, log_.get(), opts));
    if (!rep.rejections.empty()) return InvalidArgumentError(rep.rejections[0].ToString());
    return Status::Ok();
  }

  // As TrySubmit; the test fails on any rejection.
  void Submit(const std::vector<std::string>& lines) {
    Status s = TrySubmit(lines);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Appends `lines` as entries with their projections, past every check of
  // record::Submit: a log written before a check existed.
  void AppendUnchecked(const std::vector<std::string>& lines) {
    std::vector<std::string> entries;
    std::vector<store::RecordRow> rows;
    for (const auto& line : lines) {
      auto j = record::ParseJson(line);
      ASSERT_TRUE(j.ok()) << line;
      (*j)["recorded"] = "2024-01-01T00:00:00Z";
      (*j)["by"] = "cli";
      auto body = record::Canonicalize(*j);
      ASSERT_TRUE(body.ok());
      auto row = record::ProjectRecord(*j, *body);
      ASSERT_TRUE(row.ok()) << row.status().ToString();
      entries.push_back(*body);
      rows.push_back(std::move(*row));
    }
    auto r = log_->AppendMany(std::move(entries), std::move(rows)).get();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  store::MemoryStore& store() { return *mem_; }
  const note::Verifier& verifier() const { return *verifier_; }
  uint64_t size() const { return log_->size(); }

  // The dataset at the latest checkpoint (or the one of size `at`).
  Result<Dataset> Load(const std::string& case_id, std::optional<uint64_t> at = std::nullopt) {
    LIFELINE_ASSIGN_OR_RETURN(CheckpointRef cp, ResolveCheckpoint(*mem_, at));
    return LoadDataset(*mem_, case_id, cp);
  }

 private:
  store::MemoryStore* mem_ = nullptr;
  std::unique_ptr<log::Log> log_;
  std::optional<note::Verifier> verifier_;
};

// An obligation of case c1 (route r1) with rule `rule` (JSON), titled by its id.
inline std::string ObligationWithRule(const std::string& id, const std::string& rule) {
  return R"({"kind":"obligation","id":")" + id + R"(","case":"c1","instrument":"agreement","title":")" + id +
         R"(","issued":"2023-01-01","sources":["s1"],"rule":)" + rule + "}";
}

// One obligation of case c1 of each rule type but flow_at_least (whose
// terms a test picks): ob-open (r1 open for cargo both ways), ob-power
// (electricity restored in Gaza), ob-medical (medical allowed in on r1),
// ob-scale (not evaluable).
inline std::vector<std::string> ObligationsOfEachRuleType() {
  return {ObligationWithRule("ob-open", R"({"type":"route_open","route":"r1","for":["cargo"],"directions":["in","out"],
              "from":"2023-01-01"})"),
          ObligationWithRule("ob-power", R"({"type":"service_restored","utility":"electricity","area":"Gaza",
              "from":"2023-01-01"})"),
          ObligationWithRule("ob-medical", R"({"type":"commodity_allowed","commodity":"medical","routes":["r1"],
              "directions":["in"],"from":"2023-01-01"})"),
          ObligationWithRule("ob-scale", R"({"type":"not_evaluable","reason":"\"at scale\" names no quantity"})")};
}

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_ANALYSIS_TESTING_H_
