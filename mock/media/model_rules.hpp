#pragma once
// What the API checks in a media request beyond the model's request_schema, and the words it
// uses for every broken check (fixtures/model_rules.json, schema fixture_model_rules): totals
// over shots, counts across input arrays, fields that need another, media URLs. The sync
// endpoints and the queued jobs are judged by this one class, so both answer the same text.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../../conformance/contract/schema_store.hpp"

namespace oxen::mock {

class ModelRules {
 public:
  // `fixture` is model_rules.json, already checked against its schema.
  explicit ModelRules(nlohmann::json fixture);

  // The first way `params` breaks `model`: its compiled request_schema (may be null),
  // then the media URLs, then the model's own rules; in the API's words. nullopt when none.
  std::optional<Violation> judge(const nlohmann::json& model, const Schema* request_schema,
                                 const nlohmann::json& params) const;

  // A violation of the model's request_schema, reworded as the fixture says (the validator's own
  // description when no template fits).
  Violation worded(const nlohmann::json& model, const nlohmann::json& params, const Violation& v) const;

 private:
  const nlohmann::json& entry_of(const std::string& model_id) const;  // null when it has none
  std::optional<Violation> check_urls(const nlohmann::json& params) const;
  std::optional<Violation> check_rule(const nlohmann::json& rule, const nlohmann::json& params) const;

  nlohmann::json fixture_;
};

}  // namespace oxen::mock
