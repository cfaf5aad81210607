#include "base/file.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace lifeline {
namespace {

namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lifeline-file-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // The names in the directory, to see that no temporary file is left.
  std::vector<std::string> Names(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  mode_t Mode(const std::string& path) {
    struct stat st;
    EXPECT_EQ(stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  std::string dir_;
};

TEST_F(FileTest, WritesAndReplacesWholeFiles) {
  std::string p = dir_ + "/a/b/state.json";
  ASSERT_TRUE(WriteFileAtomically(p, "one").ok());
  EXPECT_EQ(Read(p), "one");
  ASSERT_TRUE(WriteFileAtomically(p, "two, longer").ok());
  EXPECT_EQ(Read(p), "two, longer");
  ASSERT_TRUE(WriteFileAtomically(p, "").ok());
  EXPECT_EQ(Read(p), "");
  EXPECT_EQ(Names(dir_ + "/a/b"), std::vector<std::string>{"state.json"});
}

TEST_F(FileTest, AppliesTheGivenMode) {
  mode_t old = umask(022);
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/key", "secret", {.mode = 0600}).ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/blob", "evidence", {.mode = 0400}).ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/pub", "public").ok());
  umask(old);
  EXPECT_EQ(Mode(dir_ + "/key"), 0600u);
  EXPECT_EQ(Mode(dir_ + "/blob"), 0400u);
  EXPECT_EQ(Mode(dir_ + "/pub"), 0644u);
}

TEST_F(FileTest, WithoutReplaceRefusesAnExistingFile) {
  std::string p = dir_ + "/log.key";
  ASSERT_TRUE(WriteFileAtomically(p, "first", {.mode = 0600, .replace = false}).ok());
  Status s = WriteFileAtomically(p, "second", {.mode = 0600, .replace = false});
  EXPECT_EQ(s.code(), ErrorCode::kAlreadyExists) << s.ToString();
  EXPECT_EQ(Read(p), "first");
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"log.key"});
}

TEST_F(FileTest, FailedWriteLeavesOldFileAndNoTemporaryFile) {
  std::string p = dir_ + "/checkpoint";
  ASSERT_TRUE(WriteFileAtomically(p, "old").ok());
  // A file size limit makes write() fail with EFBIG part way through.
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  Status s = WriteFileAtomically(p, std::string(4096, 'x'));
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("writing"), std::string::npos) << s.ToString();
  EXPECT_EQ(Read(p), "old");
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"checkpoint"});
}

TEST_F(FileTest, FailedRenameLeavesTargetAndNoTemporaryFile) {
  // A non-empty directory cannot be replaced by a file.
  std::string p = dir_ + "/taken";
  fs::create_directories(p + "/inside");
  Status s = WriteFileAtomically(p, "data");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("renaming"), std::string::npos) << s.ToString();
  EXPECT_TRUE(fs::is_directory(p + "/inside"));
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"taken"});
}

TEST_F(FileTest, SyncDirectoryNamesAMissingDirectory) {
  EXPECT_TRUE(SyncDirectory(dir_).ok());
  Status s = SyncDirectory(dir_ + "/missing");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("missing"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace lifeline
