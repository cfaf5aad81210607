// `lifeline case new`: the first records of a new case, scaffolded from
// flags (or, at a terminal, from prompts) into a directory to review before
// anything enters the log: DIR/records.jsonl (the case record, its first
// source and its routes) and DIR/README.md (the case's source list, and
// what to record next). The records are checked as an import would check
// them (against the store when there is one) before a file is written;
// `--import` then appends them. docs/new-case.md is the guide.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/file.h"
#include "cli/common.h"
#include "cli/record_writes.h"
#include "record/submit.h"
#include "store/memory/memory_store.h"
#include "store_dir/store_dir.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct CaseArgs {
  std::string id, title, region, started, country, dir;
  uint64_t population = 0;
  std::string population_date;
  std::string src_publisher, src_title, src_url, src_published, src_type;
  std::vector<std::string> routes;  // "NAME|TYPE|FROM|TO", TYPE.. optional
  bool is_public = false;
  bool import = false;
};

// A value a flag left empty: asked for at a terminal, else an error naming
// the flag (what = how to ask for it).
Status Require(std::string* value, const std::string& flag, const std::string& what) {
  if (!value->empty()) return Status::Ok();
  if (isatty(STDIN_FILENO) != 1) {
    return InvalidArgumentError("case new: " + flag + " is required (" + what + ")");
  }
  std::cerr << what << ": " << std::flush;
  std::getline(std::cin, *value);
  if (value->empty()) return InvalidArgumentError("case new: " + flag + " is required (" + what + ")");
  return Status::Ok();
}

Status AskForWhatIsMissing(CaseArgs& a) {
  LIFELINE_RETURN_IF_ERROR(Require(&a.title, "--title", "the case's title, e.g. \"Blockade of the X corridor\""));
  LIFELINE_RETURN_IF_ERROR(Require(&a.region, "--region", "the area cut off, e.g. \"X\""));
  LIFELINE_RETURN_IF_ERROR(Require(&a.started, "--started", "the first day of the case, YYYY-MM-DD"));
  LIFELINE_RETURN_IF_ERROR(Require(&a.src_publisher, "--source-publisher", "who published the first source"));
  LIFELINE_RETURN_IF_ERROR(Require(&a.src_title, "--source-title", "the first source's title"));
  return Status::Ok();
}

// "Northern road" -> "northern-road": a route id's tail.
std::string Slug(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.substr(0, 48);
}

Result<json> RouteRecord(const CaseArgs& a, const std::string& spec, const std::string& source_id) {
  std::vector<std::string> part;
  size_t start = 0;
  for (size_t bar; (bar = spec.find('|', start)) != std::string::npos; start = bar + 1) {
    part.push_back(spec.substr(start, bar - start));
  }
  part.push_back(spec.substr(start));
  if (part.size() > 4 || part[0].empty() || Slug(part[0]).empty()) {
    return InvalidArgumentError("case new: --route \"" + spec + "\": give NAME[|TYPE[|FROM[|TO]]], e.g. " +
                                "\"Northern road|road|X|Capital\"");
  }
  json r = {{"kind", "route"},       {"id", "rt-" + Slug(part[0])}, {"case", a.id},
            {"name", part[0]},       {"type", part.size() > 1 && !part[1].empty() ? part[1] : "road"},
            {"sources", {source_id}}};
  if (part.size() > 2 && !part[2].empty()) r["from"] = part[2];
  if (part.size() > 3 && !part[3].empty()) r["to"] = part[3];
  return r;
}

Result<std::vector<record::Candidate>> Scaffold(const CaseArgs& a) {
  const std::string source_id = "src-" + a.id + "-1";
  json src = {{"kind", "source"},  {"id", source_id}, {"case", a.id}, {"publisher", a.src_publisher},
              {"title", a.src_title}};
  if (!a.src_url.empty()) src["url"] = a.src_url;
  if (!a.src_published.empty()) src["published"] = a.src_published;
  if (!a.src_type.empty()) src["publisher_type"] = a.src_type;
  json c = {{"kind", "case"},     {"id", a.id},          {"title", a.title},
            {"region", a.region}, {"started", a.started}, {"sources", {source_id}}};
  if (!a.country.empty()) c["country"] = a.country;
  if (a.is_public) c["public"] = true;
  if (a.population > 0) {
    c["population"] = {{{"date", a.population_date.empty() ? a.started : a.population_date},
                        {"count", a.population},
                        {"sources", {source_id}}}};
  }
  std::vector<record::Candidate> out;
  out.push_back({"case record", std::move(c)});
  out.push_back({"source", std::move(src)});
  std::vector<std::string> route_ids;
  for (const std::string& spec : a.routes) {
    LIFELINE_ASSIGN_OR_RETURN(json r, RouteRecord(a, spec, source_id));
    route_ids.push_back(r["id"]);
    out.push_back({"--route \"" + spec + "\"", std::move(r)});
  }
  if (!route_ids.empty()) out[0].record["lifeline_routes"] = route_ids;
  return out;
}

std::string Readme(const CaseArgs& a, const std::vector<record::Candidate>& records) {
  std::string s = "# " + a.title + "\n\nCase `" + a.id + "`: " + a.region + ", from " + a.started +
                  ". Scaffolded by `lifeline case new`; every record in `records.jsonl` cites its sources by id.\n\n"
                  "## Sources\n\n";
  for (const auto& c : records) {
    const json& r = c.record;
    if (r["kind"] != "source") continue;
    s += "- `" + r["id"].get<std::string>() + "`: " + r["publisher"].get<std::string>() + ", \"" +
         r["title"].get<std::string>() + "\"" + (r.contains("url") ? " <" + r["url"].get<std::string>() + ">" : "") +
         "\n";
  }
  s += "\n## Next\n\nSee docs/new-case.md in the Lifeline sources: baselines for each route, daily records and\n"
       "nil reports, the obligations as rules, then the first situation report and the witnesses.\n";
  return s;
}

// The records checked as an import would check them: against the store when
// one is named, else on their own. Prints the report when any is rejected.
Result<bool> Acceptable(const Globals& g, const std::vector<record::Candidate>& records) {
  record::SubmitOptions opts;
  opts.dry_run = true;
  auto dir = StoreDir(g);
  Result<record::SubmitReport> rep = InternalError("not run");
  if (dir.ok() && fs::exists(*dir)) {
    auto rs = store_dir::OpenReadable(*dir);
    if (!rs.ok()) return rs.status();
    rep = record::Submit(records, *rs->store, nullptr, opts);
  } else {
    store::MemoryStore empty("case-new.invalid");
    rep = record::Submit(records, empty, nullptr, opts);
  }
  if (!rep.ok()) return rep.status();
  if (rep->rejected == 0) return true;
  PrintReport(g, "case new", *rep, true, true, {}, "");
  return false;
}

int CmdCaseNew(const Globals& g, CaseArgs a) {
  if (Status s = AskForWhatIsMissing(a); !s.ok()) return Fail(g, s);
  auto records = Scaffold(a);
  if (!records.ok()) return Fail(g, records.status());
  auto ok = Acceptable(g, *records);
  if (!ok.ok()) return Fail(g, ok.status().Annotate("case new"));
  if (!*ok) return 2;
  const std::string dir = a.dir.empty() ? a.id : a.dir;
  const std::string file = dir + "/records.jsonl";
  std::error_code ec;
  if (fs::exists(file, ec)) {
    return Fail(g, AlreadyExistsError("case new: " + file + " exists; choose another directory with -o"));
  }
  fs::create_directories(dir, ec);
  if (ec) return Fail(g, IoError("case new: creating " + dir + ": " + ec.message()));
  std::string lines;
  for (const auto& c : *records) lines += c.record.dump() + "\n";
  if (Status s = WriteFileAtomically(file, lines); !s.ok()) return Fail(g, s);
  if (Status s = WriteFileAtomically(dir + "/README.md", Readme(a, *records)); !s.ok()) return Fail(g, s);
  if (!g.quiet) {
    std::cerr << "wrote " << records->size() << " records to " << file << " and " << dir << "/README.md\n";
  }
  if (!a.import) {
    if (!g.quiet) std::cerr << "review them, then: lifeline import " << file << "\n";
    return 0;
  }
  return SubmitAndReport(g, "case new", std::move(*records), record::SubmitOptions{});
}

}  // namespace

void AddCaseCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("case", "start a case: its first records, to review and import");
  cmd->require_subcommand(1);
  auto a = std::make_shared<CaseArgs>();
  auto* nw = cmd->add_subcommand(
      "new", "write ID/records.jsonl (the case record, its first source, its routes) and ID/README.md; asks at a "
             "terminal for what the flags leave out (docs/new-case.md)");
  nw->add_option("ID", a->id, "the case id (lowercase letters, digits, '-'), e.g. siege-x-2024")->required();
  nw->add_option("--title", a->title, "the case's title");
  nw->add_option("--region", a->region, "the area cut off");
  nw->add_option("--started", a->started, "the first day, YYYY-MM-DD");
  nw->add_option("--country", a->country, "ISO 3166-1 alpha-3 code of the country the area is in");
  nw->add_option("--population", a->population, "people in the area (an estimate, cited to the source)");
  nw->add_option("--population-date", a->population_date, "the day of that estimate (default: --started)");
  nw->add_option("--source-publisher", a->src_publisher, "who published the first source");
  nw->add_option("--source-title", a->src_title, "its title");
  nw->add_option("--source-url", a->src_url, "its address");
  nw->add_option("--source-published", a->src_published, "its date, YYYY-MM-DD");
  nw->add_option("--source-type", a->src_type,
                 "official, court, intergovernmental, ngo, media, party, academic or other");
  nw->add_option("--route", a->routes, "a route into the area: NAME[|TYPE[|FROM[|TO]]] (TYPE default: road)");
  nw->add_flag("--public", a->is_public, "the case is public (default: private, shown to no anonymous reader)");
  nw->add_option("-o,--output", a->dir, "the directory to write (default: ./ID)");
  nw->add_flag("--import", a->import, "also import the records into the store");
  nw->callback([&g, &action, a] { action = [&g, a] { return CmdCaseNew(g, *a); }; });
}

}  // namespace lifeline::cli
