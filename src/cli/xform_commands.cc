// `lifeline xform`: the ODK XForm of a kind a field team records, generated
// from the record schema with the store's cases, sources and routes as
// choices (intake/xform.h, docs/intake.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/kinds.h"
#include "cli/common.h"
#include "intake/instance.h"
#include "intake/xform.h"
#include "store_dir/store_dir.h"

namespace lifeline::cli {
namespace {

struct XFormArgs {
  std::string kind, case_id, out, instance;
  bool list = false;
};

// A claim's value typed by the field it is about, as the server does, when
// a store is named (the record `about` names is looked up there); without
// one it stays text.
Status TypeClaim(const Globals& g, nlohmann::json& record) {
  auto dir = StoreDir(g);
  if (!dir.ok() || record.value("kind", "") != kinds::kClaim) return Status::Ok();
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return rs.status();
  return intake::TypeClaimValueFromLog(*rs->store, record);
}

// --read-instance FILE: the instance read as the server reads a submission,
// before validation: {form_id, form_version, instance_id, record, attachments}.
int CmdReadInstance(const Globals& g, const std::string& file) {
  auto xml = store_dir::ReadFile(file);
  if (!xml.ok()) return Fail(g, xml.status());
  auto inst = intake::ParseInstance(*xml);
  if (!inst.ok()) return Fail(g, inst.status().Annotate(file));
  if (Status s = TypeClaim(g, inst->record); !s.ok()) return Fail(g, s.Annotate(file));
  nlohmann::json out = {{"form_id", inst->form_id}, {"form_version", inst->form_version},
                        {"instance_id", inst->instance_id}, {"record", inst->record},
                        {"attachments", inst->attachments}};
  std::cout << out.dump(g.json ? -1 : 2) << "\n";
  return 0;
}

// The choices of the store named by --store or $LIFELINE_STORE; none (a
// form whose references are typed in) when no store is named.
Result<intake::FormChoices> Choices(const Globals& g, const XFormArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) {
    if (!a.case_id.empty()) return dir.status().Annotate("xform --case");
    if (!g.quiet) std::cerr << "xform: no store named: the form's case, sources and routes are typed in as ids\n";
    return intake::FormChoices{};
  }
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return rs.status();
  return intake::ReadFormChoices(*rs->store, a.case_id);
}

int CmdList(const Globals& g, const intake::FormChoices& choices) {
  nlohmann::json forms = nlohmann::json::array();
  for (const std::string& kind : intake::FormKindsFor(intake::FormRole::kMonitor)) {
    auto form = intake::BuildXForm(kind, choices);
    if (!form.ok()) return Fail(g, form.status());
    forms.push_back({{"kind", kind}, {"form_id", form->form_id}, {"version", form->version}});
    if (!g.json) std::cout << form->form_id << "\t" << form->version << "\n";
  }
  if (g.json) std::cout << forms.dump() << "\n";
  return 0;
}

int CmdXForm(const Globals& g, const XFormArgs& a) {
  if (!a.instance.empty()) return CmdReadInstance(g, a.instance);
  auto choices = Choices(g, a);
  if (!choices.ok()) return Fail(g, choices.status());
  if (a.list) return CmdList(g, *choices);
  if (a.kind.empty()) return Fail(g, InvalidArgumentError("xform: give --kind (one of the forms --list lists) or --list"));
  auto form = intake::BuildXForm(a.kind, *choices);
  if (!form.ok()) return Fail(g, form.status());
  if (a.out.empty() || a.out == "-") {
    std::cout << form->xml;
    return 0;
  }
  if (Status st = WriteFileAtomically(a.out, form->xml); !st.ok()) return Fail(g, st.Annotate("xform -o"));
  if (g.json) {
    std::cout << nlohmann::json{{"form_id", form->form_id}, {"version", form->version}, {"file", a.out}}.dump() << "\n";
  } else if (!g.quiet) {
    std::cerr << "wrote " << form->form_id << " version " << form->version << " to " << a.out << "\n";
  }
  return 0;
}

}  // namespace

void AddXFormCommand(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto a = std::make_shared<XFormArgs>();
  auto* cmd = app.add_subcommand("xform", "the ODK XForm of a kind field teams record (docs/intake.md)");
  cmd->add_option("--kind", a->kind, "movement, route_status, outage, incident, stock, source, evidence or claim");
  cmd->add_option("--case", a->case_id, "offer this case's sources, routes and vocabulary (default: every case's)");
  cmd->add_option("-o,--output", a->out, "write the form to FILE (default: stdout)");
  cmd->add_flag("--list", a->list, "list the forms: form id and version");
  cmd->add_option("--read-instance", a->instance, "print the record an OpenRosa instance FILE holds (not validated)");
  cmd->callback([&, a] { action = [&, a] { return CmdXForm(g, *a); }; });
}

}  // namespace lifeline::cli
