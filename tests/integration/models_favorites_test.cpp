// Favorites, featured models, PUT on a custom model and lookup by UUID, over real HTTP on
// 127.0.0.1:0: every answer checked against its schema.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "contract_checks.hpp"
#include "mock_process.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::MockProcess;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

// One call with a JSON body (or none), its status checked, its answer parsed.
json call(httplib::Client& c, const std::string& method, const std::string& path, int expected = 200,
          const std::string& body = "", const httplib::Headers& headers = {}) {
  httplib::Result res = method == "GET"    ? c.Get(path.c_str(), headers)
                        : method == "POST" ? c.Post(path.c_str(), headers, body, "application/json")
                        : method == "PUT"  ? c.Put(path.c_str(), headers, body, "application/json")
                                           : c.Delete(path.c_str(), headers);
  REQUIRE(res);
  INFO(method << " " << path << " -> " << res->status << " " << res->body);
  CHECK(res->status == expected);
  return parse_json(res->body);
}

std::vector<std::string> ids_of(const json& list) {
  std::vector<std::string> ids;
  for (const auto& m : list["data"]) ids.push_back(m["id"]);
  return ids;
}

json favorites(httplib::Client& c, const httplib::Headers& headers = {}) {
  auto list = call(c, "GET", "/api/ai/models/favorites", 200, "", headers);
  CHECK_SCHEMA("model_list", list);
  return list;
}

void check_model_not_found(const json& body, const std::string& id) {
  CHECK_SCHEMA("error_openai", body);
  CHECK(body["error"]["message"] == "Model not found: " + id);
}

// An invalid_params answer whose detail starts with the JSON pointer of what was refused.
void check_invalid_params(const json& body, const std::string& pointer) {
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "invalid_params");
  std::string detail = body["error"]["detail"];
  CHECK(detail.rfind(pointer + ":", 0) == 0);
}

const std::string kCustom = "oxen:acme/support-bot";

}  // namespace

TEST_CASE("GET /api/ai/models/featured lists the fixture's featured models in order") {
  TestServer server;
  auto c = server.client();
  auto featured = call(c, "GET", "/api/ai/models/featured");
  CHECK_SCHEMA("model_list", featured);
  CHECK(featured["object"] == "list");
  CHECK(ids_of(featured) == std::vector<std::string>{"claude-sonnet-4-6", "gpt-5-4-2026-03-05", "flux-2-dev",
                                                      "Qwen/Qwen-Image", "kling-video-v2-6-pro-text-to-video"});
  // Each entry is the model object itself, as GET /api/ai/models/{id} answers it.
  CHECK(featured["data"][3] == call(c, "GET", "/api/ai/models/Qwen/Qwen-Image"));
  check_no_response_findings(server);
}

TEST_CASE("favorites: per API key, idempotent, in favorite order") {
  TestServer server;
  auto alice = server.client("alice-key");
  auto bob = server.client("bob-key");

  CHECK(favorites(alice)["data"].empty());

  auto model = call(alice, "POST", "/api/ai/models/Qwen/Qwen-Image/favorite");
  CHECK_SCHEMA("model", model);
  CHECK(model["id"] == "Qwen/Qwen-Image");
  call(alice, "POST", "/api/ai/models/" + kCustom + "/favorite");
  CHECK(ids_of(favorites(alice)) == std::vector<std::string>{"Qwen/Qwen-Image", kCustom});

  SUBCASE("another API key has its own favorites") {
    CHECK(favorites(bob)["data"].empty());
    call(bob, "POST", "/api/ai/models/flux-2-dev/favorite");
    CHECK(ids_of(favorites(bob)) == std::vector<std::string>{"flux-2-dev"});
    CHECK(ids_of(favorites(alice)) == std::vector<std::string>{"Qwen/Qwen-Image", kCustom});
  }
  SUBCASE("favoriting twice keeps one entry in its first place") {
    call(alice, "POST", "/api/ai/models/Qwen/Qwen-Image/favorite");
    CHECK(ids_of(favorites(alice)) == std::vector<std::string>{"Qwen/Qwen-Image", kCustom});
  }
  SUBCASE("unfavoriting removes it; unfavoriting a non-favorite answers the model and changes nothing") {
    auto removed = call(alice, "DELETE", "/api/ai/models/Qwen/Qwen-Image/favorite");
    CHECK_SCHEMA("model", removed);
    CHECK(removed["id"] == "Qwen/Qwen-Image");
    CHECK(ids_of(favorites(alice)) == std::vector<std::string>{kCustom});
    CHECK(call(alice, "DELETE", "/api/ai/models/flux-2-dev/favorite")["id"] == "flux-2-dev");
    CHECK(ids_of(favorites(alice)) == std::vector<std::string>{kCustom});
  }
  SUBCASE("the list shows the model as it is now, and a deleted model leaves it") {
    call(alice, "PUT", "/api/ai/models/" + kCustom, 200, R"({"display_name": "Renamed bot"})");
    CHECK(favorites(alice)["data"][1]["display_name"] == "Renamed bot");
    call(alice, "DELETE", "/api/ai/models/" + kCustom);
    CHECK(ids_of(favorites(alice)) == std::vector<std::string>{"Qwen/Qwen-Image"});
  }
  SUBCASE("an unknown model is the documented 404") {
    check_model_not_found(call(alice, "POST", "/api/ai/models/nope/favorite", 404), "nope");
    check_model_not_found(call(alice, "DELETE", "/api/ai/models/nope/favorite", 404), "nope");
  }
  SUBCASE("a model whose id is \"favorites\" or \"featured\" cannot be confused with the lists") {
    check_model_not_found(call(alice, "POST", "/api/ai/models/favorites/favorite", 404), "favorites");
    CHECK_SCHEMA("model_list", call(alice, "GET", "/api/ai/models/featured"));
  }
  check_no_response_findings(server);
}

TEST_CASE("favorites are per namespace and go with /__admin/reset") {
  TestServer server;
  auto c = server.client();
  auto admin = server.client("");
  const httplib::Headers suite_a = {{"X-Mock-Namespace", "suite-a"}};

  call(c, "POST", "/api/ai/models/gpt-4o/favorite", 200, "", suite_a);
  CHECK(ids_of(favorites(c, suite_a)) == std::vector<std::string>{"gpt-4o"});
  CHECK(favorites(c)["data"].empty());

  call(c, "POST", "/api/ai/models/gpt-4o-mini/favorite");
  call(admin, "POST", "/__admin/reset");
  CHECK(favorites(c)["data"].empty());
  check_no_response_findings(server);
}

TEST_CASE("favorites are in the exported state, under a hash of the key, and import back") {
  TestServer server;
  auto c = server.client("secret-key-123");
  auto admin = server.client("");
  call(c, "POST", "/api/ai/models/gpt-4o/favorite");

  auto res = admin.Get("/__admin/state");
  REQUIRE(res);
  CHECK(res->body.find("secret-key-123") == std::string::npos);
  auto state = parse_json(res->body);
  CHECK_SCHEMA("admin_state", state);
  REQUIRE(state["registry"]["favorites"].size() == 1);
  CHECK(state["registry"]["favorites"].begin().value() == json{"gpt-4o"});

  call(admin, "POST", "/__admin/reset");
  CHECK(favorites(c)["data"].empty());
  call(admin, "POST", "/__admin/state", 200, state.dump());
  CHECK(ids_of(favorites(c)) == std::vector<std::string>{"gpt-4o"});

  SUBCASE("a favorite of a model the state does not have is refused") {
    state["registry"]["favorites"].begin().value() = json{"no-such-model"};
    call(admin, "POST", "/__admin/state", 400, state.dump());
    CHECK(ids_of(favorites(c)) == std::vector<std::string>{"gpt-4o"});
  }
}

TEST_CASE("favorites survive a restart with --state-file") {
  auto path = std::filesystem::temp_directory_path() /
              ("oxen-mock-" + std::to_string(::getpid()) + "-favorites.json");
  std::filesystem::remove(path);
  auto client = [](const MockProcess& p) {
    httplib::Client c("127.0.0.1", p.port());
    c.set_read_timeout(10, 0);
    c.set_bearer_token_auth("k");
    return c;
  };
  {
    MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
    auto c = client(mock);
    call(c, "POST", "/api/ai/models/flux-2-dev/favorite");
    call(c, "PUT", "/api/ai/models/" + kCustom, 200, R"({"summary": "kept"})");
    mock.stop();
  }
  {
    MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
    auto c = client(mock);
    CHECK(ids_of(favorites(c)) == std::vector<std::string>{"flux-2-dev"});
    CHECK(call(c, "GET", "/api/ai/models/" + kCustom)["summary"] == "kept");
  }
  std::filesystem::remove(path);
}

TEST_CASE("PUT /api/ai/models/{id} changes a custom model's descriptive fields") {
  TestServer server;
  auto c = server.client();
  const std::string path = "/api/ai/models/" + kCustom;
  auto before = call(c, "GET", path);

  auto updated = call(c, "PUT", path, 200,
                      R"({"display_name": "Support Bot v2", "description": null, "summary": "Answers tickets"})");
  CHECK_SCHEMA("model", updated);
  CHECK(updated["display_name"] == "Support Bot v2");
  CHECK(updated["description"].is_null());
  CHECK(updated["summary"] == "Answers tickets");
  CHECK(updated["deployments"] == before["deployments"]);
  CHECK(call(c, "GET", path) == updated);
  CHECK(call(c, "GET", "/api/ai/models/search?search=support")["data"][0]["display_name"] == "Support Bot v2");

  SUBCASE("an empty body or none changes nothing") {
    CHECK(call(c, "PUT", path, 200, "{}") == updated);
    CHECK(call(c, "PUT", path, 200, "") == updated);
  }
  SUBCASE("an immutable or unknown field is invalid_params naming its pointer, and nothing changes") {
    check_invalid_params(call(c, "PUT", path, 400, R"({"summary": "x", "model_type": "base"})"), "/model_type");
    check_invalid_params(call(c, "PUT", path, 400, R"({"deployments": []})"), "/deployments");
    check_invalid_params(call(c, "PUT", path, 400, R"({"colour": "blue"})"), "/colour");
    check_invalid_params(call(c, "PUT", path, 400, R"({"display_name": ""})"), "/display_name");
    check_invalid_params(call(c, "PUT", path, 400, R"({"summary": 7})"), "/summary");
    check_invalid_params(call(c, "PUT", path, 400, R"(["summary"])"), "/");
    CHECK(call(c, "GET", path) == updated);
  }
  SUBCASE("a base model is refused with base_model_not_editable") {
    auto body = call(c, "PUT", "/api/ai/models/gpt-4o", 400, R"({"summary": "mine now"})");
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["type"] == "invalid_params");
    CHECK(body["error"]["detail"] == "Model 'gpt-4o' is a base model: only custom models can be updated.");
    CHECK(call(c, "GET", "/api/ai/models/gpt-4o")["summary"] != "mine now");
  }
  SUBCASE("an unknown model is the documented 404") {
    check_model_not_found(call(c, "PUT", "/api/ai/models/nope", 404, "{}"), "nope");
  }
  SUBCASE("a body that is not JSON is invalid_params") {
    CHECK_SCHEMA("error_oxen", call(c, "PUT", path, 400, "{not json"));
  }
  check_no_response_findings(server);
}

TEST_CASE("GET /api/ai/models/{id} takes the model's UUID as well as its id") {
  TestServer server;
  auto c = server.client();
  // The derivation is fixed: clients may store a UUID, so it must never change between releases.
  CHECK(oxen::mock::Registry::uuid_of("gpt-4o") == "c9f2c177-ae27-4313-8493-316192e135a1");
  for (const std::string& id : std::vector<std::string>{"gpt-4o", "Qwen/Qwen-Image", kCustom}) {
    CAPTURE(id);
    auto uuid = oxen::mock::Registry::uuid_of(id);
    CHECK(std::regex_match(uuid, std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")));
    auto by_uuid = call(c, "GET", "/api/ai/models/" + uuid);
    CHECK_SCHEMA("model", by_uuid);
    CHECK(by_uuid == call(c, "GET", "/api/ai/models/" + id));
  }
  // The same in every namespace: it comes from the id alone.
  auto other = call(c, "GET", "/api/ai/models/" + oxen::mock::Registry::uuid_of("gpt-4o"), 200, "",
                    {{"X-Mock-Namespace", "elsewhere"}});
  CHECK(other["id"] == "gpt-4o");
  check_model_not_found(call(c, "GET", "/api/ai/models/00000000-0000-4000-8000-000000000000", 404),
                        "00000000-0000-4000-8000-000000000000");
  check_no_response_findings(server);
}
