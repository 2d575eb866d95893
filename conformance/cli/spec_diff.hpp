#pragma once
// `spec-diff`: a published OpenAPI 3 document against the project's schemas and the mock's
// documented routes, and optionally against an earlier copy of that document. Differences we
// made on purpose are kept, each with its reason, in a reviewed list
// (conformance/checks/accepted_differences.json); only the others fail a run.
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schema_store.hpp"

namespace oxen::conformance {

struct RouteInfo {
  std::string method, pattern;  // pattern as the mock writes it ("/api/ai/models/{id+}")
  std::string request_schema, response_schema;
  std::set<std::string> statuses;  // declared response statuses ("200", "404"); empty: not compared
};

// The mock's public routes, from schemas/openapi.json (admin routes left out).
std::vector<RouteInfo> mock_routes();

// Kinds are named from the reader's side: what exists on one side only, or what differs.
// `side` is "published" (the document given), "ours" (our schemas and routes) or "baseline" (the
// earlier copy of the document).
namespace spec_kind {
std::string route_only_in(const std::string& side);           // where: "POST /api/ai/audio/generate"
std::string field_only_in(const std::string& side);           // where: route, request|response, pointer
std::string required_only_in(const std::string& side);        // required on that side, optional on the other
std::string enum_value_only_in(const std::string& side);      // value: the enum value
std::string response_codes_only_in(const std::string& side);  // value: "401 429", where: the route
std::string schema_only_in(const std::string& side);          // components/schemas, baseline only
inline constexpr std::string_view type_differs = "type differs";  // value: "published string, ours integer"
}  // namespace spec_kind

struct SpecItem {
  std::string kind;
  // The place, then a pointer below it: a route ("POST /api/ai/audio/generate"), a body of a
  // route ("POST /api/ai/queue request /duration"), or a pair of named schemas, the published
  // one first ("Model ~ model /endpoint"; one name when both sides call it the same), so that a
  // schema many routes share is reported once.
  std::string where;
  nlohmann::json value;  // what differs beyond the place (enum value, types, codes); null if nothing
  std::string line() const;  // "kind: where: value"
};

struct SpecDiff {
  std::vector<SpecItem> items;
  std::set<std::string> compared;  // the places looked at: routes in scope, bodies, schema pairs
};

// Compares paths under `scope` (a prefix such as "/api/ai/"; "" compares all).
SpecDiff spec_diff_ours(const nlohmann::json& openapi, const std::vector<RouteInfo>& routes,
                        const SchemaStore& store, const std::string& scope);
// What changed from `baseline` to `current` ("only in published" is new in `current`).
SpecDiff spec_diff_baseline(const nlohmann::json& baseline, const nlohmann::json& current, const std::string& scope);

// "/api/ai/models/{}" for "/api/ai/models/{id+}" and "/api/ai/models/{model_id}"; a glob segment
// ("/evaluations/*resource_path", as the published document writes one) is a parameter too.
std::string normalise_path(const std::string& path);

// One reviewed difference between the published document and ours.
struct AcceptedDifference {
  std::string kind, where;
  nlohmann::json value;  // null: the difference has no value
  std::string reason;
  bool matches(const SpecItem& item) const { return item.kind == kind && item.where == where && item.value == value; }
  std::string line() const { return SpecItem{kind, where, value}.line(); }
};

// The list compiled in (conformance/checks/accepted_differences.json).
const std::vector<AcceptedDifference>& builtin_accepted_differences();
// A list in that format (schemas/accepted_differences.schema.json); throws std::runtime_error
// naming `origin` and what is wrong (a schema violation, an entry listed twice).
std::vector<AcceptedDifference> parse_accepted_differences(std::string_view text, const std::string& origin);

struct SpecReview {
  std::vector<SpecItem> fresh;  // not on the accepted list: these fail a run
  std::vector<std::pair<SpecItem, AcceptedDifference>> accepted;
  std::vector<AcceptedDifference> stale;  // entries that match no difference
};
// An unmatched entry is stale when its place was compared, or always when `whole` (the diff
// covered every path the list is about, so an entry whose schema was renamed is caught too).
SpecReview review_spec_diff(const SpecDiff& diff, const std::vector<AcceptedDifference>& accepted, bool whole);

}  // namespace oxen::conformance
