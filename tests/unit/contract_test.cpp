// The contract library: schemas compiled in, example payloads, violations as pointer + rule.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "contract_checks.hpp"
#include "schema_store.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using oxen::SchemaStore;

namespace {

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::vector<fs::path> example_files(const std::string& kind) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(OXEN_SOURCE_DIR) / "schemas/examples" / kind))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every schema compiles and every example is judged as documented") {
  const auto& store = SchemaStore::builtin();

  SUBCASE("the Models API family is compiled in") {
    for (auto name : {"model", "model_list", "pricing", "capabilities", "deployment", "developer",
                      "fine_tuning", "error_oxen", "error_openai"})
      CHECK_MESSAGE(store.has(name), name);
  }

  SUBCASE("valid examples have no violations") {
    auto files = example_files("valid");
    REQUIRE(files.size() >= 10);
    for (const auto& path : files) {
      std::string schema = path.parent_path().filename();
      INFO(path.string());
      CHECK_SCHEMA(schema, read_json(path));
    }
  }

  SUBCASE("each invalid example breaks the rule it names, at the pointer it names") {
    auto files = example_files("invalid");
    REQUIRE(files.size() >= 12);
    for (const auto& path : files) {
      std::string schema = path.parent_path().filename();
      json example = read_json(path);
      auto violations = store.validate(schema, example.at("instance"));
      std::string pointer = example["breaks"]["pointer"], rule = example["breaks"]["rule"];
      bool found = std::any_of(violations.begin(), violations.end(), [&](const auto& v) {
        return v.pointer == pointer && v.rule == rule;
      });
      INFO(path.string() << " expects " << pointer << " [" << rule << "], got:\n"
                         << oxen::test::violations_text(violations));
      CHECK(found);
    }
  }
}

TEST_CASE("violations name the JSON pointer and the keyword") {
  auto schema = oxen::compile_schema(json::parse(R"({
    "type": "object", "required": ["model", "messages"], "additionalProperties": false,
    "properties": {
      "model": {"type": "string"},
      "messages": {"type": "array", "minItems": 1, "items": {"type": "object",
        "properties": {"role": {"enum": ["user", "system"]}}}},
      "n": {"type": "integer", "minimum": 1, "maximum": 4},
      "a/b": {"type": "string"}
    }})"));

  auto only = [&](const json& instance) {
    auto vs = schema.validate(instance);
    REQUIRE(!vs.empty());
    return vs.front();
  };
  SUBCASE("missing property points at the property") {
    auto v = only({{"messages", {{{"role", "user"}}}}});
    CHECK(v.pointer == "/model");
    CHECK(v.rule == "required");
  }
  SUBCASE("nested enum") {
    auto v = only({{"model", "m"}, {"messages", {{{"role", "robot"}}}}});
    CHECK(v.pointer == "/messages/0/role");
    CHECK(v.rule == "enum");
  }
  SUBCASE("ranges and sizes") {
    CHECK(only({{"model", "m"}, {"messages", json::array()}}).rule == "minItems");
    CHECK(only({{"model", "m"}, {"messages", {json::object()}}, {"n", 9}}).rule == "maximum");
    CHECK(only({{"model", "m"}, {"messages", {json::object()}}, {"n", 0}}).rule == "minimum");
    CHECK(only({{"model", 5}, {"messages", {json::object()}}}).rule == "type");
  }
  SUBCASE("unknown property and escaped pointer tokens") {
    auto v = only({{"model", "m"}, {"messages", {json::object()}}, {"extra/x", 1}});
    CHECK(v.rule == "additionalProperties");
    CHECK(v.pointer == "/extra~1x");
    CHECK(only({{"model", "m"}, {"messages", {json::object()}}, {"a/b", 1}}).pointer == "/a~1b");
  }
  SUBCASE("a valid instance has none") {
    CHECK(schema.accepts({{"model", "m"}, {"messages", {{{"role", "user"}}}}}));
  }
}

TEST_CASE("a document that is not a schema is refused at compile time") {
  CHECK_THROWS_AS(oxen::compile_schema(json(42)), std::invalid_argument);
  CHECK_THROWS_AS(oxen::compile_schema(json::parse(R"({"$ref": "nowhere.schema.json"})")),
                  std::invalid_argument);
  SUBCASE("references that lead back to themselves") {
    for (auto text : {R"({"$ref": "#"})",
                      R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
                          "properties": {"x": {"$ref": "#/definitions/a"}}})",
                      R"({"$ref": "#/definitions/missing"})"}) {
      CAPTURE(text);
      CHECK_THROWS_AS(oxen::compile_schema(json::parse(text)), std::invalid_argument);
    }
  }
  SUBCASE("keywords with values the validator cannot parse (an exception, never an abort)") {
    for (auto text : {R"({"type": "s~ring"})", R"({"type": 7})", R"({"required": "city"})",
                      R"({"properties": {"x": {"type": ["string", "sting"]}}})", R"({"minLength": -1})",
                      R"({"pattern": "(("})"}) {
      CAPTURE(std::string(text));
      CHECK_THROWS_AS(oxen::compile_schema(json::parse(text)), std::invalid_argument);
    }
  }
  SUBCASE("a recursive schema that consumes structure is fine") {
    auto tree = oxen::compile_schema(json::parse(R"({"type": "object",
      "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}})"));
    CHECK(tree.accepts(json::parse(R"({"children": [{"children": []}]})")));
    CHECK_FALSE(tree.accepts(json::parse(R"({"children": [1]})")));
  }
}

TEST_CASE("cross-document references resolve inside the store") {
  const auto& store = SchemaStore::builtin();
  json model = {{"id", "x"},           {"object", "model"},       {"created", 1},
                {"owned_by", "oxen"},  {"display_name", "X"},     {"model_type", "base"},
                {"endpoint", "/chat/completions"},
                {"capabilities", {{"input", {"text"}}, {"output", {"text"}}}},
                {"pricing", {{"method", "token"}}},
                {"deployments", json::array()}};
  CHECK_SCHEMA("model", model);
  model["pricing"]["method"] = "per_token";
  auto vs = store.validate("model", model);
  REQUIRE(!vs.empty());
  CHECK(vs.front().pointer == "/pricing/method");
  CHECK(vs.front().rule == "enum");
}
