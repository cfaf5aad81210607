#include "evidence/blob_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/status_testing.h"

namespace lifeline::evidence {
namespace {

namespace fs = std::filesystem;

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lifeline-blob-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& data) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }
  fs::path dir_;
};

TEST_F(BlobStoreTest, AddsByContentAndVerifies) {
  BlobStore store((dir_ / "blobs").string());
  auto a = store.Add(Write("a.txt", "abc"));
  ASSERT_OK(a);
  EXPECT_EQ(a->sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(a->size, 3u);
  EXPECT_FALSE(a->existed);
  EXPECT_TRUE(store.Has(a->sha256));
  auto again = store.Add(Write("b.txt", "abc"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->existed);
  uint64_t checked = 0;
  auto problems = store.Verify(&checked);
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty());
  EXPECT_EQ(checked, 1u);
}

TEST_F(BlobStoreTest, StreamsLargeFiles) {
  BlobStore store((dir_ / "blobs").string());
  std::string big(5 * 1024 * 1024 + 17, 'x');
  uint64_t last = 0;
  auto r = store.Add(Write("big", big), [&](uint64_t n) { last = n; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, big.size());
  EXPECT_EQ(last, big.size());
  auto h = BlobStore::HashFile(store.PathOf(r->sha256));
  EXPECT_EQ(h->sha256, r->sha256);
}

TEST_F(BlobStoreTest, VerifyFindsAlteredMisplacedAndTemporaryFiles) {
  BlobStore store((dir_ / "blobs").string());
  auto a = store.Add(Write("a.txt", "evidence one"));
  ASSERT_TRUE(a.ok());
  // Flip a byte of the stored blob (it is read-only: make it writable first).
  std::string p = store.PathOf(a->sha256);
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
  {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('X');
  }
  Write("blobs/sha256/zz-stray", "?");
  fs::create_directories(dir_ / "blobs/tmp");
  Write("blobs/tmp/123-0", "half");
  uint64_t checked = 0;
  auto problems = store.Verify(&checked);
  ASSERT_TRUE(problems.ok());
  ASSERT_EQ(problems->size(), 3u);
  std::string all;
  for (const auto& pr : *problems) all += pr.path + ": " + pr.message + "\n";
  EXPECT_NE(all.find("sha256/" + a->sha256.substr(0, 2) + "/" + a->sha256 + ": content hashes to"), std::string::npos) << all;
  EXPECT_NE(all.find("tmp/123-0: a temporary file"), std::string::npos) << all;
  EXPECT_NE(all.find("zz-stray: not a blob name"), std::string::npos) << all;
}

TEST_F(BlobStoreTest, MissingFileIsNamed) {
  BlobStore store((dir_ / "blobs").string());
  auto r = store.Add((dir_ / "nope.jpg").string());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope.jpg"), std::string::npos);
}

}  // namespace
}  // namespace lifeline::evidence
