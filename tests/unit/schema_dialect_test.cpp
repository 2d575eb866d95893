// A client's 2020-12 schema, read by the draft-07 validator the way its client means it.
#include <doctest/doctest.h>

#include "schema_dialect.hpp"
#include "schema_store.hpp"

using nlohmann::json;
using oxen::compile_schema;
using oxen::to_draft7;

TEST_CASE("2020-12 spellings become draft-07 ones") {
  SUBCASE("a tuple: prefixItems -> items, items -> additionalItems") {
    CHECK(to_draft7(json::parse(R"({"type": "array", "prefixItems": [{"type": "string"}], "items": false})")) ==
          json::parse(R"({"type": "array", "items": [{"type": "string"}], "additionalItems": false})"));
    CHECK(to_draft7(json::parse(R"({"prefixItems": [true], "items": {"type": "boolean"}})")) ==
          json::parse(R"({"items": [true], "additionalItems": {"type": "boolean"}})"));
    CHECK(to_draft7(json::parse(R"({"prefixItems": [true]})")) == json::parse(R"({"items": [true]})"));
  }
  SUBCASE("nested, under $defs, properties and combinators; a property named prefixItems stays") {
    json schema = json::parse(R"({"$defs": {"pair": {"prefixItems": [true, true], "items": false}},
      "properties": {"prefixItems": {"type": "string"}, "p": {"anyOf": [{"prefixItems": [true]}]}}})");
    json expected = json::parse(R"({"$defs": {"pair": {"items": [true, true], "additionalItems": false}},
      "properties": {"prefixItems": {"type": "string"}, "p": {"anyOf": [{"items": [true]}]}}})");
    CHECK(to_draft7(schema) == expected);
  }
  SUBCASE("siblings of $ref apply in 2020-12 only") {
    json modern = json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
      "properties": {"a": {"$ref": "#/$defs/s", "maxLength": 3, "description": "kept"}}, "$defs": {"s": {"type": "string"}}})");
    CHECK(to_draft7(modern)["properties"]["a"] ==
          json::parse(R"({"allOf": [{"$ref": "#/$defs/s"}], "maxLength": 3, "description": "kept"})"));
    json annotated = modern;
    annotated["properties"]["a"].erase("maxLength");
    CHECK(to_draft7(annotated) == annotated);
    json draft7 = modern;
    draft7.erase("$schema");
    CHECK(to_draft7(draft7) == draft7);
  }
  SUBCASE("a draft-07 schema is unchanged") {
    json schema = json::parse(R"({"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "number"},
      "definitions": {"x": {"items": {"type": "integer"}}}})");
    CHECK(to_draft7(schema) == schema);
  }
}

TEST_CASE("compile_schema: the validator reads a LangChain tuple as its client means it") {
  auto tuple = compile_schema(json::parse(
      R"({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": false, "minItems": 2, "maxItems": 2})"));
  CHECK(tuple.accepts(json::parse(R"(["a", 1])")));
  CHECK_FALSE(tuple.accepts(json::parse(R"([1, "a"])")));
  CHECK_FALSE(tuple.accepts(json::parse(R"(["a", 1, 2])")));
  CHECK(tuple.document()["items"].is_array());

  auto rest = compile_schema(json::parse(
      R"({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": {"type": "boolean"}, "minItems": 2})"));
  CHECK(rest.accepts(json::parse(R"(["a", 1, true, false])")));
  CHECK_FALSE(rest.accepts(json::parse(R"(["a", 1, "x"])")));
  CHECK_FALSE(rest.accepts(json::parse(R"([true, 1])")));

  auto defs = compile_schema(json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "properties": {"code": {"$ref": "#/$defs/code", "maxLength": 4}}, "$defs": {"code": {"type": "string"}}})"));
  CHECK(defs.accepts(json::parse(R"({"code": "abcd"})")));
  CHECK_FALSE(defs.accepts(json::parse(R"({"code": "abcde"})")));
  CHECK_FALSE(defs.accepts(json::parse(R"({"code": 5})")));
}

TEST_CASE("compile_schema: a format meets values of other types without the validator throwing") {
  auto schema = compile_schema(json::parse(R"({"oneOf": [{"format": "ipv4"}, {"format": "date-time"},
    {"type": "array", "items": {"type": "integer"}}]})"));
  CHECK_FALSE(schema.accepts(json::parse("[1, 2]")));  // three branches match: no "one of"
  auto dated = compile_schema(json::parse(R"({"anyOf": [{"format": "date"}, {"type": "integer"}]})"));
  CHECK(dated.accepts(json(5)));  // a format says nothing of a number
  CHECK(dated.accepts(json("2026-04-01")));
  auto strict = compile_schema(json::parse(R"({"type": "string", "format": "date"})"));
  CHECK_FALSE(strict.accepts(json("2026-13-01")));
  CHECK(strict.document()["format"] == "date");  // the document keeps its spelling
}
