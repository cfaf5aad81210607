// `lifeline import`: reads files (JSON Lines, CSV with or without a mapping,
// ACLED, UCDP, HXL) on a reader thread and checks and appends their records
// through one record::ImportSession.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "base/kinds.h"
#include "base/parallel.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/record_writes.h"
#include "ingest/acled.h"
#include "ingest/hxl.h"
#include "ingest/jsonl.h"
#include "ingest/lifeline_csv.h"
#include "ingest/mapping.h"
#include "ingest/odk_export.h"
#include "ingest/ucdp.h"
#include "record/import_session.h"
#include "store_dir/store_dir.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

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
        if (r.value("kind", "") == kinds::kSource) {
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
  if (format == "csv" || format == "kobo-json" || format == "central-json") {
    if (mapping_file.empty()) return InvalidArgumentError("--format " + format + " needs --mapping FILE");
    LIFELINE_ASSIGN_OR_RETURN(std::string mtext, store_dir::ReadFile(mapping_file));
    LIFELINE_ASSIGN_OR_RETURN(auto mapping, ingest::ParseMapping(mtext, fs::path(mapping_file).filename().string()));
    if (format == "csv") {
      emit(ReadChunk{ingest::ReadCsvWithMapping(data, mapping, io), 0, data.size(), data.size()});
    } else {
      auto server = format == "kobo-json" ? ingest::OdkServer::kKobo : ingest::OdkServer::kCentral;
      emit(ReadChunk{ingest::ReadOdkJsonWithMapping(data, server, mapping, io), 0, data.size(), data.size()});
    }
    return Status::Ok();
  }
  if (case_id.empty()) return InvalidArgumentError("--format " + format + " needs --case ID");
  if (format == "hxl") {
    emit(ReadChunk{ingest::ReadHxlCsv(data, io), 0, data.size(), data.size()});
    return Status::Ok();
  }
  return InvalidArgumentError("unknown --format " + format +
                              " (jsonl, csv, acled, ucdp, hxl, kobo-json, central-json)");
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

// The --format for `file`: as given, else from the mapping or the extension;
// a .json file with a mapping is a KoBoToolbox or ODK Central JSON export,
// told apart by its content (ingest/odk_export.h).
Result<std::string> ImportFormat(const std::string& file, const std::string& format, const std::string& mapping_file) {
  if (!format.empty()) return format;
  std::string ext = fs::path(file).extension().string();
  if (!mapping_file.empty() && ext == ".json") {
    LIFELINE_ASSIGN_OR_RETURN(std::string data, store_dir::ReadFile(file));
    if (auto server = ingest::DetectOdkJson(data)) return std::string(ingest::OdkJsonFormatName(*server));
    return InvalidArgumentError(file + " is neither a KoBoToolbox data.json (\"results\") nor an ODK Central "
                                "OData export (\"value\"): use --format");
  }
  if (!mapping_file.empty() || ext == ".csv") return std::string("csv");
  if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return std::string("jsonl");
  return InvalidArgumentError("cannot tell the format of " + file +
                              ": use --format jsonl|csv|acled|ucdp|hxl|kobo-json|central-json");
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

// Where CLI11 writes the import command's arguments.
struct ImportArgs {
  std::vector<std::string> files;
  std::string format, mapping, case_id;
  bool dry_run = false, partial = false, preserve_stamps = false;
  size_t batch = 10000;
};

}  // namespace

void AddImportCommand(CLI::App& app, Globals& g, std::function<int()>& action) {
  // The parsed arguments live as long as the callbacks that hold them.
  auto a = std::make_shared<ImportArgs>();
  auto* imp = app.add_subcommand(
      "import", "import records from JSON Lines, CSV (Lifeline's export, or any with a mapping), ACLED, UCDP or HXL");
  imp->add_option("FILE", a->files,
                  "the files to import, checked and appended together (e.g. each kind's CSV export)")
      ->required();
  imp->add_option("--format", a->format,
                  "jsonl, csv (Lifeline's CSV export; other layouts with --mapping), acled, ucdp or hxl "
                  "(default: from the extension)");
  imp->add_option("--mapping", a->mapping, "TOML mapping from CSV columns to record fields (src/ingest/README.md)");
  imp->add_option("--case", a->case_id, "the case id the records belong to");
  imp->add_flag("--dry-run", a->dry_run, "validate and report; write nothing");
  imp->add_flag("--partial", a->partial, "append the valid records even if some are rejected");
  imp->add_flag("--preserve-stamps", a->preserve_stamps,
                "keep `recorded` and `by` from the file (re-importing a Lifeline JSON Lines or CSV export)");
  imp->add_option("--batch", a->batch, "records per signed checkpoint")->check(CLI::Range(1, 1000000));
  imp->callback([&, a] {
    action = [&, a] {
      return CmdImport(g, a->files, a->format, a->mapping, a->case_id, a->dry_run, a->partial, a->preserve_stamps,
                       a->batch);
    };
  });
}

}  // namespace lifeline::cli
