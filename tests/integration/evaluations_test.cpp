// Evaluations (batch inference over a data file of the hub) over real HTTP on 127.0.0.1:0, the
// clock driven by the test: both request forms, the status on the clock through the declared
// table, the documented errors, the fail marker and namespaces. Every answer is schema-checked.
#include <doctest/doctest.h>

#include "contract_checks.hpp"
#include "registry/registry.hpp"
#include "state_machine.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

const std::string kRepo = "/api/repos/ox/chatbot/evaluations";

json call(httplib::Client& c, const std::string& method, const std::string& path, int expected,
          const json& body = nullptr, const httplib::Headers& headers = {}) {
  auto res = method == "GET" ? c.Get(path.c_str(), headers)
                             : c.Post(path.c_str(), headers, body.dump(), "application/json");
  REQUIRE(res);
  INFO(method << " " << path << " -> " << res->status << " " << res->body);
  CHECK(res->status == expected);
  return parse_json(res->body);
}

// The guide's form: the model by id, one `type`.
json guide_request() {
  return {{"prompt", "Classify the sentiment of: {prompt}"}, {"model", "gpt-4o-mini"}, {"type", "text"},
          {"target_column", "sentiment"}, {"name", "sentiment"}};
}

json shown(httplib::Client& c, const std::string& id, const httplib::Headers& headers = {}) {
  auto body = call(c, "GET", kRepo + "/" + id, 200, nullptr, headers);
  CHECK_SCHEMA("evaluation_response", body);
  return body["evaluation"];
}

void check_error(const json& body, const std::string& type, const std::string& prefix) {
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == type);
  const std::string detail = body["error"].value("detail", "");
  INFO(detail);
  CHECK(detail.rfind(prefix, 0) == 0);
}

}  // namespace

TEST_CASE("an evaluation runs every row on the clock, through the declared table, to completed") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();
  auto created = call(c, "POST", kRepo + "/main/train.parquet", 200, guide_request());
  CHECK_SCHEMA("evaluation_response", created);
  const json e = created["evaluation"];
  CHECK(e["status"] == "queued");
  CHECK(e["progress"] == json{{"processed", 0}, {"total", 400}});
  CHECK(e["resource"] == json{{"path", "train.parquet"}, {"version", "main"}});
  CHECK(e["input_type"] == "text");
  CHECK(e["output_type"] == "text");
  CHECK(e["model"]["id"] == "gpt-4o-mini");
  CHECK(e["target_branch"] == "main");
  CHECK(e["created_by"]["username"] == "ox");

  const auto& machine = oxen::StateMachine::builtin("evaluation");
  std::vector<std::string> seen = {"queued"};
  for (int i = 0; i < 60 && seen.back() != "completed"; ++i) {
    clock.advance(1000);
    const std::string status = shown(c, e["id"])["status"];
    if (status != seen.back()) {
      CHECK(machine.legal(seen.back(), status));
      seen.push_back(status);
    }
  }
  CHECK(seen == std::vector<std::string>{"queued", "running", "completed"});
  const json done = shown(c, e["id"]);
  CHECK(done["progress"]["processed"] == 400);
  CHECK(done["completion_tokens_used"] == 400 * 16);
  CHECK(done["tokens_used"].get<int64_t>() > done["completion_tokens_used"].get<int64_t>());
  CHECK(done["credits_used"].get<double>() > 0);
  CHECK(done["completed_at"].is_string());
}

TEST_CASE("the published form: a model by UUID, a sample, and a commit before completed") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();
  json request = {{"prompt", "Answer: {prompt}"}, {"model_id", oxen::mock::Registry::uuid_of("gpt-4o-mini")},
                  {"input_type", "text"}, {"output_type", "text"}, {"target_column", "answer"},
                  {"is_sample", true}, {"sample_count", 3}, {"auto_commit", true}, {"target_branch", "results"}};
  const json e = call(c, "POST", kRepo + "/main/train.parquet", 200, request)["evaluation"];
  CHECK(e["progress"]["total"] == 3);
  CHECK(e["target_branch"] == "results");
  clock.advance(5000 + 300);  // queued, then 3 rows at 100 ms
  CHECK(shown(c, e["id"])["status"] == "committing");
  clock.advance(2000);
  CHECK(shown(c, e["id"])["status"] == "completed");
}

TEST_CASE("a prompt with the fail marker ends errored half way, with its error") {
  TestServer server;
  auto c = server.client();
  json request = guide_request();
  request["prompt"] = "{prompt} [mock:fail]";
  const json e = call(c, "POST", kRepo + "/main/train.parquet", 200, request)["evaluation"];
  server.app().clock().advance(60000);
  const json failed = shown(c, e["id"]);
  CHECK(failed["status"] == "errored");
  CHECK(failed["progress"]["processed"] == 200);
  CHECK(failed["error_message"].is_string());
}

TEST_CASE("evaluation requests the docs refuse get the documented bodies and store nothing") {
  TestServer server;
  auto c = server.client();
  const std::string file = kRepo + "/main/train.parquet";
  check_error(call(c, "POST", "/api/repos/ox/nope/evaluations/main/train.parquet", 404, guide_request()),
              "resource_not_found", "Repository not found: ox/nope");
  check_error(call(c, "POST", kRepo + "/main/missing.parquet", 400, guide_request()), "invalid_params",
              "/resource_path: file 'main/missing.parquet' not found");
  json bad_column = guide_request();
  bad_column["prompt"] = "Rate {Prompt}";  // case-sensitive
  check_error(call(c, "POST", file, 400, bad_column), "invalid_params", "/prompt: column 'Prompt' not found");
  json both = guide_request();
  both["model_id"] = oxen::mock::Registry::uuid_of("gpt-4o-mini");
  check_error(call(c, "POST", file, 400, both), "invalid_params", "");
  json unknown_field = guide_request();
  unknown_field["temperature"] = 0.2;
  check_error(call(c, "POST", file, 400, unknown_field), "invalid_params", "/temperature");
  json no_model = guide_request();
  no_model["model"] = "no-such-model";
  auto nf = call(c, "POST", file, 404, no_model);
  CHECK_SCHEMA("error_openai", nf);
  CHECK(nf["error"]["message"] == "Model not found: no-such-model");
  json embeddings = guide_request();
  embeddings["type"] = "embeddings";
  check_error(call(c, "POST", file, 400, embeddings), "invalid_params", "Model 'gpt-4o-mini' has no embeddings output");
  json inactive = guide_request();
  inactive["model"] = "my-custom-model";
  CHECK(call(c, "POST", file, 400, inactive)["error"]["type"] == "invalid_params");
  check_error(call(c, "GET", kRepo + "/00000000-0000-4000-8000-000000000000", 404), "resource_not_found",
              "Evaluation not found");
  CHECK(server.app().worlds().get()->evaluations.export_state().empty());
}

TEST_CASE("evaluations belong to their namespace and to their repository") {
  TestServer server;
  auto c = server.client();
  const json e = call(c, "POST", kRepo + "/main/train.parquet", 200, guide_request())["evaluation"];
  call(c, "GET", kRepo + "/" + e["id"].get<std::string>(), 404, nullptr, {{"X-Mock-Namespace", "suite-b"}});
  call(c, "GET", "/api/repos/acme/product-shots/evaluations/" + e["id"].get<std::string>(), 404);
  CHECK(shown(c, e["id"])["id"] == e["id"]);
}
