#pragma once
// The project's one resolver of JSON Schema / OpenAPI `$ref`s: "#/json/pointer" into the same
// document, and "other.schema.json#/pointer" into another document found by a lookup. Chains of
// references are followed to the first node that is not one; a chain that comes back to a node it
// has passed is an error, since a validator or a generator would follow it without end.
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace oxen {

// A node together with the root of the document it lives in (local references resolve there).
struct JsonNode {
  const nlohmann::json* node = nullptr;
  const nlohmann::json* root = nullptr;
};

// The document a reference names by its part before '#' ("model.schema.json"); nullptr when it
// is not known.
using DocumentLookup = std::function<const nlohmann::json*(const std::string& document)>;

class RefError : public std::invalid_argument {
 public:
  enum class Kind { unresolved, cyclic, not_a_string };
  RefError(Kind kind, const std::string& ref);
  Kind kind;
  std::string ref;  // the reference the message names
};

// Follows the `$ref` chain that starts at `at`. Without a lookup a reference to another document
// ends the chain and its node comes back as it is; with one, a document the lookup does not know
// is unresolved. Throws RefError: "unresolved $ref R", "$ref R leads back to itself", "$ref must
// be a string".
JsonNode resolve_ref(JsonNode at, const DocumentLookup& lookup = {});

// The same, or {} where resolve_ref would throw.
JsonNode resolve_ref_or_null(JsonNode at, const DocumentLookup& lookup = {}) noexcept;

}  // namespace oxen
