#include "record/submit.h"

#include <chrono>
#include <ctime>
#include <deque>
#include <map>
#include <unordered_map>

#include "record/canonical.h"
#include "record/projection.h"
#include "record/schema.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

// The records of this batch that are still candidates, then `outer` (the
// store, and for a chunked import the earlier chunks). References may point
// forward within a batch: a source names its case, and the case cites that
// source.
class BatchResolver : public Resolver {
 public:
  explicit BatchResolver(const Resolver& outer) : outer_(outer) {}
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto it = batch_.find(id);
    if (it != batch_.end()) return it->second;
    return outer_.KindOf(id);
  }
  std::unordered_map<std::string, std::string>& batch() { return batch_; }

 private:
  const Resolver& outer_;
  std::unordered_map<std::string, std::string> batch_;
};

class StoreResolver : public Resolver {
 public:
  explicit StoreResolver(store::LogStore& store) : store_(store) {}
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto row = store_.FindRecord(id);
    if (row.ok()) return row->kind;
    return std::nullopt;
  }

 private:
  store::LogStore& store_;
};

std::string IdOf(const json& rec) {
  if (rec.is_object() && rec.contains("id") && rec.at("id").is_string()) return rec.at("id").get<std::string>();
  return "";
}

}  // namespace

std::string Rejection::ToString() const {
  std::string s = where + ": ";
  if (!id.empty()) s += "record " + id + ": ";
  if (!field.empty()) s += field + ": ";
  return s + message;
}

std::string NowUtc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> ContentOf(json rec) {
  if (rec.is_object()) {
    rec.erase("recorded");
    rec.erase("by");
  }
  return Canonicalize(rec);
}

Status CheckBatch(std::vector<Candidate>& candidates, const Resolver& outer, const ExistingFn& existing_fn,
                  const SubmitOptions& options, const std::string& recorded, SubmitReport* report,
                  std::vector<std::string>* entries_out, std::vector<store::RecordRow>* rows_out) {
  SubmitReport& rep = *report;
  rep.candidates += candidates.size();
  BatchResolver resolver(outer);

  enum class State { kPending, kUnchanged, kRejected };
  std::vector<State> state(candidates.size(), State::kPending);
  std::vector<std::vector<Rejection>> problems(candidates.size());
  // Ids first, so that references can point anywhere in the submission. A
  // repeated id is rejected, after its other problems are found too.
  std::map<std::string, size_t> owner;
  std::vector<std::optional<size_t>> duplicate_of(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const json& rec = candidates[i].record;
    std::string id = IdOf(rec);
    if (id.empty() || !rec.contains("kind") || !rec.at("kind").is_string()) continue;
    if (owner.count(id)) {
      duplicate_of[i] = owner[id];
      continue;
    }
    owner[id] = i;
    resolver.batch()[id] = rec.at("kind").get<std::string>();
  }
  // Validate until no new rejection: a record that refers to a rejected one
  // is rejected in the next pass.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (state[i] != State::kPending) continue;
      const Candidate& c = candidates[i];
      const std::string id = IdOf(c.record);
      std::vector<Rejection> found;
      for (auto& e : Validate(c.record, &resolver, ValidateOptions{options.preserve_stamps})) {
        found.push_back(Rejection{c.where, id, e.field, e.message});
      }
      if (duplicate_of[i]) {
        found.push_back(Rejection{c.where, id, "id",
                                  "\"" + id + "\" is also the id of " + candidates[*duplicate_of[i]].where});
      }
      if (found.empty() && !id.empty()) {
        auto existing_or = existing_fn(id);
        if (!existing_or.ok()) return existing_or.status().Annotate("looking up " + id);
        if (existing_or->has_value()) {
          const store::RecordRow* existing = &**existing_or;
          auto old_content = ContentOf(json::parse(existing->body, nullptr, false));
          auto new_content = ContentOf(c.record);
          if (old_content.ok() && new_content.ok() && *old_content == *new_content) {
            state[i] = State::kUnchanged;
            continue;
          }
          found.push_back(Rejection{c.where, id, "id",
                                    "\"" + id + "\" is already in the log (entry " + std::to_string(existing->index) +
                                        ") with different content; submit a correction with a new id and "
                                        "\"supersedes\": \"" + id + "\""});
        }
      }
      if (!found.empty()) {
        problems[i] = std::move(found);
        state[i] = State::kRejected;
        if (!id.empty() && owner.count(id) && owner[id] == i) resolver.batch().erase(id);
        changed = true;
      }
    }
  }

  std::vector<std::string>& entries = *entries_out;
  std::vector<store::RecordRow>& rows = *rows_out;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (state[i] == State::kUnchanged) {
      ++rep.unchanged;
      continue;
    }
    if (state[i] == State::kPending) {
      const std::string id_i = IdOf(candidates[i].record);
      json stamped = std::move(candidates[i].record);
      if (!options.preserve_stamps || !stamped.contains("recorded")) stamped["recorded"] = recorded;
      if (!options.preserve_stamps || !stamped.contains("by")) stamped["by"] = options.principal;
      auto body = Canonicalize(stamped);
      Result<store::RecordRow> row = body.ok() ? ProjectRecord(stamped, *body) : Result<store::RecordRow>(body.status());
      if (row.ok()) {
        rep.accepted_ids.push_back(row->id);
        entries.push_back(std::move(*body));
        rows.push_back(std::move(*row));
        continue;
      }
      problems[i].push_back(Rejection{candidates[i].where, id_i, "", row.status().message()});
    }
    ++rep.rejected;
    for (auto& p : problems[i]) rep.rejections.push_back(std::move(p));
  }
  return Status::Ok();
}

Result<SubmitReport> Submit(std::vector<Candidate> candidates, store::LogStore& reader, log::Log* log,
                            const SubmitOptions& options) {
  if (log == nullptr && !options.dry_run) return InvalidArgumentError("Submit: no log to write to");
  SubmitReport rep;
  StoreResolver outer(reader);
  ExistingFn existing = [&](const std::string& id) -> Result<std::optional<store::RecordRow>> {
    auto row = reader.FindRecord(id);
    if (row.ok()) return std::optional<store::RecordRow>(std::move(*row));
    if (row.status().code() == ErrorCode::kNotFound) return std::optional<store::RecordRow>();
    return row.status();
  };
  const std::string recorded = options.recorded.empty() ? NowUtc() : options.recorded;
  std::vector<std::string> entries;
  std::vector<store::RecordRow> rows;
  LIFELINE_RETURN_IF_ERROR(CheckBatch(candidates, outer, existing, options, recorded, &rep, &entries, &rows));
  rep.accepted += entries.size();
  if (options.dry_run || entries.empty() || (options.all_or_nothing && rep.rejected > 0)) return rep;
  LIFELINE_RETURN_IF_ERROR(AppendRecords(log, std::move(entries), std::move(rows), options, &rep));
  return rep;
}

Status AppendRecords(log::Log* log, std::vector<std::string> entries, std::vector<store::RecordRow> rows,
                     const SubmitOptions& options, SubmitReport* report) {
  SubmitReport& rep = *report;
  // Append in batches, two in flight; each batch is one signed checkpoint.
  std::deque<std::future<Result<uint64_t>>> inflight;
  std::deque<size_t> sizes;
  uint64_t done = 0;
  Status failure;
  auto wait_one = [&] {
    auto r = inflight.front().get();
    inflight.pop_front();
    if (r.ok()) {
      if (!rep.first_index) rep.first_index = *r;
      done += sizes.front();
      rep.appended += sizes.front();
      if (options.progress) options.progress(rep.appended, rep.accepted);
    } else if (failure.ok()) {
      failure = r.status();
    }
    sizes.pop_front();
  };
  const size_t batch = options.batch == 0 ? 10000 : options.batch;
  for (size_t i = 0; i < entries.size() && failure.ok(); i += batch) {
    size_t end = std::min(entries.size(), i + batch);
    std::vector<std::string> es(std::make_move_iterator(entries.begin() + static_cast<ptrdiff_t>(i)),
                                std::make_move_iterator(entries.begin() + static_cast<ptrdiff_t>(end)));
    std::vector<store::RecordRow> rs(std::make_move_iterator(rows.begin() + static_cast<ptrdiff_t>(i)),
                                     std::make_move_iterator(rows.begin() + static_cast<ptrdiff_t>(end)));
    sizes.push_back(es.size());
    inflight.push_back(log->AppendMany(std::move(es), std::move(rs)));
    if (inflight.size() >= 2) wait_one();
  }
  while (!inflight.empty()) wait_one();
  rep.written = rep.appended > 0;
  if (!failure.ok()) {
    return failure.Annotate("appended " + std::to_string(rep.appended) + " of " + std::to_string(rep.accepted) +
                            " records before the failure (importing again adds only the rest)");
  }
  return Status::Ok();
}

}  // namespace lifeline::record
