#include "record/projection.h"

#include "base/kinds.h"
#include "record/schema.h"
#include "record/values.h"

namespace lifeline::record {
namespace {

std::string Str(const nlohmann::json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j.at(key).is_string()) return j.at(key).get<std::string>();
  return "";
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<std::string> UtcDay(const std::string& date_time) {
  LIFELINE_ASSIGN_OR_RETURN(int64_t secs, ParseDateTime(date_time));
  return FormatDate(Day{FloorDiv(secs, 86400)});
}

Result<store::RecordRow> ProjectRecord(const nlohmann::json& rec, std::string body) {
  if (!rec.is_object()) return InvalidArgumentError("a record must be a JSON object");
  store::RecordRow r;
  r.id = Str(rec, "id");
  r.kind = Str(rec, "kind");
  if (r.id.empty() || r.kind.empty()) return InvalidArgumentError("a record needs kind and id");
  // A case record belongs to itself, unless it corrects another case record
  // (schema v2): then it names the case it corrects.
  r.case_id = RecordCase(rec);
  r.supersedes = Str(rec, "supersedes");
  if (r.kind == kinds::kRetraction) r.target = Str(rec, "retracts");
  if (r.kind == kinds::kClaim) r.target = Str(rec, "about");
  if (r.kind == kinds::kRouteStatus || r.kind == kinds::kBaseline || r.kind == kinds::kMovement || r.kind == kinds::kWatch) {
    r.route = Str(rec, "route");
  }
  if (r.kind == kinds::kRoute) r.route = r.id;
  if (r.kind == kinds::kObligation && rec.contains("rule")) r.route = Str(rec.at("rule"), "route");

  auto day = [&](const std::string& v, std::string* out) -> Status {
    if (v.empty()) return Status::Ok();
    LIFELINE_ASSIGN_OR_RETURN(*out, UtcDay(v));
    return Status::Ok();
  };
  if (r.kind == kinds::kRouteStatus || r.kind == kinds::kOutage || r.kind == kinds::kSchedule || r.kind == kinds::kRequirement) {
    LIFELINE_RETURN_IF_ERROR(day(Str(rec, "from"), &r.date_from));
    LIFELINE_RETURN_IF_ERROR(day(Str(rec, "until"), &r.date_to));
  } else if (r.kind == kinds::kWatch) {
    LIFELINE_RETURN_IF_ERROR(day(Str(rec, "from"), &r.date_from));
    std::string to = Str(rec, "to");
    LIFELINE_RETURN_IF_ERROR(day(to.empty() ? Str(rec, "from") : to, &r.date_to));
  } else if (r.kind == kinds::kMovement || r.kind == kinds::kIncident || r.kind == kinds::kStock) {
    LIFELINE_RETURN_IF_ERROR(day(Str(rec, "date"), &r.date_from));
    r.date_to = r.date_from;
  } else if (r.kind == kinds::kCase) {
    LIFELINE_RETURN_IF_ERROR(day(Str(rec, "started"), &r.date_from));
    LIFELINE_RETURN_IF_ERROR(day(Str(rec, "ended"), &r.date_to));
  } else if (r.kind == kinds::kBaseline && rec.contains("period")) {
    LIFELINE_RETURN_IF_ERROR(day(Str(rec.at("period"), "from"), &r.date_from));
    LIFELINE_RETURN_IF_ERROR(day(Str(rec.at("period"), "to"), &r.date_to));
  } else if (r.kind == kinds::kObligation && rec.contains("rule")) {
    LIFELINE_RETURN_IF_ERROR(day(Str(rec.at("rule"), "from"), &r.date_from));
    LIFELINE_RETURN_IF_ERROR(day(Str(rec.at("rule"), "until"), &r.date_to));
  } else if (r.kind == kinds::kSource) {
    LIFELINE_RETURN_IF_ERROR(day(Str(rec, "published"), &r.date_from));
    r.date_to = r.date_from;
  }
  r.body = std::move(body);
  return r;
}

}  // namespace lifeline::record
