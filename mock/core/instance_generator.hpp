#pragma once
// Generates a JSON value that satisfies a JSON Schema, from an Rng: tool-call arguments,
// json_schema structured output, request bodies for a model's request_schema. The same seed
// gives the same value.
//
// The schema is read in its draft-07 spelling (to_draft7, schema_dialect.hpp: a 2020-12 tuple,
// prefixItems + items, becomes items: [...] + additionalItems), as the validator reads it.
//
// Steered: type (one or several), enum, const, properties, required, additionalProperties,
// minProperties, maxProperties, items (schema, tuple or false), additionalItems, minItems,
// maxItems, uniqueItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers or the
// draft-04 booleans), multipleOf, minLength, maxLength, pattern (the regex subset of
// regex_sampler.hpp), format (date-time, date, time, email, uri, uuid, hostname, ipv4, ipv6),
// anyOf, oneOf (a branch, merged with its siblings), allOf (merged), $ref into the same document
// (#/definitions/..., #/$defs/..., any JSON pointer), boolean schemas.
// Not steered: not, if/then/else, contains, patternProperties, propertyNames, dependencies,
// dependentRequired, dependentSchemas, unevaluated*. generate_valid_instance validates every
// value and retries, so those keywords cost attempts, never an invalid value.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rng.hpp"

namespace oxen {
class Schema;
}

namespace oxen::mock {

struct InstanceOptions {
  int max_depth = 8;                // deeper optional structure is left out
  size_t max_items = 4;             // arrays get at most this many items beyond minItems
  bool optional_properties = true;  // sometimes include properties that are not required
};

// A value shaped by `schema` (not checked). `schema` must outlive the call.
nlohmann::json generate_instance(const nlohmann::json& schema, Rng& rng,
                                 const InstanceOptions& options = {});

struct GeneratedInstance {
  std::optional<nlohmann::json> value;  // one that the schema accepts
  // Without a value: the schema node to blame (a JSON pointer into the compiled document, ""
  // for its root) and why: "the schema is unsatisfiable: minimum 5 > maximum 3" for a
  // contradiction, "pattern '...' uses a construct the mock cannot generate for (lookahead)" or
  // "'not' is a keyword the mock does not steer" with the validator's verdict on the last value
  // tried, or that verdict alone.
  std::string pointer;
  std::string reason;
};

// A value that `compiled` accepts, from at most `attempts` tries, or why there is none.
GeneratedInstance generate_valid_instance(const oxen::Schema& compiled, Rng& rng, int attempts = 16,
                                          const InstanceOptions& options = {});

}  // namespace oxen::mock
