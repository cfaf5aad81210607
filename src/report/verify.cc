// verify-report: parse a report, check its checkpoint, recompute, compare.
#include <nlohmann/json.hpp>
#include <set>

#include "base/bytes.h"
#include "note/checkpoint.h"
#include "report/report.h"
#include "report/text_layer.h"

namespace lifeline::report {
namespace {

using json = nlohmann::json;

struct Element {
  std::string key, value, text;
  bool has_value = false;
};

// The <data class="fig"> elements, with their attributes in any order.
Result<std::vector<Element>> FigureElements(std::string_view html) {
  std::vector<Element> out;
  size_t pos = 0;
  while ((pos = html.find("<data", pos)) != std::string_view::npos) {
    size_t end = html.find('>', pos);
    if (end == std::string_view::npos) return InvalidArgumentError("an unterminated <data> element");
    char next = html[pos + 5];
    if (next != ' ' && next != '\t' && next != '\n' && next != '>') {
      pos += 5;
      continue;
    }
    std::string_view attrs = html.substr(pos + 5, end - pos - 5);
    Element e;
    bool fig = false, has_key = false;
    size_t a = 0;
    while (a < attrs.size()) {
      while (a < attrs.size() && (attrs[a] == ' ' || attrs[a] == '\t' || attrs[a] == '\n')) ++a;
      size_t eq = attrs.find('=', a);
      if (eq == std::string_view::npos) break;
      std::string_view name = attrs.substr(a, eq - a);
      if (eq + 1 >= attrs.size() || (attrs[eq + 1] != '"' && attrs[eq + 1] != '\'')) {
        return InvalidArgumentError("a <data> attribute without quotes");
      }
      char q = attrs[eq + 1];
      size_t close = attrs.find(q, eq + 2);
      if (close == std::string_view::npos) return InvalidArgumentError("an unterminated <data> attribute");
      std::string val = DecodeEntities(attrs.substr(eq + 2, close - eq - 2));
      if (name == "class") fig = (" " + val + " ").find(" fig ") != std::string::npos;
      if (name == "data-key") {
        e.key = val;
        has_key = true;
      }
      if (name == "value") {
        e.value = val;
        e.has_value = true;
      }
      a = close + 1;
    }
    size_t text_end = html.find("</data>", end);
    if (text_end == std::string_view::npos) return InvalidArgumentError("a <data> element without </data>");
    e.text = DecodeEntities(html.substr(end + 1, text_end - end - 1));
    pos = text_end + 7;
    if (!fig) continue;
    if (!has_key) return InvalidArgumentError("a figure element without data-key");
    out.push_back(std::move(e));
  }
  return out;
}

Result<json> ReportBlock(std::string_view html) {
  constexpr std::string_view kId = "id=\"lifeline-report\"";
  size_t id = html.find(kId);
  if (id == std::string_view::npos) {
    return InvalidArgumentError(
        "not a Lifeline report: no <script type=\"application/json\" id=\"lifeline-report\"> block");
  }
  size_t start = html.rfind("<script", id);
  size_t open_end = html.find('>', id);
  size_t close = html.find("</script>", id);
  if (start == std::string_view::npos || open_end == std::string_view::npos || close == std::string_view::npos ||
      close < open_end) {
    return InvalidArgumentError("not a Lifeline report: the lifeline-report block is not a complete <script> element");
  }
  json j = json::parse(html.substr(open_end + 1, close - open_end - 1), nullptr, false);
  if (!j.is_object()) return InvalidArgumentError("the lifeline-report block is not a JSON object");
  if (!j.contains("version") || j["version"] != 1) {
    return InvalidArgumentError("the lifeline-report block has no \"version\": 1 (unsupported report version)");
  }
  for (const char* k : {"case", "from", "to", "lang"}) {
    if (!j.contains(k) || !j[k].is_string()) {
      return InvalidArgumentError(std::string("the lifeline-report block has no string \"") + k + "\"");
    }
  }
  if (!j.contains("checkpoint") || !j["checkpoint"].is_object() || !j["checkpoint"].contains("note") ||
      !j["checkpoint"]["note"].is_string() || !j["checkpoint"].contains("size") ||
      !j["checkpoint"]["size"].is_number_unsigned() || !j["checkpoint"].contains("root") ||
      !j["checkpoint"]["root"].is_string()) {
    return InvalidArgumentError("the lifeline-report block has no complete \"checkpoint\" (size, root, note)");
  }
  if (!j.contains("figures") || !j["figures"].is_object()) {
    return InvalidArgumentError("the lifeline-report block has no \"figures\" object");
  }
  for (auto it = j["figures"].begin(); it != j["figures"].end(); ++it) {
    if (!it.value().is_string()) return InvalidArgumentError("figure \"" + it.key() + "\" is not a string");
  }
  return j;
}

}  // namespace

Result<VerifyResult> VerifyReport(std::string_view html, store::LogStore& store, const note::Verifier& log_key) {
  LIFELINE_ASSIGN_OR_RETURN(json j, ReportBlock(html));
  LIFELINE_ASSIGN_OR_RETURN(std::vector<Element> elements, FigureElements(html));
  VerifyResult res;
  res.case_id = j["case"];
  res.from = j["from"];
  res.to = j["to"];
  res.lang = j["lang"];
  const json& cpj = j["checkpoint"];
  std::string note_text = cpj["note"];
  res.size = cpj["size"];
  res.root = cpj["root"];

  // The checkpoint: signed by the log, saying what the report says, and
  // the one the store holds at that size.
  auto opened = note::OpenCheckpoint(note_text, log_key);
  if (!opened.ok()) {
    return VerificationFailedError("the report's checkpoint note does not verify with the log's key " +
                                   log_key.name() + ": " + opened.status().message());
  }
  std::string signed_root =
      Base64Encode(ByteSpan(opened->checkpoint.root.data(), opened->checkpoint.root.size()));
  if (opened->checkpoint.size != res.size || signed_root != res.root) {
    return VerificationFailedError("the report states size " + std::to_string(res.size) + " root " + res.root +
                                   " but its signed note says size " + std::to_string(opened->checkpoint.size) +
                                   " root " + signed_root);
  }
  auto stored = store.CheckpointAt(res.size);
  if (!stored.ok()) {
    if (stored.status().code() == ErrorCode::kNotFound) {
      return NotFoundError("the store has no checkpoint of size " + std::to_string(res.size) +
                           " (is it the report's log?)");
    }
    return stored.status();
  }
  auto stored_cp = note::OpenCheckpoint(stored->note, log_key);
  if (!stored_cp.ok()) return VerificationFailedError("the store's checkpoint of size " + std::to_string(res.size) + " does not verify: " + stored_cp.status().message());
  if (stored_cp->checkpoint.root != opened->checkpoint.root) {
    return VerificationFailedError("the store's checkpoint of size " + std::to_string(res.size) +
                                   " has another root hash than the report's: the log forked");
  }

  // Recompute with the report's parameters.
  ReportOptions opts;
  opts.case_id = res.case_id;
  opts.from = res.from;
  opts.to = res.to;
  opts.lang = res.lang;
  opts.at = res.size;
  if (j.contains("scenario") && j["scenario"].is_object()) {
    const json& sc = j["scenario"];
    if (!sc.contains("toml") || !sc["toml"].is_string() || !sc.contains("name") || !sc["name"].is_string() ||
        !sc.contains("trajectories") || !sc["trajectories"].is_number_integer()) {
      return InvalidArgumentError("the lifeline-report block's \"scenario\" needs name, toml and trajectories");
    }
    opts.scenario_name = sc["name"];
    opts.scenario_toml = sc["toml"];
    opts.trajectories = sc["trajectories"];
    res.scenario = opts.scenario_name;
  }
  LIFELINE_ASSIGN_OR_RETURN(RenderedReport again, Render(store, log_key, opts));

  const json& figs = j["figures"];
  res.figures = figs.size();
  for (const auto& [key, value] : again.figures) {
    auto it = figs.find(key);
    if (it == figs.end()) {
      res.diffs.push_back({key, "json", "(missing)", value});
    } else if (it->get<std::string>() != value) {
      res.diffs.push_back({key, "json", it->get<std::string>(), value});
    }
  }
  for (auto it = figs.begin(); it != figs.end(); ++it) {
    if (!again.figures.count(it.key())) res.diffs.push_back({it.key(), "json", it.value().get<std::string>(), "(no such figure)"});
  }
  std::set<std::string> shown;
  for (const auto& e : elements) {
    ++res.elements;
    shown.insert(e.key);
    auto it = again.figures.find(e.key);
    if (it == again.figures.end()) {
      res.diffs.push_back({e.key, "element", e.value, "(no such figure)"});
      continue;
    }
    if (!e.has_value || e.value != it->second) {
      res.diffs.push_back({e.key, "element", e.has_value ? e.value : "(no value)", it->second});
    }
    const std::string& want_text = again.texts.at(e.key);
    if (e.text != want_text) res.diffs.push_back({e.key, "text", e.text, want_text});
  }
  for (const auto& [key, value] : again.figures) {
    if (!shown.count(key)) res.diffs.push_back({key, "element", "(missing)", value});
  }
  // The visible note must be the signed one.
  size_t pre = html.find("<pre id=\"checkpoint-note\">");
  if (pre != std::string_view::npos) {
    size_t start = pre + std::string_view("<pre id=\"checkpoint-note\">").size();
    size_t end = html.find("</pre>", start);
    std::string shown_note = end == std::string_view::npos ? "" : DecodeEntities(html.substr(start, end - start));
    if (shown_note != note_text) res.diffs.push_back({"checkpoint.note", "checkpoint-note", shown_note, note_text});
  } else {
    res.diffs.push_back({"checkpoint.note", "checkpoint-note", "(missing)", note_text});
  }
  return res;
}

}  // namespace lifeline::report
