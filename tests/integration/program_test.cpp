// The oxen-mock program as a user runs it: command line, config file, signals, state file.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>
#include <vector>

#include "contract_checks.hpp"
#include "mock_process.hpp"

using nlohmann::json;
using oxen::test::MockProcess;
namespace fs = std::filesystem;

namespace {

httplib::Client client(const MockProcess& p, const std::string& key = "k") {
  httplib::Client c("127.0.0.1", p.port());
  c.set_read_timeout(10, 0);
  if (!key.empty()) c.set_bearer_token_auth(key.c_str());
  return c;
}

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("oxen-mock-" + std::to_string(::getpid()) + "-" + name);
}

}  // namespace

TEST_CASE("the first line names the address, and SIGTERM or SIGINT stop it cleanly") {
  for (int signal : {SIGTERM, SIGINT}) {
    MockProcess mock({});
    CHECK(mock.output().rfind("oxen-mock listening on http://127.0.0.1:", 0) == 0);
    CHECK(client(mock).Get("/api/ai/models")->status == 200);
    CHECK(mock.stop(signal) == 0);
  }
}

TEST_CASE("--help, --version and bad options") {
  auto [help_code, help] = MockProcess::run({"--help"});
  CHECK(help_code == 0);
  for (auto option : {"--host", "--port", "--fixtures", "--seed", "--api-key", "--log", "--clock",
                      "--no-admin", "--admin-token", "--rate-limit", "--state-file", "--config"})
    CHECK_MESSAGE(help.find(option) != std::string::npos, option);
  auto [version_code, version] = MockProcess::run({"--version"});
  CHECK(version_code == 0);
  CHECK(version.rfind("oxen-mock ", 0) == 0);
  CHECK(MockProcess::run({"--port", "70000"}).first != 0);
  CHECK(MockProcess::run({"--log", "loud"}).first != 0);
  CHECK(MockProcess::run({"--rate-limit", "fast"}).first != 0);
}

TEST_CASE("a JSON config file mirrors the flags and the command line wins") {
  auto path = temp_path("config.json");
  std::ofstream(path) << R"({"api-key": ["from-file"], "clock": "manual", "log": "off"})";
  {
    MockProcess mock({"--config", path.string()});
    CHECK(client(mock, "from-file").Get("/api/ai/models")->status == 200);
    CHECK(client(mock, "other").Get("/api/ai/models")->status == 401);
    auto clock = json::parse(client(mock, "").Get("/__admin/clock")->body);
    CHECK(clock["mode"] == "manual");
  }
  {
    MockProcess mock({"--config", path.string(), "--api-key", "from-flag"});
    CHECK(client(mock, "from-flag").Get("/api/ai/models")->status == 200);
    CHECK(client(mock, "from-file").Get("/api/ai/models")->status == 401);
  }
  std::ofstream(path) << R"({"no-such-option": 1})";
  auto [code, output] = MockProcess::run({"--config", path.string()});
  CHECK(code != 0);
  CHECK(output.find("no-such-option") != std::string::npos);
  std::ofstream(path) << R"({"seed": 1e999})";
  std::tie(code, output) = MockProcess::run({"--config", path.string()});
  CHECK(code != 0);
  CHECK(output.find("not valid JSON") != std::string::npos);
  fs::remove(path);
}

TEST_CASE("request limits are flags") {
  MockProcess mock({"--max-headers", "8", "--max-body-bytes", "100", "--max-json-depth", "3"});
  auto c = client(mock);
  httplib::Headers headers;
  for (int i = 0; i < 10; ++i) headers.emplace("X-Field-" + std::to_string(i), "v");
  CHECK(c.Get("/api/ai/models", headers)->status == 431);
  CHECK(c.Post("/api/ai/chat/completions", std::string(200, ' '), "application/json")->status == 413);
  auto deep = c.Post("/api/ai/chat/completions", R"({"a": [[[[1]]]]})", "application/json");
  CHECK(deep->status == 400);
  CHECK(deep->body.find("deeper than 3") != std::string::npos);
  CHECK(c.Get("/api/ai/models")->status == 200);
}

TEST_CASE("a malformed fixture stops start-up with file, pointer and reason") {
  auto dir = temp_path("fixtures");
  fs::create_directories(dir);
  std::ofstream(dir / "deployments.json") << R"({"defaults": {"activate_seconds": -1}})";
  auto [code, output] = MockProcess::run({"--fixtures", dir.string(), "--port", "0"});
  CHECK(code == 2);
  CHECK(output.find("deployments.json: /defaults/activate_seconds: ") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("--state-file keeps state across restarts") {
  auto path = temp_path("state.json");
  fs::remove(path);
  std::string generation;
  {
    MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
    CHECK(client(mock).Delete("/api/ai/models/oxen:acme/broken-lora")->status == 200);
    CHECK(client(mock).Post("/api/ai/models/oxen:acme/product-shots/activate")->status == 200);
    auto queued = client(mock).Post("/api/ai/queue", R"({"model": "flux-2-dev", "prompt": "an ox"})",
                                    "application/json");
    REQUIRE(queued->status == 200);
    generation = json::parse(queued->body)["generations"][0]["generation_id"];
    // A request that changes nothing does not rewrite the file (a rewrite renames a new file in).
    const auto inode = [&] {
      struct stat st {};
      REQUIRE(::stat(path.c_str(), &st) == 0);
      return st.st_ino;
    };
    const auto before = inode();
    CHECK(client(mock).Post("/api/ai/chat/completions",
                            R"({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})",
                            "application/json")
              ->status == 200);
    CHECK(client(mock).Post("/api/ai/models/oxen:acme/product-shots/activate")->status == 200);  // idempotent
    CHECK(inode() == before);
    mock.stop();
  }
  {
    MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
    CHECK(client(mock).Get("/api/ai/models/oxen:acme/broken-lora")->status == 404);
    auto model = json::parse(client(mock).Get("/api/ai/models/oxen:acme/product-shots")->body);
    CHECK(model["deployments"][0]["status"] == "deploying");
    CHECK(client(mock).Get(("/api/ai/queue/" + generation).c_str())->status == 200);
    // The restarted mock goes on counting ids: the saved generation's id is not handed out again.
    auto queued = client(mock).Post("/api/ai/queue", R"({"model": "flux-2-dev", "prompt": "an ox"})",
                                    "application/json");
    CHECK(json::parse(queued->body)["generations"][0]["generation_id"] != generation);
  }
  SUBCASE("a corrupted file stops start-up instead of starting empty") {
    std::ofstream(path) << "{\"version\": 1, \"registry\": {\"models\": [";
    auto [code, output] = MockProcess::run({"--state-file", path.string(), "--port", "0"});
    CHECK(code == 2);
    CHECK(output.find(path.string()) != std::string::npos);
  }
  fs::remove(path);
}

TEST_CASE("kill -9 during a burst of writes leaves a loadable state file") {
  auto path = temp_path("burst.json");
  fs::remove(path);
  for (int round = 0; round < 8; ++round) {
    CAPTURE(round);
    MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      auto c = client(mock);
      for (int i = 0; i < 2000 && !stop; ++i) {
        const char* action = i % 2 ? "/activate" : "/deactivate";
        c.Post((std::string("/api/ai/models/oxen:acme/support-bot") + action).c_str());
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + round * 7));
    mock.stop(SIGKILL);
    stop = true;
    writer.join();
    // Whatever moment the kill hit, the next start loads the file.
    MockProcess again({"--state-file", path.string(), "--clock", "manual"});
    auto res = client(again).Get("/api/ai/models/oxen:acme/support-bot");
    REQUIRE(res);
    CHECK(res->status == 200);
    again.stop();
  }
  fs::remove(path);
  fs::remove(path.string() + ".tmp");
}

TEST_CASE("request logs never carry the API key") {
  for (const char* format : {"text", "json"}) {
    CAPTURE(format);
    MockProcess mock({"--log", format});
    auto c = client(mock, "sk-log-secret-123");
    c.Get("/api/ai/models?key=sk-log-secret-123");
    c.Get("/api/ai/models/sk-log-secret-123");  // a key in the path is redacted from the log too
    c.Get("/api/ai/models/nope");
    c.Post("/api/ai/models/oxen:acme/support-bot/deactivate", "{\"k\": \"sk-log-secret-123\"}",
           "application/json");
    CHECK(mock.stop() == 0);
    auto log = mock.rest_of_output();
    const bool text = std::string(format) == "text";
    CHECK(log.find(text ? "GET /api/ai/models/nope 404" : "\"status\":404") != std::string::npos);
    CHECK(log.find("sk-log-secret-123") == std::string::npos);
    CHECK(std::count(log.begin(), log.end(), '\n') >= 3);
  }
}

TEST_CASE("SIGTERM with 200 open streams ends every stream and exits 0") {
  // 100 chat completions paced at 5 tokens a second (minutes of output) and 100 event
  // subscribers with a keep-alive every 100 ms: each has received bytes before the signal.
  MockProcess mock({"--threads", "512", "--max-event-subscribers", "250", "--chat-tokens-per-second", "5",
                    "--chat-completion-tokens", "1000", "--event-keepalive-ms", "100"});
  constexpr int kStreams = 200;
  std::atomic<int> receiving{0}, ended_cleanly{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kStreams; ++i) {
    clients.emplace_back([&, chat = i % 2 == 0] {
      auto c = client(mock);
      c.set_read_timeout(30, 0);
      httplib::Request req;
      req.method = chat ? "POST" : "GET";
      req.path = chat ? "/api/ai/chat/completions" : "/api/events";
      if (chat) {
        req.body = R"({"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Tell me everything."}]})";
        req.set_header("Content-Type", "application/json");
      }
      bool first = true;
      req.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) {
        if (std::exchange(first, false)) ++receiving;
        return true;
      };
      auto res = c.send(req);
      // An orderly end: the status and a complete chunked body, not a reset connection.
      if (res && res->status == 200) ++ended_cleanly;
    });
  }
  for (int wait = 0; wait < 3000 && receiving < kStreams; ++wait)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(receiving == kStreams);
  // bench/streams.sh reports how long the exit takes; the limit here only guards against a hang.
  CHECK(mock.stop(SIGTERM, std::chrono::seconds(20)) == 0);
  for (auto& t : clients) t.join();
  CHECK(ended_cleanly == kStreams);
}

TEST_CASE("SIGTERM ends every wait: fault delays and latencies, in either clock mode") {
  for (const char* mode : {"manual", "real"}) {
    CAPTURE(mode);
    MockProcess mock({"--clock", mode, "--image-latency-ms", "3600000"});
    auto admin = client(mock, "");
    REQUIRE(admin.Post("/__admin/faults",
                       R"({"match": {"path": "/api/ai/models"}, "action": {"delay_ms": 600000}})",
                       "application/json")
                ->status == 201);
    std::atomic<int> answered{0};
    std::vector<std::thread> waiting;
    waiting.emplace_back([&] {
      auto c = client(mock);
      c.set_read_timeout(30, 0);
      c.Get("/api/ai/models");
      ++answered;
    });
    waiting.emplace_back([&] {
      auto c = client(mock);
      c.set_read_timeout(30, 0);
      c.Post("/api/ai/images/generate", R"({"model": "flux-2-dev", "prompt": "an ox"})", "application/json");
      ++answered;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(answered == 0);  // both are held by their waits (10 minutes, an hour)
    // bench/run reports how long the exit takes; the limit here only guards against a hang.
    CHECK(mock.stop(SIGTERM, std::chrono::seconds(5)) == 0);
    for (auto& t : waiting) t.join();
    CHECK(answered == 2);
  }
}

TEST_CASE("a non-loopback --host needs --admin-token or --no-admin") {
  // Refused before binding, so nothing listens beyond loopback.
  for (const char* host : {"0.0.0.0", "192.0.2.1", "::"}) {
    CAPTURE(host);
    auto [code, output] = MockProcess::run({"--host", host, "--port", "0"});
    CHECK(code == 2);
    CHECK(output.find("give --admin-token TOKEN or --no-admin") != std::string::npos);
  }
}

TEST_CASE("the admin token may come from OXEN_MOCK_ADMIN_TOKEN, so it is on no command line") {
  ::setenv("OXEN_MOCK_ADMIN_TOKEN", "from-the-environment", 1);
  MockProcess mock({});
  ::unsetenv("OXEN_MOCK_ADMIN_TOKEN");
  auto c = client(mock, "");
  auto refused = c.Get("/__admin/health");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  auto allowed = c.Get("/__admin/health", {{"X-Mock-Admin-Token", "from-the-environment"}});
  REQUIRE(allowed);
  CHECK(allowed->status == 200);
}
