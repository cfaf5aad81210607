#include "note/receipt.h"

#include <utility>

#include "base/bytes.h"
#include "note/checkpoint.h"
#include "note/internal.h"
#include "note/note.h"

namespace lifeline::note {
namespace {

constexpr std::string_view kHeader = "c2sp.org/tlog-proof@v1";
constexpr std::string_view kExtraPrefix = "extra ";
constexpr std::string_view kIndexPrefix = "index ";

// A tree of at most 2^63-1 leaves has inclusion proofs of at most 63 hashes.
constexpr size_t kMaxProofHashes = 63;
constexpr uint64_t kMaxIndex = INT64_MAX - 1;  // below the largest tree size

Status Malformed(std::string what) { return InvalidArgumentError("malformed receipt: " + what); }

}  // namespace

std::string WithPublishedNote(std::string receipt, std::string_view note, std::string_view published) {
  if (note.empty() || published.size() <= note.size() || !published.starts_with(note) ||
      !std::string_view(receipt).ends_with(note)) {
    return receipt;
  }
  receipt.append(published.substr(note.size()));
  return receipt;
}

std::string FormatReceipt(const Receipt& r) {
  std::string out(kHeader);
  out += '\n';
  if (r.extra.has_value()) {
    out += kExtraPrefix;
    out += Base64Encode(AsBytes(*r.extra));
    out += '\n';
  }
  out += kIndexPrefix;
  out += std::to_string(r.index);
  out += '\n';
  for (const crypto::Hash& h : r.proof) {
    out += Base64Encode(h);
    out += '\n';
  }
  out += '\n';
  out += r.checkpoint;
  return out;
}

Result<Receipt> ParseReceipt(std::string_view text) {
  // The first blank line ends the proof; the signed checkpoint that follows
  // has its own blank line before its signatures.
  size_t blank = text.find("\n\n");
  if (blank == std::string_view::npos) return Malformed("no blank line before the checkpoint");
  std::string_view head = text.substr(0, blank);
  std::vector<std::string_view> lines;
  for (size_t start = 0;;) {
    size_t nl = head.find('\n', start);
    lines.push_back(head.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (lines[0] != kHeader) {
    return Malformed("first line is " + internal::Quote(lines[0]) + ", want \"" +
                     std::string(kHeader) + "\"");
  }
  Receipt r;
  size_t next = 1;
  if (next < lines.size() && lines[next].starts_with(kExtraPrefix)) {
    Result<std::string> extra = Base64Decode(lines[next].substr(kExtraPrefix.size()));
    if (!extra.ok()) return extra.status().Annotate("malformed receipt: extra line");
    r.extra = *std::move(extra);
    ++next;
  }
  if (next == lines.size() || !lines[next].starts_with(kIndexPrefix)) {
    return Malformed("missing \"index N\" line");
  }
  Result<uint64_t> index =
      internal::ParseDecimalField(lines[next].substr(kIndexPrefix.size()), "index", kMaxIndex);
  if (!index.ok()) return index.status().Annotate("malformed receipt");
  r.index = *index;
  ++next;
  if (lines.size() - next > kMaxProofHashes) {
    return Malformed(std::to_string(lines.size() - next) + " proof hashes, at most " +
                     std::to_string(kMaxProofHashes) + " are possible");
  }
  for (size_t k = next; k < lines.size(); ++k) {
    std::string what = "proof hash " + std::to_string(k - next + 1);
    Result<std::string> h = Base64Decode(lines[k]);
    if (!h.ok()) return h.status().Annotate("malformed receipt: " + what);
    if (h->size() != crypto::kHashSize) {
      return Malformed(what + " is " + std::to_string(h->size()) + " bytes, want 32");
    }
    r.proof.push_back(crypto::HashFromBytes(*h));
  }

  // The checkpoint stays unverified, but it must at least be a signed note
  // whose text is a checkpoint that the index lies in.
  std::string_view cp_text = text.substr(blank + 2);
  if (cp_text.empty()) return Malformed("no checkpoint after the blank line");
  Result<Note> note = ParseNote(cp_text);
  if (!note.ok()) return note.status().Annotate("malformed receipt: checkpoint");
  Result<Checkpoint> cp = ParseCheckpoint(note->text);
  if (!cp.ok()) return cp.status().Annotate("malformed receipt: checkpoint");
  if (r.index >= cp->size) {
    return Malformed("index " + std::to_string(r.index) + " is not below the checkpoint's size " +
                     std::to_string(cp->size));
  }
  r.checkpoint = std::string(cp_text);
  return r;
}

}  // namespace lifeline::note
