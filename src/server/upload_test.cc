// The HTTP layer's upload routes (http.h, Options::is_upload): a
// multipart/form-data body parsed while it arrives into parts spooled to
// files, byte for byte, with its own limit and a 400 for a malformed body,
// on loopback against a cpp-httplib client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "base/file.h"
#include "base/status_testing.h"
#include "server/http.h"

namespace lifeline::server::http {
namespace {

namespace fs = std::filesystem;

struct Seen {
  std::string name, filename, content_type, content;
};

class UploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spool_ = fs::path(::testing::TempDir()) / ("upload_test_" + std::to_string(getpid()));
    fs::create_directories(spool_);
    server_.Post("/up", [this](const Request& req, Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++calls_;
      seen_.clear();
      for (const FormPart& p : req.parts) {
        auto text = ReadFile(p.file);
        seen_.push_back({p.name, p.filename, p.content_type, text.ok() ? *text : "<unreadable>"});
        EXPECT_EQ(p.size, seen_.back().content.size());
      }
      body_ = req.body;
      res.set_content("ok", "text/plain");
    });
    server_.Post("/plain", [this](const Request& req, Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++calls_;
      body_ = req.body;
      EXPECT_TRUE(req.parts.empty());
      res.set_content("ok", "text/plain");
    });
    Options o;
    o.port = 0;
    o.max_body_bytes = 4096;
    o.upload_max_bytes = 200000;
    o.spool_dir = spool_.string();
    o.is_upload = [](std::string_view path) { return path == "/up"; };
    std::promise<int> ready;
    thread_ = std::thread([&, o] { ASSERT_OK(server_.Listen(o, [&](int port) { ready.set_value(port); })); });
    port_ = ready.get_future().get();
  }
  void TearDown() override {
    server_.Stop();
    thread_.join();
    fs::remove_all(spool_);
  }
  // Spool directories left behind: each request's is removed when the
  // request completes, just after its answer was sent (waits up to 2 s).
  size_t Leftovers() const {
    size_t n = 0;
    for (int i = 0; i < 200; ++i) {
      n = static_cast<size_t>(std::distance(fs::directory_iterator(spool_), {}));
      if (n == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return n;
  }

  fs::path spool_;
  Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  int calls_ = 0;
  std::vector<Seen> seen_;
  std::string body_;
};

TEST_F(UploadTest, PartsArriveAsFilesByteForByte) {
  std::string binary(70000, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7 % 251);
  httplib::Client cli("127.0.0.1", port_);
  httplib::MultipartFormDataItems items = {
      {"xml_submission_file", "<data id=\"f\"/>", "instance.xml", "text/xml"},
      {"photo.jpg", binary, "photo.jpg", "image/jpeg"},
      {"note", "a plain field", "", ""},
  };
  auto r = cli.Post("/up", items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(seen_.size(), 3u);
  EXPECT_EQ(seen_[0].name, "xml_submission_file");
  EXPECT_EQ(seen_[0].filename, "instance.xml");
  EXPECT_EQ(seen_[0].content_type, "text/xml");
  EXPECT_EQ(seen_[0].content, "<data id=\"f\"/>");
  EXPECT_EQ(seen_[1].filename, "photo.jpg");
  EXPECT_EQ(seen_[1].content_type, "image/jpeg");
  EXPECT_TRUE(seen_[1].content == binary) << "the attachment's bytes differ";
  EXPECT_EQ(seen_[2].name, "note");
  EXPECT_EQ(seen_[2].content, "a plain field");
  EXPECT_TRUE(body_.empty());
  EXPECT_EQ(Leftovers(), 0u);
}

TEST_F(UploadTest, OverTheUploadLimitIs413BeforeAnyHandler) {
  httplib::Client cli("127.0.0.1", port_);
  httplib::MultipartFormDataItems items = {{"big.bin", std::string(300000, 'x'), "big.bin", "application/octet-stream"}};
  auto r = cli.Post("/up", items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(Leftovers(), 0u);
}

TEST_F(UploadTest, AMalformedBodyIs400BeforeAnyHandler) {
  httplib::Client cli("127.0.0.1", port_);
  // A boundary that never appears, then one that opens a part and never ends it.
  for (const char* body : {"no parts here at all", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nab"}) {
    auto r = cli.Post("/up", body, "multipart/form-data; boundary=b");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
  }
  auto r = cli.Post("/up", "x", "multipart/form-data");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << "no boundary";
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(Leftovers(), 0u);
}

TEST_F(UploadTest, OtherRoutesKeepTheBodyAndItsOwnLimit) {
  httplib::Client cli("127.0.0.1", port_);
  httplib::MultipartFormDataItems small = {{"a", "b", "", ""}};
  auto r = cli.Post("/plain", small);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_NE(body_.find("name=\"a\""), std::string::npos) << "the raw multipart body";
  }
  httplib::MultipartFormDataItems big = {{"a", std::string(8000, 'y'), "a.bin", ""}};
  r = cli.Post("/plain", big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << "max_body_bytes, not upload_max_bytes";
}

}  // namespace
}  // namespace lifeline::server::http
