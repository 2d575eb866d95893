#pragma once
// Where the rule behind a finding comes from, so that a run can fail on the contract Oxen
// publishes and only warn on what we inferred. Three sources, strongest first:
//   published   Oxen's published OpenAPI (schemas/published/oxen_hub_api.json)
//   documented  the documentation pages (our schemas/*.schema.json follow them)
//   ours        a tightening of ours from observed examples
// The reviewed list of our tightenings and the source of each named semantic rule are data
// (conformance/checks/rule_sources.json, compiled in).
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api_document.hpp"
#include "schema_store.hpp"

namespace oxen::conformance {

enum class Source { published, documented, ours };  // strongest first
const char* to_string(Source s);
// "published", "documented" or "ours"; nullopt for anything else.
std::optional<Source> source_named(std::string_view name);
// Whether a run held to `contract` fails on a finding whose rule comes from `source`: at
// `documented`, published and documented rules fail and ours only warn.
inline bool fails_at(Source source, Source contract) { return source <= contract; }
// The stronger of two sources.
inline Source stronger(Source a, Source b) { return a < b ? a : b; }

// One of our tightenings: where our schema is stricter than the published one on purpose.
struct Tightening {
  std::vector<std::string> schemas;  // our schema names it applies to
  std::string pointer;  // instance pointer pattern: "/**/pricing/*" (`*` one token, `**` any number)
  std::string keyword;  // the JSON Schema keyword that our schema adds
  std::string reason;
};

// Whether `pointer` (RFC 6901) matches `pattern` ("/**/pricing/*", "/id").
bool pointer_matches(const std::string& pattern, const std::string& pointer);

class RuleSources {
 public:
  // conformance/checks/rule_sources.json and schemas/published/oxen_hub_api.json as compiled in,
  // bound to schemas/openapi.json and the built-in schemas.
  static const RuleSources& builtin();

  // Throws std::invalid_argument naming the entry when `data` is malformed, names a source that
  // does not exist, or a tightening names a schema `store` does not have.
  RuleSources(const nlohmann::json& data, const nlohmann::json& published, const ApiDocument& ours,
              const SchemaStore& store);

  // A named semantic rule's source; a rule the table does not list is documented.
  Source of_rule(const std::string& rule) const;
  // The source of `v`, a violation of our schema `schema`: ours when a tightening matches it,
  // published when `published` (the same document's violations of the published schema for
  // that answer) has one at the same pointer, else documented. A named rule: of_rule.
  Source of_violation(const std::string& schema, const Violation& v, const Violations* published) const;
  // of_violation for every violation of one document, except for what an alternative (anyOf,
  // oneOf) adds around its real failures: the wrapper itself, its branches' "child schema"
  // summaries and the null branch's type mismatch take the source of the strongest real failure
  // under the wrapper, or published when the published schema fails there too.
  std::vector<Source> classify(const std::string& schema, const Violations& violations,
                               const Violations* published) const;
  // Violations of `doc` against the published schema of the answer our `schema` describes;
  // nullopt when the published document declares none (a stream, an undeclared error).
  std::optional<Violations> published_violations(const std::string& schema, const nlohmann::json& doc) const;
  // Whether the published document declares a `status` answer (with a JSON body) for the
  // operation serving `method path`, a path relative to the API root ("/ai/models/x?y=1").
  bool declares(const std::string& method, const std::string& path, int status) const;

  const std::vector<Tightening>& tightenings() const { return tightenings_; }
  // The published component our schema's answer is checked against ("" = none), for tests and docs.
  std::string published_counterpart(const std::string& schema) const;

 private:
  struct PublishedOperation {
    std::string method;
    std::vector<std::string> segments;  // "{id}" marks a parameter (one or more segments)
    std::map<int, nlohmann::json> json_responses;  // status -> schema ({} when it names none)
  };
  const PublishedOperation* operation_for(const std::string& method, const std::string& path) const;

  struct Rule {
    Source source;
    std::string reason;
  };
  std::map<std::string, Rule> rules_;
  std::vector<Tightening> tightenings_;
  std::vector<PublishedOperation> operations_;
  std::map<std::string, std::string> counterpart_names_;  // our schema -> "Model", "ListModelsResponse", ...
  std::map<std::string, Schema> counterparts_;            // our schema -> compiled published schema
};

}  // namespace oxen::conformance
