#include "json_ref.hpp"

#include <algorithm>
#include <vector>

namespace oxen {

using nlohmann::json;

namespace {

std::string message_of(RefError::Kind kind, const std::string& ref) {
  switch (kind) {
    case RefError::Kind::unresolved:
      return "unresolved $ref " + ref;
    case RefError::Kind::cyclic:
      return "$ref " + ref + " leads back to itself";
    case RefError::Kind::not_a_string:
      break;
  }
  return "$ref must be a string";
}

bool is_ref(const json& node) {
  return node.is_object() && node.contains("$ref");
}

}  // namespace

RefError::RefError(Kind k, const std::string& r)
    : std::invalid_argument(message_of(k, r)), kind(k), ref(r) {}

JsonNode resolve_ref(JsonNode at, const DocumentLookup& lookup) {
  std::string first;  // the reference the chain starts with, for the message on a cycle
  std::vector<const json*> passed;
  while (at.node && is_ref(*at.node)) {
    const json& value = (*at.node)["$ref"];
    if (!value.is_string()) throw RefError(RefError::Kind::not_a_string, "");
    const std::string ref = value.get<std::string>();
    if (first.empty()) first = ref;
    const auto hash = ref.find('#');
    const std::string document = ref.substr(0, hash);
    const std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
    if (!document.empty()) {
      if (!lookup) return at;
      at.root = lookup(document);
      if (!at.root) throw RefError(RefError::Kind::unresolved, ref);
    }
    passed.push_back(at.node);
    try {
      at.node = &at.root->at(json::json_pointer(fragment));
    } catch (const std::exception&) {
      throw RefError(RefError::Kind::unresolved, ref);
    }
    if (std::find(passed.begin(), passed.end(), at.node) != passed.end())
      throw RefError(RefError::Kind::cyclic, first);
  }
  return at;
}

JsonNode resolve_ref_or_null(JsonNode at, const DocumentLookup& lookup) noexcept {
  try {
    return resolve_ref(at, lookup);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace oxen
