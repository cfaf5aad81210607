#include "record/seal.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/bytes.h"
#include "base/status_testing.h"
#include "log/reader.h"
#include "record/canonical.h"
#include "record/schema.h"
#include "record/submit.h"
#include "store/memory/memory_store.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

SealKey KeyN(uint8_t n) {
  crypto::AeadKey k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(n + i);
  return SealKey::FromBytes(k);
}

// Text the canonical form accepts (valid UTF-8): ASCII, with a few
// multi-byte characters mixed in.
rc::Gen<std::string> GenText() {
  return rc::gen::map(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 100)), [](std::vector<int> cs) {
    std::string s;
    for (int c : cs) s += c < 95 ? std::string(1, static_cast<char>(' ' + c)) : std::string("\u00e9\u0416");
    return s;
  });
}

// A JSON value of bounded depth with strings, numbers, booleans, arrays and
// objects: what a confidential object may hold.
rc::Gen<json> GenValue(int depth) {
  auto leaf = rc::gen::oneOf(rc::gen::map(GenText(), [](std::string s) { return json(s); }),
                             rc::gen::map(rc::gen::inRange<int64_t>(-(int64_t{1} << 52), int64_t{1} << 52),
                                          [](int64_t v) { return json(v); }),
                             rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); }));
  if (depth == 0) return leaf;
  return rc::gen::oneOf(
      leaf,
      rc::gen::map(rc::gen::container<std::vector<json>>(rc::gen::resize(4, GenValue(depth - 1))),
                   [](std::vector<json> v) { return json(v); }),
      rc::gen::map(rc::gen::container<std::map<std::string, json>>(rc::gen::resize(4, GenText()),
                                                                    rc::gen::resize(4, GenValue(depth - 1))),
                   [](std::map<std::string, json> m) { return json(m); }));
}

RC_GTEST_PROP(SealPropertyTest, UnsealInvertsSealAndSealIsDeterministic, ()) {
  auto fields = *rc::gen::container<std::map<std::string, json>>(GenText(), GenValue(2));
  json c = json::object();
  for (auto& [k, v] : fields) c[k] = v;
  RC_PRE(!c.contains("sealed"));
  const std::string id = *rc::gen::element<std::string>("x1", "incident-2023-01-05", "a.b:c_d-e");
  SealKey key = KeyN(*rc::gen::arbitrary<uint8_t>());
  auto sealed = Seal(c, id, key);
  RC_ASSERT(sealed.ok());
  RC_ASSERT(!CheckSealedShape(*sealed).has_value());
  auto again = Seal(c, id, key);
  RC_ASSERT(again.ok());
  RC_ASSERT(*again == *sealed);
  auto opened = Unseal(*sealed, id, key);
  RC_ASSERT(opened.ok());
  RC_ASSERT(*Canonicalize(*opened) == *Canonicalize(c));
}

const json kSecret = {{"witness", "Ana SECRET-91c2"}, {"phone", "+374 555"}};

TEST(SealTest, ShapeAndLength) {
  auto s = Seal(kSecret, "x1", KeyN(1));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)["alg"], "xchacha20poly1305");
  EXPECT_EQ(s->size(), 2u);
  auto raw = Base64Decode((*s)["sealed"].get<std::string>());
  ASSERT_TRUE(raw.ok());
  // nonce || ciphertext (as long as the canonical plaintext) || tag.
  EXPECT_EQ(raw->size(), 24 + Canonicalize(kSecret)->size() + 16);
  std::string text = s->dump();
  EXPECT_EQ(text.find("SECRET"), std::string::npos);
  EXPECT_EQ(text.find("witness"), std::string::npos);
}

TEST(SealTest, WrongKeyFails) {
  auto s = Seal(kSecret, "x1", KeyN(1));
  ASSERT_TRUE(s.ok());
  auto o = Unseal(*s, "x1", KeyN(2));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), ErrorCode::kVerificationFailed);
  EXPECT_NE(o.status().message().find("confidential"), std::string::npos) << o.status().message();
}

TEST(SealTest, EveryTamperedByteFails) {
  auto s = Seal(kSecret, "x1", KeyN(1));
  ASSERT_TRUE(s.ok());
  std::string raw = *Base64Decode((*s)["sealed"].get<std::string>());
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string bad = raw;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    json t = *s;
    t["sealed"] = Base64Encode(AsBytes(bad));
    EXPECT_FALSE(Unseal(t, "x1", KeyN(1)).ok()) << "byte " << i;
  }
  // Truncated by one byte.
  json t = *s;
  t["sealed"] = Base64Encode(AsBytes(std::string_view(raw).substr(0, raw.size() - 1)));
  EXPECT_FALSE(Unseal(t, "x1", KeyN(1)).ok());
}

TEST(SealTest, BoundToItsRecordId) {
  auto s = Seal(kSecret, "x1", KeyN(1));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(Unseal(*s, "x1", KeyN(1)).ok());
  EXPECT_FALSE(Unseal(*s, "x2", KeyN(1)).ok());
  // Moving the blob to another record is refused at submission, and cannot
  // be read by UnsealConfidential.
  json moved = {{"kind", "source"}, {"id", "x2"}, {"confidential", *s}};
  EXPECT_FALSE(UnsealConfidential(moved, KeyN(1)).ok());
  SealKey k = KeyN(1);
  EXPECT_FALSE(SealRecord(&moved, &k).ok());
  // The same object under another id seals to other bytes.
  auto s2 = Seal(kSecret, "x2", KeyN(1));
  ASSERT_TRUE(s2.ok());
  EXPECT_NE((*s)["sealed"], (*s2)["sealed"]);
}

TEST(SealTest, DeterministicAndKeyOrderInsensitive) {
  json reordered = json::parse(R"({"phone":"+374 555","witness":"Ana SECRET-91c2"})");
  EXPECT_EQ(*Seal(kSecret, "x1", KeyN(1)), *Seal(reordered, "x1", KeyN(1)));
  EXPECT_NE(*Seal(kSecret, "x1", KeyN(1)), *Seal(kSecret, "x1", KeyN(2)));
}

TEST(SealTest, SealRecordSealsPlaintextAndKeepsOnlyItsOwnSealedForm) {
  SealKey key = KeyN(1);
  json rec = {{"kind", "source"}, {"id", "x1"}, {"confidential", kSecret}};
  ASSERT_TRUE(SealRecord(&rec, &key).ok());
  ASSERT_TRUE(IsSealedShape(rec["confidential"]));
  json once = rec;
  // A replay of its own sealed entry is kept as it is.
  ASSERT_TRUE(SealRecord(&rec, &key).ok());
  EXPECT_EQ(rec, once);
  auto back = UnsealConfidential(rec, key);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)["confidential"], kSecret);
  // Sealed by another store: refused, and the record is left unchanged.
  SealKey other = KeyN(9);
  json foreign = once;
  Status s = SealRecord(&foreign, &other);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(foreign, once);
  // No key: confidential is refused, never kept in plain text.
  json plain = {{"kind", "source"}, {"id", "x1"}, {"confidential", kSecret}};
  EXPECT_FALSE(SealRecord(&plain, nullptr).ok());
  // No confidential: nothing to do, with or without a key.
  json none = {{"kind", "source"}, {"id", "x1"}};
  EXPECT_TRUE(SealRecord(&none, nullptr).ok());
  EXPECT_EQ(none, (json{{"kind", "source"}, {"id", "x1"}}));
}

TEST(SealTest, MalformedSealedShapesNameTheField) {
  auto good = *Seal(kSecret, "x1", KeyN(1));
  struct Case {
    json c;
    std::string field;
  };
  std::vector<Case> cases = {
      {{{"sealed", good["sealed"]}}, "confidential.alg"},
      {{{"alg", "aes"}, {"sealed", good["sealed"]}}, "confidential.alg"},
      {{{"alg", "xchacha20poly1305"}, {"sealed", 7}}, "confidential.sealed"},
      {{{"alg", "xchacha20poly1305"}, {"sealed", "not base64!"}}, "confidential.sealed"},
      {{{"alg", "xchacha20poly1305"}, {"sealed", "AAAA"}}, "confidential.sealed"},
      {{{"alg", "xchacha20poly1305"}, {"sealed", good["sealed"]}, {"witness", "x"}}, "confidential.witness"},
  };
  for (const auto& c : cases) {
    auto e = CheckSealedShape(c.c);
    ASSERT_TRUE(e.has_value()) << c.c.dump();
    EXPECT_EQ(e->field, c.field) << c.c.dump();
    // The schema reports the same field.
    json rec = {{"kind", "source"}, {"id", "s1"}, {"case", "c1"}, {"publisher", "P"}, {"title", "T"},
                {"confidential", c.c}};
    bool named = false;
    for (const auto& fe : Validate(rec, nullptr)) named |= fe.field == c.field;
    EXPECT_TRUE(named) << c.c.dump();
  }
  EXPECT_FALSE(CheckSealedShape(good).has_value());
  json rec = {{"kind", "source"}, {"id", "s1"}, {"case", "c1"}, {"publisher", "P"}, {"title", "T"},
              {"confidential", good}};
  for (const auto& fe : Validate(rec, nullptr)) ADD_FAILURE() << fe.field << ": " << fe.message;
}

TEST(SealKeyTest, FileIsCreatedPrivateAndLoadsBack) {
  std::string dir = (std::filesystem::temp_directory_path() / ("seal-key-" + std::to_string(getpid()))).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_EQ(LoadSealKey(dir).status().code(), ErrorCode::kNotFound);
  auto created = LoadOrCreateSealKey(dir);
  ASSERT_OK(created);
  struct stat st {};
  ASSERT_EQ(stat((dir + "/confidential.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadSealKey(dir);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->bytes(), created->bytes());
  EXPECT_EQ(LoadOrCreateSealKey(dir)->bytes(), created->bytes());
  EXPECT_EQ(CreateSealKey(dir).status().code(), ErrorCode::kAlreadyExists);
  // A key others can read is refused.
  chmod((dir + "/confidential.key").c_str(), 0644);
  EXPECT_EQ(LoadSealKey(dir).status().code(), ErrorCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

// --- Through Submit: what reaches the log. ---

note::Signer SealSigner() {
  crypto::Ed25519Seed seed{};
  seed[5] = 5;
  return note::Signer("example.org/seal", seed);
}

class SealSubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mem = std::make_unique<store::MemoryStore>("example.org/seal");
    mem_ = mem.get();
    auto l = log::Log::Open(std::move(mem), SealSigner());
    ASSERT_TRUE(l.ok());
    log_ = std::move(*l);
    opts_.recorded = "2023-07-10T12:00:00Z";
    opts_.seal_key = std::make_shared<SealKey>(KeyN(1));
  }
  SubmitReport Run(const std::vector<std::string>& lines, SubmitOptions opts) {
    std::vector<Candidate> cs;
    for (const auto& l : lines) cs.push_back(Candidate{"t", json::parse(l)});
    auto r = Submit(std::move(cs), *mem_, log_.get(), opts);
    EXPECT_OK(r);
    return r.ok() ? *r : SubmitReport{};
  }
  std::string AllEntries() {
    log::LogReader reader(mem_);
    std::string all;
    for (uint64_t i = 0; i < log_->size(); ++i) all += *reader.Entry(i) + "\n";
    return all;
  }
  store::MemoryStore* mem_ = nullptr;
  std::unique_ptr<log::Log> log_;
  SubmitOptions opts_;
};

const std::string kSource =
    R"({"kind":"source","id":"s1","case":"c1","publisher":"ICRC","title":"Statement","confidential":{"contact":"MARKER-5e1f","desk":3}})";
const std::string kCase = R"({"kind":"case","id":"c1","title":"Blockade","region":"R","started":"2022-12-12","sources":["s1"]})";

TEST_F(SealSubmitTest, EntriesHoldOnlyTheSealedShape) {
  auto rep = Run({kSource, kCase}, opts_);
  EXPECT_EQ(rep.accepted, 2u);
  std::string all = AllEntries();
  EXPECT_EQ(all.find("MARKER-5e1f"), std::string::npos) << all;
  EXPECT_EQ(all.find("contact"), std::string::npos) << all;
  EXPECT_NE(all.find("\"alg\":\"xchacha20poly1305\""), std::string::npos) << all;
  auto row = mem_->FindRecord("s1");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->body.find("MARKER"), std::string::npos);
  auto back = UnsealConfidential(json::parse(row->body), KeyN(1));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)["confidential"], json::parse(R"({"contact":"MARKER-5e1f","desk":3})"));
}

TEST_F(SealSubmitTest, ResubmittingTheSameFileIsUnchanged) {
  Run({kSource, kCase}, opts_);
  auto again = Run({kSource, kCase}, opts_);
  EXPECT_EQ(again.unchanged, 2u);
  EXPECT_EQ(again.accepted, 0u);
  EXPECT_EQ(log_->size(), 2u);
  // Other confidential content under the same id is a conflict, as for any field.
  std::string changed = kSource;
  changed.replace(changed.find("MARKER-5e1f"), 11, "MARKER-0000");
  auto conflict = Run({changed}, opts_);
  EXPECT_EQ(conflict.rejected, 1u);
}

TEST_F(SealSubmitTest, ReplayedEntriesAndExportsAreUnchanged) {
  Run({kSource, kCase}, opts_);
  log::LogReader reader(mem_);
  std::string entry = *reader.Entry(0);
  // The entry itself, stamps and sealed object included (preserve_stamps).
  SubmitOptions replay = opts_;
  replay.preserve_stamps = true;
  auto r = Run({entry}, replay);
  EXPECT_EQ(r.unchanged, 1u) << (r.rejections.empty() ? "" : r.rejections[0].ToString());
  // The JSON Lines export's form: no confidential at all.
  json exported = json::parse(entry);
  exported.erase("confidential");
  auto e = Run({exported.dump()}, replay);
  EXPECT_EQ(e.unchanged, 1u) << (e.rejections.empty() ? "" : e.rejections[0].ToString());
  EXPECT_EQ(log_->size(), 2u);
}

TEST_F(SealSubmitTest, ForeignOrMovedSealedObjectsAndMissingKeysAreRejected) {
  // Sealed by another store's key.
  json foreign = json::parse(kSource);
  foreign["confidential"] = *Seal(foreign["confidential"], "s1", KeyN(7));
  auto r = Run({foreign.dump(), kCase}, opts_);
  EXPECT_EQ(r.rejected, 2u);  // the case cites the rejected source
  ASSERT_FALSE(r.rejections.empty());
  EXPECT_EQ(r.rejections[0].field, "confidential");
  // Sealed with this key but for another record.
  json moved = json::parse(kSource);
  moved["confidential"] = *Seal(moved["confidential"], "s9", KeyN(1));
  EXPECT_EQ(Run({moved.dump(), kCase}, opts_).rejected, 2u);
  // No key: never appended in plain text.
  SubmitOptions nokey = opts_;
  nokey.seal_key = nullptr;
  auto n = Run({kSource, kCase}, nokey);
  EXPECT_EQ(n.rejected, 2u);
  EXPECT_EQ(log_->size(), 0u);
  // A sealed object produced for this record by this store is accepted.
  json own = json::parse(kSource);
  own["confidential"] = *Seal(own["confidential"], "s1", KeyN(1));
  EXPECT_EQ(Run({own.dump(), kCase}, opts_).accepted, 2u);
  EXPECT_EQ(AllEntries().find("MARKER"), std::string::npos);
}

}  // namespace
}  // namespace lifeline::record
