#pragma once
// `spec-diff`: a published OpenAPI 3 document against the project's schemas and the mock's
// documented routes, and optionally against an earlier copy of that document.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schema_store.hpp"

namespace oxen::conformance {

struct RouteInfo {
  std::string method, pattern;  // pattern as the mock writes it ("/api/ai/models/{id+}")
  std::string request_schema, response_schema;
};

// The mock's public routes, from schemas/openapi.json (admin routes left out).
std::vector<RouteInfo> mock_routes();

struct SpecItem {
  std::string kind;   // path_added, path_removed, property_added, property_removed,
                      // property_retyped, enum_value_added, enum_value_removed, schema_added,
                      // schema_removed
  std::string where;
  std::string detail;
  std::string line() const;
};

// "Added" means present in the published document and absent from ours. `scope` restricts the
// paths compared (a prefix such as "/api/ai/"; "" compares all).
std::vector<SpecItem> spec_diff_ours(const nlohmann::json& openapi, const std::vector<RouteInfo>& routes,
                                     const SchemaStore& store, const std::string& scope);
// "Added" means present in `current` and absent from `baseline`.
std::vector<SpecItem> spec_diff_baseline(const nlohmann::json& baseline, const nlohmann::json& current,
                                         const std::string& scope);

// "/api/ai/models/{}" for "/api/ai/models/{id+}" and "/api/ai/models/{model_id}".
std::string normalise_path(const std::string& path);

}  // namespace oxen::conformance
