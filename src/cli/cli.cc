#include "cli/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "base/bytes.h"
#include "cli/common.h"
#include "cli/entry_lines.h"
#include "cli/progress.h"
#include "store_dir/migrate.h"
#include "store_dir/store_dir.h"
#include "witness/witness.h"
#include "base/file.h"
#include "log/export.h"
#include "log/log.h"
#include "log/reader.h"
#include "log/verify.h"
#include "merkle/proof.h"
#include "note/checkpoint.h"
#include "note/note.h"
#include "note/receipt.h"
#include "store/tiles_dir/tiles_dir_store.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;

std::string DefaultOrigin() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08x", rd());
  return std::string("lifeline.invalid/log-") + buf;
}


// --- init -----------------------------------------------------------------

int CmdInit(const Globals& g, const std::string& dir, std::string origin, const std::string& key_file,
            const std::string& database) {
  std::optional<note::Signer> signer;
  if (!key_file.empty()) {
    auto text = store_dir::ReadFile(key_file);
    if (!text.ok()) return Fail(g, text.status());
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
    auto parsed = note::Signer::Parse(*text);
    if (!parsed.ok()) return Fail(g, parsed.status().Annotate(key_file));
    if (!origin.empty() && origin != parsed->name()) {
      return Fail(g, InvalidArgumentError("--origin " + origin + " differs from the key's name " + parsed->name()));
    }
    origin = parsed->name();
    signer = std::move(*parsed);
  }
  if (origin.empty()) origin = DefaultOrigin();
  auto vkey = store_dir::InitStore(dir, origin, signer, database);
  if (!vkey.ok()) return Fail(g, vkey.status().Annotate("init " + dir));
  if (g.json) {
    std::cout << json{{"ok", true}, {"store", dir}, {"backend", database.empty() ? "sqlite" : "postgresql"}, {"origin", origin}, {"vkey", *vkey}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "created store " << dir << " for log " << origin << "\nverifier key: " << *vkey << "\n";
  }
  return 0;
}

// --- migrate ----------------------------------------------------------------

// Copies the SQLite store `src` into the PostgreSQL database `conninfo`,
// proves the copy and makes `dest` a store directory naming it
// (store_dir/migrate.h). Progress on stderr.
int CmdMigrate(const Globals& g, const std::string& src, const std::string& conninfo, const std::string& dest) {
  std::optional<Progress> bar;
  std::string phase;
  auto progress = [&](const std::string& what, uint64_t done, uint64_t total) {
    if (what != phase) {
      bar.reset();
      if (!g.quiet && !g.json) std::cerr << "migrate: " << what << " " << total << " entries\n";
      bar.emplace(what, ShowProgress(g));
      phase = what;
    }
    bar->Update(done, total);
  };
  auto rep = store_dir::MigrateToPostgres(src, conninfo, dest, progress);
  bar.reset();
  if (!rep.ok()) return Fail(g, rep.status().Annotate("migrate " + src));
  if (g.json) {
    std::cout << json{{"ok", true}, {"store", dest}, {"size", rep->size}, {"checkpoints", rep->checkpoints},
                      {"records", rep->records}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << "copied " << rep->size << " entries, " << rep->checkpoints << " checkpoints (each root checked) and "
              << rep->records << " record rows; the copy verifies\ncreated store " << dest
              << " on the database; use --store " << dest << "\n";
  }
  return 0;
}

// --- log append -------------------------------------------------------------

int CmdAppend(const Globals& g, const std::string& file, size_t batch, bool base64, bool keep_newline) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  Result<EntryLines> entries = EntryLines::Open(file, base64, keep_newline);
  if (!entries.ok()) return Fail(g, entries.status());
  Result<uint64_t> total = entries->Check();
  if (!total.ok()) return Fail(g, total.status());
  auto ws = store_dir::OpenWritable(*dir);
  if (!ws.ok()) return Fail(g, ws.status());
  log::LogOptions opts;
  opts.max_batch_entries = batch;
  auto lg = log::Log::Open(std::move(ws->store), ws->signer, opts);
  if (!lg.ok()) return Fail(g, lg.status().Annotate("opening the log in " + *dir));
  const uint64_t before = (*lg)->size();
  Progress progress("appending", ShowProgress(g));
  // Keep two batches in flight: the log commits one while it hashes the next.
  std::deque<std::future<Result<uint64_t>>> inflight;
  std::deque<uint64_t> counts;
  uint64_t done = 0;
  Status failure;
  auto drain_one = [&]() {
    auto r = inflight.front().get();
    inflight.pop_front();
    if (!r.ok() && failure.ok()) failure = r.status();
    if (r.ok()) done += counts.front();
    counts.pop_front();
    progress.Update(done, *total);
  };
  std::vector<std::string> chunk;
  auto submit = [&] {
    counts.push_back(chunk.size());
    inflight.push_back((*lg)->AppendMany(std::exchange(chunk, {})));
    if (inflight.size() >= 2) drain_one();
  };
  Status read = entries->ForEach([&](std::string_view entry) {
    chunk.emplace_back(entry);
    if (chunk.size() == batch) submit();
    return failure;  // stop reading once a batch has failed
  });
  if (read.ok() && !chunk.empty()) submit();
  while (!inflight.empty()) drain_one();
  if (failure.ok() && !read.ok()) failure = read;
  std::string cp = (*lg)->checkpoint();
  uint64_t after = (*lg)->size();
  if (!failure.ok()) {
    return Fail(g, failure.Annotate("appended " + std::to_string(done) + " of " + std::to_string(*total) +
                                    " entries (log size " + std::to_string(after) + "); once the cause is fixed," +
                                    " append the input's entries after the first " + std::to_string(done)));
  }
  if (g.json) {
    std::cout << json{{"ok", true}, {"first_index", before}, {"count", *total}, {"size", after}, {"checkpoint", cp}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else if (!g.quiet) {
    if (*total == 0) {
      std::cout << "no entries to append; log size " << after << "\n";
    } else {
      std::cout << "appended " << *total << " entries at " << before << ".." << after - 1 << "; log size "
                << after << "\n";
    }
  }
  return 0;
}

// --- log checkpoint / entry / prove / consistency ---------------------------

Result<store::StoredCheckpoint> CheckpointFor(store::LogStore& st, std::optional<uint64_t> size) {
  if (size) return st.CheckpointAt(*size);
  return st.LatestCheckpoint();
}

int CmdCheckpoint(const Globals& g, std::optional<uint64_t> size) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto cp = CheckpointFor(*rs->store, size);
  if (!cp.ok()) return Fail(g, cp.status());
  auto opened = note::OpenCheckpoint(cp->note, rs->verifier);
  if (!opened.ok()) return Fail(g, opened.status().Annotate("the stored checkpoint does not verify"));
  if (g.json) {
    std::cout << json{{"ok", true}, {"origin", opened->checkpoint.origin}, {"size", opened->checkpoint.size},
                      {"root", Base64Encode(opened->checkpoint.root)}, {"checkpoint", cp->note}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << cp->note;
  }
  return 0;
}

int CmdEntry(const Globals& g, uint64_t index) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto cp = rs->store->LatestCheckpoint();
  if (!cp.ok()) return Fail(g, cp.status());
  if (index >= cp->size) {
    return Fail(g, NotFoundError("index " + std::to_string(index) + " is not below the log size " +
                                 std::to_string(cp->size)));
  }
  log::LogReader reader(rs->store.get());
  auto e = reader.Entry(index);
  if (!e.ok()) return Fail(g, e.status());
  if (g.json) {
    std::cout << json{{"ok", true}, {"index", index}, {"entry_base64", Base64Encode(AsBytes(*e))}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::fwrite(e->data(), 1, e->size(), stdout);
  }
  return 0;
}

int CmdProve(const Globals& g, uint64_t index, std::optional<uint64_t> size, const std::string& out) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto cp = CheckpointFor(*rs->store, size);
  if (!cp.ok()) return Fail(g, cp.status());
  auto opened = note::OpenCheckpoint(cp->note, rs->verifier);
  if (!opened.ok()) return Fail(g, opened.status().Annotate("the stored checkpoint does not verify"));
  log::LogReader reader(rs->store.get());
  auto receipt = log::MakeReceipt(reader, index, cp->size, cp->note);
  if (!receipt.ok()) return Fail(g, receipt.status());
  // With the witnesses' cosignatures when they are of this checkpoint.
  if (auto published = witness::PublishedCheckpoint(*dir, cp->note); published.ok()) {
    *receipt = note::WithPublishedNote(std::move(*receipt), cp->note, *published);
  }
  // Check our own receipt before handing it out.
  auto entry = reader.Entry(index);
  if (!entry.ok()) return Fail(g, entry.status());
  auto proof = reader.InclusionProof(index, cp->size);
  if (!proof.ok()) return Fail(g, proof.status());
  Status ok = merkle::VerifyInclusion(index, cp->size, merkle::LeafHash(AsBytes(*entry)), *proof,
                                      opened->checkpoint.root);
  if (!ok.ok()) return Fail(g, CorruptionError("the stored tiles give a bad proof: " + ok.message()));
  if (!out.empty()) {
    Status w = WriteFileAtomically(out, *receipt);
    if (!w.ok()) return Fail(g, w);
  }
  if (g.json) {
    json proof_b64 = json::array();
    for (const auto& h : *proof) proof_b64.push_back(Base64Encode(h));
    std::cout << json{{"ok", true}, {"index", index}, {"size", cp->size}, {"proof", proof_b64},
                      {"receipt", *receipt}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else if (out.empty()) {
    std::cout << *receipt;
  } else if (!g.quiet) {
    std::cout << "wrote receipt for entry " << index << " in a tree of " << cp->size << " to " << out << "\n";
  }
  return 0;
}

int CmdConsistency(const Globals& g, uint64_t from, std::optional<uint64_t> to) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto cp = CheckpointFor(*rs->store, to);
  if (!cp.ok()) return Fail(g, cp.status());
  auto opened = note::OpenCheckpoint(cp->note, rs->verifier);
  if (!opened.ok()) return Fail(g, opened.status().Annotate("the stored checkpoint does not verify"));
  if (from > cp->size) {
    return Fail(g, InvalidArgumentError("--from " + std::to_string(from) + " is beyond the checkpoint size " +
                                        std::to_string(cp->size)));
  }
  log::LogReader reader(rs->store.get());
  auto old_root = reader.Root(from);
  if (!old_root.ok()) return Fail(g, old_root.status());
  auto proof = reader.ConsistencyProof(from, cp->size);
  if (!proof.ok()) return Fail(g, proof.status());
  Status ok = merkle::VerifyConsistency(from, cp->size, *proof, *old_root, opened->checkpoint.root);
  if (!ok.ok()) return Fail(g, CorruptionError("the stored tiles give a bad proof: " + ok.message()));
  auto old_cp = rs->store->CheckpointAt(from);
  if (g.json) {
    json proof_b64 = json::array();
    for (const auto& h : *proof) proof_b64.push_back(Base64Encode(h));
    json j = {{"ok", true},          {"old_size", from},
              {"old_root", Base64Encode(*old_root)},
              {"new_size", cp->size}, {"new_root", Base64Encode(opened->checkpoint.root)},
              {"proof", proof_b64},  {"new_checkpoint", cp->note}};
    if (old_cp.ok()) j["old_checkpoint"] = old_cp->note;
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "old size " << from << " root " << Base64Encode(*old_root) << "\n"
              << "new size " << cp->size << " root " << Base64Encode(opened->checkpoint.root) << "\n"
              << "proof (" << proof->size() << " hashes):\n";
    for (const auto& h : *proof) std::cout << Base64Encode(h) << "\n";
  }
  return 0;
}

// --- log export-tiles, vkey, verify -----------------------------------------

int CmdExportTiles(const Globals& g, const std::string& out) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  Progress progress("exporting", ShowProgress(g));
  auto rep = log::ExportTiles(*rs->store, out, [&](uint64_t d, uint64_t t) { progress.Update(d, t); });
  if (!rep.ok()) return Fail(g, rep.status().Annotate("exporting tiles to " + out));
  if (g.json) {
    std::cout << json{{"ok", true}, {"size", rep->size}, {"files", rep->files}, {"bytes", rep->bytes}, {"dir", out}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else if (!g.quiet) {
    std::cout << "exported the log of size " << rep->size << " to " << out << " (" << rep->files << " files, "
              << rep->bytes << " bytes)\n";
  }
  return 0;
}

int CmdVkey(const Globals& g, bool fingerprint) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  if (g.json) {
    std::cout << json{{"ok", true},
                      {"vkey", rs->verifier.ToString()},
                      {"origin", rs->verifier.name()},
                      {"fingerprint", note::Fingerprint(rs->verifier)}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    // One line either way, so that `$(lifeline vkey)` stays the key: the
    // fingerprint is what a reader compares with the dashboard's and the
    // report's.
    std::cout << (fingerprint ? note::Fingerprint(rs->verifier) : rs->verifier.ToString()) << "\n";
  }
  return 0;
}

// Verifies `st` with `key` and prints the verdict.
int VerifyAndReport(const Globals& g, store::LogStore& st, const note::Verifier& key, const std::string& what) {
  Progress progress("verifying", ShowProgress(g));
  auto rep = log::VerifyLog(st, key, [&](uint64_t d, uint64_t t) { progress.Update(d, t); });
  if (!rep.ok()) {
    Status s = rep.status().Annotate(what);
    if (!g.json) std::cout << "FAIL " << s.message() << "\n";
    return Fail(g, s);
  }
  if (g.json) {
    std::cout << json{{"ok", true}, {"size", rep->size}, {"root", rep->root_base64}, {"entries", rep->entries},
                      {"tiles", rep->tiles}, {"checkpoints", rep->checkpoints}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << "OK size " << rep->size << " root " << rep->root_base64 << " (" << rep->entries
              << " entries rehashed, " << rep->tiles << " tiles and " << rep->checkpoints
              << " checkpoints verified)\n";
  }
  return 0;
}

// A vkey given as text or as the name of a file holding it.
Result<note::Verifier> LoadVerifier(const std::string& arg) {
  std::string text = arg;
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) {
    LIFELINE_ASSIGN_OR_RETURN(text, store_dir::ReadFile(arg));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  }
  auto v = note::Verifier::Parse(text);
  if (!v.ok()) return v.status().Annotate("verifier key " + arg);
  return v;
}

// --vkey when given, else the store's log.vkey.
Result<note::Verifier> VerifierFor(const Globals& g, const std::string& vkey_arg) {
  if (!vkey_arg.empty()) return LoadVerifier(vkey_arg);
  if (auto dir = StoreDir(g); dir.ok()) return LoadVerifier(*dir + "/log.vkey");
  return InvalidArgumentError("no verifier key: use --vkey KEY|FILE or --store DIR");
}

int CmdVerifyTiles(const Globals& g, const std::string& tiles, const std::string& vkey_arg) {
  Result<note::Verifier> key = VerifierFor(g, vkey_arg);
  if (!key.ok()) return Fail(g, key.status());
  auto note_text = store_dir::ReadFile(tiles + "/checkpoint");
  if (!note_text.ok()) return Fail(g, note_text.status());
  auto cp = note::OpenCheckpoint(*note_text, *key);
  if (!cp.ok()) {
    Status s = VerificationFailedError("checkpoint: " + cp.status().message());
    if (!g.json) std::cout << "FAIL " << s.message() << "\n";
    return Fail(g, s);
  }
  store::TilesDirStore st(tiles, cp->checkpoint.size, *note_text);
  return VerifyAndReport(g, st, *key, tiles);
}

int CmdVerify(const Globals& g, const std::string& tiles, const std::string& vkey) {
  if (!tiles.empty()) return CmdVerifyTiles(g, tiles, vkey);
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  Status qc = store_dir::CheckBackend(*rs->store);
  if (!qc.ok()) {
    if (!g.json) std::cout << "FAIL " << qc.message() << "\n";
    return Fail(g, qc);
  }
  return VerifyAndReport(g, *rs->store, rs->verifier, *dir);
}

// Verifies a c2sp.org/tlog-proof@v1 receipt for the entry in `entry_file`
// with the log's verifier key, as an outsider would.
int CmdVerifyReceipt(const Globals& g, const std::string& vkey_arg, const std::string& receipt_file,
                     const std::string& entry_file) {
  Result<note::Verifier> key = VerifierFor(g, vkey_arg);
  if (!key.ok()) return Fail(g, key.status());
  auto text = store_dir::ReadFile(receipt_file);
  if (!text.ok()) return Fail(g, text.status());
  auto entry = store_dir::ReadFile(entry_file);
  if (!entry.ok()) return Fail(g, entry.status());
  auto receipt = note::ParseReceipt(*text);
  if (!receipt.ok()) return Fail(g, receipt.status().Annotate(receipt_file));
  auto cp = note::OpenCheckpoint(receipt->checkpoint, *key);
  if (!cp.ok()) return Fail(g, VerificationFailedError(receipt_file + ": checkpoint: " + cp.status().message()));
  Status s = merkle::VerifyInclusion(receipt->index, cp->checkpoint.size, merkle::LeafHash(AsBytes(*entry)),
                                     receipt->proof, cp->checkpoint.root);
  if (!s.ok()) {
    Status v = VerificationFailedError(receipt_file + ": " + s.message());
    if (!g.json) std::cout << "FAIL " << v.message() << "\n";
    return Fail(g, v);
  }
  if (g.json) {
    std::cout << json{{"ok", true}, {"origin", cp->checkpoint.origin}, {"index", receipt->index},
                      {"size", cp->checkpoint.size}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << "OK " << entry_file << " is entry " << receipt->index << " of " << cp->checkpoint.origin
              << " at size " << cp->checkpoint.size << "\n";
  }
  return 0;
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App app{"Lifeline: a verifiable record of a population cut off from the world"};
  app.require_subcommand(1);
  Globals g;
  app.add_option("--store", g.store, "store directory (default: $LIFELINE_STORE)");
  app.add_flag("--json", g.json, "machine-readable output on stdout");
  app.add_flag("-q,--quiet", g.quiet, "no progress or informational output");
  std::function<int()> action;

  auto* init = app.add_subcommand("init", "create a store and its signing key");
  std::string init_dir, origin;
  init->add_option("DIR", init_dir, "store directory to create")->required();
  init->add_option("--origin", origin, "the log's origin line and key name (default: a random name)");
  std::string init_key;
  init->add_option("--key", init_key, "use this signer key (note skey file) instead of generating one");
  std::string init_db;
  init->add_option("--db", init_db,
                   "keep the log in this PostgreSQL database (a libpq connection string or postgres:// URI, which "
                   "must hold no Lifeline store); DIR keeps the keys and names the database");
  init->callback([&] { action = [&] { return CmdInit(g, init_dir, origin, init_key, init_db); }; });

  auto* migrate = app.add_subcommand("migrate", "copy a SQLite store into a PostgreSQL database and prove the copy");
  std::string migrate_src, migrate_to, migrate_dest;
  migrate->add_option("--to", migrate_to, "the PostgreSQL database (connection string or postgres:// URI); it must hold no Lifeline store")->required();
  migrate->add_option("DIR", migrate_src, "the SQLite store directory to copy (left as it is)")->required();
  migrate->add_option("NEWDIR", migrate_dest, "the store directory to create for the copy (DIR's keys and files, naming the database)")->required();
  migrate->callback([&] { action = [&] { return CmdMigrate(g, migrate_src, migrate_to, migrate_dest); }; });

  auto* logc = app.add_subcommand("log", "the record log: append, checkpoint, proofs, tiles");
  logc->require_subcommand(1);
  auto* append = logc->add_subcommand("append", "append entries, one per line, from stdin or --file");
  std::string append_file;
  size_t batch = 10000;
  append->add_option("--file", append_file, "read entries from this file instead of stdin");
  append->add_option("--batch", batch, "entries per signed checkpoint")->check(CLI::Range(1, 10000000));
  bool append_base64 = false;
  auto* b64_opt =
      append->add_flag("--base64", append_base64, "each line is the base64 of one entry (for binary entries)");
  bool keep_newline = false;
  append->add_flag("--keep-newline", keep_newline, "each entry includes its line's terminating newline")
      ->excludes(b64_opt);
  append->callback([&] { action = [&] { return CmdAppend(g, append_file, batch, append_base64, keep_newline); }; });

  auto* cpc = logc->add_subcommand("checkpoint", "print the latest (or --size N) signed checkpoint");
  std::optional<uint64_t> cp_size;
  cpc->add_option("--size", cp_size, "a stored checkpoint of this size");
  cpc->callback([&] { action = [&] { return CmdCheckpoint(g, cp_size); }; });

  auto* entry = logc->add_subcommand("entry", "print the entry at --index N (raw bytes)");
  uint64_t entry_index = 0;
  entry->add_option("--index", entry_index, "entry index")->required();
  entry->callback([&] { action = [&] { return CmdEntry(g, entry_index); }; });

  auto* prove = logc->add_subcommand("prove", "write a c2sp.org/tlog-proof@v1 receipt for an entry");
  uint64_t prove_index = 0;
  std::optional<uint64_t> prove_size;
  std::string prove_out;
  prove->add_option("--index", prove_index, "entry index")->required();
  prove->add_option("--size", prove_size, "prove against the stored checkpoint of this size");
  prove->add_option("-o,--output", prove_out, "write the receipt to this file");
  prove->callback([&] { action = [&] { return CmdProve(g, prove_index, prove_size, prove_out); }; });

  auto* cons = logc->add_subcommand("consistency", "prove the tree of --from N is a prefix of the latest");
  uint64_t cons_from = 0;
  std::optional<uint64_t> cons_to;
  cons->add_option("--from", cons_from, "the older tree size")->required();
  cons->add_option("--to", cons_to, "a stored checkpoint's size (default: the latest)");
  cons->callback([&] { action = [&] { return CmdConsistency(g, cons_from, cons_to); }; });

  auto* vr = logc->add_subcommand("verify-receipt", "check a tlog-proof receipt for an entry's bytes");
  std::string vr_receipt, vr_entry, vr_vkey;
  vr->add_option("RECEIPT", vr_receipt, "the receipt file")->required();
  vr->add_option("ENTRY", vr_entry, "a file holding the entry's exact bytes")->required();
  vr->add_option("--vkey", vr_vkey, "the log's verifier key text or file (default: the store's)");
  vr->callback([&] { action = [&] { return CmdVerifyReceipt(g, vr_vkey, vr_receipt, vr_entry); }; });

  auto* exp = logc->add_subcommand("export-tiles", "write the log as a static tlog-tiles directory");
  std::string exp_dir;
  exp->add_option("DIR", exp_dir, "output directory")->required();
  exp->callback([&] { action = [&] { return CmdExportTiles(g, exp_dir); }; });

  AddCaseCommands(app, g, action);
  AddRecordCommands(app, g, action);
  AddAnalysisCommands(app, g, action);
  AddRiskCommands(app, g, action);
  AddReportCommands(app, g, action);
  AddAlertsCommands(app, g, action);
  AddServeCommands(app, g, action);
  AddWitnessCommands(app, g, action);
  AddXFormCommand(app, g, action);

  auto* vkey = app.add_subcommand("vkey", "print the log's verifier key (or its fingerprint)");
  auto vkey_fp = std::make_shared<bool>(false);
  vkey->add_flag("--fingerprint", *vkey_fp, "print the key's fingerprint instead (as the dashboard and report show it)");
  vkey->callback([&, vkey_fp] { action = [&, vkey_fp] { return CmdVkey(g, *vkey_fp); }; });

  auto* verify = app.add_subcommand("verify", "recompute every hash, tile and checkpoint of the store");
  std::string verify_tiles, verify_vkey;
  verify->add_option("--tiles", verify_tiles, "verify a tlog-tiles directory (an export or mirror) instead");
  verify->add_option("--vkey", verify_vkey, "verifier key text or file for --tiles (default: the store's)");
  verify->callback([&] { action = [&] { return CmdVerify(g, verify_tiles, verify_vkey); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return action ? action() : 2;
}

}  // namespace lifeline::cli
