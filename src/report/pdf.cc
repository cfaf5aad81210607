#include "report/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>
#include <system_error>
#include <thread>
#include <vector>

#include "base/file.h"
#include "report/text_layer.h"

extern char** environ;

namespace lifeline::report {
namespace {

namespace fs = std::filesystem;

bool Executable(const std::string& p) { return access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); }

// A temporary directory removed when this goes out of scope.
class TempDir {
 public:
  static Result<TempDir> Make() {
    std::string tmpl = (fs::temp_directory_path() / "lifeline-pdf-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) return ErrnoError("creating a temporary directory", errno);
    TempDir t;
    t.path_ = buf.data();
    return t;
  }
  TempDir() = default;
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr const char* kAttachmentDescription =
    "The Lifeline situation report this PDF was printed from (HTML, with every figure as data and the signed "
    "checkpoint): lifeline --store STORE verify-report recomputes its figures from the log and checks this PDF's "
    "text against it";

// What to do about a PDF that carries no report.
constexpr const char* kNoReportAdvice =
    "verify the HTML report it was printed from, or re-run `lifeline report --format pdf`, which attaches the HTML";

// What to do about a damaged one.
constexpr const char* kDamagedAdvice = "copy the file again, or re-run `lifeline report --format pdf`";

// Opens `pdf` with qpdf, refusing a file qpdf had to repair (a truncated or
// damaged file: what it recovers is not what was signed off). Throws what
// qpdf throws; the callers catch.
Status OpenStrictly(QPDF& q, std::string_view pdf, const std::string& what) {
  q.setSuppressWarnings(true);
  q.processMemoryFile(what.c_str(), pdf.data(), pdf.size());
  if (q.anyWarnings()) {
    auto w = q.getWarnings();
    return InvalidArgumentError("the PDF is damaged or truncated (qpdf: " +
                                (w.empty() ? std::string("warnings") : std::string(w.front().what())) + "): " +
                                kDamagedAdvice);
  }
  return Status::Ok();
}

void SilencePoppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

}  // namespace

bool IsPdf(std::string_view data) { return data.substr(0, 5) == "%PDF-"; }

Result<std::string> AttachReportHtml(std::string_view pdf, std::string_view html) {
  try {
    QPDF q;
    LIFELINE_RETURN_IF_ERROR(OpenStrictly(q, pdf, "the printed report"));
    QPDFEmbeddedFileDocumentHelper files(q);
    auto stream = QPDFEFStreamObjectHelper::createEFStream(q, std::string(html));
    stream.setSubtype("text/html");
    std::string name(kPdfReportAttachment);
    auto spec = QPDFFileSpecObjectHelper::createFileSpec(q, name, stream);
    spec.setDescription(kAttachmentDescription);
    files.replaceEmbeddedFile(name, spec);
    QPDFWriter w(q);
    w.setOutputMemory();
    // The document ID from the content, not a clock: the same PDF and HTML
    // give the same bytes (Chromium's PDF itself carries its print time).
    w.setDeterministicID(true);
    w.write();
    std::shared_ptr<Buffer> buf = w.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("attaching the HTML to the PDF: ") + e.what());
  }
}

Result<PdfReport> ReadPdfReport(std::string_view pdf) {
  if (!IsPdf(pdf)) return InvalidArgumentError("not a PDF (no %PDF- header)");
  PdfReport out;
  try {
    QPDF q;
    LIFELINE_RETURN_IF_ERROR(OpenStrictly(q, pdf, "the PDF"));
    QPDFEmbeddedFileDocumentHelper files(q);
    auto spec = files.getEmbeddedFile(std::string(kPdfReportAttachment));
    if (!spec) {
      return InvalidArgumentError("the PDF carries no Lifeline report (no attachment \"" +
                                  std::string(kPdfReportAttachment) + "\"): " + kNoReportAdvice);
    }
    QPDFObjectHandle stream = spec->getEmbeddedFileStream();
    if (!stream.isStream()) {
      return InvalidArgumentError("the PDF's attachment \"" + std::string(kPdfReportAttachment) +
                                  "\" has no embedded file stream");
    }
    std::shared_ptr<Buffer> data = stream.getStreamData(qpdf_dl_all);
    out.html.assign(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
    if (q.anyWarnings()) {
      return InvalidArgumentError("the PDF is damaged (qpdf: " + std::string(q.getWarnings().front().what()) +
                                  "): " + kDamagedAdvice);
    }
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("the PDF is damaged, truncated or unreadable (qpdf: ") + e.what() +
                                "): " + kDamagedAdvice);
  }
  if (pdf.size() > static_cast<size_t>(INT_MAX)) return InvalidArgumentError("the PDF is larger than poppler reads");
  SilencePoppler();
  try {
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
    if (!doc) {
      return InvalidArgumentError(std::string("the PDF is damaged or unreadable (poppler cannot open it): ") +
                                  kDamagedAdvice);
    }
    if (doc->is_locked()) return InvalidArgumentError("the PDF is encrypted");
    for (int i = 0; i < doc->pages(); ++i) {
      std::unique_ptr<poppler::page> page(doc->create_page(i));
      if (!page) return InvalidArgumentError("the PDF's page " + std::to_string(i + 1) + " cannot be read");
      poppler::byte_array utf8 = page->text(poppler::rectf(), poppler::page::raw_order_layout).to_utf8();
      out.pages.emplace_back(utf8.begin(), utf8.end());
    }
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("the PDF's text cannot be read (poppler: ") + e.what() + ")");
  }
  return out;
}

Result<VerifyResult> VerifyPdfReport(std::string_view pdf, store::LogStore& store, const note::Verifier& log_key) {
  LIFELINE_ASSIGN_OR_RETURN(PdfReport r, ReadPdfReport(pdf));
  auto v = VerifyReport(r.html, store, log_key);
  if (!v.ok()) return v.status().Annotate("the report attached to the PDF");
  auto printed = PrintedTextOf(r.html);
  if (!printed.ok()) return printed.status().Annotate("reading the text of the report attached to the PDF");
  for (auto& d : ComparePrintedText(*printed, r.pages)) v->diffs.push_back(std::move(d));
  v->pdf_pages = r.pages.size();
  return v;
}

Result<std::string> FindChromium() {
  if (const char* env = std::getenv("LIFELINE_CHROMIUM"); env != nullptr && *env != '\0') {
    if (!Executable(env)) {
      return FailedPreconditionError(std::string("LIFELINE_CHROMIUM is \"") + env +
                                     "\", which is not an executable program; set it to a Chromium binary, or "
                                     "unset it and install Chromium (Debian: apt-get install chromium)");
    }
    return std::string(env);
  }
  if (Executable("/usr/bin/chromium")) return std::string("/usr/bin/chromium");
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
      size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      std::string dir = p.substr(start, end - start);
      if (!dir.empty()) {
        for (const char* name : {"chromium", "chromium-browser"}) {
          std::string cand = dir + "/" + name;
          if (Executable(cand)) return cand;
        }
      }
      start = end + 1;
    }
  }
  return FailedPreconditionError(
      "--format pdf needs headless Chromium, which is not installed: install it (Debian: apt-get install "
      "chromium fonts-noto-core fonts-dejavu-core) or set LIFELINE_CHROMIUM to its path; --format html needs "
      "nothing");
}

Status HtmlToPdf(const std::string& html, const std::string& out, int timeout_seconds) {
  LIFELINE_ASSIGN_OR_RETURN(std::string chromium, FindChromium());
  LIFELINE_ASSIGN_OR_RETURN(TempDir tmp, TempDir::Make());
  std::string in = tmp.path() + "/report.html", pdf = tmp.path() + "/report.pdf", profile = tmp.path() + "/profile";
  LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(in, html, {.sync = false, .sync_directory = false}));
  std::vector<std::string> args = {chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--no-first-run",
                                   "--no-pdf-header-footer",
                                   "--user-data-dir=" + profile,
                                   "--print-to-pdf=" + pdf,
                                   "file://" + in};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  // Chromium is chatty on stderr and stdout: keep the command's output clean.
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout ends its helper processes too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, chromium.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoError("starting " + chromium, rc);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return ErrnoError("waiting for " + chromium, errno);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return UnavailableError(chromium + " did not print the PDF within " + std::to_string(timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Helpers that outlived the browser process.
  kill(-pid, SIGKILL);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return UnavailableError(chromium + " failed (" +
                            (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                               : "signal " + std::to_string(WTERMSIG(status))) +
                            ") printing the report to PDF");
  }
  std::ifstream f(pdf, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (!IsPdf(data)) return UnavailableError(chromium + " wrote no PDF");
  auto attached = AttachReportHtml(data, html);
  if (!attached.ok()) return InternalError(attached.status().message());
  return WriteFileAtomically(out, *attached);
}

}  // namespace lifeline::report
