#pragma once
// Generates a JSON value that satisfies a JSON Schema (draft-07), from an Rng: tool-call
// arguments, json_schema structured output, request bodies for a model's request_schema.
//
// Understood: type (one or several), enum, const, properties, required, additionalProperties,
// minProperties, items (schema or tuple), additionalItems, minItems, maxItems, uniqueItems,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, maxLength,
// format (date-time, date, time, email, uri, uuid, hostname, ipv4, ipv6), anyOf, oneOf, allOf
// (merged), $ref into the same document (#/definitions/..., #/$defs/...), default, examples,
// boolean schemas. Everything else (pattern, not, if/then/else, ...) is not steered; callers
// validate the result (see generate_valid_instance).
#include <nlohmann/json.hpp>
#include <optional>

#include "rng.hpp"

namespace oxen {
class Schema;
}

namespace oxen::mock {

struct InstanceOptions {
  int max_depth = 8;       // deeper optional structure is left out
  size_t max_items = 4;    // arrays get at most this many items beyond minItems
  bool optional_properties = true;  // sometimes include properties that are not required
};

// A value shaped by `schema` (not checked). `schema` must outlive the call.
nlohmann::json generate_instance(const nlohmann::json& schema, Rng& rng,
                                 const InstanceOptions& options = {});

// A value that `compiled` accepts, or nullopt after `attempts` tries. `schema` is the document
// `compiled` was built from.
std::optional<nlohmann::json> generate_valid_instance(const nlohmann::json& schema,
                                                      const oxen::Schema& compiled, Rng& rng,
                                                      int attempts = 16,
                                                      const InstanceOptions& options = {});

}  // namespace oxen::mock
