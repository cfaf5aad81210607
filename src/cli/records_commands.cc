// The record commands: add, import, show, list, export, reindex, evidence,
// schema. Every write goes through record::Submit.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <thread>
#include <nlohmann/json.hpp>
#include <optional>
#include <pwd.h>

#include "base/parallel.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "store_dir/store_dir.h"
#include "evidence/blob_store.h"
#include "export/export.h"
#include "ingest/acled.h"
#include "ingest/hxl.h"
#include "ingest/jsonl.h"
#include "ingest/lifeline_csv.h"
#include "ingest/mapping.h"
#include "ingest/ucdp.h"
#include "base/file.h"
#include "log/log.h"
#include "log/reader.h"
#include "merkle/proof.h"
#include "note/checkpoint.h"
#include "record/canonical.h"
#include "record/corroboration.h"
#include "record/import_session.h"
#include "record/projection.h"
#include "record/schema.h"
#include "record/submit.h"
#include "record/view.h"
#include "record/values.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The principal recorded in `by` for commands run at this machine.
std::string CliPrincipal() {
  const char* user = std::getenv("USER");
  if (user == nullptr || *user == '\0') {
    struct passwd* pw = getpwuid(getuid());
    user = pw != nullptr ? pw->pw_name : "unknown";
  }
  return std::string("cli:") + user;
}

// A store opened for writing with its log, plus a second, read-only
// connection for lookups while the log's integrator writes.
struct OpenLog {
  std::unique_ptr<store::FileLock> lock;
  std::unique_ptr<log::Log> log;
  std::unique_ptr<store::SqliteStore> reader;
  std::shared_ptr<const record::SealKey> seal_key;
};

Result<OpenLog> OpenForWriting(const std::string& dir) {
  LIFELINE_ASSIGN_OR_RETURN(store_dir::WritableStore ws, store_dir::OpenWritable(dir));
  // Under the writer's lock: a store made before sealing existed gets its
  // key here, on its first write.
  LIFELINE_ASSIGN_OR_RETURN(record::SealKey key, record::LoadOrCreateSealKey(dir));
  LIFELINE_ASSIGN_OR_RETURN(auto lg, log::Log::Open(std::move(ws.store), ws.signer));
  LIFELINE_ASSIGN_OR_RETURN(auto reader,
                            store::SqliteStore::Open(dir + "/lifeline.db", store::SqliteStore::Mode::kReadOnly));
  return OpenLog{std::move(ws.lock), std::move(lg), std::move(reader),
                 std::make_shared<const record::SealKey>(std::move(key))};
}

// The key a dry run checks with: the store's, or, if it has none yet, a
// stand-in (a dry run writes nothing, so creates no key).
Result<std::shared_ptr<const record::SealKey>> DryRunSealKey(const std::string& dir) {
  auto key = record::LoadSealKey(dir);
  if (key.ok()) return std::make_shared<const record::SealKey>(std::move(*key));
  if (key.status().code() != ErrorCode::kNotFound) return key.status();
  return std::make_shared<const record::SealKey>(record::SealKey::Generate());
}

json ReportJson(const record::SubmitReport& rep) {
  json rejections = json::array();
  for (const auto& r : rep.rejections) {
    rejections.push_back({{"where", r.where}, {"id", r.id}, {"field", r.field}, {"message", r.message}});
  }
  json j = {{"candidates", rep.candidates}, {"accepted", rep.accepted}, {"unchanged", rep.unchanged},
            {"rejected", rep.rejected},     {"written", rep.written},   {"rejections", rejections}};
  if (rep.first_index) j["first_index"] = *rep.first_index;
  return j;
}

// Prints a submission's report; exit 2 when anything was rejected.
int PrintReport(const Globals& g, const std::string& what, const record::SubmitReport& rep, bool dry_run,
                bool all_or_nothing, const std::vector<std::string>& reader_errors, const std::string& checkpoint) {
  bool bad = rep.rejected > 0 || !reader_errors.empty();
  if (g.json) {
    json j = ReportJson(rep);
    j["ok"] = !bad;
    j["dry_run"] = dry_run;
    j["reader_errors"] = reader_errors;
    if (!checkpoint.empty()) j["checkpoint"] = checkpoint;
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const auto& e : reader_errors) std::cout << "rejected " << e << "\n";
    for (const auto& r : rep.rejections) std::cout << "rejected " << r.ToString() << "\n";
    std::cout << what << ": " << rep.candidates + reader_errors.size() << " records: " << rep.accepted << " new, "
              << rep.unchanged << " already in the log, " << rep.rejected + reader_errors.size() << " rejected";
    if (dry_run) {
      std::cout << " (dry run: nothing written)";
    } else if (rep.written) {
      std::cout << "; appended at entry " << *rep.first_index;
    } else if (bad && all_or_nothing) {
      std::cout << "; nothing written (fix the rejected rows, or use --partial)";
    }
    std::cout << "\n";
  }
  return bad ? 2 : 0;
}

// Runs Submit (opening the store as needed) and prints the report.
int SubmitAndReport(const Globals& g, const std::string& what, std::vector<record::Candidate> candidates,
                    record::SubmitOptions opts) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  opts.principal = CliPrincipal();
  Progress progress("appending", ShowProgress(g));
  opts.progress = [&](uint64_t d, uint64_t t) { progress.Update(d, t); };
  Result<record::SubmitReport> rep = InternalError("not run");
  std::string checkpoint;
  if (opts.dry_run) {
    auto rs = store_dir::OpenReadable(*dir);
    if (!rs.ok()) return Fail(g, rs.status());
    auto key = DryRunSealKey(*dir);
    if (!key.ok()) return Fail(g, key.status());
    opts.seal_key = *key;
    rep = record::Submit(std::move(candidates), *rs->store, nullptr, opts);
  } else {
    auto ol = OpenForWriting(*dir);
    if (!ol.ok()) return Fail(g, ol.status());
    opts.seal_key = ol->seal_key;
    rep = record::Submit(std::move(candidates), *ol->reader, ol->log.get(), opts);
    checkpoint = ol->log->checkpoint();
  }
  if (!rep.ok()) return Fail(g, rep.status().Annotate(what));
  int code = PrintReport(g, what, *rep, opts.dry_run, opts.all_or_nothing, {}, checkpoint);
  // The writer's lock is released by now (OpenLog lived in the branch
  // above): evaluating and delivering alerts does not hold up other writers.
  if (!opts.dry_run && rep->written) AlertsAfterWrite(g, *dir);
  return code;
}

// --- add ----------------------------------------------------------------

int CmdAdd(const Globals& g, const std::string& file, bool dry_run) {
  std::string text, where;
  if (file.empty() || file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    where = "stdin";
  } else {
    auto t = store_dir::ReadFile(file);
    if (!t.ok()) return Fail(g, t.status());
    text = std::move(*t);
    where = file;
  }
  auto rec = record::ParseJson(text);
  if (!rec.ok()) return Fail(g, rec.status().Annotate(where));
  record::SubmitOptions opts;
  opts.dry_run = dry_run;
  return SubmitAndReport(g, "add", {record::Candidate{where, std::move(*rec)}}, opts);
}

// --- import -------------------------------------------------------------

constexpr size_t kImportChunk = 10000;
constexpr size_t kMaxWarningsShown = 20;

// One chunk of parsed rows on its way from the reader thread to the checks.
struct ReadChunk {
  ingest::ReadResult rr;
  uint64_t line_offset = 0;  // added to the reader's line numbers
  uint64_t done = 0, total = 0;  // bytes, for the progress bar
};

// Reads a CSV file a row at a time through a fixed buffer: a row ends at a
// newline outside double quotes (RFC 4180), so a quoted newline stays in its
// row.
class CsvRowStream {
 public:
  explicit CsvRowStream(std::ifstream& in) : in_(in), buf_(kBlock, '\0') {}

  // Appends the next row, newline included, to *row; false at the end.
  bool Next(std::string* row) {
    bool quoted = false, any = false;
    for (;;) {
      if (pos_ == len_ && !Refill()) return any;
      const size_t start = pos_;
      while (pos_ < len_) {
        char c = buf_[pos_++];
        if (c == '"') quoted = !quoted;
        if (c == '\n') {
          ++lines_;
          if (!quoted) {
            row->append(buf_, start, pos_ - start);
            consumed_ += pos_ - start;
            return true;
          }
        }
      }
      row->append(buf_, start, pos_ - start);
      consumed_ += pos_ - start;
      any = true;
    }
  }
  uint64_t lines() const { return lines_; }        // newlines read so far
  uint64_t consumed() const { return consumed_; }  // bytes
  bool failed() const { return in_.bad(); }

 private:
  static constexpr size_t kBlock = 1 << 20;
  bool Refill() {
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    len_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    return len_ > 0;
  }
  std::ifstream& in_;
  std::string buf_;
  size_t pos_ = 0, len_ = 0;
  uint64_t lines_ = 0, consumed_ = 0;
};

// ACLED and UCDP exports have one header row: the file is read in chunks of
// rows, each parsed behind a copy of the header, so memory holds one chunk
// of rows and records whatever the file's size. The file's source record
// comes with every chunk: keep the first.
Status ReadRowChunks(const std::string& file, const std::string& format, const ingest::ImportOptions& io,
                     const std::function<bool(ReadChunk)>& emit) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return ErrnoError("opening " + file, errno);
  std::error_code ec;
  const uint64_t total = fs::file_size(file, ec);
  CsvRowStream rows(in);
  std::string header;
  rows.Next(&header);
  std::set<std::string> file_records;  // ids of the per-file records seen
  // Parsing a chunk of rows into records is the slowest step of the reader:
  // two chunks are cut, then parsed on two threads, then handed on in order.
  struct Cut {
    std::string text;
    uint64_t first_line = 0;  // of the chunk's first row
    uint64_t consumed = 0;    // bytes of the file up to its end
    ingest::ReadResult rr;
  };
  for (;;) {
    std::vector<Cut> cuts;
    for (int k = 0; k < 2; ++k) {
      Cut c{header, rows.lines() + 1, 0, {}};
      size_t n = 0;
      while (n < kImportChunk && rows.Next(&c.text)) ++n;
      if (rows.failed()) return ErrnoError("reading " + file, errno);
      if (n == 0) break;
      c.consumed = rows.consumed();
      cuts.push_back(std::move(c));
    }
    if (cuts.empty()) return Status::Ok();
    ParallelFor(
        cuts.size(), cuts.size(),
        [&](size_t b, size_t e) {
          for (size_t k = b; k < e; ++k) {
            cuts[k].rr = format == "acled" ? ingest::ReadAcledCsv(cuts[k].text, io) : ingest::ReadUcdpCsv(cuts[k].text, io);
          }
        },
        /*min_slice=*/1);
    for (Cut& c : cuts) {
      std::vector<ingest::Row> kept;
      for (auto& row : c.rr.rows) {
        const json& r = row.record;
        if (r.value("kind", "") == "source") {
          if (!file_records.insert(r.value("id", "")).second) continue;
        }
        kept.push_back(std::move(row));
      }
      c.rr.rows = std::move(kept);
      // The chunk's line 2 is the file's first_line.
      if (!emit(ReadChunk{std::move(c.rr), c.first_line - 2, c.consumed, total})) return Status::Ok();
    }
  }
}

// Reads and parses `file` chunk by chunk, handing each to `emit` (which
// returns false to stop early): JSON Lines are read one chunk of lines at a
// time (memory stays bounded for any file size); the CSV family's readers
// take the whole file, ACLED and UCDP in chunks of rows.
Status ReadChunks(const std::string& file, const std::string& name, const std::string& format,
                  const std::string& mapping_file, const std::string& case_id, bool preserve_stamps,
                  const std::function<bool(ReadChunk)>& emit) {
  ingest::ImportOptions io{case_id, name};
  if (format == "jsonl") {
    std::ifstream in(file, std::ios::binary);
    if (!in) return ErrnoError("opening " + file, errno);
    std::error_code ec;
    uint64_t total = fs::file_size(file, ec), done = 0, line_offset = 0;
    std::string text, line;
    size_t lines = 0;
    for (;;) {
      bool more = static_cast<bool>(std::getline(in, line));
      if (more) {
        text += line;
        text += '\n';
        done += line.size() + 1;
        ++lines;
      }
      if (lines == kImportChunk || (!more && lines > 0)) {
        ingest::ImportOptions chunk_io = io;
        chunk_io.continues_file = line_offset > 0;  // a BOM is the file's only on its first line
        if (!emit(ReadChunk{ingest::ReadJsonLines(text, chunk_io), line_offset, done, total})) return Status::Ok();
        line_offset += lines;
        lines = 0;
        text.clear();
      }
      if (!more) break;
    }
    if (in.bad()) return ErrnoError("reading " + file, errno);
    return Status::Ok();
  }
  if (format == "acled" || format == "ucdp") {
    if (case_id.empty()) return InvalidArgumentError("--format " + format + " needs --case ID");
    return ReadRowChunks(file, format, io, emit);
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string data, store_dir::ReadFile(file));
  if (format == "csv" && mapping_file.empty()) {
    // Lifeline's own CSV export (recognised by its header row; any other
    // header is an error that asks for --mapping).
    emit(ReadChunk{ingest::ReadLifelineCsv(data, io, {.keep_stamps = preserve_stamps}), 0, data.size(),
                   data.size()});
    return Status::Ok();
  }
  if (format == "csv") {
    LIFELINE_ASSIGN_OR_RETURN(std::string mtext, store_dir::ReadFile(mapping_file));
    LIFELINE_ASSIGN_OR_RETURN(auto mapping, ingest::ParseMapping(mtext, fs::path(mapping_file).filename().string()));
    emit(ReadChunk{ingest::ReadCsvWithMapping(data, mapping, io), 0, data.size(), data.size()});
    return Status::Ok();
  }
  if (case_id.empty()) return InvalidArgumentError("--format " + format + " needs --case ID");
  if (format == "hxl") {
    emit(ReadChunk{ingest::ReadHxlCsv(data, io), 0, data.size(), data.size()});
    return Status::Ok();
  }
  return InvalidArgumentError("unknown --format " + format + " (jsonl, csv, acled, ucdp, hxl)");
}

// Feeds the session: a reader thread parses the next chunks while this one
// checks the current chunk (two chunks queued at most, so memory stays
// bounded). Rows wait in `pending` until a whole chunk of kImportChunk is
// there, also across files, so that records of several small files are
// checked as one chunk: a per-kind CSV export cannot be imported file by
// file, since a case cites its sources and each source names its case.
// The caller checks what is left in `pending` after the last file.
Status FeedImport(const std::string& file, const std::string& name, const std::string& format,
                  const std::string& mapping_file, const std::string& case_id, bool preserve_stamps,
                  record::ImportSession& session, std::vector<record::Candidate>& pending,
                  std::vector<std::string>* reader_errors, Progress& progress, const Globals& g,
                  uint64_t* warnings) {
  BoundedQueue<ReadChunk> queue(2);
  Status produced;
  std::thread reader([&] {
    produced = ReadChunks(file, name, format, mapping_file, case_id, preserve_stamps,
                          [&](ReadChunk c) { return queue.Push(std::move(c)); });
    queue.Close();
  });
  Status consumed;
  while (consumed.ok()) {
    std::optional<ReadChunk> c = queue.Pop();
    if (!c) break;
    ingest::ReadResult& rr = c->rr;
    for (auto& e : rr.errors) {
      e.line += c->line_offset;
      reader_errors->push_back(ingest::FormatRowError(e, name));
    }
    for (auto& w : rr.warnings) {
      w.line += c->line_offset;
      if (!g.quiet && !g.json && (*warnings)++ < kMaxWarningsShown) {
        std::cerr << "warning: " << ingest::FormatRowError(w, name) << "\n";
      }
    }
    for (size_t j = 0; j < rr.rows.size() && consumed.ok(); ++j) {
      pending.push_back(record::Candidate{name + ":" + std::to_string(rr.rows[j].line + c->line_offset),
                                         std::move(rr.rows[j].record)});
      if (pending.size() == kImportChunk) {
        consumed = session.AddChunk(std::move(pending));
        pending.clear();
      }
    }
    progress.Update(c->done, c->total);
  }
  queue.Close();  // stops the reader early if a check failed
  reader.join();
  if (!consumed.ok()) return consumed;
  return produced;
}

// The --format for `file`: as given, else from the mapping or the extension.
Result<std::string> ImportFormat(const std::string& file, const std::string& format, const std::string& mapping_file) {
  if (!format.empty()) return format;
  std::string ext = fs::path(file).extension().string();
  if (!mapping_file.empty() || ext == ".csv") return std::string("csv");
  if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return std::string("jsonl");
  return InvalidArgumentError("cannot tell the format of " + file + ": use --format jsonl|csv|acled|ucdp|hxl");
}

int CmdImport(const Globals& g, const std::vector<std::string>& files, const std::string& format,
              const std::string& mapping_file, const std::string& case_id, bool dry_run, bool partial,
              bool preserve_stamps, size_t batch) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  std::vector<std::string> formats;
  std::string name;  // for the report: the files' base names
  for (const std::string& file : files) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return Fail(g, NotFoundError(file + " does not exist or is not a file"));
    Result<std::string> f = ImportFormat(file, format, mapping_file);
    if (!f.ok()) return Fail(g, f.status());
    formats.push_back(*f);
    name += (name.empty() ? "" : ", ") + fs::path(file).filename().string();
  }
  record::SubmitOptions opts;
  opts.dry_run = dry_run;
  opts.all_or_nothing = !partial;
  opts.preserve_stamps = preserve_stamps;
  opts.batch = batch;
  opts.principal = CliPrincipal();
  // Writers take the lock before reading anything, so that what is checked
  // is what is appended to.
  std::optional<OpenLog> ol;
  std::optional<store_dir::ReadableStore> rs;
  store::LogStore* reader = nullptr;
  if (dry_run) {
    auto r = store_dir::OpenReadable(*dir);
    if (!r.ok()) return Fail(g, r.status());
    rs.emplace(std::move(*r));
    reader = rs->store.get();
    auto key = DryRunSealKey(*dir);
    if (!key.ok()) return Fail(g, key.status());
    opts.seal_key = *key;
  } else {
    auto o = OpenForWriting(*dir);
    if (!o.ok()) return Fail(g, o.status());
    ol.emplace(std::move(*o));
    reader = ol->reader.get();
    opts.seal_key = ol->seal_key;
  }
  Progress reading("checking", ShowProgress(g));
  auto session = record::ImportSession::Start(*reader, opts, *dir);
  if (!session.ok()) return Fail(g, session.status());
  std::vector<std::string> reader_errors;
  uint64_t warnings = 0;
  // One session for all the files: their records are checked and appended
  // together (all or nothing), and may refer to each other.
  Status fed;
  std::vector<record::Candidate> pending;
  for (size_t i = 0; i < files.size() && fed.ok(); ++i) {
    const std::string base = fs::path(files[i]).filename().string();
    fed = FeedImport(files[i], base, formats[i], mapping_file, case_id, preserve_stamps, **session, pending,
                     &reader_errors, reading, g, &warnings);
    if (!fed.ok()) fed = fed.Annotate("import " + base);
  }
  if (fed.ok() && !pending.empty()) fed = (*session)->AddChunk(std::move(pending));
  if (warnings > kMaxWarningsShown && !g.quiet && !g.json) {
    std::cerr << "warning: ... and " << warnings - kMaxWarningsShown << " more warnings\n";
  }
  if (!fed.ok()) return Fail(g, fed);
  // A row the reader could not turn into a record counts as rejected: with
  // all-or-nothing, nothing is written.
  if (!reader_errors.empty() && !partial) opts.dry_run = true;
  Progress appending("appending", ShowProgress(g));
  Result<record::SubmitReport> rep = InternalError("not run");
  if (opts.dry_run) {
    rep = (*session)->report();
  } else {
    rep = (*session)->Finish(ol->log.get());
  }
  if (!rep.ok()) return Fail(g, rep.status().Annotate("import " + name));
  int code = PrintReport(g, "import " + name, *rep, dry_run, opts.all_or_nothing, reader_errors,
                         ol ? ol->log->checkpoint() : "");
  if (!opts.dry_run && rep->written) {
    // Release the writer's lock before alerts are evaluated and delivered:
    // the session reads through the reader, the log writes under the lock.
    session->reset();
    ol->log.reset();
    ol->reader.reset();
    ol->lock.reset();
    AlertsAfterWrite(g, *dir);
  }
  return code;
}

// --- show / list --------------------------------------------------------

int CmdShow(const Globals& g, const std::string& id, const std::string& receipt_out, bool confidential) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  std::optional<record::SealKey> key;
  if (confidential) {
    // Only for whoever holds the store's key: the entry keeps its sealed form.
    auto k = record::LoadSealKey(*dir);
    if (!k.ok()) return Fail(g, k.status().Annotate("show --confidential"));
    key = std::move(*k);
  }
  auto view = record::ViewRecord(*rs->store, rs->verifier, id, key ? &*key : nullptr);
  if (!view.ok()) return Fail(g, view.status());
  const json& out = *view;
  if (!receipt_out.empty()) {
    Status w = WriteFileAtomically(receipt_out, out["receipt"].get<std::string>());
    if (!w.ok()) return Fail(g, w);
  }
  if (g.json) {
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  auto str = [](const json& j, const char* k) { return j.value(k, std::string()); };
  std::cout << out["record"].dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n\n";
  std::cout << "entry " << out["index"].get<uint64_t>() << " of the log; " << str(out, "status");
  if (!out["publishers"].empty()) {
    std::cout << " (publishers:";
    for (const auto& p : out["publishers"]) std::cout << " " << p.get<std::string>() << ";";
    std::cout << ")";
  }
  std::cout << "\n";
  for (const auto& s : out["sources"]) {
    std::cout << "source " << str(s, "id") << ": " << str(s, "publisher") << ", \"" << str(s, "title") << "\"";
    if (!str(s, "published").empty()) std::cout << " (" << str(s, "published") << ")";
    if (!str(s, "url").empty()) std::cout << " " << str(s, "url");
    std::cout << "\n";
  }
  for (const auto& c : out["claims"]) {
    std::cout << "claim " << str(c, "id") << ": " << str(c, "party") << " " << str(c, "stance") << ": "
              << str(c, "text") << "\n";
  }
  for (const auto& o : out["older_versions"]) std::cout << "corrects " << o.get<std::string>() << "\n";
  for (const auto& n : out["newer_versions"]) std::cout << "corrected by " << n.get<std::string>() << "\n";
  for (const auto& r : out["retracted_by"]) std::cout << "retracted by " << r.get<std::string>() << "\n";
  std::cout << "included in checkpoint of size " << out["tree_size"].get<uint64_t>() << ", root " << str(out, "root")
            << " (proof verified";
  if (!receipt_out.empty()) std::cout << "; receipt written to " << receipt_out;
  std::cout << ")\n";
  return 0;
}

int CmdList(const Globals& g, store::RecordQuery q) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  std::vector<store::RecordRow> rows;
  Status s = rs->store->ForEachRecord(q, [&](const store::RecordRow& r) {
    rows.push_back(r);
    return Status::Ok();
  });
  if (!s.ok()) return Fail(g, s);
  json arr = json::array();
  for (const auto& r : rows) {
    auto corr = record::Corroborate(*rs->store, r.id);
    if (!corr.ok()) return Fail(g, corr.status().Annotate("corroborating " + r.id));
    const std::string& status = corr->status;
    json body = json::parse(r.body, nullptr, false);
    if (g.json) {
      arr.push_back({{"index", r.index}, {"id", r.id}, {"kind", r.kind}, {"case", r.case_id},
                     {"date_from", r.date_from}, {"date_to", r.date_to}, {"status", status},
                     {"summary", record::Summary(body)}});
    } else {
      std::printf("%6llu  %-13s %-34s %-10s %-13s %s\n", static_cast<unsigned long long>(r.index), r.kind.c_str(),
                  r.id.c_str(), r.date_from.c_str(), status.c_str(), record::Summary(body).c_str());
    }
  }
  if (g.json) {
    std::cout << json{{"ok", true}, {"records", arr}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (!g.quiet) {
    std::fprintf(stderr, "%zu records\n", rows.size());
  }
  return 0;
}

// --- export ---------------------------------------------------------------

int CmdExport(const Globals& g, const std::string& format, store::RecordQuery q, bool all, bool raw,
              const std::string& out) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  // JSON Lines carries the whole history (so that re-importing it gives the
  // same entries); the other formats the current view unless --all.
  q.current_only = format != "jsonl" && !all;
  if (format == "acled" && q.kind.empty()) q.kind = "incident";
  if (format == "csv" && q.kind.empty()) {
    return Fail(g, InvalidArgumentError("--format csv needs --kind (one table per kind)"));
  }
  std::vector<json> records;
  Status s = rs->store->ForEachRecord(q, [&](const store::RecordRow& r) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) return CorruptionError("record " + r.id + " in the query tables is not JSON");
    records.push_back(std::move(j));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(g, s);
  Result<std::string> text = InvalidArgumentError("unknown --format " + format +
                                                  " (jsonl, csv, hxl, acled, geojson)");
  uint64_t skipped = 0;
  if (format == "jsonl") text = exports::WriteJsonLines(records);
  // Spreadsheet-safe cells unless --raw (export/export.h).
  const exports::CsvExportOptions csv{.raw = raw};
  if (format == "csv") text = exports::WriteCsv(records, q.kind, csv);
  if (format == "hxl") text = exports::WriteHxlCsv(records, csv);
  if (format == "acled") text = exports::WriteAcledCsv(records, csv);
  if (format == "geojson") {
    auto gj = exports::WriteGeoJson(records);
    if (gj.ok()) {
      skipped = gj->skipped_without_coordinates;
      text = std::move(gj->text);
    } else {
      text = gj.status();
    }
  }
  if (!text.ok()) return Fail(g, text.status().Annotate("export " + format));
  if (out.empty() || out == "-") {
    std::cout << *text;
  } else {
    Status w = WriteFileAtomically(out, *text);
    if (!w.ok()) return Fail(g, w);
  }
  if (!g.quiet && !out.empty() && out != "-") {
    std::cerr << "exported " << records.size() << " records as " << format << " to " << out;
    if (skipped) std::cerr << " (" << skipped << " without coordinates left out)";
    std::cerr << "; confidential fields are never exported\n";
  }
  return 0;
}

// --- reindex --------------------------------------------------------------

int CmdReindex(const Globals& g) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto ws = store_dir::OpenWritable(*dir);
  if (!ws.ok()) return Fail(g, ws.status());
  store::SqliteStore& st = *ws->store;
  auto cp = st.LatestCheckpoint();
  if (!cp.ok()) return Fail(g, cp.status());
  log::LogReader reader(&st);
  std::vector<store::RecordRow> rebuilt;
  uint64_t not_records = 0;
  Progress progress("reindexing", ShowProgress(g));
  for (uint64_t i = 0; i < cp->size; ++i) {
    auto e = reader.Entry(i);
    if (!e.ok()) return Fail(g, e.status());
    auto j = record::ParseJson(*e);
    Result<store::RecordRow> row = j.ok() ? record::ProjectRecord(*j, *e) : Result<store::RecordRow>(j.status());
    if (!row.ok()) {
      ++not_records;  // a raw `log append` entry: in the log, not a record
      continue;
    }
    row->index = i;
    rebuilt.push_back(std::move(*row));
    if (i % 4096 == 0) progress.Update(i, cp->size);
  }
  progress.Update(cp->size, cp->size);
  std::vector<store::RecordRow> existing;
  store::RecordQuery all;
  all.current_only = false;
  Status s = st.ForEachRecord(all, [&](const store::RecordRow& r) {
    existing.push_back(r);
    return Status::Ok();
  });
  if (!s.ok()) return Fail(g, s);
  uint64_t differences = 0;
  std::map<uint64_t, const store::RecordRow*> by_index;
  for (const auto& r : existing) by_index[r.index] = &r;
  for (const auto& r : rebuilt) {
    auto it = by_index.find(r.index);
    if (it == by_index.end() || !(*it->second == r)) ++differences;
    if (it != by_index.end()) by_index.erase(it);
  }
  differences += by_index.size();  // rows with no entry behind them
  if (differences > 0) {
    Status w = st.ReplaceRecords(rebuilt);
    if (!w.ok()) return Fail(g, w.Annotate("rewriting the query tables"));
  }
  if (g.json) {
    std::cout << json{{"ok", true}, {"entries", cp->size}, {"records", rebuilt.size()}, {"not_records", not_records},
                      {"differences", differences}, {"repaired", differences > 0}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << "reindexed " << cp->size << " entries: " << rebuilt.size() << " records";
    if (not_records) std::cout << " (" << not_records << " entries are not records)";
    if (differences == 0) {
      std::cout << "; the query tables equal the log's projection\n";
    } else {
      std::cout << "; " << differences << " rows differed from the log and were rebuilt\n";
    }
  }
  return 0;
}

// --- evidence -------------------------------------------------------------

std::string GuessMediaType(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".png", "image/png"},       {".gif", "image/gif"},
      {".webp", "image/webp"}, {".mp4", "video/mp4"},  {".mov", "video/quicktime"}, {".pdf", "application/pdf"},
      {".txt", "text/plain"}, {".html", "text/html"},  {".json", "application/json"}, {".csv", "text/csv"},
      {".mp3", "audio/mpeg"}, {".wav", "audio/wav"},   {".zip", "application/zip"}};
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

struct EvidenceArgs {
  std::string file, case_id, id, media_type, captured_at, description;
  std::vector<std::string> sources;
};

int CmdEvidenceAdd(const Globals& g, const EvidenceArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  if (!fs::exists(*dir + "/lifeline.db")) return Fail(g, NotFoundError("no store at " + *dir));
  evidence::BlobStore blobs(*dir + "/blobs");
  Progress progress("hashing", ShowProgress(g));
  std::error_code ec;
  uint64_t total = fs::file_size(a.file, ec);
  auto info = blobs.Add(a.file, [&](uint64_t d) { progress.Update(d, total); });
  if (!info.ok()) return Fail(g, info.status());
  json rec = {{"kind", "evidence"},
              {"id", a.id.empty() ? "ev-" + info->sha256.substr(0, 16) : a.id},
              {"case", a.case_id},
              {"sources", a.sources},
              {"sha256", info->sha256},
              {"media_type", a.media_type.empty() ? GuessMediaType(a.file) : a.media_type},
              {"size", info->size},
              {"file_name", fs::path(a.file).filename().string()}};
  if (!a.captured_at.empty()) rec["captured_at"] = a.captured_at;
  if (!a.description.empty()) rec["description"] = a.description;
  rec["custody"] = json::array({{{"at", record::NowUtc()}, {"by", CliPrincipal()},
                                 {"action", "added to the evidence store from " + fs::path(a.file).filename().string()}}});
  // The same file added again under the same id is the same record: keep the
  // custody it was first logged with, so the submission finds it unchanged
  // instead of refusing a record that differs only in the time it was added.
  if (auto rs = store_dir::OpenReadable(*dir); rs.ok()) {
    if (auto row = rs->store->FindRecord(rec["id"].get<std::string>()); row.ok() && row->kind == "evidence") {
      json old = json::parse(row->body, nullptr, false);
      if (old.is_object() && old.value("sha256", "") == info->sha256 && old.contains("custody")) {
        rec["custody"] = old["custody"];
      }
    }
  }
  record::SubmitOptions opts;
  return SubmitAndReport(g, "evidence " + fs::path(a.file).filename().string() + " (sha256 " + info->sha256 + ")",
                         {record::Candidate{a.file, rec}}, opts);
}

int CmdEvidenceVerify(const Globals& g) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  evidence::BlobStore blobs(*dir + "/blobs");
  Progress progress("rehashing", ShowProgress(g));
  uint64_t checked = 0;
  auto problems = blobs.Verify(&checked, [&](uint64_t d, uint64_t t) { progress.Update(d, t); });
  if (!problems.ok()) return Fail(g, problems.status());
  // Every evidence record's file must be present.
  store::RecordQuery q;
  q.kind = "evidence";
  q.current_only = false;
  uint64_t records = 0;
  Status s = rs->store->ForEachRecord(q, [&](const store::RecordRow& r) {
    ++records;
    json j = json::parse(r.body, nullptr, false);
    std::string sha = j.value("sha256", "");
    if (!blobs.Has(sha)) problems->push_back({"record " + r.id, "its file (sha256 " + sha + ") is not in the store"});
    return Status::Ok();
  });
  if (!s.ok()) return Fail(g, s);
  if (g.json) {
    json arr = json::array();
    for (const auto& p : *problems) arr.push_back({{"path", p.path}, {"message", p.message}});
    std::cout << json{{"ok", problems->empty()}, {"blobs", checked}, {"records", records}, {"problems", arr}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    for (const auto& p : *problems) std::cout << "FAIL " << p.path << ": " << p.message << "\n";
    if (problems->empty()) {
      std::cout << "OK " << checked << " blobs rehashed; all " << records << " evidence records have their file\n";
    }
  }
  if (!problems->empty()) {
    return Fail(g, CorruptionError(std::to_string(problems->size()) + " problem(s) in the evidence store"));
  }
  return 0;
}

// --from and --to must be real dates (they are compared as text).
Status CheckQueryDates(const store::RecordQuery& q) {
  for (const std::string* d : {&q.from, &q.to}) {
    if (d->empty()) continue;
    if (auto day = record::ParseDate(*d); !day.ok()) return day.status().Annotate("--from/--to");
  }
  return Status::Ok();
}

// Where CLI11 writes the record commands' arguments.
struct RecordArgs {
  std::string add_file;
  bool add_dry = false;
  std::vector<std::string> imp_files;
  std::string imp_format, imp_mapping, imp_case;
  bool imp_dry = false, imp_partial = false, imp_stamps = false;
  size_t imp_batch = 10000;
  std::string show_id, show_receipt;
  bool show_confidential = false;
  store::RecordQuery q;
  bool list_all = false;
  std::string exp_format = "jsonl", exp_out;
  store::RecordQuery eq;
  bool exp_all = false;
  bool exp_raw = false;
  EvidenceArgs ea;
};

}  // namespace

void AddRecordCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  // The parsed arguments live as long as the callbacks that hold them.
  auto a = std::make_shared<RecordArgs>();
  auto* add = app.add_subcommand("add", "add a record (a JSON object) from a file or stdin");
  add->add_option("FILE", a->add_file, "the record (default: stdin)");
  add->add_flag("--dry-run", a->add_dry, "validate only; write nothing");
  add->callback([&, a] { action = [&, a] { return CmdAdd(g, a->add_file, a->add_dry); }; });

  auto* imp = app.add_subcommand(
      "import", "import records from JSON Lines, CSV (Lifeline's export, or any with a mapping), ACLED, UCDP or HXL");
  imp->add_option("FILE", a->imp_files,
                  "the files to import, checked and appended together (e.g. each kind's CSV export)")
      ->required();
  imp->add_option("--format", a->imp_format,
                  "jsonl, csv (Lifeline's CSV export; other layouts with --mapping), acled, ucdp or hxl "
                  "(default: from the extension)");
  imp->add_option("--mapping", a->imp_mapping, "TOML mapping from CSV columns to record fields (src/ingest/README.md)");
  imp->add_option("--case", a->imp_case, "the case id the records belong to");
  imp->add_flag("--dry-run", a->imp_dry, "validate and report; write nothing");
  imp->add_flag("--partial", a->imp_partial, "append the valid records even if some are rejected");
  imp->add_flag("--preserve-stamps", a->imp_stamps,
                "keep `recorded` and `by` from the file (re-importing a Lifeline JSON Lines or CSV export)");
  imp->add_option("--batch", a->imp_batch, "records per signed checkpoint")->check(CLI::Range(1, 1000000));
  imp->callback([&, a] {
    action = [&, a] {
      return CmdImport(g, a->imp_files, a->imp_format, a->imp_mapping, a->imp_case, a->imp_dry, a->imp_partial, a->imp_stamps, a->imp_batch);
    };
  });

  auto* show = app.add_subcommand("show", "a record with its sources, corroboration, history and inclusion proof");
  show->add_option("ID", a->show_id, "record id")->required();
  show->add_option("--receipt", a->show_receipt, "also write its tlog-proof receipt to this file");
  show->add_flag("--confidential", a->show_confidential,
                 "also print the confidential fields, opened with DIR/confidential.key");
  show->callback([&, a] { action = [&, a] { return CmdShow(g, a->show_id, a->show_receipt, a->show_confidential); }; });

  auto* list = app.add_subcommand("list", "list current records (filters combine)");
  list->add_option("--kind", a->q.kind, "record kind");
  list->add_option("--case", a->q.case_id, "case id");
  list->add_option("--route", a->q.route, "route id");
  list->add_option("--from", a->q.from, "records that apply on or after this date (YYYY-MM-DD)");
  list->add_option("--to", a->q.to, "records that apply on or before this date");
  list->add_option("--text", a->q.text, "records whose JSON contains this text");
  list->add_option("--limit", a->q.limit, "at most this many");
  list->add_flag("--all", a->list_all, "include superseded and retracted records");
  list->callback([&, a] {
    action = [&, a] {
      a->q.current_only = !a->list_all;
      if (Status d = CheckQueryDates(a->q); !d.ok()) return Fail(g, d);
      return CmdList(g, a->q);
    };
  });

  auto* exp = app.add_subcommand("export", "export records: jsonl, csv, hxl, acled, geojson (never confidential fields)");
  exp->add_option("--format", a->exp_format, "jsonl (all history), csv (needs --kind), hxl, acled, geojson");
  exp->add_option("--case", a->eq.case_id, "only this case");
  exp->add_option("--kind", a->eq.kind, "only this kind");
  exp->add_option("--from", a->eq.from, "records that apply on or after this date");
  exp->add_option("--to", a->eq.to, "records that apply on or before this date");
  exp->add_option("-o,--output", a->exp_out, "write to this file (default: stdout)");
  exp->add_flag("--all", a->exp_all, "include superseded and retracted records");
  exp->add_flag("--raw", a->exp_raw,
                "csv, hxl, acled: write cells verbatim, without the leading ' that keeps a cell "
                "starting with = + - @ TAB CR from running as a spreadsheet formula");
  exp->callback([&, a] {
    action = [&, a] {
      if (Status d = CheckQueryDates(a->eq); !d.ok()) return Fail(g, d);
      return CmdExport(g, a->exp_format, a->eq, a->exp_all, a->exp_raw, a->exp_out);
    };
  });

  auto* reindex = app.add_subcommand("reindex", "rebuild the query tables from the log and compare");
  reindex->callback([&, a] { action = [&, a] { return CmdReindex(g); }; });

  auto* ev = app.add_subcommand("evidence", "evidence files: add (hash into the blob store + record), verify");
  ev->require_subcommand(1);
  auto* ev_add = ev->add_subcommand("add", "add a file to the evidence store and append its evidence record");
  ev_add->add_option("FILE", a->ea.file, "the file")->required();
  ev_add->add_option("--case", a->ea.case_id, "case id")->required();
  ev_add->add_option("--source", a->ea.sources, "source record id(s) it comes from")->required();
  ev_add->add_option("--id", a->ea.id, "record id (default: ev-<first 16 hex of its SHA-256>)");
  ev_add->add_option("--media-type", a->ea.media_type, "e.g. image/jpeg (default: from the extension)");
  ev_add->add_option("--captured-at", a->ea.captured_at, "when it was captured (RFC 3339)");
  ev_add->add_option("--description", a->ea.description, "what it shows");
  ev_add->callback([&, a] { action = [&, a] { return CmdEvidenceAdd(g, a->ea); }; });
  auto* ev_verify = ev->add_subcommand("verify", "rehash every evidence file and check every record has its file");
  ev_verify->callback([&, a] { action = [&, a] { return CmdEvidenceVerify(g); }; });

  auto* schema = app.add_subcommand("schema", "print the JSON Schema of records (docs/schema/records-v2.json)");
  schema->callback([&, a] {
    action = [&, a] {
      std::cout << record::JsonSchema().dump(2) << "\n";
      return 0;
    };
  });
}

}  // namespace lifeline::cli
