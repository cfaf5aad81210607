// The record commands: add, show, list, export, reindex, schema; they
// register `import` (import_commands.cc) and `evidence` (evidence_commands.cc)
// in their place among them. Every write goes through record::Submit
// (cli/record_writes.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/file.h"
#include "base/kinds.h"
#include "base/ordered_batches.h"
#include "base/parallel.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/record_writes.h"
#include "export/export.h"
#include "log/reader.h"
#include "record/canonical.h"
#include "record/corroboration.h"
#include "record/projection.h"
#include "record/schema.h"
#include "record/seal.h"
#include "record/submit.h"
#include "record/values.h"
#include "record/view.h"
#include "store_dir/store_dir.h"
#include "witness/witness.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

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
  // With the witnesses' cosignatures when they are of this checkpoint, so
  // that the receipt alone shows the quorum (verify.html).
  record::UsePublishedCheckpoint(*view, [d = *dir](const std::string& note) {
    auto p = witness::PublishedCheckpoint(d, note);
    return p.ok() ? *p : note;
  });
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
  if (!out["disputed_fields"].empty()) {
    std::cout << "fields disputed:";
    for (const auto& f : out["disputed_fields"]) std::cout << " " << f.get<std::string>();
    std::cout << "\n";
  }
  for (const auto& s : out["sources"]) {
    std::cout << "source " << str(s, "id") << ": " << str(s, "publisher") << ", \"" << str(s, "title") << "\"";
    if (!str(s, "published").empty()) std::cout << " (" << str(s, "published") << ")";
    if (!str(s, "url").empty()) std::cout << " " << str(s, "url");
    std::cout << "\n";
  }
  for (const auto& c : out["claims"]) {
    std::cout << "claim " << str(c, "id") << ": " << str(c, "party") << " " << str(c, "stance");
    // A claim about one field disputes (or confirms) that field, not the record.
    if (c.contains("field")) std::cout << " field " << str(c, "field");
    if (c.contains("value")) std::cout << " (says: " << c["value"].dump() << ")";
    std::cout << ": " << str(c, "text") << "\n";
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

// JSON Lines record by record, in bounded memory: a line per record is
// written as the scan passes it (to a temporary file that takes the name
// `out` only when every record was written, as WriteFileAtomically would).
// Each record is parsed and written in its canonical form beside the scan,
// on the other cores (OrderedBatches), and the lines are written in the
// scan's order: on one thread the export took 2.6 times DuckDB's.
int ExportJsonLines(const Globals& g, store::LogStore& st, const store::RecordQuery& q, const std::string& out) {
  const bool to_stdout = out.empty() || out == "-";
  std::optional<AtomicFileWriter> file;
  if (!to_stdout) {
    auto f = AtomicFileWriter::Create(out);
    if (!f.ok()) return Fail(g, f.status());
    file.emplace(std::move(*f));
  }
  constexpr size_t kFlushBytes = 1 << 20;
  std::string buf;
  auto flush = [&]() -> Status {
    if (to_stdout) {
      std::cout.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (!std::cout) return IoError("writing the export to stdout");
    } else {
      LIFELINE_RETURN_IF_ERROR(file->Append(buf));
    }
    buf.clear();
    return Status::Ok();
  };
  struct Row {
    store::RecordRow row;
    uint64_t position = 0;  // among the exported records, from 0
  };
  struct Line {
    Status status;
    std::string text;  // with its newline
  };
  OrderedBatches<Row, Line> lines(
      [](const Row& r, Line& line) {
        json j = json::parse(r.row.body, nullptr, false);
        if (j.is_discarded()) {
          line.status = CorruptionError("record " + r.row.id + " in the query tables is not JSON");
          return;
        }
        line.status = exports::AppendJsonLine(j, r.position, &line.text).Annotate("export jsonl");
      },
      [&](Row&, Line& line) -> Status {
        LIFELINE_RETURN_IF_ERROR(line.status);
        buf += line.text;
        return buf.size() >= kFlushBytes ? flush() : Status::Ok();
      });
  uint64_t n = 0;
  Status s = st.ForEachRecord(q, [&](const store::RecordRow& r) { return lines.Add(Row{r, n++}); });
  Status taken = lines.Flush();  // every line taken (or the first error) before `buf` is read here
  if (s.ok()) s = taken;
  if (s.ok()) s = flush();
  if (s.ok() && file) s = file->Commit();
  if (!s.ok()) return Fail(g, s);
  if (!g.quiet && !to_stdout) {
    std::cerr << "exported " << n << " records as jsonl to " << out << "; confidential fields are never exported\n";
  }
  return 0;
}

int CmdExport(const Globals& g, const std::string& format, store::RecordQuery q, bool all, bool raw,
              const std::string& out) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  // JSON Lines carries the whole history (so that re-importing it gives the
  // same entries); the other formats the current view unless --all.
  q.current_only = format != "jsonl" && !all;
  if (format == "acled" && q.kind.empty()) q.kind = kinds::kIncident;
  if (format == "csv" && q.kind.empty()) {
    return Fail(g, InvalidArgumentError("--format csv needs --kind (one table per kind)"));
  }
  if (format == "jsonl") return ExportJsonLines(g, *rs->store, q, out);
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

// The log's projection, row by row in log order: the rows `reindex` compares
// the query tables with, and writes when they differ. Reads the entries below
// `size` through `reader`; entries that are not records (raw `log append`
// entries) are counted and skipped. The entries are read a batch at a time
// and projected on every core (parsing each was the whole of a reindex's
// time, on one core).
class Projection {
 public:
  Projection(log::LogReader* reader, uint64_t size) : reader_(reader), size_(size) {}

  // The next row, or nullopt after the last entry.
  Result<std::optional<store::RecordRow>> Next() {
    while (at_ == rows_.size()) {
      if (next_ >= size_) return std::optional<store::RecordRow>();
      LIFELINE_RETURN_IF_ERROR(Refill());
    }
    return std::optional<store::RecordRow>(std::move(rows_[at_++]));
  }
  // Entries read so far (a multiple of the batch until the last).
  uint64_t position() const { return next_; }
  uint64_t records() const { return records_; }
  uint64_t not_records() const { return not_records_; }

 private:
  static constexpr size_t kBatch = 4096;

  Status Refill() {
    const uint64_t first = next_;
    std::vector<std::string> entries;
    while (entries.size() < kBatch && next_ < size_) {
      LIFELINE_ASSIGN_OR_RETURN(std::string e, reader_->Entry(next_));
      entries.push_back(std::move(e));
      ++next_;
    }
    std::vector<std::optional<store::RecordRow>> projected(entries.size());
    ParallelFor(entries.size(), DefaultWorkers(), [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        auto j = record::ParseJson(entries[i]);
        if (!j.ok()) continue;  // a raw `log append` entry: in the log, not a record
        Result<store::RecordRow> row = record::ProjectRecord(*j, std::move(entries[i]));
        if (!row.ok()) continue;
        row->index = first + i;
        projected[i] = std::move(*row);
      }
    });
    rows_.clear();
    at_ = 0;
    for (auto& p : projected) {
      if (!p) {
        ++not_records_;
        continue;
      }
      rows_.push_back(std::move(*p));
      ++records_;
    }
    return Status::Ok();
  }

  log::LogReader* reader_;
  uint64_t size_, next_ = 0, records_ = 0, not_records_ = 0;
  std::vector<store::RecordRow> rows_;  // the batch projected, returned from at_
  size_t at_ = 0;
};

// Compares the query tables with the log's projection and rewrites them when
// they differ, in bounded memory: the comparison walks the tables (in index
// order) and the log side by side, and the rewrite hands the projection to
// the store a batch at a time inside one transaction (RebuildRecords), so a
// crash leaves the old tables or the new ones.
int CmdReindex(const Globals& g) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto ws = store_dir::OpenWritable(*dir);
  if (!ws.ok()) return Fail(g, ws.status());
  store::LogStore& st = *ws->store;
  auto cp = st.LatestCheckpoint();
  if (!cp.ok()) return Fail(g, cp.status());
  log::LogReader reader(&st);
  Progress progress("reindexing", ShowProgress(g));
  // Pass 1: a merge of two index-ordered streams. A stored row with no equal
  // projected row of its index, and a projected row with no stored row, each
  // count as one difference.
  Projection proj(&reader, cp->size);
  std::optional<store::RecordRow> want;
  uint64_t differences = 0;
  uint64_t shown = 0;
  auto advance = [&]() -> Status {
    LIFELINE_ASSIGN_OR_RETURN(want, proj.Next());
    if (proj.position() != shown) progress.Update(shown = proj.position(), cp->size);
    return Status::Ok();
  };
  Status s = advance();
  store::RecordQuery all;
  all.current_only = false;
  if (s.ok()) {
    s = st.ForEachRecord(all, [&](const store::RecordRow& r) {
      while (want && want->index < r.index) {
        ++differences;  // missing from the tables
        LIFELINE_RETURN_IF_ERROR(advance());
      }
      if (want && want->index == r.index) {
        if (!(*want == r)) ++differences;
        return advance();
      }
      ++differences;  // a row with no entry behind it
      return Status::Ok();
    });
  }
  while (s.ok() && want) {
    ++differences;
    s = advance();
  }
  if (!s.ok()) return Fail(g, s);
  progress.Update(cp->size, cp->size);
  const uint64_t records = proj.records(), not_records = proj.not_records();
  if (differences > 0) {
    // Pass 2: the projection again, written in batches in one transaction.
    constexpr size_t kBatch = 4096;
    Projection again(&reader, cp->size);
    Status w = st.RebuildRecords([&](std::vector<store::RecordRow>* batch) -> Result<bool> {
      while (batch->size() < kBatch) {
        LIFELINE_ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, again.Next());
        if (!row) break;
        batch->push_back(std::move(*row));
      }
      return !batch->empty();
    });
    if (!w.ok()) return Fail(g, w.Annotate("rewriting the query tables"));
  }
  if (g.json) {
    std::cout << json{{"ok", true}, {"entries", cp->size}, {"records", records}, {"not_records", not_records},
                      {"differences", differences}, {"repaired", differences > 0}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << "reindexed " << cp->size << " entries: " << records << " records";
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
  std::string show_id, show_receipt;
  bool show_confidential = false;
  store::RecordQuery q;
  bool list_all = false;
  std::string exp_format = "jsonl", exp_out;
  store::RecordQuery eq;
  bool exp_all = false;
  bool exp_raw = false;
};

}  // namespace

void AddRecordCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  // The parsed arguments live as long as the callbacks that hold them.
  auto a = std::make_shared<RecordArgs>();
  auto* add = app.add_subcommand("add", "add a record (a JSON object) from a file or stdin");
  add->add_option("FILE", a->add_file, "the record (default: stdin)");
  add->add_flag("--dry-run", a->add_dry, "validate only; write nothing");
  add->callback([&, a] { action = [&, a] { return CmdAdd(g, a->add_file, a->add_dry); }; });

  AddImportCommand(app, g, action);

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

  AddEvidenceCommands(app, g, action);

  auto* schema = app.add_subcommand("schema", "print the JSON Schema of records (docs/schema/records-v2.json)");
  schema->callback([&, a] {
    action = [&, a] {
      std::cout << record::JsonSchema().dump(2) << "\n";
      return 0;
    };
  });
}

}  // namespace lifeline::cli
