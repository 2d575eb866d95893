// Where each rule comes from: the published OpenAPI read as draft-07, the reviewed tightenings of
// ours, and the source of a schema finding decided against the published schema of that answer.
#include <doctest/doctest.h>

#include <functional>
#include <set>

#include "rule_sources.hpp"
#include "schema_dialect.hpp"

using nlohmann::json;
using oxen::Violation;
using oxen::Violations;
using oxen::conformance::fails_at;
using oxen::conformance::pointer_matches;
using oxen::conformance::RuleSources;
using oxen::conformance::Source;
using oxen::conformance::source_named;

namespace {

const RuleSources& sources() { return RuleSources::builtin(); }

// Our violations of `schema` by `doc`, each as "pointer [source rule]".
std::set<std::string> traced(const std::string& schema, const json& doc) {
  const auto& store = oxen::SchemaStore::builtin();
  const Violations ours = store.validate(schema, doc);
  const auto published = sources().published_violations(schema, doc);
  const auto found = sources().classify(schema, ours, published ? &*published : nullptr);
  std::set<std::string> out;
  for (size_t i = 0; i < ours.size(); ++i)
    out.insert(ours[i].pointer + " [" + to_string(found[i]) + " " + ours[i].rule + "]");
  return out;
}

json a_model() {
  return json::parse(R"({
    "id": "acme-1", "object": "model", "created": 1700000000, "owned_by": "oxen", "display_name": "Acme 1",
    "model_type": "base", "endpoint": "/chat/completions",
    "capabilities": {"input": ["text"], "output": ["text"]},
    "pricing": {"method": "token", "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6},
    "deployments": [], "developer": {"name": "Acme", "logo": null}
  })");
}

json a_completion() {
  return json::parse(R"({
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
  })");
}

}  // namespace

TEST_CASE("sources: names, order, and which fail at each contract level") {
  CHECK(source_named("published") == Source::published);
  CHECK(source_named("documented") == Source::documented);
  CHECK(source_named("ours") == Source::ours);
  CHECK_FALSE(source_named("Ours"));
  CHECK_FALSE(source_named(""));
  CHECK(fails_at(Source::published, Source::published));
  CHECK_FALSE(fails_at(Source::documented, Source::published));
  CHECK(fails_at(Source::documented, Source::documented));
  CHECK_FALSE(fails_at(Source::ours, Source::documented));
  CHECK(fails_at(Source::ours, Source::ours));
  CHECK(fails_at(Source::published, Source::ours));
}

TEST_CASE("tightening pointer patterns: * is one token, ** any number") {
  CHECK(pointer_matches("/id", "/id"));
  CHECK_FALSE(pointer_matches("/id", "/choices/0/id"));
  CHECK(pointer_matches("/**/pricing/method", "/pricing/method"));
  CHECK(pointer_matches("/**/pricing/method", "/data/12/pricing/method"));
  CHECK_FALSE(pointer_matches("/**/pricing/method", "/data/12/pricing/method/x"));
  CHECK(pointer_matches("/**/capabilities/*", "/data/0/capabilities/input"));
  CHECK_FALSE(pointer_matches("/**/capabilities/*", "/data/0/capabilities"));
  CHECK(pointer_matches("/**/pricing/**", "/pricing/cost_per_image_grid/high/4K"));
  CHECK(pointer_matches("/choices/*/index", "/choices/3/index"));
  CHECK_FALSE(pointer_matches("/choices/*/index", "/choices/index"));
}

TEST_CASE("OpenAPI 3.0 nullable in draft-07") {
  using oxen::from_openapi30;
  CHECK(from_openapi30(json::parse(R"({"type": "string", "nullable": true})")) ==
        json::parse(R"({"type": ["string", "null"]})"));
  CHECK(from_openapi30(json::parse(R"({"type": "string", "enum": ["a"], "nullable": true})")) ==
        json::parse(R"({"type": ["string", "null"], "enum": ["a", null]})"));
  CHECK(from_openapi30(json::parse(R"({"type": "integer", "nullable": false})")) == json::parse(R"({"type": "integer"})"));
  CHECK(from_openapi30(json::parse(R"({"$ref": "#/x", "nullable": true})")) ==
        json::parse(R"({"anyOf": [{"type": "null"}, {"$ref": "#/x"}]})"));
  // Nested schemas, but not a property that happens to be called "nullable".
  CHECK(from_openapi30(json::parse(R"({"type": "object", "properties": {"nullable": {"type": "boolean"},
                                       "a": {"type": "array", "nullable": true, "items": {"type": "number", "nullable": true}}}})")) ==
        json::parse(R"({"type": "object", "properties": {"nullable": {"type": "boolean"},
                        "a": {"type": ["array", "null"], "items": {"type": ["number", "null"]}}}})"));
}

TEST_CASE("each answer of ours is checked against the published schema of the same answer") {
  CHECK(sources().published_counterpart("model_list") == "ListModelsResponse");
  CHECK(sources().published_counterpart("model") == "Model");
  CHECK(sources().published_counterpart("chat_response") == "ChatCompletionResponse");
  CHECK(sources().published_counterpart("chat_chunk") == "");  // the OpenAPI declares no stream
  CHECK(sources().published_counterpart("error_oxen") != "Model");

  // The published Model reads null where it says nullable, and needs only its four fields.
  const json minimal = {{"id", "x"}, {"object", "model"}, {"created", 1}, {"owned_by", "oxen"}, {"description", nullptr}};
  CHECK(sources().published_violations("model", minimal)->empty());
  CHECK_FALSE(sources().published_violations("model", json{{"id", 1}})->empty());
  CHECK_FALSE(sources().published_violations("chat_chunk", json::object()));
}

TEST_CASE("the published document's declared answers, for statuses") {
  CHECK(sources().declares("GET", "/ai/models", 200));
  CHECK_FALSE(sources().declares("GET", "/ai/models", 401));  // documented, not published
  CHECK(sources().declares("GET", "/ai/models/gpt-4o", 404));
  CHECK(sources().declares("GET", "/ai/models/Qwen/Qwen-Image", 404));  // an id with '/'
  CHECK(sources().declares("POST", "/ai/models/oxen:acme/support-bot/activate", 200));
  // /models/search is its own operation (no 404 declared), not /models/{id}.
  CHECK(sources().declares("GET", "/ai/models/search?search=x", 200));
  CHECK_FALSE(sources().declares("GET", "/ai/models/search?search=x", 404));
  CHECK_FALSE(sources().declares("GET", "/ai/no/such/path", 200));
}

TEST_CASE("a schema finding is ours by a tightening, published when the published schema fails there too, else documented") {
  SUBCASE("a model") {
    json m = a_model();
    m["created"] = -5;                          // ours: created >= 0
    m["capabilities"]["input"].push_back("3d");  // ours: the modality enum
    m["pricing"].erase("method");               // ours: method required
    m["pricing"]["input_cost_per_token"] = -1;  // ours: costs >= 0
    m.erase("display_name");                    // documented: the docs list it on every model
    m["owned_by"] = 7;                          // published: a string
    CHECK(traced("model", m) == std::set<std::string>{"/created [ours minimum]", "/capabilities/input/1 [ours enum]",
                                                      "/pricing/method [ours required]",
                                                      "/pricing/input_cost_per_token [ours minimum]",
                                                      "/display_name [documented required]", "/owned_by [published type]"});
  }
  SUBCASE("the same model in a list") {
    json m = a_model();
    m["pricing"].erase("method");
    m.erase("id");
    CHECK(traced("model_list", json{{"object", "list"}, {"data", {m}}}) ==
          std::set<std::string>{"/data/0/pricing/method [ours required]", "/data/0/id [published required]"});
  }
  SUBCASE("a completion, where usage is a oneOf of null and an object") {
    json c = a_completion();
    c["id"] = "cmpl-1";
    c["choices"][0]["message"]["role"] = "model";
    c["usage"]["prompt_tokens"] = -1;
    // The oneOf and its branches' noise take the source of the failure inside: ours.
    for (const auto& line : traced("chat_response", c))
      CHECK_MESSAGE(line.find("[ours ") != std::string::npos, line);
    c["usage"]["completion_tokens"] = "two";  // published: an integer
    auto lines = traced("chat_response", c);
    CHECK(lines.count("/usage/completion_tokens [published type]") == 1);
    CHECK(lines.count("/usage [published oneOf]") == 1);
    CHECK(lines.count("/usage/prompt_tokens [ours minimum]") == 1);
  }
  SUBCASE("a stream chunk: no published schema, so documented unless a tightening says ours") {
    json chunk = {{"id", "x"}, {"object", "chat.completion.piece"}, {"created", 1}, {"model", "m"}, {"choices", json::array()}};
    CHECK(traced("chat_chunk", chunk) == std::set<std::string>{"/id [ours pattern]", "/object [documented const]"});
  }
}

TEST_CASE("named rules have the table's source; a rule it does not list is documented") {
  CHECK(sources().of_rule("equals_list") == Source::ours);
  CHECK(sources().of_rule("transition") == Source::ours);
  CHECK(sources().of_rule("role_first") == Source::ours);
  CHECK(sources().of_rule("done") == Source::documented);
  CHECK(sources().of_rule("exact_body") == Source::documented);
  CHECK(sources().of_rule("transport") == Source::published);  // could not judge: fails at every level
  CHECK(sources().of_rule("a_rule_nobody_listed") == Source::documented);
  CHECK(sources().of_violation("model", Violation{"", "equals_list", "x"}, nullptr) == Source::ours);
}

TEST_CASE("the reviewed tightenings name keywords their schemas use") {
  const auto& store = oxen::SchemaStore::builtin();
  // Every keyword of a schema and of the schemas it references.
  std::function<void(const json&, std::set<std::string>&, std::set<const json*>&)> keywords =
      [&](const json& node, std::set<std::string>& out, std::set<const json*>& seen) {
        if (node.is_array())
          for (const auto& item : node) keywords(item, out, seen);
        if (!node.is_object()) return;
        for (const auto& [key, value] : node.items()) {
          out.insert(key);
          if (key == "$ref" && value.is_string())
            if (const json* doc = store.find_by_id(value.get<std::string>()); doc && seen.insert(doc).second)
              keywords(*doc, out, seen);
          if (key != "enum" && key != "const") keywords(value, out, seen);
        }
      };
  REQUIRE(!sources().tightenings().empty());
  for (const auto& t : sources().tightenings()) {
    CAPTURE(t.pointer);
    CHECK(!t.reason.empty());
    for (const auto& schema : t.schemas) {
      CAPTURE(schema);
      std::set<std::string> used;
      std::set<const json*> seen;
      keywords(store.get(schema).document(), used, seen);
      CHECK(used.count(t.keyword) == 1);
    }
  }
}

TEST_CASE("a malformed rule-source table is refused with the entry named") {
  const json published = {{"paths", json::object()}};
  const auto& doc = oxen::ApiDocument::builtin();
  const auto& store = oxen::SchemaStore::builtin();
  CHECK_THROWS_WITH_AS(RuleSources(json::object(), published, doc, store), doctest::Contains("rules"), std::invalid_argument);
  const json bad_source = {{"rules", {{"x", {{"source", "folklore"}}}}}, {"tightenings", json::array()}};
  CHECK_THROWS_WITH_AS(RuleSources(bad_source, published, doc, store), doctest::Contains("rule x"), std::invalid_argument);
  const json bad_schema = {{"rules", json::object()},
                           {"tightenings", {{{"schemas", {"nope"}}, {"pointer", "/id"}, {"keyword", "pattern"}, {"reason", "r"}}}}};
  CHECK_THROWS_WITH_AS(RuleSources(bad_schema, published, doc, store), doctest::Contains("nope"), std::invalid_argument);
  const json bad_pointer = {{"rules", json::object()},
                            {"tightenings", {{{"schemas", {"model"}}, {"pointer", "id"}, {"keyword", "pattern"}, {"reason", "r"}}}}};
  CHECK_THROWS_WITH_AS(RuleSources(bad_pointer, published, doc, store), doctest::Contains("must start with /"),
                       std::invalid_argument);
}
