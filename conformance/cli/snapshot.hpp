#pragma once
// Snapshots of a server's answers (`record`) and shape-level drift between two of them (`diff`).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http.hpp"

namespace oxen::conformance {

// {"format", "base_url", "exchanges":[{method, path, status, content_type, body}]} with
// secrets redacted (oxen::redact): the key itself anywhere, and members named like credentials.
nlohmann::json make_snapshot(const std::string& base_url, const std::vector<Exchange>& exchanges,
                             const std::string& secret);
// The models of the snapshot's GET /ai/models as a mock fixture ({"models": [...]}), or null.
nlohmann::json snapshot_models_fixture(const nlohmann::json& snapshot);

struct DriftItem {
  std::string kind;     // field_added, field_removed, field_retyped, enum_value_added,
                        // enum_value_removed, model_added, model_removed, pricing_changed,
                        // status_changed, endpoint_added, endpoint_removed
  std::string where;    // "GET /ai/models/{id} 200 /data/*/x" or a model id
  std::string detail;
  std::string line() const;
};

// Shape-level drift from snapshot `a` to snapshot `b`; volatile values (ids, timestamps, URLs)
// are masked, so only shapes, enum-like values, model sets and pricing are compared.
std::vector<DriftItem> diff_snapshots(const nlohmann::json& a, const nlohmann::json& b);

// Loads DIR/snapshot.json or a snapshot file. Throws std::runtime_error.
nlohmann::json load_snapshot(const std::string& path);

}  // namespace oxen::conformance
