#pragma once
// Shape-level views of JSON documents against the project's schemas: members a schema does not
// declare (reported as warnings, since the live API may add fields).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schema_store.hpp"

namespace oxen::conformance {

// Pointers of object members in `doc` that the schema (following $ref, anyOf/oneOf/allOf
// branches that fit, items, additionalProperties) does not declare. Objects whose schema lists
// no `properties` are free-form and never reported.
std::vector<std::string> unknown_members(const SchemaStore& store, const std::string& schema,
                                         const nlohmann::json& doc);

}  // namespace oxen::conformance
