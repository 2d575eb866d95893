// schemas/openapi.json as the project reads it: every operation with its schemas, errors, stream
// frames and the extensions the harness needs; a document the project cannot serve is refused.
#include <doctest/doctest.h>

#include "api_document.hpp"
#include "schema_store.hpp"

using namespace oxen;
using nlohmann::json;

TEST_CASE("the built-in route table") {
  const ApiDocument& doc = ApiDocument::builtin();
  const SchemaStore& schemas = SchemaStore::builtin();

  SUBCASE("every schema an operation names is in the store") {
    for (const auto& op : doc.operations()) {
      CAPTURE(op.id);
      if (!op.request_schema.empty()) CHECK(schemas.has(op.request_schema));
      for (const auto& [status, name] : op.response_schemas)
        if (!name.empty()) CHECK(schemas.has(name));
      if (!op.frame_schema.empty()) CHECK(schemas.has(op.frame_schema));
      for (const auto& [event, name] : op.event_schemas) CHECK(schemas.has(name));
    }
  }
  SUBCASE("chat completions: body, answer, frames and the errors the docs give") {
    const Operation* chat = doc.find("createChatCompletion");
    REQUIRE(chat);
    CHECK(chat->method == "POST");
    CHECK(chat->request_schema == "chat_request");
    CHECK(chat->response_schemas.at(200) == "chat_response");
    CHECK(chat->frame_schema == "chat_chunk");
    CHECK(chat->frame_terminator == "[DONE]");
    CHECK(chat->billable);
    CHECK(chat->authenticated);
    CHECK(chat->violation_errors.at("/model required") == "chat_model_missing");
    CHECK(chat->error_kinds.at(404) == std::vector<std::string>{"model_not_found"});
  }
  SUBCASE("legacy paths are deprecated aliases with the same contract") {
    int aliases = 0;
    for (const auto& op : doc.operations()) {
      if (op.alias_of.empty()) continue;
      ++aliases;
      CAPTURE(op.id);
      const Operation* target = doc.find(op.alias_of);
      REQUIRE(target);
      CHECK(op.deprecated);
      CHECK(op.method == target->method);
      CHECK(op.request_schema == target->request_schema);
      CHECK(op.response_schemas == target->response_schemas);
    }
    CHECK(aliases == 4);
  }
  SUBCASE("model ids may contain '/'") {
    CHECK(doc.find("getModel")->pattern() == "/api/ai/models/{id+}");
    CHECK(doc.find("activateModel")->pattern() == "/api/ai/models/{id+}/activate");
    CHECK(doc.find("getQueuedGeneration")->pattern() == "/api/ai/queue/{generation_id}");
  }
  SUBCASE("the declared query parameters, so a misspelled one can be told apart") {
    CHECK(doc.find("listModels")->query_params == std::vector<std::string>{"developer_name", "action", "provider_name"});
    CHECK(doc.find("getModel")->query_params == std::vector<std::string>{"deployment_status"});
    CHECK(doc.find("createChatCompletion")->query_params.empty());
  }
  SUBCASE("who may call what") {
    CHECK_FALSE(doc.find("getMediaFile")->authenticated);  // presigned-style media URLs
    CHECK(doc.find("adminReset")->admin);
    CHECK_FALSE(doc.find("adminReset")->authenticated);
    CHECK(doc.find("streamEvents")->event_schemas.count("media_generation_completed"));
    CHECK(doc.find("deleteModel")->profile == "mock");
  }
}

TEST_CASE("a document the project cannot serve is refused with the place") {
  auto with_get = [](json get) {
    return json{{"openapi", "3.1.0"}, {"paths", {{"/x", {{"get", std::move(get)}}}}}};
  };
  auto message = [](const json& doc) {
    try {
      ApiDocument{doc};
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(message(json::object()) == "openapi: the document has no paths");
  CHECK(message(with_get({{"responses", json::object()}})) == "openapi: get /x: no operationId");
  CHECK(message(with_get({{"operationId", "x"}, {"responses", {{"200", {{"$ref", "#/components/responses/Nope"}}}}}})) ==
        "openapi: get /x: unresolved $ref #/components/responses/Nope");
  CHECK(message(with_get({{"operationId", "x"}, {"x-oxen-alias-of", "y"}})) ==
        "openapi: x is an alias of unknown operation y");
  json twice = {{"openapi", "3.1.0"},
                {"paths", {{"/a", {{"get", {{"operationId", "x"}}}}}, {"/b", {{"get", {{"operationId", "x"}}}}}}}};
  CHECK(message(twice) == "openapi: get /b: operationId x is used twice");
}

TEST_CASE("a concrete request path matches its operation, most literal first, ids with '/' included") {
  const auto& doc = ApiDocument::builtin();
  auto id_of = [&](const char* method, const char* path) {
    const auto* op = doc.match(method, path);
    return op ? op->id : std::string("none");
  };
  CHECK(id_of("GET", "/api/ai/models/search") == doc.find("GET", "/api/ai/models/search")->id);
  CHECK(id_of("GET", "/api/ai/models/gpt-4o") == "getModel");
  CHECK(id_of("GET", "/api/ai/models/oxen:acme/support-bot") == "getModel");
  CHECK(id_of("POST", "/api/ai/models/oxen:acme/support-bot/activate") == doc.find("POST", "/api/ai/models/{id}/activate")->id);
  CHECK(id_of("GET", "/api/ai/queue/1f00a491-7eea-4c22-9fe4-ffe7e4f33f57") == doc.find("GET", "/api/ai/queue/{id}")->id);
  CHECK(id_of("GET", "/api/ai/queue/a/b") == "none");  // a one-segment parameter takes one segment
  CHECK(id_of("PATCH", "/api/ai/models/gpt-4o") == "none");
  CHECK(id_of("GET", "/api/ai/nowhere") == "none");
}
