// A violation of `enum`, `const` or `pattern` says what the schema asked for: the allowed values
// (a long list shortened), the expected value, the pattern.
#include <doctest/doctest.h>

#include <algorithm>

#include "findings.hpp"
#include "schema_store.hpp"

using nlohmann::json;

namespace {

// The one violation of `instance`, as "pointer [rule] message".
std::string only_violation(const oxen::Schema& schema, const json& instance) {
  auto vs = schema.validate(instance);
  if (vs.size() != 1) return std::to_string(vs.size()) + " violations";
  return vs.front().pointer + " [" + vs.front().rule + "] " + vs.front().message;
}

}  // namespace

TEST_CASE("enum, const and pattern violations show what was expected") {
  auto schema = oxen::compile_schema(json::parse(R"({
    "type": "object",
    "properties": {
      "role": {"const": "assistant"},
      "kind": {"enum": ["base", "custom", null]},
      "id": {"type": "string", "pattern": "^chatcmpl-"},
      "tags": {"type": "array", "items": {"enum": [1, 2, 3]}},
      "size": {"anyOf": [{"type": "integer"}, {"enum": ["small", "large"]}]},
      "letter": {"enum": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]}
    }})"));

  SUBCASE("enum: the allowed values, as JSON") {
    CHECK(only_violation(schema, {{"kind", "merged"}}) ==
          "/kind [enum] Failed to match against any enum values; allowed: \"base\", \"custom\", null");
    CHECK(only_violation(schema, {{"tags", {1, 7}}}) == "/tags/1 [enum] Failed to match against any enum values; allowed: 1, 2, 3");
  }
  SUBCASE("enum: a long list names the first values and how many more") {
    CHECK(only_violation(schema, {{"letter", "z"}}) ==
          "/letter [enum] Failed to match against any enum values; allowed: \"a\", \"b\", \"c\", \"d\", \"e\", \"f\", "
          "\"g\", \"h\", … (4 more)");
  }
  SUBCASE("enum inside a branch of anyOf") {
    auto vs = schema.validate({{"size", "huge"}});
    auto e = std::find_if(vs.begin(), vs.end(), [](const oxen::Violation& v) { return v.rule == "enum"; });
    REQUIRE(e != vs.end());
    CHECK(e->message == "Failed to match against any enum values; allowed: \"small\", \"large\"");
  }
  SUBCASE("const: the expected value") {
    CHECK(only_violation(schema, {{"role", "user"}}) ==
          "/role [const] Failed to match expected value set by 'const' constraint; expected: \"assistant\"");
  }
  SUBCASE("pattern: the pattern") {
    CHECK(only_violation(schema, {{"id", "cmpl-1"}}) ==
          "/id [pattern] Failed to match regex specified by 'pattern' constraint; pattern: ^chatcmpl-");
  }
  SUBCASE("other rules keep their message") {
    CHECK(only_violation(schema, {{"id", 5}}) == "/id [type] Value type not permitted by 'type' constraint.");
  }
}

TEST_CASE("expected values are found through $refs into other schemas of the store") {
  const auto& store = oxen::SchemaStore::builtin();
  json list = {{"object", "list"}, {"data", json::array()}};
  json model = {{"id", "m"},          {"object", "model"},           {"created", 1},
                {"owned_by", "oxen"}, {"display_name", "M"},          {"model_type", "base"},
                {"endpoint", "/audio/generate"},
                {"capabilities", {{"input", {"text"}}, {"output", {"text"}}}},
                {"pricing", {{"method", "token"}}},
                {"deployments", json::array()}};
  list["data"].push_back(model);
  auto vs = store.validate("model_list", list);
  REQUIRE(vs.size() == 1);
  CHECK(vs.front().pointer == "/data/0/endpoint");
  CHECK(vs.front().message ==
        "Failed to match against any enum values; allowed: \"/chat/completions\", \"/images/generate\", "
        "\"/videos/generate\", \"/images/edit\", \"/audio/speech\", \"/audio/transcriptions\"");

  SUBCASE("and a harness finding carries them, with the value as its excerpt") {
    oxen::conformance::Outcome out("models.list", false);
    CHECK(!out.check_schema(store, "model_list", "GET /ai/models", list));
    REQUIRE(out.findings().size() == 1);
    const auto& f = out.findings().front();
    CHECK(f.rule == "enum");
    CHECK(f.message.find("(new enum value?)") != std::string::npos);
    CHECK(f.message.find("allowed: \"/chat/completions\"") != std::string::npos);
    CHECK(f.excerpt == "\"/audio/generate\"");
  }
}
