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
constexpr std::string_view kListKeys[] = {"allOf", "anyOf", "oneOf", "items", "prefixItems"};
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

// Calls `visit` on every schema node of `node`, children first.
template <class Visit>
void walk(json& node, const Visit& visit) {
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if (value.is_array() && among(key, kListKeys)) {
      for (auto& sub : value) walk(sub, visit);
    } else if (value.is_object() && among(key, kMapKeys)) {
      for (auto& [_, sub] : value.items()) walk(sub, visit);
    } else if (among(key, kSchemaKeys)) {
      walk(value, visit);
    }
  }
  visit(node);
}

void tuple_to_items(json& node) {
  auto tuple = node.find("prefixItems");
  if (tuple == node.end() || !tuple->is_array()) return;
  json positions = std::move(*tuple);
  node.erase("prefixItems");
  if (auto rest = node.find("items"); rest != node.end()) {
    json after = std::move(*rest);
    node["additionalItems"] = std::move(after);
  }
  node["items"] = std::move(positions);
}

void add_to_all_of(json& node, json schema) {
  if (node.contains("allOf") && node["allOf"].is_array())
    node["allOf"].push_back(std::move(schema));
  else
    node["allOf"] = json::array({std::move(schema)});
}

void wrap_ref(json& node) {
  if (!node.contains("$ref")) return;
  bool asserts = false;
  for (const auto& [key, _] : node.items()) asserts = asserts || !among(key, kAnnotations);
  if (!asserts) return;
  json ref = {{"$ref", node["$ref"]}};
  node.erase("$ref");
  add_to_all_of(node, std::move(ref));
}

void allow_null(json& node) {
  auto nullable = node.find("nullable");
  if (nullable == node.end()) return;
  const bool allows = *nullable == true;
  node.erase(nullable);
  if (!allows) return;
  if (auto type = node.find("type"); type != node.end()) {
    if (type->is_string()) *type = json::array({*type, "null"});
    else if (type->is_array() && std::find(type->begin(), type->end(), "null") == type->end()) type->push_back("null");
    if (auto values = node.find("enum"); values != node.end() && values->is_array() &&
                                          std::find(values->begin(), values->end(), nullptr) == values->end())
      values->push_back(nullptr);
  } else {
    json rest = std::move(node);
    node = {{"anyOf", json::array({{{"type", "null"}}, std::move(rest)})}};
  }
}

}  // namespace

nlohmann::json to_draft7(nlohmann::json schema) {
  bool modern = false;
  if (schema.is_object() && schema.contains("$schema") && schema["$schema"].is_string()) {
    const std::string dialect = schema["$schema"];
    modern = dialect.find("2019-09") != std::string::npos ||
             dialect.find("2020-12") != std::string::npos;
  }
  walk(schema, [modern](json& node) {
    tuple_to_items(node);
    if (modern) wrap_ref(node);
  });
  return schema;
}

nlohmann::json from_openapi30(nlohmann::json schema) {
  walk(schema, allow_null);
  return schema;
}

nlohmann::json guard_formats(nlohmann::json schema) {
  walk(schema, [](json& node) {
    auto it = node.find("format");
    if (it == node.end() || !it->is_string()) return;
    const std::string format = *it;
    node.erase("format");
    if (format != "date" && format != "time" && format != "date-time") return;
    add_to_all_of(node, {{"if", {{"type", "string"}}}, {"then", {{"format", format}}}});
  });
  return schema;
}

}  // namespace oxen
