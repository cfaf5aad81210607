// Corruption tests: damage a store or an exported tiles directory one bit or
// byte at a time and check that verification either names the damage or the
// damage carries no log content. Never may verification pass while the log
// reads differently (silent corruption).
//
// (a) The SQLite store. A store of a few thousand entries and several
//     checkpoints is built once, its WAL folded into lifeline.db, and its
//     `log export-tiles` output kept as the reference. Each trial flips one
//     bit of a copy of lifeline.db and runs `lifeline verify`:
//     - exit non-zero with a message locating the damage (an entry, a tile
//       path, a checkpoint "#n", SQLite's quick_check): detected;
//     - exit 0 and an export byte-identical to the reference: harmless (the
//       bit was free space, a stale page, an unused column);
//     - anything else fails the test.
//     Targeted flips inside an entry's bytes and inside a checkpoint's
//     signature must name that entry (or its tile) and that checkpoint.
// (b) Exported tiles. A byte flipped in any tile, bundle or checkpoint file
//     makes `lifeline verify --tiles` fail naming that file; a deleted file
//     is reported missing. When Go is installed, the independent verifier
//     (/work/shared/tools/tlog-verify) must fail naming the same file.
//
// Randomized from one seed per test, printed; rerun with
// LIFELINE_TEST_SEED=<seed>.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "store_dir/store_dir.h"
#include "log/log.h"
#include "merkle/tile.h"
#include "store/sqlite/sqlite_store.h"
#include "subprocess.h"

namespace lifeline {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

constexpr const char* kOrigin = "example.org/lifeline-corruption-test";
constexpr int kSqliteTrials = 60;  // $LIFELINE_CORRUPTION_TRIALS overrides (soak runs)
constexpr int kTileTrials = 80;
constexpr uint64_t kEntries = 4600;
constexpr size_t kPageSize = 16384;  // SqliteStore::Create's page_size

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Every regular file under `dir`, by path relative to it.
std::map<std::string, std::string> ReadTree(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file()) files[fs::relative(it->path(), dir).string()] = ReadAll(it->path().string());
  }
  return files;
}

// "" when equal, else the first difference.
std::string DiffTrees(const std::map<std::string, std::string>& want, const std::map<std::string, std::string>& got) {
  for (const auto& [path, data] : want) {
    auto it = got.find(path);
    if (it == got.end()) return path + " is missing";
    if (it->second != data) return path + " differs";
  }
  for (const auto& [path, data] : got) {
    if (!want.count(path)) return path + " is extra";
  }
  return "";
}

// The three files that make a store; the -wal and -shm are not copied (the
// builder made sure the WAL was empty).
void CopyStore(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const char* f : {"lifeline.db", "log.key", "log.vkey"}) {
    fs::copy_file(from + "/" + f, to + "/" + f, fs::copy_options::overwrite_existing);
  }
}

std::vector<size_t> FindAll(const std::string& haystack, const std::string& needle) {
  std::vector<size_t> at;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) at.push_back(p);
  return at;
}

ProcessResult Verify(const std::string& store_dir) {
  return RunProcess({LIFELINE_BIN, "--store", store_dir, "verify"});
}

ProcessResult VerifyTiles(const std::string& tiles_dir, const std::string& vkey_file) {
  return RunProcess({LIFELINE_BIN, "verify", "--tiles", tiles_dir, "--vkey", vkey_file});
}

// Opens the store as a writer would (lock, key, Log::Open: the latest
// checkpoint's signature and the right edge of the tree), appending nothing.
Status OpenLogForWriting(const std::string& dir) {
  auto ws = store_dir::OpenWritable(dir);
  if (!ws.ok()) return ws.status();
  auto lg = log::Log::Open(std::move(ws->store), ws->signer);
  return lg.status();
}

// The built store and its reference export, shared by every test.
struct Fixture {
  std::unique_ptr<TempDir> tmp;
  std::string store;    // the pristine store
  std::string exported; // its export
  std::string vkey_file;
  std::map<std::string, std::string> reference;  // the export's files
  std::vector<std::string> entries;             // entry i
  std::vector<std::string> checkpoints;         // checkpoint #i+1's note
  std::string error;                            // why building failed
};

Fixture BuildFixture() {
  Fixture f;
  f.tmp = std::make_unique<TempDir>("lifeline-corruption");
  f.store = f.tmp->path() + "/store";
  f.exported = f.tmp->path() + "/reference";
  f.vkey_file = f.store + "/log.vkey";
  auto init = store_dir::InitStore(f.store, kOrigin);
  if (!init.ok()) {
    f.error = init.status().ToString();
    return f;
  }
  // Entries of 30..330 bytes, so bundles span SQLite overflow pages; a fixed
  // seed, so the store's layout is the same in every run.
  std::mt19937_64 rng(20240601);
  for (uint64_t i = 0; i < kEntries; ++i) {
    std::string e = "record " + std::to_string(i) + " ";
    size_t n = std::uniform_int_distribution<size_t>(20, 320)(rng);
    for (size_t k = 0; k < n; ++k) e.push_back("abcdefghijklmnopqrstuvwxyz"[rng() % 26]);
    f.entries.push_back(e);
  }
  // Three appends in batches: several checkpoints, partial tiles widened.
  const std::vector<std::pair<uint64_t, int>> appends = {{700, 250}, {1200, 500}, {2700, 900}};
  uint64_t next = 0;
  for (auto [count, batch] : appends) {
    std::string input;
    for (uint64_t i = next; i < next + count; ++i) input += f.entries[i] + "\n";
    next += count;
    ProcessResult r =
        RunProcess({LIFELINE_BIN, "--store", f.store, "log", "append", "--batch", std::to_string(batch)}, input);
    if (r.exit_code != 0) {
      f.error = "append: " + r.Describe();
      return f;
    }
  }
  // Fold the WAL into lifeline.db: closing the last read-write connection
  // checkpoints and removes it.
  {
    auto st = store::SqliteStore::Open(f.store + "/lifeline.db", store::SqliteStore::Mode::kReadWrite);
    if (!st.ok()) {
      f.error = st.status().ToString();
      return f;
    }
  }
  std::error_code ec;
  if (fs::exists(f.store + "/lifeline.db-wal", ec) && fs::file_size(f.store + "/lifeline.db-wal", ec) != 0) {
    f.error = "the WAL was not checkpointed into lifeline.db";
    return f;
  }
  auto rs = store_dir::OpenReadable(f.store);
  if (!rs.ok()) {
    f.error = rs.status().ToString();
    return f;
  }
  Status s = rs->store->ForEachCheckpoint([&](const store::StoredCheckpoint& cp) {
    f.checkpoints.push_back(cp.note);
    return Status::Ok();
  });
  if (!s.ok()) {
    f.error = s.ToString();
    return f;
  }
  ProcessResult v = Verify(f.store);
  if (v.exit_code != 0) {
    f.error = "the pristine store does not verify: " + v.Describe();
    return f;
  }
  ProcessResult e = RunProcess({LIFELINE_BIN, "--store", f.store, "log", "export-tiles", f.exported});
  if (e.exit_code != 0) {
    f.error = "export: " + e.Describe();
    return f;
  }
  f.reference = ReadTree(f.exported);
  return f;
}

const Fixture& GetFixture() {
  static const Fixture f = BuildFixture();  // removed at exit
  return f;
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Fixture& f = GetFixture();
    ASSERT_TRUE(f.error.empty()) << f.error;
    ASSERT_EQ(f.checkpoints.size(), 1 + 3 + 3 + 3u) << "the empty checkpoint and one per batch";
    tmp_ = std::make_unique<TempDir>("lifeline-trial");
  }

  const Fixture& fixture() const { return GetFixture(); }
  std::string TrialDir(const std::string& name) const { return tmp_->path() + "/" + name; }

  // The verdict of `lifeline verify` on a store copy whose lifeline.db is
  // `db`: "detected", "harmless", or a failure message.
  struct Verdict {
    bool detected = false;
    bool harmless = false;
    std::string message;  // verify's output (detected) or what went wrong
  };
  Verdict Judge(const std::string& name, const std::string& db) {
    const std::string dir = TrialDir(name);
    CopyStore(fixture().store, dir);
    WriteAll(dir + "/lifeline.db", db);
    ProcessResult v = Verify(dir);
    Verdict out;
    if (v.timed_out || v.exit_code > 128) {
      out.message = "verify crashed or hung: " + v.Describe();
    } else if (v.exit_code != 0) {
      out.detected = true;
      out.message = v.out + v.err;
    } else {
      ProcessResult e = RunProcess({LIFELINE_BIN, "--store", dir, "log", "export-tiles", dir + "/export"});
      if (e.exit_code != 0) {
        out.message = "verify passed but export failed: " + e.Describe();
      } else if (std::string diff = DiffTrees(fixture().reference, ReadTree(dir + "/export")); !diff.empty()) {
        out.message = "SILENT CORRUPTION: verify passed but the export differs: " + diff + "\n" + v.out;
      } else if (Status w = OpenLogForWriting(dir); !w.ok()) {
        out.message = "verify passed but the store cannot be opened for writing: " + w.ToString();
      } else {
        out.harmless = true;
      }
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return out;
  }

  std::unique_ptr<TempDir> tmp_;
};

// What a detection message points at, or "" when it locates nothing.
std::string Location(const std::string& message) {
  if (message.find("quick_check") != std::string::npos) return "quick_check";
  if (message.find("entry ") != std::string::npos) return "entry";
  if (message.find("tile/") != std::string::npos) return "tile";
  if (message.find("checkpoint #") != std::string::npos) return "checkpoint";
  if (message.find("meta table") != std::string::npos) return "meta";
  // SQLite's own findings before quick_check can run: a damaged header or
  // schema makes the file unreadable as a database or as a Lifeline store.
  for (const char* s : {"malformed", "not a database", "not a Lifeline store", "store format"}) {
    if (message.find(s) != std::string::npos) return "sqlite";
  }
  return "";
}

TEST_F(CorruptionTest, RandomBitFlipsInTheDatabaseAreDetectedOrHarmless) {
  std::mt19937_64 rng(testing::TestSeed("CorruptionTest.RandomBitFlipsInTheDatabaseAreDetectedOrHarmless"));
  const std::string pristine = ReadAll(fixture().store + "/lifeline.db");
  ASSERT_GT(pristine.size(), 50 * kPageSize);
  ASSERT_EQ(pristine.size() % kPageSize, 0u);
  const char* env_trials = std::getenv("LIFELINE_CORRUPTION_TRIALS");
  const int trials = env_trials != nullptr ? std::atoi(env_trials) : kSqliteTrials;
  std::map<std::string, int> located;  // location kind -> count
  int detected = 0, harmless = 0;
  for (int t = 0; t < trials; ++t) {
    std::string db = pristine;
    // Most of the file is entry bundles; every other trial aims at the
    // structure instead: the first 128 bytes of a random page (b-tree page
    // header and cell pointers, overflow chain pointer, the file header).
    size_t offset = std::uniform_int_distribution<size_t>(0, db.size() - 1)(rng);
    if (t % 2 == 1) {
      const size_t page = std::uniform_int_distribution<size_t>(0, db.size() / kPageSize - 1)(rng);
      offset = page * kPageSize + std::uniform_int_distribution<size_t>(0, 127)(rng);
    }
    const int bit = std::uniform_int_distribution<int>(0, 7)(rng);
    db[offset] = static_cast<char>(db[offset] ^ (1 << bit));
    Verdict v = Judge("flip" + std::to_string(t), db);
    const std::string where = "trial " + std::to_string(t) + ": bit " + std::to_string(bit) + " of byte " +
                              std::to_string(offset) + " (page " + std::to_string(offset / kPageSize + 1) + ")";
    if (v.detected) {
      std::string kind = Location(v.message);
      EXPECT_FALSE(kind.empty()) << where << ": verify failed without locating the damage:\n" << v.message;
      if (std::getenv("LIFELINE_CORRUPTION_VERBOSE") != nullptr) {
        std::printf("%s: %s: %s", where.c_str(), kind.c_str(), v.message.substr(0, 300).c_str());
      }
      ++located[kind.empty() ? "unlocated" : kind];
      ++detected;
    } else if (v.harmless) {
      ++harmless;
    } else {
      ADD_FAILURE() << where << ": " << v.message;
    }
  }
  std::printf("%d trials: %d detected (", trials, detected);
  for (const auto& [kind, n] : located) std::printf(" %s %d", kind.c_str(), n);
  std::printf(" ), %d harmless\n", harmless);
  EXPECT_GT(detected, 0);
  EXPECT_EQ(detected + harmless, trials);
}

TEST_F(CorruptionTest, FlipInsideAnEntryNamesTheEntry) {
  std::mt19937_64 rng(testing::TestSeed("CorruptionTest.FlipInsideAnEntryNamesTheEntry"));
  const std::string pristine = ReadAll(fixture().store + "/lifeline.db");
  // Some random entries, and the first and the last (in a partial bundle).
  std::vector<uint64_t> picks = {0, kEntries - 1};
  while (picks.size() < 8) picks.push_back(std::uniform_int_distribution<uint64_t>(1, kEntries - 2)(rng));
  int tried = 0;
  for (uint64_t index : picks) {
    const std::string& entry = fixture().entries[index];
    // Stale copies (freed pages of a bundle since widened) may hold the
    // entry too; a flip there must be harmless, a flip in the live copy
    // named. An entry split across overflow pages is not found: skip it.
    std::vector<size_t> at = FindAll(pristine, entry);
    if (at.empty()) continue;
    ++tried;
    const uint64_t bundle = index / merkle::kTileWidth;
    const std::string bundle_path = merkle::TilePath({merkle::kEntriesLevel, bundle, merkle::kTileWidth});
    const std::string tile_path = merkle::TilePath({0, bundle, merkle::kTileWidth});
    int named = 0;
    for (size_t pos : at) {
      std::string db = pristine;
      // Inside the entry's bytes, past "record N " so that the flip cannot
      // turn it into another valid entry's prefix by accident.
      const size_t off = pos + std::uniform_int_distribution<size_t>(entry.find(' ', 7) + 1, entry.size() - 1)(rng);
      db[off] = static_cast<char>(db[off] ^ (1 << std::uniform_int_distribution<int>(0, 7)(rng)));
      Verdict v = Judge("entry" + std::to_string(index), db);
      if (v.detected) {
        // The last bundle is partial: its path ends in .p/<W>.
        bool names = v.message.find("entry " + std::to_string(index) + " ") != std::string::npos ||
                     v.message.find(bundle_path) != std::string::npos ||
                     v.message.find(tile_path) != std::string::npos;
        EXPECT_TRUE(names) << "entry " << index << " flipped at byte " << off << ": " << v.message;
        ++named;
      } else {
        EXPECT_TRUE(v.harmless) << "entry " << index << " flipped at byte " << off << ": " << v.message;
      }
    }
    EXPECT_GE(named, 1) << "entry " << index << ": no flip among " << at.size() << " copies was detected";
    std::printf("entry %llu: %zu copies in the file, %d flips detected\n", static_cast<unsigned long long>(index),
                at.size(), named);
  }
  EXPECT_GE(tried, 4) << "too few entries were stored contiguously";
}

TEST_F(CorruptionTest, FlipInsideAHashTileNamesTheTile) {
  std::mt19937_64 rng(testing::TestSeed("CorruptionTest.FlipInsideAHashTileNamesTheTile"));
  const std::string pristine = ReadAll(fixture().store + "/lifeline.db");
  // The first and a random full level-0 tile, the last (partial) one, and
  // the top tile; their bytes are those of the export.
  const std::string random_full =
      merkle::TilePath({0, std::uniform_int_distribution<uint64_t>(1, 16)(rng), merkle::kTileWidth});
  for (const std::string& path : {std::string("tile/0/000"), random_full, std::string("tile/0/017.p/248"),
                                  std::string("tile/1/000.p/17")}) {
    ASSERT_TRUE(fixture().reference.count(path)) << path;
    const std::string& tile = fixture().reference.at(path);
    std::vector<size_t> at = FindAll(pristine, tile);
    ASSERT_FALSE(at.empty()) << path << " is not stored contiguously";
    int named = 0;
    for (size_t pos : at) {
      std::string db = pristine;
      const size_t off = pos + std::uniform_int_distribution<size_t>(0, tile.size() - 1)(rng);
      db[off] = static_cast<char>(db[off] ^ (1 << std::uniform_int_distribution<int>(0, 7)(rng)));
      Verdict v = Judge("tile", db);
      if (v.detected) {
        EXPECT_NE(v.message.find(path), std::string::npos) << path << " flipped at byte " << off << ": " << v.message;
        ++named;
      } else {
        EXPECT_TRUE(v.harmless) << path << " flipped at byte " << off << ": " << v.message;
      }
    }
    EXPECT_GE(named, 1) << path;
  }
}

TEST_F(CorruptionTest, FlipInsideACheckpointSignatureNamesTheCheckpoint) {
  std::mt19937_64 rng(testing::TestSeed("CorruptionTest.FlipInsideACheckpointSignatureNamesTheCheckpoint"));
  const std::string pristine = ReadAll(fixture().store + "/lifeline.db");
  const std::string dash = "\xe2\x80\x94 ";  // the em dash that starts a note signature line
  for (size_t i = 0; i < fixture().checkpoints.size(); ++i) {
    const std::string& note = fixture().checkpoints[i];
    const size_t sig_line = note.rfind(dash);
    ASSERT_NE(sig_line, std::string::npos) << note;
    // The signature's base64 follows the key name: "— <name> <base64>\n".
    const size_t b64 = note.find(' ', sig_line + dash.size()) + 1;
    ASSERT_LT(b64, note.size() - 1) << note;
    std::vector<size_t> at = FindAll(pristine, note);
    ASSERT_FALSE(at.empty()) << "checkpoint #" << i + 1 << " is not in the file";
    int named = 0;
    for (size_t pos : at) {
      std::string db = pristine;
      const size_t off = pos + std::uniform_int_distribution<size_t>(b64, note.size() - 2)(rng);
      db[off] = static_cast<char>(db[off] ^ (1 << std::uniform_int_distribution<int>(0, 7)(rng)));
      Verdict v = Judge("cp" + std::to_string(i), db);
      if (v.detected) {
        EXPECT_NE(v.message.find("checkpoint #" + std::to_string(i + 1) + " "), std::string::npos)
            << "checkpoint #" << i + 1 << " flipped at byte " << off << ": " << v.message;
        ++named;
      } else {
        EXPECT_TRUE(v.harmless) << "checkpoint #" << i + 1 << " flipped at byte " << off << ": " << v.message;
      }
    }
    EXPECT_GE(named, 1) << "checkpoint #" << i + 1;
  }
}

// The origin recorded in the store's metadata is what Log::Open checks the
// signing key against: damage there leaves every hash, tile and checkpoint
// intact (the export is identical) but the store can no longer be written.
// `lifeline verify` must not call such a store OK.
//
// DISABLED until verification checks it: today `lifeline verify` (CmdVerify
// and VerifyLog) never reads the stored origin, so it prints OK while every
// writer fails with "the signing key is named ... but the log's origin is
// ...". Enable once the stored origin is compared with the verifier key's
// name (and the checkpoints' origin line).
TEST_F(CorruptionTest, FlipInTheStoredOriginIsDetected) {
  const std::string pristine = ReadAll(fixture().store + "/lifeline.db");
  // The meta row is the record "origin" + kOrigin; the checkpoints hold the
  // origin too, but never right after the word "origin".
  std::vector<size_t> at = FindAll(pristine, std::string("origin") + kOrigin);
  ASSERT_EQ(at.size(), 1u);
  std::string db = pristine;
  const size_t off = at[0] + 6 + 3;  // inside "example.org"
  db[off] = static_cast<char>(db[off] ^ 1);
  const std::string dir = TrialDir("origin");
  CopyStore(fixture().store, dir);
  WriteAll(dir + "/lifeline.db", db);
  EXPECT_FALSE(OpenLogForWriting(dir).ok()) << "the flip should have made the store unwritable";
  ProcessResult v = Verify(dir);
  EXPECT_NE(v.exit_code, 0) << "verify calls a store OK that cannot be written: " << v.Describe();
  EXPECT_NE(v.out.find("origin"), std::string::npos) << v.Describe();
}

// A copy of the reference export with one byte of `file` changed.
std::string DamagedExport(const Fixture& f, const std::string& dir, const std::string& file, std::mt19937_64& rng) {
  fs::copy(f.exported, dir, fs::copy_options::recursive);
  std::string data = f.reference.at(file);
  const size_t off = std::uniform_int_distribution<size_t>(0, data.size() - 1)(rng);
  data[off] = static_cast<char>(data[off] ^ std::uniform_int_distribution<int>(1, 255)(rng));
  WriteAll(dir + "/" + file, data);
  return "byte " + std::to_string(off) + " of " + file;
}

std::vector<std::string> ExportedFiles(const Fixture& f) {
  std::vector<std::string> files;
  for (const auto& [path, data] : f.reference) files.push_back(path);
  return files;
}

TEST_F(CorruptionTest, FlippedExportedFileIsNamed) {
  std::mt19937_64 rng(testing::TestSeed("CorruptionTest.FlippedExportedFileIsNamed"));
  const std::vector<std::string> files = ExportedFiles(fixture());
  ASSERT_GT(files.size(), 30u);
  std::map<std::string, int> by_kind;
  for (int t = 0; t < kTileTrials; ++t) {
    const std::string file = files[std::uniform_int_distribution<size_t>(0, files.size() - 1)(rng)];
    const std::string dir = TrialDir("tiles" + std::to_string(t));
    const std::string what = DamagedExport(fixture(), dir, file, rng);
    ProcessResult v = VerifyTiles(dir, fixture().vkey_file);
    EXPECT_EQ(v.exit_code, 1) << what << ": " << v.Describe();
    EXPECT_EQ(v.out.rfind("FAIL ", 0), 0u) << what << ": " << v.Describe();
    // The checkpoint is "checkpoint: ..."; a tile or bundle by its path.
    EXPECT_NE(v.out.find(file == "checkpoint" ? "checkpoint:" : file), std::string::npos)
        << what << ": " << v.Describe();
    ++by_kind[file == "checkpoint" ? "checkpoint" : file.rfind("tile/entries/", 0) == 0 ? "bundle" : "tile"];
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::printf("%d flips named:", kTileTrials);
  for (const auto& [kind, n] : by_kind) std::printf(" %s %d", kind.c_str(), n);
  std::printf("\n");
}

TEST_F(CorruptionTest, DeletedExportedFileIsReportedMissing) {
  std::mt19937_64 rng(testing::TestSeed("CorruptionTest.DeletedExportedFileIsReportedMissing"));
  std::vector<std::string> files;
  for (const auto& f : ExportedFiles(fixture())) {
    if (f != "checkpoint") files.push_back(f);
  }
  // The first bundle, the top (partial) tile, the last partial bundle, and
  // a few at random.
  std::vector<std::string> picks = {"tile/entries/000", "tile/1/000.p/17", files.back()};
  for (int i = 0; i < 5; ++i) picks.push_back(files[std::uniform_int_distribution<size_t>(0, files.size() - 1)(rng)]);
  for (size_t i = 0; i < picks.size(); ++i) {
    const std::string& file = picks[i];
    ASSERT_TRUE(fixture().reference.count(file)) << file;
    const std::string dir = TrialDir("missing" + std::to_string(i));
    fs::copy(fixture().exported, dir, fs::copy_options::recursive);
    fs::remove(dir + "/" + file);
    ProcessResult v = VerifyTiles(dir, fixture().vkey_file);
    EXPECT_EQ(v.exit_code, 1) << file << ": " << v.Describe();
    EXPECT_NE(v.out.find(file), std::string::npos) << file << ": " << v.Describe();
    EXPECT_NE(v.out.find("missing"), std::string::npos) << file << ": " << v.Describe();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
}

// The independent Go verifier on damaged copies: it must agree that they
// are damaged, and name the same file lifeline names.
TEST_F(CorruptionTest, IndependentVerifierNamesTheSameFile) {
  const std::string run_sh = std::string(LIFELINE_SHARED_DIR) + "/tools/tlog-verify/run.sh";
  if (!fs::exists(run_sh)) GTEST_SKIP() << run_sh << " is not there";
  ProcessResult go = RunProcess({"sh", "-c", "command -v go"});
  if (go.exit_code != 0 || !fs::exists("/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog")) {
    GTEST_SKIP() << "Go or x/mod is not installed (apt-get install -y golang-go golang-golang-x-mod-dev); "
                    "the independent verifier was not run";
  }
  // The first run may build the tool.
  ProcessResult ok = RunProcess({run_sh, "tiles", fixture().vkey_file, fixture().exported}, "",
                                std::chrono::seconds(300));
  ASSERT_EQ(ok.exit_code, 0) << "tlog-verify on the pristine export: " << ok.Describe();
  ASSERT_EQ(ok.out.rfind(std::string("OK ") + kOrigin + " " + std::to_string(kEntries) + " ", 0), 0u)
      << ok.Describe();

  std::mt19937_64 rng(testing::TestSeed("CorruptionTest.IndependentVerifierNamesTheSameFile"));
  const std::vector<std::string> files = ExportedFiles(fixture());
  // A bundle, a level-0 tile, the top tile, the checkpoint, and random ones.
  std::vector<std::string> picks = {"tile/entries/005", "tile/0/011", "tile/1/000.p/17", "checkpoint"};
  for (int i = 0; i < 6; ++i) picks.push_back(files[std::uniform_int_distribution<size_t>(0, files.size() - 1)(rng)]);
  for (size_t i = 0; i < picks.size(); ++i) {
    const std::string& file = picks[i];
    ASSERT_TRUE(fixture().reference.count(file)) << file;
    const std::string dir = TrialDir("go" + std::to_string(i));
    const std::string what = DamagedExport(fixture(), dir, file, rng);
    ProcessResult theirs = RunProcess({run_sh, "tiles", fixture().vkey_file, dir});
    EXPECT_EQ(theirs.exit_code, 1) << what << ": " << theirs.Describe();
    EXPECT_EQ(theirs.out.rfind("FAIL " + file + ":", 0), 0u) << what << ": " << theirs.Describe();
    ProcessResult ours = VerifyTiles(dir, fixture().vkey_file);
    EXPECT_EQ(ours.exit_code, 1) << what << ": " << ours.Describe();
    EXPECT_NE(ours.out.find(file == "checkpoint" ? "checkpoint:" : file), std::string::npos)
        << what << ": " << ours.Describe();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  // And a deleted bundle.
  const std::string dir = TrialDir("go-missing");
  fs::copy(fixture().exported, dir, fs::copy_options::recursive);
  fs::remove(dir + "/tile/entries/007");
  ProcessResult theirs = RunProcess({run_sh, "tiles", fixture().vkey_file, dir});
  EXPECT_EQ(theirs.exit_code, 1) << theirs.Describe();
  EXPECT_EQ(theirs.out.rfind("FAIL tile/entries/007", 0), 0u) << theirs.Describe();
}

}  // namespace
}  // namespace lifeline
