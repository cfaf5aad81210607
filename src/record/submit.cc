#include "record/submit.h"

#include <chrono>
#include <ctime>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "base/kinds.h"
#include "base/parallel.h"
#include "merkle/tile.h"
#include "record/canonical.h"
#include "record/hints.h"
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
  struct Entry {
    std::string kind, case_id;
  };
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto it = batch_.find(id);
    if (it != batch_.end()) return it->second.kind;
    return outer_.KindOf(id);
  }
  std::optional<std::string> CaseOf(const std::string& id) const override {
    auto it = batch_.find(id);
    if (it != batch_.end()) return it->second.case_id;
    return outer_.CaseOf(id);
  }
  bool ThreadSafe() const override { return outer_.ThreadSafe(); }
  // Keys point into the caller's ids, which outlive the resolver.
  std::unordered_map<std::string_view, Entry>& batch() { return batch_; }

 private:
  const Resolver& outer_;
  std::unordered_map<std::string_view, Entry> batch_;
};

// The store's records. A lookup that fails other than NotFound (a lost
// database) answers "not known" and is kept: the caller returns error()
// instead of the rejections it caused, which would blame the records.
class StoreResolver : public Resolver {
 public:
  explicit StoreResolver(store::LogStore& store) : store_(store) {}
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto row = Find(id);
    if (row) return row->kind;
    return std::nullopt;
  }
  std::optional<std::string> CaseOf(const std::string& id) const override {
    auto row = Find(id);
    if (row) return row->case_id;
    return std::nullopt;
  }
  // The first lookup that failed other than NotFound, else OK.
  const Status& error() const { return error_; }

 private:
  std::optional<store::RecordRow> Find(const std::string& id) const {
    auto row = store_.FindRecord(id);
    if (row.ok()) return std::move(*row);
    if (row.status().code() != ErrorCode::kNotFound && error_.ok()) {
      error_ = row.status().Annotate("checking the references to \"" + id + "\"");
    }
    return std::nullopt;
  }

  store::LogStore& store_;
  mutable Status error_;  // not thread-safe: ThreadSafe() is false
};

// The string member `key` of `rec`, else "": a view into `rec`, valid while
// it is unchanged. One lookup and no copy: these run once or more per
// record on the thread that orders the batch.
std::string_view StringOr(const json& rec, const char* key) {
  if (!rec.is_object()) return {};
  auto it = rec.find(key);
  if (it == rec.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

// As StringOr, but null when the member is missing or not a string (an
// empty string is a string).
const std::string* StringMember(const json& rec, const char* key) {
  if (!rec.is_object()) return nullptr;
  auto it = rec.find(key);
  if (it == rec.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

std::string IdOf(const json& rec) { return std::string(StringOr(rec, "id")); }

// The case a record belongs to: its `case`, or a case record's own id.
std::string_view CaseIdOf(const json& rec) {
  std::string_view c = StringOr(rec, "case");
  if (c.empty() && StringOr(rec, "kind") == kinds::kCase) c = StringOr(rec, "id");
  return c;
}

// --- Plausible dates and vocabularies (docs/records.md) ---

// What each candidate is checked against from its case's current case
// record (the last one in the batch, else `case_record`'s): the window its
// dates must fall in, around the day the record is stamped with, and the
// terms the case adds to the vocabularies (null: none).
struct CaseChecks {
  std::vector<std::optional<DateWindow>> windows;
  std::vector<std::shared_ptr<const CaseVocabulary>> vocabularies;
};

Result<CaseChecks> CaseChecksOf(const std::vector<Candidate>& candidates, const SubmitOptions& options,
                                const std::string& recorded, const CaseRecordFn& case_record) {
  auto day_of = [](const std::string& t) -> std::optional<Day> {
    auto secs = ParseDateTime(t);
    if (!secs.ok()) return std::nullopt;
    return Day{*secs >= 0 ? *secs / 86400 : -((-*secs + 86399) / 86400)};
  };
  const std::optional<Day> today = day_of(recorded);
  // Keys are views into the candidates, which outlive these maps.
  std::unordered_map<std::string_view, const json*> in_batch;
  for (const Candidate& c : candidates) {
    if (StringOr(c.record, "kind") == kinds::kCase && !CaseIdOf(c.record).empty()) in_batch[CaseIdOf(c.record)] = &c.record;
  }
  std::unordered_map<std::string_view, std::optional<json>> stored;
  std::unordered_map<const json*, std::shared_ptr<const CaseVocabulary>> vocabulary_of;
  CaseChecks checks;
  std::vector<std::optional<DateWindow>>& out = checks.windows;
  out.resize(candidates.size());
  checks.vocabularies.resize(candidates.size());
  std::optional<DateWindow> last;
  const json* last_profile = nullptr;
  Day last_ref{0};
  for (size_t i = 0; i < candidates.size(); ++i) {
    const json& rec = candidates[i].record;
    std::optional<Day> ref = today;
    if (options.preserve_stamps && rec.is_object() && rec.contains("recorded") && rec.at("recorded").is_string()) {
      if (auto own = day_of(rec.at("recorded").get<std::string>())) ref = own;
    }
    const std::string_view case_id = CaseIdOf(rec);
    const json* profile = nullptr;
    if (auto it = in_batch.find(case_id); it != in_batch.end()) {
      profile = it->second;
    } else if (!case_id.empty() && case_record) {
      auto [it2, fresh] = stored.try_emplace(case_id);
      if (fresh) {
        LIFELINE_ASSIGN_OR_RETURN(it2->second, case_record(std::string(case_id)));
      }
      if (it2->second) profile = &*it2->second;
    }
    if (profile != nullptr) {
      auto [v, fresh] = vocabulary_of.try_emplace(profile);
      if (fresh) v->second = std::make_shared<const CaseVocabulary>(VocabularyOf(profile));
      checks.vocabularies[i] = v->second;
    }
    if (!ref) continue;
    // Most records share their case and day: the window is computed once
    // for each run of them.
    if (!last || profile != last_profile || ref->days != last_ref.days) {
      last = PlausibleDates(profile, *ref);
      last_profile = profile;
      last_ref = *ref;
    }
    out[i] = last;
  }
  return checks;
}

// --- Corrections: after what they correct, never in a cycle ---

// Within one batch a reference may point forward, but a correction must
// come after the record it corrects: the log then never holds a record
// superseded by an earlier entry, and no cycle of supersedes can be
// submitted (across batches the record corrected is already in the log).
// Adds a problem to each record in a cycle, and to each correction placed
// before the record it corrects.
void CheckCorrectionOrder(const std::vector<Candidate>& candidates, const std::vector<std::string>& ids,
                          const std::unordered_map<std::string_view, size_t>& owner,
                          std::vector<std::vector<Rejection>>& problems) {
  const size_t n = candidates.size();
  auto target_of = [&](size_t i) -> std::optional<size_t> {
    std::string_view t = StringOr(candidates[i].record, "supersedes");
    if (t.empty()) return std::nullopt;
    auto it = owner.find(t);
    if (it == owner.end() || it->second == i) return std::nullopt;  // in the store; itself: Validate says so
    return it->second;
  };
  std::vector<bool> in_cycle(n, false);
  for (size_t i = 0; i < n; ++i) {
    auto j = target_of(i);
    if (!j || *j < i || in_cycle[i]) continue;
    // Follow the chain from i: back to i is a cycle (at most n steps).
    std::vector<size_t> chain = {i};
    std::optional<size_t> cur = j;
    while (cur && *cur != i && chain.size() <= n) {
      chain.push_back(*cur);
      cur = target_of(*cur);
    }
    if (cur && *cur == i) {
      std::string path;
      for (size_t k : chain) path += "\"" + ids[k] + "\" supersedes ";
      path += "\"" + ids[i] + "\"";
      for (size_t k : chain) {
        in_cycle[k] = true;
        problems[k].push_back(Rejection{candidates[k].where, ids[k], "supersedes",
                                        "forms a cycle of corrections: " + path,
                                        "break the cycle: the first record of the chain corrects nothing, so leave its "
                                        "supersedes out (" + RecordsDoc("How records enter") + ")"});
      }
      continue;
    }
    problems[i].push_back(Rejection{candidates[i].where, ids[i], "supersedes",
                                    "refers to \"" + ids[*j] + "\", which comes later in this submission (" +
                                        candidates[*j].where +
                                        "): a correction must come after the record it corrects",
                                    "move this record after \"" + ids[*j] + "\" in the file, or into a later import (" +
                                        RecordsDoc("How records enter") + ")"});
  }
}

// --- Entry size ---

// The member of `v` (at `path`) that takes most of its bytes, descending
// while one child holds most of its parent: "description", "cargo[3].note".
std::pair<std::string, size_t> LargestField(const json& v, const std::string& path, size_t size) {
  std::string best_path;
  size_t best = 0;
  const json* best_value = nullptr;
  auto consider = [&](const json& child, const std::string& child_path) {
    auto c = Canonicalize(child);
    size_t n = c.ok() ? c->size() : child.dump().size();
    if (n > best) {
      best = n;
      best_path = child_path;
      best_value = &child;
    }
  };
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) consider(it.value(), path.empty() ? it.key() : path + "." + it.key());
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) consider(v[i], path + "[" + std::to_string(i) + "]");
  }
  if (best_value == nullptr || (!path.empty() && best * 2 < size)) return {path, size};
  if (best_value->is_structured()) return LargestField(*best_value, best_path, best);
  return {best_path, best};
}

// A rejection when the entry (the canonical, stamped, sealed record: the
// bytes the log stores) is over the limit of a tlog-tiles entry bundle.
std::optional<Rejection> CheckEntrySize(const Candidate& c, const std::string& id, const json& stamped,
                                        const std::string& entry) {
  if (entry.size() <= merkle::kMaxEntrySize) return std::nullopt;
  auto [field, bytes] = LargestField(stamped, "", entry.size());
  return Rejection{c.where, id, field,
                   "the record is " + std::to_string(entry.size()) + " bytes as the log would store it; the limit is " +
                       std::to_string(merkle::kMaxEntrySize) + " (tlog-tiles bundles store a 16-bit length); " +
                       (field.empty() ? std::string("no one field dominates")
                                      : "its largest field, " + field + ", is " + std::to_string(bytes) + " bytes") +
                       ": shorten it, or split the record",
                   "put a long text in a file kept as evidence (`lifeline evidence add`) and cite it, or split the "
                   "record into several (" + RecordsDoc("Input rules (checked at submission)") + ")"};
}

}  // namespace

CaseRecordFn StoreCaseRecords(store::LogStore& reader, std::set<std::string>* asked) {
  return [&reader, asked](const std::string& case_id) -> Result<std::optional<json>> {
    if (asked != nullptr) asked->insert(case_id);
    std::optional<json> found;
    store::RecordQuery q;
    q.kind = kinds::kCase;
    q.case_id = case_id;
    LIFELINE_RETURN_IF_ERROR(reader.ForEachRecord(q, [&](const store::RecordRow& r) {
      json j = json::parse(r.body, nullptr, false);
      if (j.is_object()) found = std::move(j);  // the latest current one
      return Status::Ok();
    }));
    return found;
  };
}

log::Log::Recheck CaseRecordsUnchanged(std::set<std::string> cases, std::set<std::string> own) {
  if (cases.empty()) return {};
  return [cases = std::move(cases), own = std::move(own)](store::LogStore& st, uint64_t checked_at) -> Status {
    for (const std::string& case_id : cases) {
      store::RecordQuery q;
      q.kind = kinds::kCase;
      q.case_id = case_id;
      q.from_index = checked_at;
      q.current_only = false;
      Status changed;
      LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& r) {
        if (changed.ok() && own.count(r.id) == 0) {
          changed = FailedPreconditionError(
              "another writer committed a case record of \"" + case_id + "\" (\"" + r.id + "\", entry " +
              std::to_string(r.index) + ") after these records' dates were checked against the one before it (at size " +
              std::to_string(checked_at) + "); none of them was written: submit them again");
        }
        return Status::Ok();
      }));
      if (!changed.ok()) return changed;
    }
    return Status::Ok();
  };
}

std::string Rejection::ToString() const {
  std::string s = where + ": ";
  if (!id.empty()) s += "record " + id + ": ";
  if (!field.empty()) s += field + ": ";
  return s + message + " (hint: " + hint + ")";
}

json Rejection::ToJson() const {
  return {{"where", where}, {"id", id}, {"field", field}, {"message", message}, {"hint", hint}};
}

std::string DuplicateIdHint(const std::string& id) {
  return "give one of the two records another id; if both say the same, keep one (ids are unique in a case: " +
         RecordsDoc("Envelope (every record)") + "); the logged record is `lifeline show " + id + "`";
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

namespace {

// One CheckBatch call: the candidates' ids and states and the problems found
// so far, shared by its phases (index the ids, validate, settle, project,
// reject oversized entries, collect the report). Lives on CheckBatch's stack.
class BatchCheck {
 public:
  enum class State { kPending, kUnchanged, kRejected };

  BatchCheck(std::vector<Candidate>& candidates, const Resolver& outer, const ExistingFn& existing_fn,
             const SubmitOptions& options)
      : candidates_(candidates),
        existing_fn_(existing_fn),
        options_(options),
        n_(candidates.size()),
        resolver_(outer),
        // Validation and canonical form are per record and pure: they run on
        // every core when the resolver allows it. Everything that orders
        // records (ids, duplicates, lookups in the store, the report) stays
        // on this thread.
        workers_(outer.ThreadSafe() ? DefaultWorkers() : 1),
        state_(n_, State::kPending),
        problems_(n_),
        ids_(n_),
        duplicate_of_(n_) {}

  // Ids first, so that references can point anywhere in the submission. A
  // repeated id is rejected, after its other problems are found too.
  void IndexIds() {
    owner_.reserve(n_);
    for (size_t i = 0; i < n_; ++i) {
      const json& rec = candidates_[i].record;
      ids_[i] = IdOf(rec);
      const std::string* kind = StringMember(rec, "kind");
      if (ids_[i].empty() || kind == nullptr) continue;
      auto [it, fresh] = owner_.emplace(ids_[i], i);
      if (!fresh) {
        duplicate_of_[i] = it->second;
        continue;
      }
      // RecordCase, from what is at hand: its `case`, else a case record's id.
      std::string_view case_id = StringOr(rec, "case");
      if (case_id.empty() && *kind == kinds::kCase) case_id = ids_[i];
      resolver_.batch()[ids_[i]] = {*kind, std::string(case_id)};
    }
  }

  Status ComputeWindows(const std::string& recorded, const CaseRecordFn& case_record) {
    LIFELINE_ASSIGN_OR_RETURN(CaseChecks checks, CaseChecksOf(candidates_, options_, recorded, case_record));
    windows_ = std::move(checks.windows);
    vocabularies_ = std::move(checks.vocabularies);
    return Status::Ok();
  }

  // First pass on every core; then, until nothing changes, a record that
  // refers to one rejected meanwhile is rejected too (rare: serial).
  Status ValidateAndSettle() {
    ParallelFor(n_, workers_, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) problems_[i] = ValidateAndSeal(i);
    });
    CheckCorrectionOrder(candidates_, ids_, owner_, problems_);
    bool changed = false;
    for (size_t i = 0; i < n_; ++i) {
      LIFELINE_ASSIGN_OR_RETURN(bool rejected, Settle(i, std::move(problems_[i])));
      changed |= rejected;
    }
    while (changed) {
      changed = false;
      for (size_t i = 0; i < n_; ++i) {
        if (state_[i] != State::kPending) continue;
        LIFELINE_ASSIGN_OR_RETURN(bool rejected, Settle(i, ValidateAndSeal(i)));
        changed |= rejected;
      }
    }
    return Status::Ok();
  }

  // Stamp, canonicalise and project the accepted records, on every core.
  void Project(const std::string& recorded) {
    projected_.assign(n_, Result<store::RecordRow>(InternalError("not projected")));
    ParallelFor(n_, workers_, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        if (state_[i] != State::kPending) continue;
        json& stamped = candidates_[i].record;
        if (!options_.preserve_stamps || !stamped.contains("recorded")) stamped["recorded"] = recorded;
        if (!options_.preserve_stamps || !stamped.contains("by")) stamped["by"] = options_.principal;
        auto body = Canonicalize(stamped);
        if (!body.ok()) {
          projected_[i] = body.status();
          continue;
        }
        projected_[i] = ProjectRecord(stamped, std::move(*body));
      }
    });
  }

  // An entry too large for the log is rejected here, so that a dry run
  // says so and nothing of an all-or-nothing import is appended. With
  // --partial, records that refer to it are rejected too (checked again
  // as stamped records, rare).
  void RejectOversized() {
    bool oversized = false;
    for (size_t i = 0; i < n_; ++i) {
      if (state_[i] != State::kPending || !projected_[i].ok()) continue;
      if (auto r = CheckEntrySize(candidates_[i], ids_[i], candidates_[i].record, projected_[i]->body)) {
        problems_[i].push_back(std::move(*r));
        state_[i] = State::kRejected;
        oversized = true;
        ForgetIfOwner(i);
      }
    }
    for (bool changed = oversized && !options_.all_or_nothing; changed;) {
      changed = false;
      for (size_t i = 0; i < n_; ++i) {
        if (state_[i] != State::kPending) continue;
        problems_[i].clear();
        for (auto& e : record::Validate(candidates_[i].record, &resolver_, ValidateOptions{true},
                                        windows_[i] ? &*windows_[i] : nullptr, vocabularies_[i].get())) {
          problems_[i].push_back(Rejection{candidates_[i].where, ids_[i], std::move(e)});
        }
        if (problems_[i].empty()) continue;
        state_[i] = State::kRejected;
        changed = true;
        ForgetIfOwner(i);
      }
    }
  }

  // Counts and rejections into the report; accepted entries and rows out.
  void Collect(SubmitReport& rep, std::vector<std::string>& entries, std::vector<store::RecordRow>& rows) {
    for (size_t i = 0; i < n_; ++i) {
      if (state_[i] == State::kUnchanged) {
        ++rep.unchanged;
        continue;
      }
      if (state_[i] == State::kPending) {
        if (projected_[i].ok()) {
          entries.push_back(projected_[i]->body);
          rows.push_back(std::move(*projected_[i]));
          continue;
        }
        problems_[i].push_back(Rejection{candidates_[i].where, ids_[i], "", projected_[i].status().message(),
                                         "the log stores canonical JSON (RFC 8785): keep integers within 2^53 and "
                                         "nesting shallow, e.g. give a large figure as a string in note (" +
                                             RecordsDoc("Input rules (checked at submission)") + ")"});
      }
      ++rep.rejected;
      for (auto& p : problems_[i]) rep.rejections.push_back(std::move(p));
    }
  }

 private:
  // A rejected record that owns its id leaves the batch's resolver, so that
  // references to it fail.
  void ForgetIfOwner(size_t i) {
    auto own = owner_.find(ids_[i]);
    if (own != owner_.end() && own->second == i) resolver_.batch().erase(std::string_view(ids_[i]));
  }

  std::vector<Rejection> ValidateAndSeal(size_t i) {
    std::vector<Rejection> found;
    for (auto& e : record::Validate(candidates_[i].record, &resolver_, ValidateOptions{options_.preserve_stamps},
                                    windows_[i] ? &*windows_[i] : nullptr, vocabularies_[i].get())) {
      found.push_back(Rejection{candidates_[i].where, ids_[i], std::move(e)});
    }
    // Seal before anything compares or canonicalises the record: from here
    // on it holds no plaintext confidential object. Sealing is idempotent,
    // so a record validated again (below) is unchanged by it.
    if (found.empty()) {
      Status sealed = SealRecord(&candidates_[i].record, options_.seal_key.get());
      if (!sealed.ok()) {
        std::string msg = sealed.message();
        const std::string prefix = "confidential: ";
        if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
        found.push_back(Rejection{candidates_[i].where, ids_[i], "confidential", msg,
                                  "give confidential as an object of plain-text fields, and check that the store's "
                                  "confidential.key is readable (" + RecordsDoc("Confidential fields: sealed in the log") +
                                      ")"});
      }
    }
    return found;
  }

  // A correction of a case record stays in its case: the record it
  // supersedes is that case's own record or a correction of it, never
  // another case's (which would give one case two current case records).
  Result<std::optional<std::string>> CaseOf(const std::string& target) {
    if (auto it = owner_.find(target); it != owner_.end()) {
      const json& r = candidates_[it->second].record;
      if (r.contains("case") && r.at("case").is_string()) return std::optional<std::string>(r.at("case").get<std::string>());
      return std::optional<std::string>(target);
    }
    LIFELINE_ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, existing_fn_(target));
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(row->case_id);
  }

  Status CheckCaseCorrection(size_t i, std::vector<Rejection>& found) {
    const json& rec = candidates_[i].record;
    if (!found.empty() || rec.value("kind", json()) != kinds::kCase || !rec.contains("supersedes") ||
        !rec.at("supersedes").is_string() || !rec.contains("case") || !rec.at("case").is_string()) {
      return Status::Ok();
    }
    const std::string target = rec.at("supersedes").get<std::string>(), case_id = rec.at("case").get<std::string>();
    LIFELINE_ASSIGN_OR_RETURN(std::optional<std::string> target_case, CaseOf(target));
    if (target_case && *target_case != case_id) {
      found.push_back(Rejection{candidates_[i].where, ids_[i], "supersedes",
                                "\"" + target + "\" is the case record of case \"" + *target_case +
                                    "\", not of \"" + case_id + "\": a case record corrects only its own case's",
                                "give supersedes the id of case \"" + case_id + "\"'s current case record (" +
                                    ListRecordsHint("case") + "), or case the id of the case it corrects (" +
                                    RecordsDoc("Envelope (every record)") + ")"});
    }
    return Status::Ok();
  }

  // The rest of one candidate's check, given its schema problems: duplicate
  // ids, and the record already in the log under its id. Returns true when
  // the candidate is newly rejected.
  Result<bool> Settle(size_t i, std::vector<Rejection> found) {
    const std::string& id = ids_[i];
    LIFELINE_RETURN_IF_ERROR(CheckCaseCorrection(i, found));
    if (duplicate_of_[i]) {
      found.push_back(Rejection{candidates_[i].where, id, "id",
                                "\"" + id + "\" is also the id of " + candidates_[*duplicate_of_[i]].where,
                                DuplicateIdHint(id)});
    }
    if (found.empty() && !id.empty()) {
      auto existing_or = existing_fn_(id);
      if (!existing_or.ok()) return existing_or.status().Annotate("looking up " + id);
      if (existing_or->has_value()) {
        const store::RecordRow* existing = &**existing_or;
        json old_record = json::parse(existing->body, nullptr, false);
        // An export of the stored record carries no `confidential`.
        if (old_record.is_object() && candidates_[i].record.is_object() &&
            !candidates_[i].record.contains("confidential")) {
          old_record.erase("confidential");
        }
        auto old_content = ContentOf(std::move(old_record));
        auto new_content = ContentOf(candidates_[i].record);
        if (old_content.ok() && new_content.ok() && *old_content == *new_content) {
          state_[i] = State::kUnchanged;
          return false;
        }
        found.push_back(Rejection{candidates_[i].where, id, "id",
                                  "\"" + id + "\" is already in the log (entry " + std::to_string(existing->index) +
                                      ") with different content; submit a correction with a new id and "
                                      "\"supersedes\": \"" + id + "\"",
                                  "give this record a new id and \"supersedes\": \"" + id + "\" if it corrects the "
                                  "logged one, or a new id alone if it is another record (" + RecordsDoc("How records enter") +
                                      ")"});
        found.back().cause = Rejection::Cause::kIdConflict;
      }
    }
    if (found.empty()) return false;
    problems_[i] = std::move(found);
    state_[i] = State::kRejected;
    if (!id.empty()) ForgetIfOwner(i);
    return true;
  }

  std::vector<Candidate>& candidates_;
  const ExistingFn& existing_fn_;
  const SubmitOptions& options_;
  const size_t n_;
  BatchResolver resolver_;
  const size_t workers_;
  std::vector<State> state_;
  std::vector<std::vector<Rejection>> problems_;
  std::vector<std::string> ids_;
  // Keys point into ids_.
  std::unordered_map<std::string_view, size_t> owner_;
  std::vector<std::optional<size_t>> duplicate_of_;
  std::vector<std::optional<DateWindow>> windows_;
  std::vector<std::shared_ptr<const CaseVocabulary>> vocabularies_;  // per candidate; null: the core only
  std::vector<Result<store::RecordRow>> projected_;
};

}  // namespace

Status CheckBatch(std::vector<Candidate>& candidates, const Resolver& outer, const ExistingFn& existing_fn,
                  const SubmitOptions& options, const std::string& recorded, SubmitReport* report,
                  std::vector<std::string>* entries_out, std::vector<store::RecordRow>* rows_out,
                  const CaseRecordFn& case_record) {
  report->candidates += candidates.size();
  BatchCheck check(candidates, outer, existing_fn, options);
  check.IndexIds();
  LIFELINE_RETURN_IF_ERROR(check.ComputeWindows(recorded, case_record));
  LIFELINE_RETURN_IF_ERROR(check.ValidateAndSettle());
  check.Project(recorded);
  check.RejectOversized();
  check.Collect(*report, *entries_out, *rows_out);
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
  LIFELINE_ASSIGN_OR_RETURN(std::optional<uint64_t> checked_at, CheckedAt(reader));
  std::set<std::string> cases_read;
  LIFELINE_RETURN_IF_ERROR(CheckBatch(candidates, outer, existing, options, recorded, &rep, &entries, &rows,
                                      StoreCaseRecords(reader, &cases_read)));
  LIFELINE_RETURN_IF_ERROR(outer.error());
  rep.accepted += entries.size();
  if (options.dry_run || entries.empty() || (options.all_or_nothing && rep.rejected > 0)) return rep;
  LIFELINE_RETURN_IF_ERROR(AppendRecords(log, std::move(entries), std::move(rows), options, &rep, checked_at,
                                         CaseRecordsUnchanged(std::move(cases_read), {})));
  return rep;
}

Result<std::optional<uint64_t>> CheckedAt(store::LogStore& reader) {
  auto latest = reader.LatestCheckpoint();
  if (latest.ok()) return std::optional<uint64_t>(latest->size);
  if (latest.status().code() == ErrorCode::kNotFound) return std::optional<uint64_t>(0);
  return latest.status().Annotate("reading the size the records are checked at");
}

Status AppendRecords(log::Log* log, std::vector<std::string> entries, std::vector<store::RecordRow> rows,
                     const SubmitOptions& options, SubmitReport* report, std::optional<uint64_t> checked_at,
                     log::Log::Recheck recheck) {
  RecordAppender appender(log, options, report, checked_at, std::move(recheck));
  (void)appender.Add(std::move(entries), std::move(rows));  // Finish returns its error, annotated
  return appender.Finish();
}

RecordAppender::RecordAppender(log::Log* log, const SubmitOptions& options, SubmitReport* report,
                               std::optional<uint64_t> checked_at, log::Log::Recheck recheck)
    : log_(log),
      options_(options),
      report_(*report),
      checked_at_(checked_at),
      recheck_(std::move(recheck)),
      batch_(options.batch == 0 ? 10000 : options.batch) {}

RecordAppender::~RecordAppender() {
  while (!inflight_.empty()) WaitOne();
}

Status RecordAppender::Add(std::vector<std::string> entries, std::vector<store::RecordRow> rows) {
  if (!failure_.ok()) return failure_;
  if (entries_.empty()) {
    entries_ = std::move(entries);
    rows_ = std::move(rows);
  } else {
    entries_.insert(entries_.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
    rows_.insert(rows_.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  size_t sent = 0;
  for (; entries_.size() - sent >= batch_ && failure_.ok(); sent += batch_) Send(sent);
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<ptrdiff_t>(sent));
  rows_.erase(rows_.begin(), rows_.begin() + static_cast<ptrdiff_t>(sent));
  return failure_;
}

Status RecordAppender::Finish() {
  if (failure_.ok() && !entries_.empty()) {
    const size_t rest = entries_.size();
    for (size_t at = 0; at < rest && failure_.ok(); at += batch_) Send(at);
    entries_.clear();
    rows_.clear();
  }
  while (!inflight_.empty()) WaitOne();
  report_.written = report_.appended > 0;
  if (!failure_.ok()) {
    return failure_.Annotate("appended " + std::to_string(report_.appended) + " of " +
                             std::to_string(report_.accepted) +
                             " records before the failure (importing again adds only the rest)");
  }
  return Status::Ok();
}

// Sends the kept records [at, at + batch) (fewer at the end) as one batch,
// one signed checkpoint; with two batches in flight, first waits for the
// older.
void RecordAppender::Send(size_t at) {
  const size_t end = std::min(entries_.size(), at + batch_);
  std::vector<std::string> es(std::make_move_iterator(entries_.begin() + static_cast<ptrdiff_t>(at)),
                              std::make_move_iterator(entries_.begin() + static_cast<ptrdiff_t>(end)));
  std::vector<store::RecordRow> rs(std::make_move_iterator(rows_.begin() + static_cast<ptrdiff_t>(at)),
                                   std::make_move_iterator(rows_.begin() + static_cast<ptrdiff_t>(end)));
  sizes_.push_back(es.size());
  inflight_.push_back(log_->AppendMany(std::move(es), std::move(rs), checked_at_, recheck_));
  if (inflight_.size() >= 2) WaitOne();
}

void RecordAppender::WaitOne() {
  auto r = inflight_.front().get();
  inflight_.pop_front();
  if (r.ok()) {
    if (!report_.first_index) report_.first_index = *r;
    report_.appended += sizes_.front();
    if (options_.progress) options_.progress(report_.appended, report_.accepted);
  } else if (failure_.ok()) {
    failure_ = r.status();
  }
  sizes_.pop_front();
}

}  // namespace lifeline::record
