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
      auto value = generate_valid_instance(schema, compiled, rng);
      INFO("schema #" << i << ": " << schema.dump() << "\nfirst attempt: " << direct.dump() << "\n"
                      << oxen::test::violations_text(compiled.validate(direct)));
      REQUIRE(value.has_value());
      CHECK(compiled.accepts(*value));
    }
    ++schemas;
  }
  CHECK(schemas >= 200);
  // Retrying is the exception, not the rule: the generator steers almost every value.
  MESSAGE("first attempts valid: " << first_try << " of " << schemas * 3);
  CHECK(first_try >= schemas * 3 * 9 / 10);
}
