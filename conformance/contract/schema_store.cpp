#include "schema_store.hpp"

#include <regex>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "embedded.hpp"
#include "expected_values.hpp"
#include "json_ref.hpp"
#include "schema_dialect.hpp"

namespace oxen {

class CompiledSchema {
 public:
  nlohmann::json document;  // what `schema` was parsed from (guard_formats of the document)
  valijson::Schema schema;
};

namespace {

// valijson's context is {"<root>", "[name]", "[0]", ...}.
std::string pointer_of(const std::vector<std::string>& context) {
  std::string pointer;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    std::string token = part;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']')
      token = token.substr(1, token.size() - 2);
    pointer += "/" + escape_pointer_token(token);
  }
  return pointer;
}

// The last 'quoted' name in a description ("... constraints: 'extra'.").
std::string quoted_name(const std::string& description) {
  auto last = description.rfind('\'');
  if (last == std::string::npos || last == 0) return {};
  auto first = description.rfind('\'', last - 1);
  if (first == std::string::npos) return {};
  return description.substr(first + 1, last - first - 1);
}

// Throws std::invalid_argument for a pattern std::regex cannot compile.
void check_pattern(const std::string& pattern) {
  try {
    std::regex compiled(pattern);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("pattern '" + pattern + "' is not a valid regular expression: " + e.what());
  }
}

// What valijson would only discover later, checked first. It recurses without end on references
// it cannot resolve and on chains of references that lead back to where they started
// ({"$ref": "#"}): every `$ref` must resolve, into the document itself or a document of the store,
// and every chain of them must reach a real schema. It compiles `pattern` and `patternProperties`
// only while validating, and throws from there: every pattern must compile.
void check_refs_and_patterns(const nlohmann::json& root, const SchemaStore* store) {
  const DocumentLookup lookup =
      store ? store->lookup() : [](const std::string&) -> const nlohmann::json* { return nullptr; };
  std::vector<const nlohmann::json*> stack = {&root};
  while (!stack.empty()) {
    const nlohmann::json* node = stack.back();
    stack.pop_back();
    if (node->is_array()) {
      for (const auto& item : *node) stack.push_back(&item);
      continue;
    }
    if (!node->is_object()) continue;
    if (node->contains("$ref")) resolve_ref({node, &root}, lookup);
    if (auto it = node->find("pattern"); it != node->end() && it->is_string()) check_pattern(*it);
    if (auto it = node->find("patternProperties"); it != node->end() && it->is_object())
      for (const auto& [pattern, _] : it->items()) check_pattern(pattern);
    for (const auto& [key, value] : node->items())
      if (key != "enum" && key != "const" && key != "default" && key != "examples")
        stack.push_back(&value);
  }
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

struct RuleOf {
  std::string_view prefix;
  std::string_view rule;
};

// valijson reports descriptions, not keywords; these prefixes map them back.
constexpr RuleOf kRules[] = {
    {"Missing required property", "required"},
    {"Value type not permitted", "type"},
    {"Failed to match against any enum values", "enum"},
    {"Failed to match expected value set by 'const'", "const"},
    {"Expected number less than or equal to", "maximum"},
    {"Expected number less than", "exclusiveMaximum"},
    {"Expected number greater than or equal to", "minimum"},
    {"Expected number greater than", "exclusiveMinimum"},
    {"Array should contain no more than", "maxItems"},
    {"Array should contain no fewer than", "minItems"},
    {"String should be no more than", "maxLength"},
    {"String should be no fewer than", "minLength"},
    {"Object should have no more than", "maxProperties"},
    {"Object should have no fewer than", "minProperties"},
    {"Failed to match regex", "pattern"},
    {"Object contains a property that could not be validated", "additionalProperties"},
    {"Value should be a multiple of", "multipleOf"},
    {"Failed to validate against any schemas allowed by anyOf", "anyOf"},
    {"Failed to validate against exactly one child schema", "oneOf"},
    {"Failed to validate against any child schemas allowed by oneOf", "oneOf"},
    {"Array contains more items than allowed", "additionalItems"},
    {"Elements at indexes", "uniqueItems"},
    {"Missing dependency", "dependencies"},
    {"Failed to any values against subschema in 'contains'", "contains"},
    {"Failed to validate against a conditional schema", "if"},
};

// Summaries that valijson adds on top of the specific failure inside them.
bool is_aggregate(const std::string& description) {
  return starts_with(description, "Failed to validate item #") ||
         starts_with(description, "Cannot validate item #") ||
         starts_with(description, "Failed to validate against schema associated with") ||
         starts_with(description, "Failed to validate against additional properties schema") ||
         starts_with(description, "Failed to validate against dependent schema");
}

Violation to_violation(const valijson::ValidationResults::Error& error) {
  Violation v{pointer_of(error.context), "schema", error.description};
  for (const auto& [prefix, rule] : kRules) {
    if (starts_with(error.description, prefix)) {
      v.rule = rule;
      break;
    }
  }
  if (v.rule == "required" || v.rule == "additionalProperties" || v.rule == "dependencies")
    v.pointer += "/" + escape_pointer_token(quoted_name(error.description));
  return v;
}

using Adapter = valijson::adapters::NlohmannJsonAdapter;

}  // namespace

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string describe(const Violation& v) {
  return (v.pointer.empty() ? std::string("/") : v.pointer) + ": " + v.message;
}

Violations Schema::validate(const nlohmann::json& instance) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  Adapter adapter(instance);
  if (validator.validate(compiled_->schema, adapter, &results)) return {};
  Violations all;
  valijson::ValidationResults::Error error;
  bool has_specific = false;
  std::vector<valijson::ValidationResults::Error> errors;
  while (results.popError(error)) errors.push_back(error);
  for (const auto& e : errors) has_specific = has_specific || !is_aggregate(e.description);
  for (const auto& e : errors) {
    if (has_specific && is_aggregate(e.description)) continue;
    Violation v = to_violation(e);
    if (std::find(all.begin(), all.end(), v) == all.end()) all.push_back(std::move(v));
  }
  // valijson says only that an enum, const or pattern failed; the reader needs what it asked for.
  for (auto& v : all) {
    std::string expected = expected_values(v.rule, {&document_, &document_}, lookup_, instance, v.pointer);
    if (expected.empty()) continue;
    if (v.message.ends_with(".")) v.message.pop_back();
    v.message += "; " + expected;
  }
  // Most specific first: a client wants the leaf that broke, not the oneOf that wraps it.
  std::stable_sort(all.begin(), all.end(), [](const Violation& a, const Violation& b) {
    bool a_wrap = a.rule == "oneOf" || a.rule == "anyOf";
    bool b_wrap = b.rule == "oneOf" || b.rule == "anyOf";
    return !a_wrap && b_wrap;
  });
  return all;
}

Schema compile_schema(const nlohmann::json& document, const SchemaStore* store) {
  if (!document.is_object() && !document.is_boolean())
    throw std::invalid_argument("a schema must be an object or a boolean");
  Schema out;
  out.document_ = to_draft7(document);
  if (store) out.lookup_ = store->lookup();
  check_refs_and_patterns(out.document_, store);
  auto compiled = std::make_shared<CompiledSchema>();
  compiled->document = guard_formats(out.document_);
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  Adapter adapter(compiled->document);
  auto fetch = [store](const std::string& uri) -> const nlohmann::json* {
    const nlohmann::json* doc = store ? store->find_by_id(uri) : nullptr;
    if (!doc) throw RefError(RefError::Kind::unresolved, uri);
    return doc;
  };
  auto free_doc = [](const nlohmann::json*) {};  // documents are owned by the store
  try {
    parser.populateSchema(adapter, compiled->schema, fetch, free_doc);
  } catch (const std::invalid_argument&) {
    throw;
  } catch (const std::exception& e) {
    throw std::invalid_argument(e.what());
  }
  out.compiled_ = std::move(compiled);
  return out;
}

SchemaStore::SchemaStore(std::map<std::string, nlohmann::json> documents)
    : documents_(std::move(documents)) {
  for (const auto& [name, doc] : documents_) {
    try {
      schemas_.emplace(name, compile_schema(doc, this));
    } catch (const std::exception& e) {
      throw std::invalid_argument("schema '" + name + "': " + e.what());
    }
  }
}

const Schema& SchemaStore::get(const std::string& name) const {
  auto it = schemas_.find(name);
  if (it == schemas_.end()) throw std::out_of_range("no schema named '" + name + "'");
  return it->second;
}

DocumentLookup SchemaStore::lookup() const {
  return [this](const std::string& id) { return find_by_id(id); };
}

const nlohmann::json* SchemaStore::find_by_id(const std::string& id) const {
  std::string stem = id;
  if (auto hash = stem.find('#'); hash != std::string::npos) stem.resize(hash);
  if (auto slash = stem.rfind('/'); slash != std::string::npos) stem = stem.substr(slash + 1);
  const std::string suffix = ".schema.json";
  if (stem.size() > suffix.size() && stem.ends_with(suffix))
    stem.resize(stem.size() - suffix.size());
  auto it = documents_.find(stem);
  return it == documents_.end() ? nullptr : &it->second;
}

std::vector<std::string> SchemaStore::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : documents_) out.push_back(name);
  return out;
}

const SchemaStore& SchemaStore::builtin() {
  static const SchemaStore store = [] {
    std::map<std::string, nlohmann::json> docs;
    const std::string suffix = ".schema.json";
    for (const auto& file : embedded_schemas()) {
      std::string path(file.path);
      if (path.find('/') != std::string::npos || !path.ends_with(suffix)) continue;
      docs.emplace(path.substr(0, path.size() - suffix.size()), nlohmann::json::parse(file.data));
    }
    return SchemaStore(std::move(docs));
  }();
  return store;
}

}  // namespace oxen
