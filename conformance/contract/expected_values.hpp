#pragma once
// What a failed `enum`, `const` or `pattern` keyword asked for, so that a violation can say it:
// valijson reports only that the value failed ("Failed to match against any enum values").
#include <nlohmann/json.hpp>
#include <string>

#include "json_ref.hpp"

namespace oxen {

// The most values of an enum a message lists before it says how many more there are.
inline constexpr size_t kListedEnumValues = 8;

// For rule "enum": `allowed: "a", "b", … (12 more)`; "const": `expected: "assistant"`;
// "pattern": `pattern: ^chatcmpl-`. The keywords are looked up in every schema node that applies
// at `pointer` of `instance` (through properties, items, additionalProperties, $ref and
// allOf/anyOf/oneOf/if/then/else) and that the value there breaks. "" when none is found.
std::string expected_values(const std::string& rule, JsonNode schema, const DocumentLookup& lookup,
                            const nlohmann::json& instance, const std::string& pointer);

}  // namespace oxen
