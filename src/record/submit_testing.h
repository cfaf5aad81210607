// For tests of submission: a log over a memory store, and records given as
// JSON lines of a file named `file_` (rejections say "<file_>:<line>").
#ifndef LIFELINE_RECORD_SUBMIT_TESTING_H_
#define LIFELINE_RECORD_SUBMIT_TESTING_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status_testing.h"
#include "log/log.h"
#include "note/note.h"
#include "record/canonical.h"
#include "record/submit.h"
#include "store/memory/memory_store.h"

namespace lifeline::record {

inline note::Signer TestSigner() {
  crypto::Ed25519Seed seed{};
  seed[3] = 3;
  return note::Signer("example.org/records", seed);
}

class SubmitFixture : public ::testing::Test {
 protected:
  explicit SubmitFixture(std::string file = "test.jsonl") : file_(std::move(file)) {}

  void SetUp() override {
    auto mem = std::make_unique<store::MemoryStore>("example.org/records");
    mem_ = mem.get();
    auto l = log::Log::Open(std::move(mem), TestSigner());
    ASSERT_OK(l);
    log_ = std::move(*l);
  }

  // `lines` as candidates from lines first_line, first_line + 1, ...
  std::vector<Candidate> Parse(const std::vector<std::string>& lines, size_t first_line = 1) const {
    std::vector<Candidate> out;
    for (size_t i = 0; i < lines.size(); ++i) {
      auto j = ParseJson(lines[i]);
      EXPECT_TRUE(j.ok()) << lines[i];
      out.push_back(Candidate{file_ + ":" + std::to_string(first_line + i), *j});
    }
    return out;
  }

  // Submits `lines` (recorded at a fixed time unless opts says otherwise).
  SubmitReport MustSubmit(const std::vector<std::string>& lines, SubmitOptions opts = SubmitOptions()) {
    if (opts.recorded.empty()) opts.recorded = "2023-07-10T12:00:00Z";
    auto r = Submit(Parse(lines), *mem_, log_.get(), opts);
    EXPECT_OK(r);
    return r.ok() ? *r : SubmitReport{};
  }

  // The current records of `kind` ("" = all), in log order.
  std::vector<std::string> CurrentIds(const std::string& kind = "") {
    std::vector<std::string> ids;
    store::RecordQuery q;
    q.kind = kind;
    EXPECT_OK(mem_->ForEachRecord(q, [&](const store::RecordRow& r) {
      ids.push_back(r.id);
      return Status::Ok();
    }));
    return ids;
  }

  const std::string file_;
  store::MemoryStore* mem_ = nullptr;
  std::unique_ptr<log::Log> log_;
};

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_SUBMIT_TESTING_H_
