#pragma once
// Snapshots of a server's answers (`record`) and shape-level drift between two of them (`diff`).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http.hpp"

namespace oxen::conformance {

// {"format", "base_url", "profile", "exchanges":[{method, path, status, content_type, request?,
// body}]} with secrets redacted (oxen::redact): the key itself anywhere, and members named like
// credentials. `request` is the body sent, when there was one.
nlohmann::json make_snapshot(const std::string& base_url, const std::string& profile,
                             const std::vector<Exchange>& exchanges, const std::string& secret);
// The models of the snapshot's GET /ai/models as a mock fixture ({"models": [...]}), or null.
nlohmann::json snapshot_models_fixture(const nlohmann::json& snapshot);

struct DriftItem {
  std::string kind;     // field_added, field_removed, field_retyped, enum_value_added,
                        // enum_value_removed, endpoint_added, endpoint_removed (an endpoint and
                        // status answered on one side only); per model id: model_added,
                        // model_removed, endpoint_changed, capabilities_changed, pricing_changed;
                        // content_changed (mock-profile snapshots: a seeded answer differs)
  std::string where;    // "GET /ai/models/{id} 200 /data/*/x" or a model id
  std::string detail;
  std::string line() const;
};

// Drift from snapshot `a` to snapshot `b`. Shapes and enum-like values are compared with volatile
// values (ids, timestamps, URLs) masked and over the models both list; models are keyed by id
// (added, removed, endpoint, capabilities, pricing); between two mock-profile snapshots the
// seeded chat and media answers are compared by value.
std::vector<DriftItem> diff_snapshots(const nlohmann::json& a, const nlohmann::json& b);

// Loads DIR/snapshot.json or a snapshot file. Throws std::runtime_error.
nlohmann::json load_snapshot(const std::string& path);

}  // namespace oxen::conformance
