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
#include "store/memory/memory_store.h"

namespace lifeline::analysis {

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

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_ANALYSIS_TESTING_H_
