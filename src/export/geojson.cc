// WriteGeoJson: an RFC 7946 FeatureCollection. Each feature is written in
// RFC 8785 canonical form (members sorted, numbers in their shortest exact
// spelling) on a line of its own, so that exports diff line by line.
#include <cmath>
#include <optional>

#include "base/kinds.h"
#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"

namespace lifeline::exports {
namespace {

using nlohmann::json;

// A [lon, lat] position (RFC 7946 section 3.1.1: longitude first) from a
// latitude and a longitude; `where` names them for errors.
Result<json> Position(const json& lat, const json& lon, const std::string& where) {
  if (!lat.is_number() || !lon.is_number()) {
    return InvalidArgumentError(where + ": latitude and longitude must be numbers");
  }
  const double la = lat.get<double>(), lo = lon.get<double>();
  if (!std::isfinite(la) || !std::isfinite(lo) || std::abs(la) > 90 || std::abs(lo) > 180) {
    return InvalidArgumentError(where + ": latitude must be within [-90, 90] and longitude within "
                                        "[-180, 180], found " + lat.dump() + ", " + lon.dump());
  }
  // The values themselves, not doubles made of them, so that an integer stays
  // an integer and every digit is kept.
  return json::array({lon, lat});
}

void CopyIfPresent(const json& from, std::string_view key, json& to) {
  const json& v = internal::Member(from, key);
  if (!v.is_null()) to[std::string(key)] = v;
}

// nullopt: the incident has no coordinates.
Result<std::optional<json>> IncidentFeature(const json& r) {
  const json& loc = internal::Member(r, "location");
  const json& lat = internal::Member(loc, "lat");
  const json& lon = internal::Member(loc, "lon");
  if (lat.is_null() && lon.is_null()) return std::optional<json>();
  LIFELINE_ASSIGN_OR_RETURN(json position, Position(lat, lon, "location"));
  json props = json::object();
  CopyIfPresent(r, "id", props);
  CopyIfPresent(r, "kind", props);
  CopyIfPresent(r, "date", props);
  CopyIfPresent(r, "date_precision", props);
  CopyIfPresent(loc, "name", props);
  if (props.contains("name")) {
    props["location"] = props["name"];
    props.erase("name");
  }
  CopyIfPresent(r, "event_type", props);
  const json& best = internal::Member(internal::Member(r, "fatalities"), "best");
  if (!best.is_null()) props["fatalities"] = best;
  CopyIfPresent(r, "description", props);
  CopyIfPresent(r, "sources", props);
  return std::optional<json>(json{{"type", "Feature"},
                                  {"geometry", {{"type", "Point"}, {"coordinates", position}}},
                                  {"properties", props}});
}

bool IsPointRoute(const json& type) {
  return type == "checkpoint" || type == "crossing" || type == "bridge";
}

// nullopt: the route has no geometry that GeoJSON can carry.
Result<std::optional<json>> RouteFeature(const json& r) {
  const json& path = internal::Member(r, "path");
  if (path.is_null()) return std::optional<json>();
  if (!path.is_array()) return InvalidArgumentError("path: wanted an array of [lat, lon] points");
  json coordinates = json::array();
  for (size_t i = 0; i < path.size(); ++i) {
    const json& p = path[i];
    const std::string where = "path[" + std::to_string(i) + "]";
    if (!p.is_array() || p.size() != 2) return InvalidArgumentError(where + ": wanted [lat, lon]");
    LIFELINE_ASSIGN_OR_RETURN(json position, Position(p[0], p[1], where));
    coordinates.push_back(std::move(position));
  }
  json geometry;
  if (coordinates.size() >= 2) {
    geometry = {{"type", "LineString"}, {"coordinates", coordinates}};
  } else if (coordinates.size() == 1 && IsPointRoute(internal::Member(r, "type"))) {
    geometry = {{"type", "Point"}, {"coordinates", coordinates[0]}};
  } else {
    // A road of one point is not a line (RFC 7946 3.1.4 wants two or more
    // positions), and making it a point would misplace the whole road.
    return std::optional<json>();
  }
  json props = json::object();
  for (std::string_view key : {"id", "kind", "name", "type", "from", "to", "description", "sources"}) {
    CopyIfPresent(r, key, props);
  }
  return std::optional<json>(
      json{{"type", "Feature"}, {"geometry", geometry}, {"properties", props}});
}

}  // namespace

Result<GeoJsonExport> WriteGeoJson(std::span<const json> records) {
  GeoJsonExport out;
  out.text = "{\"type\":\"FeatureCollection\",\"features\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    LIFELINE_RETURN_IF_ERROR(internal::CheckRecord(r, i));
    const json& kind = r.at("kind");
    Result<std::optional<json>> feature = std::optional<json>();
    if (kind == kinds::kIncident) {
      feature = IncidentFeature(r);
    } else if (kind == kinds::kRoute) {
      feature = RouteFeature(r);
    } else {
      ++out.not_geographic;
      continue;
    }
    if (!feature.ok()) return feature.status().Annotate(internal::RecordName(r, i));
    if (!feature->has_value()) {
      ++out.skipped_without_coordinates;
      continue;
    }
    json& f = **feature;
    const json& id = internal::Member(r, "id");
    if (!id.is_null()) f["id"] = id;
    Result<std::string> text = record::Canonicalize(f);
    if (!text.ok()) return text.status().Annotate(internal::RecordName(r, i));
    out.text += out.features == 0 ? "\n" : ",\n";
    out.text += *text;
    ++out.features;
  }
  out.text += out.features == 0 ? "]}\n" : "\n]}\n";
  return out;
}

}  // namespace lifeline::exports
