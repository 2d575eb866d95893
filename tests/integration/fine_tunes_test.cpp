// The fine-tuning API over real HTTP on 127.0.0.1:0 with the clock driven by the test: create,
// run, steps and checkpoints on the clock, deploy as a custom model and call it, the state table
// enforced, the documented errors, namespaces and the state file. Every answer is schema-checked.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "contract_checks.hpp"
#include "mock_process.hpp"
#include "state_machine.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

json call(httplib::Client& c, const std::string& method, const std::string& path,
          int expected = 200, const json& body = nullptr, const httplib::Headers& headers = {}) {
  std::string text = body.is_null() ? "" : body.dump();
  httplib::Result res = method == "GET"    ? c.Get(path.c_str(), headers)
                        : method == "POST" ? c.Post(path.c_str(), headers, text, "application/json")
                        : method == "PUT"  ? c.Put(path.c_str(), headers, text, "application/json")
                        : method == "PATCH"
                            ? c.Patch(path.c_str(), headers, text, "application/json")
                            : c.Delete(path.c_str(), headers);
  REQUIRE(res);
  INFO(method << " " << path << " -> " << res->status << " " << res->body);
  CHECK(res->status == expected);
  return parse_json(res->body);
}

const std::string kRepo = "/api/repos/ox/chatbot/fine_tunes";

// A text fine-tune of 400 steps (400 rows, batch 1) saving every 100 steps.
json text_request() {
  return {
      {"resource", "main/train.parquet"},
      {"base_model", "Qwen/Qwen3-0.6B"},
      {"script_type", "text_generation"},
      {"training_params",
       {{"question_column", "prompt"}, {"answer_column", "response"}, {"save_strategy", "steps"}}}};
}

json create(httplib::Client& c, const json& request = text_request(),
            const std::string& repo = kRepo, const httplib::Headers& headers = {}) {
  auto created = call(c, "POST", repo, 201, request, headers);
  CHECK_SCHEMA("fine_tune_response", created);
  return created["fine_tune"];
}

json job(httplib::Client& c, const std::string& id, const std::string& repo = kRepo) {
  auto shown = call(c, "GET", repo + "/" + id);
  CHECK_SCHEMA("fine_tune_response", shown);
  return shown["fine_tune"];
}

json checkpoints(httplib::Client& c, const std::string& id) {
  auto list = call(c, "GET", kRepo + "/" + id + "/checkpoints");
  CHECK_SCHEMA("checkpoint_list_response", list);
  return list;
}

std::vector<int64_t> steps_of(const json& list) {
  std::vector<int64_t> steps;
  for (const auto& cp : list["checkpoints"]) steps.push_back(cp["step"]);
  return steps;
}

// An error answer of `kind`'s documented shape whose detail starts with `prefix`.
void check_error(const json& body, const std::string& type, const std::string& prefix) {
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == type);
  std::string detail = body["error"].value("detail", "");
  INFO(detail);
  CHECK(detail.rfind(prefix, 0) == 0);
}

}  // namespace

TEST_CASE(
    "fine-tune lifecycle: create, run, checkpoints on the clock, deploy, call, deactivate, "
    "delete") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();

  auto ft = create(c);
  const std::string id = ft["id"];
  CHECK(ft["status"] == "created");
  CHECK(ft["total_steps"] == 400);
  CHECK(ft["current_step"] == 0);
  CHECK(ft["credits_used"] == "0");
  CHECK(ft["rate_per_second"] == "0.0004");
  CHECK(ft["training_params"]["epochs"] == 1);  // defaults filled in
  CHECK(ft["resource"] == json{{"path", "train.parquet"}, {"version", "main"}});
  CHECK(checkpoints(c, id)["checkpoints"].empty());

  auto run = call(c, "POST", kRepo + "/" + id + "/actions/run");
  CHECK_SCHEMA("fine_tune_run_response", run);
  CHECK(run["fine_tune"]["status"] == "enqueued");
  CHECK(run["fine_tune"]["queue_position"] == 1);

  clock.advance(30000);  // queued_seconds
  CHECK(job(c, id)["status"] == "running");
  clock.advance(200000);  // 100 steps of 2 s
  ft = job(c, id);
  CHECK(ft["current_step"] == 100);
  CHECK(ft["credits_used"] == "0.08");
  CHECK(steps_of(checkpoints(c, id)) == std::vector<int64_t>{100});

  auto logs = call(c, "GET", kRepo + "/" + id + "/logs");
  CHECK_SCHEMA("fine_tune_logs", logs);
  REQUIRE(logs["logs"].size() == 11);  // steps 0, 10, ..., 100
  CHECK(logs["logs"][0] == json{{"step", 0},
                                {"loss", 0},
                                {"learning_rate", 0},
                                {"epoch", 0},
                                {"timestamp", logs["logs"][0]["timestamp"]}});
  CHECK(logs["logs"][10]["step"] == 100);
  CHECK(logs["logs"][10]["loss"].get<double>() < logs["logs"][1]["loss"].get<double>());

  // A checkpoint of a run still training is not deployed.
  check_error(call(c, "POST", kRepo + "/" + id + "/checkpoints/100/deploy", 409), "invalid_state",
              "Cannot deploy fine-tune " + id + " while its status is running.");

  clock.advance(600000);  // the remaining 300 steps
  ft = job(c, id);
  CHECK(ft["status"] == "completed");
  CHECK(ft["current_step"] == 400);
  CHECK(ft["credits_used"] == "0.32");
  CHECK(ft["output_resource"]["version"] == "models/" + ft["name"].get<std::string>());
  auto list = checkpoints(c, id);
  CHECK(steps_of(list) == std::vector<int64_t>{100, 200, 300, 400});
  CHECK(list["total_checkpoints"] == 4);
  const std::string name = ft["name"];
  CHECK(list["checkpoints"][3]["model_name"] == name + "-step-400");
  CHECK(list["checkpoints"][3]["model_id"].is_null());
  CHECK(list["checkpoints"][3]["metrics"]["mean_token_accuracy"].is_number());

  check_error(call(c, "POST", kRepo + "/" + id + "/checkpoints/150/deploy", 404),
              "resource_not_found", "Fine-tune " + id + " has no checkpoint at step 150");
  auto deployed = call(c, "POST", kRepo + "/" + id + "/checkpoints/400/deploy", 200,
                       {{"deployment_type", "normal"}});
  CHECK_SCHEMA("checkpoint_deployment_response", deployed);
  const std::string model = "oxen:ox/" + name + "-step-400";
  CHECK(deployed["model"]["id"] == model);
  CHECK(deployed["model"]["model_type"] == "custom");
  CHECK(deployed["model"]["pricing"]["method"] == "time");
  CHECK(deployed["model"]["endpoint"] == "/chat/completions");
  CHECK(deployed["model"]["deployments"][0]["status"] == "deploying");
  CHECK(deployed["fine_tune"]["status"] == "deployed");
  CHECK(deployed["fine_tune"]["deployed_model"]["model_id"] == model);

  json chat = {{"model", model}, {"messages", {{{"role", "user"}, {"content", "hello"}}}}};
  call(c, "POST", "/api/ai/chat/completions", 400, chat);  // still deploying
  clock.advance(2000);
  auto answer = call(c, "POST", "/api/ai/chat/completions", 200, chat);
  CHECK_SCHEMA("chat_response", answer);
  CHECK(answer["model"] == model);
  list = checkpoints(c, id);
  CHECK(list["checkpoints"][3]["model_id"] == model);
  CHECK(list["checkpoints"][3]["deployment_status"] == "active");
  bool listed = false;
  const json models = call(c, "GET", "/api/ai/models");
  for (const auto& m : models["data"]) listed = listed || m["id"] == model;
  CHECK(listed);

  // Deploying it again reuses the deployment; retry=true makes it anew.
  auto again = call(c, "POST", kRepo + "/" + id + "/checkpoints/400/deploy");
  CHECK(again["deployment_id"] == deployed["deployment_id"]);
  CHECK(again["model"]["deployments"][0]["status"] == "active");
  auto retried = call(c, "POST", kRepo + "/" + id + "/checkpoints/400/deploy?retry=true");
  CHECK_SCHEMA("checkpoint_deployment_response", retried);
  CHECK(retried["deployment_id"] != deployed["deployment_id"]);
  CHECK(retried["model"]["deployments"][0]["status"] == "deploying");
  clock.advance(2000);

  auto off = call(c, "POST", "/api/ai/models/" + model + "/deactivate");
  CHECK(off["deployments"][0]["status"] == "deactivating");
  clock.advance(1000);
  CHECK(checkpoints(c, id)["checkpoints"][3]["deployment_status"] == "inactive");
  call(c, "POST", "/api/ai/chat/completions", 400, chat);
  call(c, "DELETE", "/api/ai/models/" + model);
  list = checkpoints(c, id);
  CHECK(list["checkpoints"][3]["model_id"].is_null());
  CHECK(list["checkpoints"][3]["deployment_status"].is_null());

  // Deleting the job removes the models its checkpoints became.
  call(c, "POST", kRepo + "/" + id + "/checkpoints/300/deploy");
  auto removed = call(c, "DELETE", kRepo + "/" + id);
  CHECK_SCHEMA("fine_tune_response", removed);
  CHECK(removed["fine_tune"]["id"] == id);
  call(c, "GET", "/api/ai/models/oxen:ox/" + name + "-step-300", 404);
  check_error(call(c, "GET", kRepo + "/" + id, 404), "resource_not_found",
              "Fine-tune not found: " + id);
  check_no_response_findings(server);
}

TEST_CASE(
    "the fine-tune state table is enforced: illegal actions and train-status moves are refused") {
  TestServer server;
  auto c = server.client();
  const std::string id = create(c)["id"];
  const std::string at = kRepo + "/" + id;

  check_error(call(c, "POST", at + "/actions/stop", 409), "invalid_state",
              "Cannot stop fine-tune " + id + " while its status is created.");
  check_error(call(c, "POST", at + "/checkpoints/1/deploy", 409), "invalid_state",
              "Fine-tune " + id + " has no checkpoint yet");
  auto tokenized = call(c, "POST", at + "/tokenize");
  CHECK_SCHEMA("fine_tune_response", tokenized);
  CHECK(tokenized["fine_tune"]["status"] == "tokenizing");
  CHECK(tokenized["fine_tune"]["total_token_count"] == 0);
  server.app().clock().advance(10000);
  CHECK(job(c, id)["total_token_count"] == 400 * 256);
  call(c, "POST", at + "/tokenize", 409);

  auto status = call(c, "GET", at + "/train_status");
  CHECK_SCHEMA("fine_tune_train_status", status);
  CHECK(status["train_status"] == "tokenizing");
  check_error(call(c, "PUT", at + "/train_status/completed", 409), "invalid_state",
              "Cannot report completed fine-tune " + id + " while its status is tokenizing.");
  check_error(call(c, "PUT", at + "/train_status/bogus", 400), "invalid_params",
              "new_status: must be one of");

  CHECK(call(c, "POST", at + "/actions/run")["fine_tune"]["status"] == "enqueued");
  call(c, "POST", at + "/actions/run", 409);
  // The trainer's channel: it reports running, the mock's plan follows it.
  check_error(call(c, "PUT", at + "/train_status/running", 400, {{"new_status", "completed"}}),
              "invalid_params", "/new_status: must repeat");
  auto reported = call(c, "PUT", at + "/train_status/running");
  CHECK_SCHEMA("fine_tune_train_status", reported);
  CHECK(reported["fine_tune"]["status"] == "running");
  call(c, "PUT", at + "/train_status/deployed", 409);  // deploy is the API's, not the trainer's

  server.app().clock().advance(2000 * 150);
  auto stopped = call(c, "POST", at + "/actions/stop");
  CHECK_SCHEMA("fine_tune_stop_response", stopped);
  CHECK(stopped["fine_tune"]["status"] == "stopped");
  CHECK(stopped["fine_tune"]["current_step"] == 150);
  server.app().clock().advance(2000 * 100);
  CHECK(steps_of(checkpoints(c, id)) == std::vector<int64_t>{100});  // kept, and no more
  call(c, "POST", at + "/actions/stop", 409);
  call(c, "POST", at + "/actions/run", 409);
  // A stopped run's checkpoints can be deployed.
  CHECK(call(c, "POST", at + "/checkpoints/100/deploy")["fine_tune"]["status"] == "deployed");
  check_no_response_findings(server);
}

TEST_CASE(
    "a run set to fail at step K ends errored there, with its error and the checkpoints before "
    "it") {
  TestServer server;
  auto c = server.client();
  json request = text_request();
  request["training_params"]["mock_fail_at_step"] = 250;
  const std::string id = create(c, request)["id"];
  call(c, "POST", kRepo + "/" + id + "/actions/run");
  server.app().clock().advance(30000 + 2000 * 400);
  auto ft = job(c, id);
  CHECK(ft["status"] == "errored");
  CHECK(ft["current_step"] == 250);
  CHECK(ft["error"] ==
        "Training failed at step 250: CUDA out of memory. Try a smaller batch_size or seq_length.");
  CHECK(ft["output_resource"].is_null());
  CHECK(steps_of(checkpoints(c, id)) == std::vector<int64_t>{100, 200});
  CHECK(ft["credits_used"] == "0.2");  // 500 s at 0.0004
  check_no_response_findings(server);
}

TEST_CASE("an image fine-tune deploys as an /images/generate model that generates once active") {
  TestServer server;
  auto c = server.client();
  const std::string repo = "/api/repos/acme/product-shots/fine_tunes";
  json request = {{"resource", "main/images.parquet"},
                  {"base_model", "Qwen/Qwen-Image"},
                  {"script_type", "image_generation"},
                  {"training_params",
                   {{"image_column", "image"}, {"caption_column", "caption"}, {"steps", 400}}}};
  auto ft = create(c, request, repo);
  CHECK(ft["training_params"]["sample_every"] == 200);
  CHECK(ft["training_params"]["timestep_type"] == "sigmoid");
  const std::string id = ft["id"];
  call(c, "POST", repo + "/" + id + "/actions/run");
  server.app().clock().advance(30000 + 2000 * 400);
  auto deployed = call(c, "POST", repo + "/" + id + "/checkpoints/200/deploy");
  const std::string model = deployed["model"]["id"];
  CHECK(model == "oxen:acme/" + ft["name"].get<std::string>() + "-step-200");
  CHECK(deployed["model"]["endpoint"] == "/images/generate");
  CHECK(deployed["model"]["owned_by"] == "acme");
  CHECK(deployed["model"]["source_model"] == "Qwen/Qwen-Image");
  server.app().clock().advance(2000);
  auto image = call(c, "POST", "/api/ai/images/generate", 200,
                    {{"model", model}, {"prompt", "a red chair"}});
  CHECK_SCHEMA("image_generate_response", image);
  check_no_response_findings(server);
}

TEST_CASE("create refuses bad input with the documented bodies and stores nothing") {
  TestServer server;
  auto c = server.client();

  SUBCASE("unknown repository, or one the caller may not use") {
    check_error(call(c, "POST", "/api/repos/ox/nope/fine_tunes", 404, text_request()),
                "resource_not_found", "Repository not found: ox/nope");
    check_error(call(c, "GET", "/api/repos/bessie/diary/fine_tunes", 404), "resource_not_found",
                "Repository not found: bessie/diary");
  }
  SUBCASE("unknown resource") {
    json r = text_request();
    r["resource"] = "main/missing.parquet";
    check_error(call(c, "POST", kRepo, 400, r), "invalid_params",
                "/resource: file 'main/missing.parquet' not found");
  }
  SUBCASE("unknown base model, or a custom one") {
    json r = text_request();
    r["base_model"] = "Qwen/Qwen9-1T";
    check_error(call(c, "POST", kRepo, 400, r), "invalid_params", "/base_model: 'Qwen/Qwen9-1T'");
    r["base_model"] = "oxen:acme/support-bot";
    check_error(call(c, "POST", kRepo, 400, r), "invalid_params", "/base_model:");
  }
  SUBCASE("a base model that cannot be fine-tuned with the script_type") {
    json r = text_request();
    r["base_model"] = "Qwen/Qwen-Image";
    auto body = call(c, "POST", kRepo, 400, r);
    check_error(
        body, "invalid_params",
        "/script_type: base model 'Qwen/Qwen-Image' cannot be fine-tuned with 'text_generation'");
    CHECK(body["error"]["title"] == "Invalid fine-tune parameters");
  }
  SUBCASE("a column the file does not have (names are case-sensitive)") {
    json r = text_request();
    r["training_params"]["question_column"] = "Prompt";
    check_error(call(c, "POST", kRepo, 400, r), "invalid_params",
                "/training_params/question_column: column 'Prompt' not found in main/train.parquet "
                "(columns: prompt, response)");
  }
  SUBCASE("a script_type's required column key missing, or an unknown script_type") {
    json r = text_request();
    r["training_params"].erase("answer_column");
    check_error(call(c, "POST", kRepo, 400, r), "invalid_params", "/training_params");
    r = text_request();
    r["script_type"] = "text_summarization";
    check_error(call(c, "POST", kRepo, 400, r), "invalid_params", "/script_type");
    r = text_request();
    r.erase("training_params");
    check_error(call(c, "POST", kRepo, 400, r), "invalid_params", "/training_params");
  }
  CHECK(call(c, "GET", "/api/user/fine_tunes")["fine_tunes"].empty());
  check_no_response_findings(server);
}

TEST_CASE(
    "fine-tune lists: per repository, organization, user and accessible, with filters and pages") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(create(c)["id"]);
    clock.advance(1000);
  }
  json image = {{"resource", "main/images.parquet"},
                {"base_model", "Qwen/Qwen-Image"},
                {"script_type", "image_generation"},
                {"training_params", {{"image_column", "image"}, {"caption_column", "caption"}}}};
  const std::string acme = create(c, image, "/api/repos/acme/product-shots/fine_tunes")["id"];
  call(c, "POST", kRepo + "/" + ids[0] + "/actions/run");
  auto patched = call(c, "PATCH", kRepo + "/" + ids[1], 200, {{"display_name", "Support v2"}});
  CHECK_SCHEMA("fine_tune_response", patched);
  CHECK(patched["fine_tune"]["display_name"] == "Support v2");
  call(c, "PATCH", kRepo + "/" + ids[1], 400, {{"status", "completed"}});

  auto ids_of = [&](const std::string& path) {
    auto list = call(c, "GET", path);
    CHECK_SCHEMA("fine_tune_list_response", list);
    std::vector<std::string> out;
    for (const auto& ft : list["fine_tunes"]) out.push_back(ft["id"]);
    return out;
  };
  CHECK(ids_of(kRepo) == std::vector<std::string>{ids[2], ids[1], ids[0]});  // newest first
  CHECK(ids_of(kRepo + "?sort=oldest") == std::vector<std::string>{ids[0], ids[1], ids[2]});
  CHECK(ids_of(kRepo + "?status=enqueued") == std::vector<std::string>{ids[0]});
  CHECK(ids_of(kRepo + "?search=support%20V2") == std::vector<std::string>{ids[1]});
  CHECK(ids_of("/api/user/fine_tunes?search=qwen-image") == std::vector<std::string>{acme});
  CHECK(ids_of("/api/user/fine_tunes?search=ox/chatbot").size() == 3);
  CHECK(ids_of("/api/orgs/acme/fine_tunes") == std::vector<std::string>{acme});
  CHECK(ids_of("/api/users/ox/fine_tunes").size() == 4);
  CHECK(ids_of("/api/user/fine_tunes?created_by=bessie").empty());
  auto page = call(c, "GET", "/api/user/fine_tunes?page=2&page_size=3");
  CHECK(page["fine_tunes"].size() == 1);
  CHECK(page["total_pages"] == 2);
  CHECK(page["total_entries"] == 4);

  check_error(call(c, "GET", "/api/orgs/globex/fine_tunes", 401), "unauthenticated",
              "Not authenticated or not a member of globex");
  check_error(call(c, "GET", "/api/orgs/initech/fine_tunes", 404), "resource_not_found",
              "Organization not found: initech");
  check_error(call(c, "GET", "/api/users/bessie/fine_tunes", 401), "unauthenticated",
              "Not authenticated or not authorized");
  check_error(call(c, "GET", "/api/users/nobody/fine_tunes", 404), "resource_not_found",
              "User not found: nobody");
  check_error(call(c, "GET", kRepo + "?sort=best", 400), "invalid_params",
              "sort: must be one of newest, oldest");
  check_error(call(c, "GET", kRepo + "?page_size=101", 400), "invalid_params", "page_size:");
  CHECK(call(c, "GET", "/api/user/fine_tunes", 401, nullptr, {{"Authorization", ""}})
            .contains("error"));
  check_no_response_findings(server);
}

TEST_CASE(
    "fine-tunes belong to their namespace, come back the same after a reset, and faults reach "
    "them") {
  TestServer server;
  auto c = server.client();
  const httplib::Headers other = {{"X-Mock-Namespace", "suite-b"}};
  auto first = create(c);
  CHECK(call(c, "GET", "/api/user/fine_tunes", 200, nullptr, other)["fine_tunes"].empty());
  call(c, "GET", kRepo + "/" + first["id"].get<std::string>(), 404, nullptr, other);
  auto theirs = create(c, text_request(), kRepo, other);
  CHECK(theirs["id"] != first["id"]);

  httplib::Client admin("127.0.0.1", server.port());
  REQUIRE(admin.Post("/__admin/reset")->status == 200);
  auto again = create(c);
  CHECK(again["id"] == first["id"]);  // ids and names come from the seed
  CHECK(again["name"] == first["name"]);

  json rule = {{"match", {{"path", "/api/repos/ox/chatbot/fine_tunes"}}},
               {"action", {{"status", 503}}}};
  REQUIRE(admin.Post("/__admin/faults", rule.dump(), "application/json")->status == 201);
  call(c, "POST", kRepo, 503, text_request());
  check_no_response_findings(server);
}

TEST_CASE("--state-file keeps fine-tunes, their plans and deployed checkpoints across a restart") {
  auto path = std::filesystem::temp_directory_path() /
              ("oxen-mock-" + std::to_string(::getpid()) + "-ft.json");
  std::filesystem::remove(path);
  auto connect = [](const oxen::test::MockProcess& p) {
    httplib::Client c("127.0.0.1", p.port());
    c.set_read_timeout(10, 0);
    c.set_bearer_token_auth("k");
    return c;
  };
  auto advance = [](const oxen::test::MockProcess& p, int64_t ms) {
    httplib::Client admin("127.0.0.1", p.port());
    REQUIRE(
        admin.Post("/__admin/clock", json{{"advance", ms}}.dump(), "application/json")->status ==
        200);
  };
  json before;
  std::string id;
  {
    oxen::test::MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
    auto c = connect(mock);
    id = create(c)["id"];
    call(c, "POST", kRepo + "/" + id + "/actions/run");
    advance(mock, 30000 + 2000 * 400);
    call(c, "POST", kRepo + "/" + id + "/checkpoints/200/deploy");
    before = job(c, id);
    mock.stop();
  }
  oxen::test::MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
  auto c = connect(mock);
  advance(mock, 30000 + 2000 * 400);
  auto after = job(c, id);
  CHECK(after["status"] == "deployed");
  CHECK(after["deployed_model"]["model_id"] == before["deployed_model"]["model_id"]);
  CHECK(steps_of(checkpoints(c, id)) == std::vector<int64_t>{100, 200, 300, 400});
  CHECK(create(c)["id"] != id);  // the id counter was kept
  std::filesystem::remove(path);
}

TEST_CASE("the clock's tick moves fine-tunes: the exported state shows a job as it stands") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();
  const std::string id = create(c)["id"];
  call(c, "POST", kRepo + "/" + id + "/actions/run");
  clock.advance(30000);  // queued_seconds; nothing reads the job itself
  auto state = call(c, "GET", "/__admin/state");
  CHECK_SCHEMA("admin_state", state);
  REQUIRE(state["fine_tunes"].size() == 1);
  CHECK(state["fine_tunes"][0]["status"] == "running");
  CHECK(state["fine_tunes"][0]["started_ms"].is_number());
}
