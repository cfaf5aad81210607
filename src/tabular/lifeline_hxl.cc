#include "tabular/lifeline_hxl.h"

namespace lifeline::tabular {

std::span<const LifelineHxlColumn> LifelineHxlLayout() {
  // In the order the writer writes them. The envelope first and last, the
  // incident and movement groups between.
  static constexpr LifelineHxlColumn kColumns[] = {
      {"#meta+id", "id", HxlValue::kId, kHxlEither, true},
      {"#meta+kind", "kind", HxlValue::kKind, kHxlEither, true},
      {"#date+occurred", "date", HxlValue::kDate, kHxlEither},
      {"#meta+date_precision", "date_precision", HxlValue::kDatePrecision, kHxlEither},
      {"#adm1+name", "location.admin1", HxlValue::kText, kHxlIncident},
      {"#adm2+name", "location.admin2", HxlValue::kText, kHxlIncident},
      {"#adm3+name", "location.admin3", HxlValue::kText, kHxlIncident},
      {"#loc+name", "location.name", HxlValue::kText, kHxlIncident},
      {"#country+code", "location.country", HxlValue::kText, kHxlIncident},
      {"#geo+lat", "location.lat", HxlValue::kLat, kHxlIncident},
      {"#geo+lon", "location.lon", HxlValue::kLon, kHxlIncident},
      {"#meta+geo_precision", "location.geo_precision", HxlValue::kGeoPrecision, kHxlIncident},
      {"#event+type", "event_type", HxlValue::kText, kHxlIncident},
      {"#event+type+sub", "sub_event_type", HxlValue::kText, kHxlIncident},
      {"#access+code", "access_constraint", HxlValue::kAccess, kHxlIncident},
      {"#group+name", "actors", HxlValue::kActor, kHxlIncident},
      {"#affected+killed", "fatalities.best", HxlValue::kCount, kHxlIncident},
      {"#affected+killed+min", "fatalities.low", HxlValue::kCount, kHxlIncident},
      {"#affected+killed+max", "fatalities.high", HxlValue::kCount, kHxlIncident},
      {"#affected+injured", "injuries", HxlValue::kCount, kHxlIncident},
      {"#description", "description", HxlValue::kText, kHxlIncident},
      {"#meta+route", "route", HxlValue::kId, kHxlMovement},
      {"#indicator+direction", "direction", HxlValue::kDirection, kHxlMovement},
      {"#org+operator", "operator", HxlValue::kText, kHxlMovement},
      {"#status+outcome", "outcome", HxlValue::kOutcome, kHxlMovement},
      {"#indicator+vehicles+num", "vehicles", HxlValue::kCount, kHxlMovement},
      {"#indicator+persons+num", "persons", HxlValue::kCount, kHxlMovement},
      {"#indicator+patients+num", "patients", HxlValue::kCount, kHxlMovement},
      {"#item+cargo", "cargo", HxlValue::kCargo, kHxlMovement},
      {"#date+start", "period.from", HxlValue::kDay, kHxlMovement},
      {"#date+end", "period.to", HxlValue::kDay, kHxlMovement},
      {"#meta+source", "sources", HxlValue::kIdList, kHxlEither, true},
      {"#meta+case", "case", HxlValue::kCase, kHxlEither, true},
      {"#meta+supersedes", "supersedes", HxlValue::kId, kHxlEither, true},
      {"#meta+note", "note", HxlValue::kText, kHxlEither, true},
      {"#meta+recorded", "recorded", HxlValue::kStamp, kHxlEither, true},
      {"#meta+by", "by", HxlValue::kStamp, kHxlEither, true},
  };
  return kColumns;
}

}  // namespace lifeline::tabular
