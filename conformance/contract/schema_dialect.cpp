#include "schema_dialect.hpp"

#include <algorithm>
#include <string_view>

namespace oxen {

namespace {

using nlohmann::json;

// Keywords whose value is a schema, a list of schemas, or a map of names to schemas. The walk
// follows only these, so a property that happens to be called "prefixItems" is left alone.
constexpr std::string_view kSchemaKeys[] = {"items", "additionalItems", "additionalProperties",
                                            "contains", "propertyNames", "not", "if", "then",
                                            "else", "unevaluatedItems", "unevaluatedProperties"};
constexpr std::string_view kListKeys[] = {"allOf", "anyOf", "oneOf", "items"};
constexpr std::string_view kMapKeys[] = {"properties", "patternProperties", "definitions",
                                         "$defs", "dependencies", "dependentSchemas"};
// Siblings of $ref that only annotate: nothing to keep when $ref is wrapped.
constexpr std::string_view kAnnotations[] = {"$ref", "$comment", "title", "description",
                                             "default", "examples", "deprecated", "readOnly",
                                             "writeOnly"};

template <size_t N>
bool among(const std::string& key, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

void rewrite(json& node, bool siblings_of_ref_apply) {
  if (!node.is_object()) return;
  if (auto tuple = node.find("prefixItems"); tuple != node.end() && tuple->is_array()) {
    json positions = std::move(*tuple);
    node.erase("prefixItems");
    if (auto rest = node.find("items"); rest != node.end()) {
      json after = std::move(*rest);
      node["additionalItems"] = std::move(after);
    }
    node["items"] = std::move(positions);
  }
  if (siblings_of_ref_apply && node.contains("$ref")) {
    bool asserts = false;
    for (const auto& [key, _] : node.items()) asserts = asserts || !among(key, kAnnotations);
    if (asserts) {
      json ref = {{"$ref", node["$ref"]}};
      node.erase("$ref");
      if (node.contains("allOf") && node["allOf"].is_array()) node["allOf"].push_back(std::move(ref));
      else node["allOf"] = json::array({std::move(ref)});
    }
  }
  for (auto& [key, value] : node.items()) {
    if (value.is_array() && among(key, kListKeys)) {
      for (auto& sub : value) rewrite(sub, siblings_of_ref_apply);
    } else if (value.is_object() && among(key, kMapKeys)) {
      for (auto& [_, sub] : value.items()) rewrite(sub, siblings_of_ref_apply);
    } else if (among(key, kSchemaKeys)) {
      rewrite(value, siblings_of_ref_apply);
    }
  }
}

}  // namespace

nlohmann::json to_draft7(nlohmann::json schema) {
  bool modern = false;
  if (schema.is_object() && schema.contains("$schema") && schema["$schema"].is_string()) {
    const std::string dialect = schema["$schema"];
    modern = dialect.find("2019-09") != std::string::npos || dialect.find("2020-12") != std::string::npos;
  }
  rewrite(schema, modern);
  return schema;
}

}  // namespace oxen
