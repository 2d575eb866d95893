// One resolver of `$ref`s for the schema store, the route table, spec-diff and the shape walker.
#include "json_ref.hpp"

#include <doctest/doctest.h>

using nlohmann::json;
using oxen::JsonNode;
using oxen::RefError;
using oxen::resolve_ref;

namespace {

// The message and kind resolve_ref throws with, or "" when it resolves.
std::string error_of(const json& root, const json& node, const oxen::DocumentLookup& lookup = {}) {
  try {
    resolve_ref({&node, &root}, lookup);
    return "";
  } catch (const RefError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("local references resolve against the document they live in") {
  const json doc = json::parse(R"({
    "definitions": {"name": {"type": "string"}, "alias": {"$ref": "#/definitions/name"},
                    "a~b/c": {"type": "integer"}},
    "properties": {"n": {"$ref": "#/definitions/alias"}, "x": {"$ref": "#/definitions/a~0b~1c"}}})");
  SUBCASE("a node that is no reference is itself") {
    const auto& name = doc["definitions"]["name"];
    CHECK(resolve_ref({&name, &doc}).node == &name);
  }
  SUBCASE("chains are followed to a real schema") {
    auto found = resolve_ref({&doc["properties"]["n"], &doc});
    CHECK(found.node == &doc["definitions"]["name"]);
    CHECK(found.root == &doc);
  }
  SUBCASE("pointer tokens are unescaped") {
    CHECK(*resolve_ref({&doc["properties"]["x"], &doc}).node == json{{"type", "integer"}});
  }
  SUBCASE("\"#\" is the whole document") {
    const json tree = json::parse(R"({"items": {"$ref": "#"}})");
    CHECK(resolve_ref({&tree["items"], &tree}).node == &tree);
  }
}

TEST_CASE("unresolved, cyclic and malformed references are errors that say so") {
  const json doc = json::parse(R"({
    "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"},
                    "self": {"$ref": "#/definitions/self"}}})");
  CHECK(error_of(doc, json{{"$ref", "#/definitions/missing"}}) ==
        "unresolved $ref #/definitions/missing");
  CHECK(error_of(doc, json{{"$ref", "#definitions"}}) == "unresolved $ref #definitions");
  CHECK(error_of(doc, json{{"$ref", "#/definitions/a"}}) ==
        "$ref #/definitions/a leads back to itself");
  CHECK(error_of(doc, doc["definitions"]["self"]) ==
        "$ref #/definitions/self leads back to itself");
  CHECK(error_of(json{{"$ref", "#"}}, json{{"$ref", "#"}}) != "");
  CHECK(error_of(doc, json{{"$ref", 7}}) == "$ref must be a string");
  SUBCASE("the kind tells them apart") {
    try {
      resolve_ref({&doc["definitions"]["a"], &doc});
      FAIL("no error");
    } catch (const RefError& e) {
      CHECK(e.kind == RefError::Kind::cyclic);
      CHECK(e.ref == "#/definitions/b");
    }
  }
  SUBCASE("the non-throwing form answers nothing") {
    CHECK(oxen::resolve_ref_or_null({&doc["definitions"]["a"], &doc}).node == nullptr);
  }
}

TEST_CASE("references to other documents") {
  const json usage = json::parse(
      R"({"definitions": {"count": {"type": "integer"}, "n": {"$ref": "#/definitions/count"}},
                                     "type": "object"})");
  const json doc = json::parse(R"({"properties": {"u": {"$ref": "usage.schema.json"},
                                                   "n": {"$ref": "usage.schema.json#/definitions/n"},
                                                   "gone": {"$ref": "nowhere.schema.json"}}})");
  const oxen::DocumentLookup lookup = [&](const std::string& name) -> const json* {
    return name == "usage.schema.json" ? &usage : nullptr;
  };
  SUBCASE("a lookup finds the document; its own local references resolve inside it") {
    CHECK(resolve_ref({&doc["properties"]["u"], &doc}, lookup).node == &usage);
    auto found = resolve_ref({&doc["properties"]["n"], &doc}, lookup);
    CHECK(found.node == &usage["definitions"]["count"]);
    CHECK(found.root == &usage);
  }
  SUBCASE("a document the lookup does not know is unresolved") {
    CHECK(error_of(doc, doc["properties"]["gone"], lookup) ==
          "unresolved $ref nowhere.schema.json");
  }
  SUBCASE("without a lookup the chain ends at the reference") {
    const auto& ref = doc["properties"]["u"];
    auto found = resolve_ref({&ref, &doc});
    CHECK(found.node == &ref);
    CHECK(found.root == &doc);
  }
  SUBCASE("a cycle through two documents") {
    const json a = json::parse(R"({"$ref": "b.json"})"), b = json::parse(R"({"$ref": "a.json"})");
    const oxen::DocumentLookup both = [&](const std::string& name) {
      return name == "a.json" ? &a : &b;
    };
    CHECK(error_of(a, a, both) == "$ref b.json leads back to itself");
  }
}
