#include "record/import_session.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include <cstring>
#include <functional>

#include "base/kinds.h"
#include "base/parallel.h"
#include "record/schema.h"

namespace lifeline::record {
namespace {

constexpr uint8_t kInStore = 0x80;  // or'ed into the kind code
constexpr size_t kSpoolBuffer = 1 << 20;

uint64_t IdHash(const std::string& id) { return IdIndex::Hash(id); }

uint8_t KindCode(const std::string& kind) {
  const auto& kinds = Kinds();
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == kind) return static_cast<uint8_t>(i);
  }
  return 0x7f;
}

void PutString(std::string* out, const std::string& s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  out->append(reinterpret_cast<const char*>(&n), 4);
  out->append(s);
}

bool GetString(FILE* f, std::string* s) {
  uint32_t n;
  // The spool is read by this thread alone: no stdio lock per call.
  if (fread_unlocked(&n, 4, 1, f) != 1) return false;
  s->resize(n);
  return n == 0 || fread_unlocked(s->data(), 1, n, f) == n;
}

}  // namespace

// Earlier chunks and the store, by id hash; the store for the kind name
// only when the hash is known (so unknown ids cost no query).
class ImportSession::IndexResolver : public Resolver {
 public:
  IndexResolver(const IdIndex& ids, const std::vector<std::string>& case_names)
      : ids_(ids), case_names_(case_names) {}
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto found = ids_.Get(IdHash(id));
    if (!found) return std::nullopt;
    uint8_t code = *found & 0x7f;
    if (code < Kinds().size()) return Kinds()[code];
    return std::nullopt;
  }
  std::optional<std::string> CaseOf(const std::string& id) const override {
    auto group = ids_.Group(IdHash(id));
    if (!group || *group == 0 || *group > case_names_.size()) return std::nullopt;
    return case_names_[*group - 1];
  }
  // Reads only ids_ and case_names_, which AddChunk changes after validation.
  bool ThreadSafe() const override { return true; }

 private:
  const IdIndex& ids_;
  const std::vector<std::string>& case_names_;
};

// Cases beyond the 65,535th in one store get code 0 (not known): references
// to their records are not checked for case.
uint16_t ImportSession::CaseCode(const std::string& case_id) {
  auto it = case_codes_.find(case_id);
  if (it != case_codes_.end()) return it->second;
  if (case_names_.size() >= UINT16_MAX) return 0;
  case_names_.push_back(case_id);
  uint16_t code = static_cast<uint16_t>(case_names_.size());
  case_codes_.emplace(case_id, code);
  return code;
}

Result<std::unique_ptr<ImportSession>> ImportSession::Start(store::LogStore& reader, SubmitOptions options,
                                                            const std::string& spool_dir) {
  std::unique_ptr<ImportSession> s(new ImportSession(reader, std::move(options)));  // NOLINT: private constructor
  s->recorded_ = s->options_.recorded.empty() ? NowUtc() : s->options_.recorded;
  LIFELINE_ASSIGN_OR_RETURN(s->checked_at_, CheckedAt(reader));
  LIFELINE_RETURN_IF_ERROR(reader.ForEachIdAndKind([&](const std::string& id, const std::string& kind,
                                                      const std::string& case_id) {
    s->ids_.Put(IdHash(id), KindCode(kind) | kInStore, s->CaseCode(case_id));
    return Status::Ok();
  }));
  // Spools left by imports that were killed (their process is gone) are
  // removed; a live import's spool is never touched.
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(spool_dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(".import-spool-", 0) != 0) continue;
    pid_t pid = static_cast<pid_t>(std::atoll(name.c_str() + 14));
    if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH) std::filesystem::remove(e.path(), ec);
  }
  s->spool_path_ = spool_dir + "/.import-spool-" + std::to_string(getpid());
  s->spool_ = std::fopen(s->spool_path_.c_str(), "w+b");
  if (s->spool_ == nullptr) return ErrnoError("creating the import spool " + s->spool_path_, errno);
  std::setvbuf(s->spool_, nullptr, _IOFBF, kSpoolBuffer);
  return s;
}

ImportSession::~ImportSession() {
  if (spool_ != nullptr) std::fclose(spool_);
  if (!spool_path_.empty()) unlink(spool_path_.c_str());
}

Status ImportSession::AddChunk(std::vector<Candidate> chunk) {
  IndexResolver outer(ids_, case_names_);
  ExistingFn existing = [&](const std::string& id) -> Result<std::optional<store::RecordRow>> {
    auto found = ids_.Get(IdHash(id));
    if (!found) return std::optional<store::RecordRow>();
    if (!(*found & kInStore)) {
      return InvalidArgumentError("\"" + id + "\" is also the id of a record earlier in this import");
    }
    auto row = reader_.FindRecord(id);
    if (row.ok()) return std::optional<store::RecordRow>(std::move(*row));
    if (row.status().code() == ErrorCode::kNotFound) return std::optional<store::RecordRow>();  // a hash collision
    return row.status();
  };
  // A repeat of an earlier chunk's id is a rejection of this row, not a
  // failure of the import: catch it before CheckBatch turns it into one.
  std::vector<Candidate> fresh;
  fresh.reserve(chunk.size());
  for (auto& c : chunk) {
    const auto& r = c.record;
    auto id = r.is_object() ? r.find("id") : r.end();  // one lookup: this runs once per record
    if (id != r.end() && id->is_string()) {
      const std::string& id_text = id->get_ref<const std::string&>();
      auto found = ids_.Get(IdHash(id_text));
      if (found && !(*found & kInStore)) {
        report_.candidates++;
        report_.rejected++;
        report_.rejections.push_back(
            Rejection{c.where, id_text, "id", "is also the id of a record earlier in this import", DuplicateIdHint(id_text)});
        continue;
      }
    }
    fresh.push_back(std::move(c));
  }
  std::vector<std::string> entries;
  std::vector<store::RecordRow> rows;
  CaseRecordFn in_store = StoreCaseRecords(reader_, &cases_read_);
  CaseRecordFn case_record = [&](const std::string& case_id) -> Result<std::optional<nlohmann::json>> {
    if (auto it = case_records_.find(case_id); it != case_records_.end()) return std::optional(it->second);
    return in_store(case_id);
  };
  LIFELINE_RETURN_IF_ERROR(
      CheckBatch(fresh, outer, existing, options_, recorded_, &report_, &entries, &rows, case_record));
  report_.accepted += entries.size();
  std::string buf;
  for (size_t i = 0; i < entries.size(); ++i) {
    const store::RecordRow& r = rows[i];
    ids_.Put(IdHash(r.id), KindCode(r.kind), CaseCode(r.case_id));
    if (r.kind == kinds::kCase) {
      case_records_[r.case_id] = nlohmann::json::parse(r.body, nullptr, false);
      own_case_record_ids_.insert(r.id);
    }
    buf.clear();
    PutString(&buf, entries[i]);
    for (const std::string* f : {&r.id, &r.kind, &r.case_id, &r.supersedes, &r.target, &r.route, &r.date_from,
                                 &r.date_to}) {
      PutString(&buf, *f);
    }
    if (fwrite_unlocked(buf.data(), 1, buf.size(), spool_) != buf.size()) {
      return ErrnoError("writing the import spool " + spool_path_, errno);
    }
  }
  // The chunk's records freed on every core: on this thread, freeing their
  // JSON objects was 6 % of the checks' samples, with the other core idle.
  ParallelFor(fresh.size(), DefaultWorkers(), [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) fresh[i].record = nlohmann::json();
  });
  return Status::Ok();
}

Result<SubmitReport> ImportSession::Finish(log::Log* log) {
  if (options_.dry_run || report_.accepted == 0 || (options_.all_or_nothing && report_.rejected > 0)) {
    return report_;
  }
  if (log == nullptr) return InvalidArgumentError("ImportSession: no log to write to");
  if (std::fflush(spool_) != 0 || std::fseek(spool_, 0, SEEK_SET) != 0) {
    return ErrnoError("rewinding the import spool " + spool_path_, errno);
  }
  std::vector<std::string> entries;
  std::vector<store::RecordRow> rows;
  const log::Log::Recheck recheck = CaseRecordsUnchanged(cases_read_, own_case_record_ids_);
  RecordAppender appender(log, options_, &report_, checked_at_, recheck);
  // A few batches read at a time; the appender keeps two in flight across
  // them, so the log hashes and commits while the next are read.
  const size_t feed = appender.batch() * 4;
  for (;;) {
    std::string entry;
    bool more = GetString(spool_, &entry);
    if (more) {
      store::RecordRow r;
      for (std::string* f : {&r.id, &r.kind, &r.case_id, &r.supersedes, &r.target, &r.route, &r.date_from,
                             &r.date_to}) {
        if (!GetString(spool_, f)) return CorruptionError("the import spool " + spool_path_ + " is truncated");
      }
      r.body = entry;
      entries.push_back(std::move(entry));
      rows.push_back(std::move(r));
    }
    if (entries.size() >= feed || (!more && !entries.empty())) {
      // On an error nothing more is appended; Finish says what was.
      if (!appender.Add(std::move(entries), std::move(rows)).ok()) break;
      entries.clear();
      rows.clear();
    }
    if (!more) break;
  }
  LIFELINE_RETURN_IF_ERROR(appender.Finish());
  return report_;
}

}  // namespace lifeline::record
