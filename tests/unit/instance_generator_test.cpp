// The instance generator: whatever schema it is given (within the keywords it steers), the value
// it makes validates under the contract library. Property-tested over seeded random schemas.
#include <doctest/doctest.h>

#include "contract_checks.hpp"
#include "core/instance_generator.hpp"
#include "schema_store.hpp"

using nlohmann::json;
using oxen::mock::generate_instance;
using oxen::mock::generate_valid_instance;
using oxen::mock::Rng;

namespace {

// Random draft-07 schemas built from the keywords the generator promises to steer.
class SchemaMaker {
 public:
  explicit SchemaMaker(uint64_t seed) : rng_(seed, "schemas") {}

  json make() {
    definitions_ = json::object();
    json root = node(0);
    if (!definitions_.empty()) {
      if (!root.is_object()) root = json{{"allOf", {root}}};
      root["definitions"] = definitions_;
    }
    return root;
  }

 private:
  json node(int depth) {
    uint64_t pick = rng_.below(depth >= 3 ? 6 : 11);
    switch (pick) {
      case 0: return string_schema();
      case 1: return integer_schema();
      case 2: return number_schema();
      case 3: return json{{"type", "boolean"}};
      case 4: return enum_schema();
      case 5: return rng_.below(2) ? json{{"const", static_cast<int64_t>(rng_.below(10))}} : json{{"type", json::array({"string", "null"})}, {"maxLength", 5}};
      case 6: case 7: return object_schema(depth);
      case 8: return array_schema(depth);
      case 9: return combinator(depth);
      default: return reference(depth);
    }
  }

  json string_schema() {
    json s = {{"type", "string"}};
    static const char* formats[] = {"date-time", "date", "time", "email", "uri", "uuid", "hostname", "ipv4", "ipv6"};
    if (rng_.below(3) == 0) {
      s["format"] = formats[rng_.below(9)];
      return s;
    }
    if (rng_.below(2)) s["minLength"] = rng_.between(0, 12);
    if (rng_.below(2)) s["maxLength"] = s.value("minLength", 0) + rng_.between(0, 6);
    return s;
  }

  json integer_schema() {
    json s = {{"type", "integer"}};
    int64_t lo = rng_.between(-1000, 1000);
    switch (rng_.below(5)) {
      case 0: s["minimum"] = lo; s["maximum"] = lo + rng_.between(0, 50); break;
      case 1: s["exclusiveMinimum"] = lo; s["exclusiveMaximum"] = lo + rng_.between(2, 50); break;
      case 2: s["minimum"] = lo; break;
      case 3: s["maximum"] = lo; s["multipleOf"] = rng_.between(1, 7); s["minimum"] = lo - 100; break;
      default: break;
    }
    return s;
  }

  json number_schema() {
    json s = {{"type", "number"}};
    double lo = static_cast<double>(rng_.between(-500, 500)) / 4;
    switch (rng_.below(4)) {
      case 0: s["minimum"] = lo; s["maximum"] = lo + static_cast<double>(rng_.between(0, 20)) / 2; break;
      case 1: s["exclusiveMinimum"] = lo; s["maximum"] = lo + 1 + static_cast<double>(rng_.between(0, 20)); break;
      case 2: s["multipleOf"] = 0.25; s["minimum"] = lo; s["maximum"] = lo + 10; break;
      default: break;
    }
    return s;
  }

  json enum_schema() {
    json values = json::array();
    size_t n = 1 + rng_.below(4);
    for (size_t i = 0; i < n; ++i) {
      switch (rng_.below(3)) {
        case 0: values.push_back("v" + std::to_string(rng_.below(100))); break;
        case 1: values.push_back(static_cast<int64_t>(rng_.below(100))); break;
        default: values.push_back(nullptr); break;
      }
    }
    return {{"enum", values}};
  }

  std::string name() {
    static const char* names[] = {"city", "name", "count", "when", "tags", "unit", "items", "ok", "score", "location_id", "note"};
    return std::string(names[rng_.below(11)]) + (rng_.below(3) == 0 ? std::to_string(rng_.below(9)) : "");
  }

  json object_schema(int depth) {
    json props = json::object();
    json required = json::array();
    size_t n = rng_.below(5);
    for (size_t i = 0; i < n; ++i) {
      std::string key = name();
      if (props.contains(key)) continue;
      props[key] = node(depth + 1);
      if (rng_.below(2)) required.push_back(key);
    }
    json s = {{"type", "object"}, {"properties", props}};
    if (!required.empty()) s["required"] = required;
    switch (rng_.below(4)) {
      case 0: s["additionalProperties"] = false; break;
      case 1: s["additionalProperties"] = json{{"type", "integer"}, {"minimum", 0}}; s["minProperties"] = rng_.between(0, 6); break;
      default: break;
    }
    return s;
  }

  json array_schema(int depth) {
    json s = {{"type", "array"}};
    if (rng_.below(5) == 0) {
      s["items"] = json::array({node(depth + 1), node(depth + 1)});
      s["additionalItems"] = false;
      s["minItems"] = 2;
      return s;
    }
    s["items"] = node(depth + 1);
    if (rng_.below(2)) s["minItems"] = rng_.between(0, 3);
    if (rng_.below(2)) s["maxItems"] = s.value("minItems", 0) + rng_.between(0, 3);
    if (rng_.below(4) == 0) {
      s["items"] = {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000}};
      s["uniqueItems"] = true;
    }
    return s;
  }

  json combinator(int depth) {
    switch (rng_.below(3)) {
      case 0: return {{"anyOf", {node(depth + 1), node(depth + 1)}}};
      case 1:  // disjoint branches, so exactly one matches
        return {{"oneOf", {{{"type", "string"}, {"minLength", 1}}, {{"type", "integer"}, {"minimum", 0}}, {{"type", "array"}, {"items", node(depth + 1)}}}}};
      default:
        return {{"allOf", {{{"type", "object"}, {"properties", {{"a", integer_schema()}}}, {"required", {"a"}}},
                           {{"properties", {{"b", string_schema()}}}, {"required", {"b"}}}}}};
    }
  }

  json reference(int depth) {
    std::string key = "d" + std::to_string(definitions_.size());
    definitions_[key] = true;  // reserve the name before nested references take the next ones
    definitions_[key] = node(depth + 1);
    return {{"$ref", "#/definitions/" + key}};
  }

  Rng rng_;
  json definitions_;
};

}  // namespace

TEST_CASE("instance generator: values for documented tool schemas validate") {
  Rng rng(7, "docs");
  json weather = json::parse(R"({"type": "object", "properties": {"city": {"type": "string", "description": "City name"}}, "required": ["city"]})");
  json rich = json::parse(R"({
    "type": "object", "additionalProperties": false,
    "required": ["location", "unit", "days", "when", "filters"],
    "properties": {
      "location": {"type": "string", "minLength": 2},
      "unit": {"enum": ["celsius", "fahrenheit"]},
      "days": {"type": "integer", "minimum": 1, "maximum": 14},
      "when": {"type": "string", "format": "date-time"},
      "contact": {"type": "string", "format": "email"},
      "filters": {"type": "array", "minItems": 1, "maxItems": 3, "items": {
        "type": "object", "required": ["field", "value"],
        "properties": {"field": {"type": "string"}, "value": {"type": ["number", "null"], "exclusiveMinimum": 0}}}}
    }})");
  for (const json& schema : {weather, rich}) {
    auto compiled = oxen::compile_schema(schema);
    for (int i = 0; i < 20; ++i) {
      json value = generate_instance(schema, rng);
      INFO(schema.dump() << "\n -> " << value.dump());
      CHECK(compiled.accepts(value));
    }
  }
  json value = generate_instance(weather, rng);
  CHECK(value["city"].is_string());
}

TEST_CASE("instance generator: the same seed gives the same value") {
  json schema = json::parse(R"({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "array", "items": {"type": "string"}}}})");
  Rng a(99, "x"), b(99, "x");
  CHECK(generate_instance(schema, a) == generate_instance(schema, b));
}

TEST_CASE("instance generator property: 300 seeded random schemas, every instance validates") {
  SchemaMaker maker(20260401);
  int schemas = 0, first_try = 0;
  for (int i = 0; i < 300; ++i) {
    json schema = maker.make();
    oxen::Schema compiled;
    REQUIRE_NOTHROW(compiled = oxen::compile_schema(schema));
    Rng rng(static_cast<uint64_t>(i), "instances");
    for (int k = 0; k < 3; ++k) {
      json direct = generate_instance(schema, rng);
      if (compiled.accepts(direct)) ++first_try;
      auto made = generate_valid_instance(compiled, rng);
      INFO("schema #" << i << ": " << schema.dump() << "\nfirst attempt: " << direct.dump() << "\n"
                      << oxen::test::violations_text(compiled.validate(direct)) << made.pointer << ": " << made.reason);
      REQUIRE(made.value.has_value());
      CHECK(compiled.accepts(*made.value));
    }
    ++schemas;
  }
  CHECK(schemas >= 200);
  // Retrying is the exception, not the rule: the generator steers almost every value.
  MESSAGE("first attempts valid: " << first_try << " of " << schemas * 3);
  CHECK(first_try >= schemas * 3 * 9 / 10);
}

namespace {

// Values from generate_valid_instance for `schema`, over `seeds` seeds, each checked by the
// validator; also counts how many first attempts (generate_instance) were already valid.
std::vector<json> valid_values(const json& schema, int seeds, int* first_valid = nullptr) {
  auto compiled = oxen::compile_schema(schema);
  std::vector<json> out;
  for (int i = 0; i < seeds; ++i) {
    Rng rng(static_cast<uint64_t>(i), "clients");
    json direct = generate_instance(schema, rng);
    if (first_valid && compiled.accepts(direct)) ++*first_valid;
    auto made = generate_valid_instance(compiled, rng);
    INFO(schema.dump() << "\n" << made.pointer << ": " << made.reason);
    REQUIRE(made.value.has_value());
    INFO(made.value->dump());
    CHECK(compiled.accepts(*made.value));
    out.push_back(*made.value);
  }
  return out;
}

}  // namespace

TEST_CASE("instance generator: schemas as the Vercel AI SDK, LangChain JS and pydantic send them") {
  SUBCASE("zod .regex(), .email(), .uuid(): pattern, alone and with format") {
    json schema = json::parse(R"({"type": "object", "additionalProperties": false,
      "required": ["code", "phone", "email", "id", "zip"],
      "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"},
        "phone": {"type": "string", "pattern": "^\\+?[1-9]\\d{1,14}$"},
        "email": {"type": "string", "format": "email",
                  "pattern": "^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$"},
        "id": {"type": "string", "format": "uuid",
               "pattern": "^[0-9a-fA-F]{8}\\b-[0-9a-fA-F]{4}\\b-[0-9a-fA-F]{4}\\b-[0-9a-fA-F]{4}\\b-[0-9a-fA-F]{12}$"},
        "zip": {"type": "string", "pattern": "^\\d{5}(-\\d{4})?$", "maxLength": 5},
        "when": {"type": "string", "format": "date-time", "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$"},
        "slug": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "minLength": 12, "maxLength": 20}}})");
    int first = 0;
    auto values = valid_values(schema, 30, &first);
    CHECK(first >= 27);  // steered, not found by retrying
    CHECK(values[0]["zip"].get<std::string>().size() == 5);
    CHECK(values[0]["email"].get<std::string>().find('@') != std::string::npos);
  }
  SUBCASE("LangChain tuples: prefixItems with items false, and with .rest()") {
    json pair = json::parse(R"({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}],
                                "items": false, "minItems": 2, "maxItems": 2})");
    for (const json& v : valid_values(pair, 20)) {
      REQUIRE(v.size() == 2);
      CHECK(v[0].is_string());
      CHECK(v[1].is_number());
    }
    json rest = json::parse(R"({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}],
                                "items": {"type": "boolean"}, "minItems": 2})");
    bool saw_rest = false;
    for (const json& v : valid_values(rest, 20)) {
      REQUIRE(v.size() >= 2);
      for (size_t i = 2; i < v.size(); ++i) CHECK(v[i].is_boolean());
      saw_rest = saw_rest || v.size() > 2;
    }
    CHECK(saw_rest);
  }
  SUBCASE("draft-07 tuples: items [...] with additionalItems") {
    json schema = json::parse(R"({"type": "array", "items": [{"type": "integer", "minimum": 1}, {"enum": ["a", "b"]}],
                                  "additionalItems": {"type": "string", "format": "date"}})");
    for (const json& v : valid_values(schema, 20)) CHECK(v.size() >= 2);
    json closed = json::parse(R"({"type": "array", "items": [{"type": "string"}, {"type": "null"}], "additionalItems": false, "minItems": 2})");
    for (const json& v : valid_values(closed, 10)) CHECK(v.size() == 2);
  }
  SUBCASE("$defs and definitions, nested and recursive") {
    json schema = json::parse(R"({"type": "object", "required": ["tree", "owner"],
      "properties": {"tree": {"$ref": "#/$defs/node"}, "owner": {"$ref": "#/definitions/person"}},
      "$defs": {"node": {"type": "object", "required": ["label"], "additionalProperties": false,
                         "properties": {"label": {"type": "string", "pattern": "^[a-z]{2,4}$"},
                                        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
      "definitions": {"person": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}}})");
    valid_values(schema, 20);
  }
  SUBCASE("anyOf, oneOf, allOf, const, enum, formats and bounds together") {
    json schema = json::parse(R"({"type": "object", "additionalProperties": false,
      "required": ["kind", "value", "range", "tag", "at", "ratio"],
      "properties": {
        "kind": {"const": "point"},
        "value": {"anyOf": [{"type": "string", "pattern": "^v\\d+$"}, {"type": "integer", "minimum": 10, "maximum": 20}, {"type": "null"}]},
        "range": {"oneOf": [{"type": "string", "format": "ipv4"}, {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}], "items": false, "minItems": 2}]},
        "tag": {"allOf": [{"type": "string", "minLength": 2}, {"maxLength": 6}, {"enum": ["ab", "abc", "toolong-tag"]}]},
        "at": {"type": "string", "format": "date-time"},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "multipleOf": 0.25}}})");
    for (const json& v : valid_values(schema, 30)) {
      CHECK(v["kind"] == "point");
      CHECK(v["tag"] != "toolong-tag");
    }
  }
}

TEST_CASE("instance generator: no value for a schema without one, and the reason names the node") {
  struct Case {
    const char* schema;
    const char* pointer;
    const char* reason;  // a part of it
  };
  const Case cases[] = {
      {R"({"type": "integer", "minimum": 5, "maximum": 3})", "", "the schema is unsatisfiable: minimum 5 > maximum 3"},
      {R"({"type": "object", "required": ["n"], "properties": {"n": {"type": "number", "exclusiveMinimum": 3, "maximum": 3}}})",
       "/properties/n", "no number satisfies exclusiveMinimum 3 and maximum 3"},
      {R"({"type": "integer", "minimum": 0.2, "maximum": 0.8})", "", "no integer satisfies minimum 0.2 and maximum 0.8"},
      {R"({"type": "integer", "minimum": 1, "maximum": 6, "multipleOf": 7})", "", "no multiple of 7 satisfies minimum 1 and maximum 6"},
      {R"({"type": "string", "minLength": 5, "maxLength": 3})", "", "minLength 5 > maxLength 3"},
      {R"({"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 5}}})",
       "/properties/code", "pattern '^[A-Z]{3}$' matches no string longer than 3 characters, minLength 5"},
      {R"({"type": "object", "required": ["x"], "properties": {"y": {}}, "additionalProperties": false})", "/required",
       "required property 'x' is not allowed by additionalProperties false"},
      {R"({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": false, "minItems": 3})", "",
       "minItems 3 > the 2 positions of a tuple that allows no further items"},
      {R"({"type": "array", "items": false, "minItems": 1})", "", "items false allows no items, minItems 1"},
      {R"({"allOf": [{"type": "string"}, {"type": "integer"}]})", "", "type \"string\" and type \"integer\" have no value in common"},
      {R"({"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"type": "integer", "minimum": 1, "exclusiveMaximum": 1}}})",
       "/$defs/a", "no integer satisfies minimum 1 and exclusiveMaximum 1"},
      {R"({"type": "object", "required": ["a"], "properties": {"a": false}})", "/properties/a", "the schema false accepts no value"},
      {R"({"type": "string", "pattern": "^(?=.*[0-9])[a-z]{8}$"})", "/pattern",
       "pattern '^(?=.*[0-9])[a-z]{8}$' uses a construct the mock cannot generate for (lookahead); the last value tried failed at /: "},
      {R"({"type": "object", "required": ["s"], "properties": {"s": {"type": "string", "not": {"type": "string"}}}})", "/properties/s/not",
       "'not' is a keyword the mock does not steer; the last value tried failed at /s: "},
  };
  for (const Case& c : cases) {
    json schema = json::parse(c.schema);
    auto compiled = oxen::compile_schema(schema);
    Rng rng(3, "unsatisfiable");
    auto made = generate_valid_instance(compiled, rng);
    INFO(c.schema << "\n -> " << made.pointer << ": " << made.reason);
    CHECK_FALSE(made.value.has_value());
    CHECK(made.pointer == c.pointer);
    CHECK(made.reason.find(c.reason) != std::string::npos);
  }
  SUBCASE("a contradiction in an optional property only costs attempts") {
    json schema = json::parse(R"({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"},
      "b": {"type": "integer", "minimum": 5, "maximum": 3}}})");
    auto compiled = oxen::compile_schema(schema);
    Rng rng(1, "optional");
    auto made = generate_valid_instance(compiled, rng);
    REQUIRE(made.value.has_value());
    CHECK_FALSE(made.value->contains("b"));
  }
}
