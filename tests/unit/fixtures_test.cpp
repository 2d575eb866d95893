// Fixture loading: built-ins, overlays from a folder, and malformed files that stop start-up.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "world/fixtures.hpp"

using namespace oxen::mock;
namespace fs = std::filesystem;

namespace {

// A temporary fixtures folder, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("oxen-fixtures-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

std::string load_error(const TempDir& dir) {
  try {
    Fixtures::load(dir.path.string());
  } catch (const FixtureError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("built-in fixtures") {
  auto f = Fixtures::load();
  REQUIRE(f.models["models"].size() >= 20);
  SUBCASE("every documented model id is present, including ids with '/', ':' and '.'") {
    std::set<std::string> ids;
    for (const auto& m : f.models["models"]) ids.insert(m["id"]);
    for (auto id : {"claude-sonnet-4-6", "gpt-5-4-2026-03-05", "gemini-3-1-flash-lite-preview",
                    "gemini-3-1-pro-preview", "gemini-3-flash-preview", "gpt-audio", "gpt-4o",
                    "gpt-4o-mini", "black-forest-labs-flux-2-klein-4b", "flux-2-dev",
                    "Qwen/Qwen-Image", "qwen-image-edit", "nano-banana-2-edit",
                    "xai-grok-imagine-image-edit", "gpt-image-2-edit", "Qwen/Qwen-Image-Edit",
                    "kling-video-v2-6-pro-text-to-video", "kling-video-o3-pro-reference-to-video",
                    "kling-video-o3-pro-video-to-video-edit", "kling-video-o3-omni",
                    "bytedance-seedance-2-0-reference-to-video",
                    "topazlabs-upscale-starlight-2-5-video", "wan-2.2-t2v-fast"})
      CHECK_MESSAGE(ids.count(id), id);
  }
  SUBCASE("custom models cover every starting deployment state the tests need") {
    std::map<std::string, int> states;
    bool chat_with_source = false;
    for (const auto& m : f.models["models"]) {
      if (m["model_type"] != "custom") continue;
      // Custom models are called as oxen:<name>; the Models page's examples name one without it.
      if (m["id"] != "my-custom-model") CHECK(std::string(m["id"]).rfind("oxen:", 0) == 0);
      states[m["deployments"][0]["status"]]++;
      chat_with_source |= m["endpoint"] == "/chat/completions" && m["source_model"].is_string();
    }
    CHECK(states["active"] >= 1);
    CHECK(states["inactive"] >= 1);
    CHECK(states["error"] >= 1);
    CHECK(chat_with_source);
    bool fails = false;
    for (const auto& [id, spec] : f.deployments["models"].items())
      fails |= spec.value("activation", "") == "fail";
    CHECK(fails);
  }
  SUBCASE("the four documented request schemas are full ones") {
    for (const auto& m : f.models["models"]) {
      std::string id = m["id"];
      if (id == "flux-2-dev" || id == "black-forest-labs-flux-2-klein-4b" ||
          id == "kling-video-v2-6-pro-text-to-video" || id == "kling-video-o3-pro-reference-to-video") {
        CAPTURE(id);
        CHECK(m["request_schema"]["properties"].size() >= 5);
      }
    }
  }
}

TEST_CASE("a fixtures folder replaces built-in files of the same name") {
  TempDir dir;
  dir.write("deployments.json", R"({"defaults": {"activate_seconds": 0.5}})");
  auto f = Fixtures::load(dir.path.string());
  CHECK(f.deployments["defaults"]["activate_seconds"] == 0.5);
  CHECK(f.models["models"].size() >= 20);  // untouched built-in
}

TEST_CASE("a malformed fixture stops loading with the file, pointer and reason") {
  TempDir dir;
  SUBCASE("not JSON") {
    dir.write("models.json", "{\"models\": [");
    auto e = load_error(dir);
    CHECK(e.find("models.json: /: not valid JSON") == 0);
  }
  SUBCASE("a number beyond a double") {
    dir.write("models.json", R"({"models": [], "x": 1e999})");
    CHECK(load_error(dir).find("models.json: /: not valid JSON") == 0);
  }
  SUBCASE("a model breaking the schema") {
    dir.write("models.json", R"({"models": [{"id": "x", "object": "model", "created": "yesterday",
      "owned_by": "oxen", "display_name": "X", "model_type": "base", "endpoint": "/chat/completions",
      "capabilities": {"input": ["text"], "output": ["text"]}, "pricing": {"method": "token"},
      "deployments": []}]})");
    auto e = load_error(dir);
    CHECK(e.find("models.json: /models/0/created: ") == 0);
  }
  SUBCASE("duplicate ids") {
    std::string m = R"({"id": "x", "object": "model", "created": 1, "owned_by": "oxen",
      "display_name": "X", "model_type": "base", "endpoint": "/chat/completions",
      "capabilities": {"input": ["text"], "output": ["text"]}, "pricing": {"method": "token"},
      "deployments": []})";
    dir.write("models.json", "{\"models\": [" + m + "," + m + "]}");
    dir.write("deployments.json", "{}");
    CHECK(load_error(dir) == "models.json: /models/1/id: duplicate id 'x'");
  }
  SUBCASE("a request_schema that is not a schema") {
    dir.write("models.json", R"({"models": [{"id": "x", "object": "model", "created": 1,
      "owned_by": "oxen", "display_name": "X", "model_type": "base", "endpoint": "/images/generate",
      "capabilities": {"input": ["text"], "output": ["image"]}, "pricing": {"method": "per_image"},
      "deployments": [], "request_schema": {"$ref": "elsewhere.json"}}]})");
    dir.write("deployments.json", "{}");
    CHECK(load_error(dir).find("models.json: /models/0/request_schema: ") == 0);
  }
  SUBCASE("deployment settings for a model that does not exist") {
    dir.write("deployments.json", R"({"models": {"oxen:nobody/x": {"activation": "fail"}}})");
    CHECK(load_error(dir) == "deployments.json: /models/oxen:nobody~1x: no model with this id in models.json");
  }
  SUBCASE("an error kind without its status") {
    dir.write("errors.json", R"({"kinds": {"unknown_error": {"shape": "oxen", "type": "x", "title": "y"}}})");
    CHECK(load_error(dir).find("errors.json: ") == 0);
  }
}

TEST_CASE("repositories.json must name its users, orgs and repositories consistently") {
  TempDir dir;
  const std::string training =
      R"("training": {"queued_seconds": 1, "seconds_per_step": 1, "tokenize_seconds": 1, "tokens_per_row": 1, "max_fine_tunes": 5})";
  auto hub = [&](const std::string& default_user, const std::string& orgs_of_ox, const std::string& repo_ns) {
    return R"({"default_user": ")" + default_user + R"(", "users": [{"username": "ox", "name": "Ox", "orgs": [)" +
           orgs_of_ox + R"(]}], "orgs": ["acme"], "repositories": [{"namespace": ")" + repo_ns +
           R"(", "name": "r", "files": {"main/t.parquet": {"columns": ["a"], "rows": 1}}}], )" + training + "}";
  };
  SUBCASE("a consistent hub loads") {
    dir.write("repositories.json", hub("ox", R"("acme")", "acme"));
    CHECK(load_error(dir) == "");
  }
  SUBCASE("an unknown default user") {
    dir.write("repositories.json", hub("nobody", "", "ox"));
    CHECK(load_error(dir) == "repositories.json: /default_user: no such user");
  }
  SUBCASE("membership of an undeclared org") {
    dir.write("repositories.json", hub("ox", R"("initech")", "ox"));
    CHECK(load_error(dir) == "repositories.json: /users/0/orgs/0: no such org");
  }
  SUBCASE("a repository of nobody") {
    dir.write("repositories.json", hub("ox", "", "globex"));
    CHECK(load_error(dir) == "repositories.json: /repositories/0/namespace: no such user or org");
  }
  SUBCASE("a file named without its branch") {
    std::string text = hub("ox", "", "ox");
    text.replace(text.find("main/t.parquet"), 14, "t.parquet");
    dir.write("repositories.json", text);
    auto e = load_error(dir);
    INFO(e);
    CHECK(e.find("repositories.json: /repositories/0") == 0);
    CHECK(e.find("files") != std::string::npos);
  }
}
