#include "note/checkpoint.h"

#include <cstdint>
#include <utility>

#include "base/bytes.h"
#include "note/internal.h"

namespace lifeline::note {
namespace {

// tlog-checkpoint allows any uint64, but Go's int64 sizes (x/mod tlog,
// tlog-verify) stop at 2^63-1; a larger size could not be verified there.
constexpr uint64_t kMaxTreeSize = INT64_MAX;

std::vector<std::string_view> SplitLines(std::string_view body) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    size_t nl = body.find('\n');
    lines.push_back(body.substr(0, nl));
    body.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace

std::string FormatCheckpoint(const Checkpoint& cp) {
  std::string out = cp.origin;
  out += '\n';
  out += std::to_string(cp.size);
  out += '\n';
  out += Base64Encode(cp.root);
  out += '\n';
  for (const std::string& ext : cp.extensions) {
    out += ext;
    out += '\n';
  }
  return out;
}

Result<Checkpoint> ParseCheckpoint(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return InvalidArgumentError("checkpoint body does not end in a newline");
  }
  LIFELINE_RETURN_IF_ERROR_CTX(internal::CheckNoteText(body), "checkpoint body");
  std::vector<std::string_view> lines = SplitLines(body);  // body ends in '\n'
  if (lines.size() < 3) {
    return InvalidArgumentError("checkpoint body has " + std::to_string(lines.size()) +
                                " lines, want origin, size and root");
  }
  Checkpoint cp;
  if (lines[0].empty()) return InvalidArgumentError("checkpoint origin line is empty");
  cp.origin = std::string(lines[0]);
  Result<uint64_t> size = internal::ParseDecimalField(lines[1], "checkpoint size", kMaxTreeSize);
  if (!size.ok()) return size.status();
  cp.size = *size;
  Result<std::string> root = Base64Decode(lines[2]);
  if (!root.ok()) return root.status().Annotate("checkpoint root " + internal::Quote(lines[2]));
  if (root->size() != crypto::kHashSize) {
    return InvalidArgumentError("checkpoint root " + internal::Quote(lines[2]) + " is " +
                                std::to_string(root->size()) + " bytes, want 32");
  }
  cp.root = crypto::HashFromBytes(*root);
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return InvalidArgumentError("checkpoint extension line " + std::to_string(i - 2) +
                                  " is empty");
    }
    cp.extensions.emplace_back(lines[i]);
  }
  if (cp.size == 0 && cp.root != crypto::Sha256(std::string_view())) {
    return InvalidArgumentError("checkpoint size is 0 but the root is not SHA-256(\"\")");
  }
  return cp;
}

Result<SignedCheckpoint> OpenCheckpoint(std::string_view signed_note, const Verifier& log_key) {
  Result<Note> note = OpenNote(signed_note, log_key);
  if (!note.ok()) return note.status().Annotate("checkpoint");
  Result<Checkpoint> cp = ParseCheckpoint(note->text);
  if (!cp.ok()) return cp.status().Annotate("signed checkpoint");
  if (cp->origin != log_key.name()) {
    return VerificationFailedError("checkpoint origin " + internal::Quote(cp->origin) +
                                   " differs from the log key's name " +
                                   internal::Quote(log_key.name()));
  }
  SignedCheckpoint out;
  out.checkpoint = *std::move(cp);
  out.note = *std::move(note);
  out.text = std::string(signed_note);
  return out;
}

}  // namespace lifeline::note
