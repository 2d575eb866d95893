// oxen-mock --record: a session recorded through a second mock as the upstream, replayed with the
// upstream gone (equal answers, the recordings plain files with the key scrubbed); record-on-miss
// forwards only what is not recorded, counted at the upstream.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::parse_json;
using oxen::test::TestServer;
namespace fs = std::filesystem;

namespace {

const std::string kKey = "sk-record-secret-7777";

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("oxen-record-" + std::to_string(std::random_device{}()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

oxen::mock::Config recorder_config(const TestServer& upstream, const fs::path& dir) {
  auto c = oxen::test::test_config();
  c.upstream = upstream.base_url() + "/api";
  c.record_dir = dir.string();
  return c;
}

oxen::mock::Config replayer_config(const fs::path& dir) {
  auto c = oxen::test::test_config();
  c.record_dir = dir.string();
  return c;
}

oxen::mock::Config upstream_config() {
  auto c = oxen::test::test_config();
  c.api_keys = {kKey};
  return c;
}

json chat(bool stream) {
  return {{"model", "gpt-4o"},
          {"messages", json::array({{{"role", "user"}, {"content", "Say hello"}}})},
          {"stream", stream}};
}

struct Call {
  std::string method, path;
  json body;
};

const std::vector<Call> kSession = {
    {"GET", "/api/ai/models?developer_name=OpenAI", nullptr},
    {"GET", "/api/ai/models/gpt-4o", nullptr},
    {"GET", "/api/ai/models/no-such/model", nullptr},
    {"POST", "/api/ai/chat/completions", chat(false)},
    {"POST", "/api/ai/chat/completions", chat(false)},  // the second answer differs (its id)
    {"POST", "/api/ai/chat/completions", chat(true)},
};

std::vector<std::pair<int, std::string>> run(const TestServer& server,
                                             const std::vector<Call>& calls) {
  auto client = server.client(kKey);
  std::vector<std::pair<int, std::string>> answers;
  for (const auto& call : calls) {
    auto res = call.method == "GET"
                   ? client.Get(call.path.c_str())
                   : client.Post(call.path.c_str(), call.body.dump(), "application/json");
    REQUIRE(res);
    answers.emplace_back(res->status, res->body);
  }
  return answers;
}

json journal(const TestServer& server) {
  auto res = server.client("").Get("/__admin/requests");
  REQUIRE(res);
  json j = parse_json(res->body);
  CHECK_SCHEMA("admin_requests", j);
  return j["requests"];
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE(
    "--record records a session through the upstream; replay answers it alike without the "
    "upstream") {
  TempDir dir;
  std::vector<std::pair<int, std::string>> recorded;
  {
    TestServer upstream(upstream_config());
    TestServer recorder(recorder_config(upstream, dir.path));
    recorded = run(recorder, kSession);
    for (const auto& entry : journal(recorder)) CHECK(entry["source"] == "forwarded");
  }
  CHECK(recorded[2].first == 404);
  CHECK(recorded[3].second != recorded[4].second);

  SUBCASE("the recordings are readable files, one per exchange, with the key scrubbed") {
    auto written = files(dir.path);
    REQUIRE(written.size() == kSession.size());
    CHECK(written[0].filename().string().rfind("GET_ai-models-gpt-4o_", 0) == 0);
    for (const auto& path : written) {
      INFO(path.string());
      std::string text = read(path);
      CHECK(text.find(kKey) == std::string::npos);
      CHECK(text.find('\n') != std::string::npos);  // indented, for people
      CHECK_SCHEMA("recording", parse_json(text));
      CHECK_FALSE(fs::exists(path.string() + ".tmp"));
    }
  }
  SUBCASE("replay gives the same answers, in the same order, marked recorded") {
    auto config = replayer_config(dir.path);
    config.record_strict = true;
    TestServer replayer(config);
    auto replayed = run(replayer, kSession);
    REQUIRE(replayed.size() == recorded.size());
    for (size_t i = 0; i < recorded.size(); ++i) {
      INFO(kSession[i].method << " " << kSession[i].path << " #" << i);
      CHECK(replayed[i].first == recorded[i].first);
      if (kSession[i].body.is_object() && kSession[i].body["stream"] == true)
        CHECK(replayed[i].second == recorded[i].second);  // the same frames, byte for byte
      else
        CHECK(parse_json(replayed[i].second) == parse_json(recorded[i].second));
    }
    for (const auto& entry : journal(replayer)) {
      CHECK(entry["source"] == "recorded");
      CHECK(entry["response_findings"].empty());
    }
    SUBCASE("a request called more often than recorded gets the last recording again") {
      auto again = run(replayer, {kSession[3]});
      CHECK(parse_json(again[0].second) == parse_json(recorded[4].second));
    }
    SUBCASE("a reset starts the recorded sequences again") {
      REQUIRE(replayer.client("").Post("/__admin/reset"));
      auto again = run(replayer, {kSession[3]});
      CHECK(parse_json(again[0].second) == parse_json(recorded[3].second));
    }
    SUBCASE("--record-strict: a request without a recording gets the documented 404") {
      auto res = replayer.client(kKey).Get("/api/ai/models/claude-sonnet-4-6");
      REQUIRE(res);
      CHECK(res->status == 404);
      json body = parse_json(res->body);
      CHECK_SCHEMA("error_oxen", body);
      CHECK(body["error"]["type"] == "recording_not_found");
      CHECK(journal(replayer).back()["error_kind"] == "recording_not_found");
    }
  }
  SUBCASE("without --record-strict a request without a recording gets the mock's own answer") {
    TestServer replayer(replayer_config(dir.path));
    auto res = replayer.client(kKey).Get("/api/ai/models/claude-sonnet-4-6");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(journal(replayer).back()["source"] == "generated");
  }
  SUBCASE("--record-ignore leaves body members out of matching") {
    json with_user = chat(false);
    with_user["user"] = "someone-else";
    auto config = replayer_config(dir.path);
    config.record_strict = true;
    {
      TestServer strict(config);
      CHECK(run(strict, {{"POST", "/api/ai/chat/completions", with_user}})[0].first == 404);
    }
    config.record_ignore = {"user"};
    TestServer ignoring(config);
    auto answers = run(ignoring, {{"POST", "/api/ai/chat/completions", with_user}});
    CHECK(parse_json(answers[0].second) == parse_json(recorded[3].second));
  }
  SUBCASE("an edited recording answers as edited") {
    fs::path file;
    for (const auto& path : files(dir.path))
      if (path.filename().string().rfind("GET_ai-models-gpt-4o_", 0) == 0) file = path;
    json recording = parse_json(read(file));
    recording["response"]["json"]["display_name"] = "Edited by hand";
    std::ofstream(file) << recording.dump(2);
    TestServer replayer(replayer_config(dir.path));
    auto res = replayer.client(kKey).Get("/api/ai/models/gpt-4o");
    REQUIRE(res);
    CHECK(parse_json(res->body)["display_name"] == "Edited by hand");
  }
  SUBCASE("a file that is not a recording stops start-up, naming it") {
    std::ofstream(dir.path / "broken.json") << R"({"request": {}})";
    try {
      TestServer replayer(replayer_config(dir.path));
      FAIL("started with a broken recording");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()).find("broken.json") != std::string::npos);
    }
  }
}

TEST_CASE("--record-mode record-on-miss forwards only what is not recorded") {
  TempDir dir;
  TestServer upstream(upstream_config());
  {
    TestServer recorder(recorder_config(upstream, dir.path));
    run(recorder, {kSession[1]});
  }
  const size_t before = journal(upstream).size();
  auto config = recorder_config(upstream, dir.path);
  config.record_mode = "record-on-miss";
  TestServer server(config);
  auto answers = run(server, {kSession[1], kSession[0], kSession[0], kSession[1]});
  CHECK(journal(upstream).size() == before + 1);  // kSession[0] only, once
  json entries = journal(server);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0]["source"] == "recorded");
  CHECK(entries[1]["source"] == "forwarded");
  CHECK(entries[2]["source"] == "recorded");
  CHECK(entries[3]["source"] == "recorded");
  CHECK(answers[1] == answers[2]);
  CHECK(files(dir.path).size() == 2);
}

TEST_CASE("--record: bounds and mistakes") {
  TempDir dir;
  TestServer upstream(upstream_config());
  SUBCASE("an exchange over --record-max-bytes is served but not stored") {
    auto config = recorder_config(upstream, dir.path);
    config.record_max_bytes = 1024;
    TestServer recorder(config);
    auto answers = run(recorder, {{"GET", "/api/ai/models", nullptr}});
    CHECK(answers[0].first == 200);
    CHECK(files(dir.path).empty());
  }
  SUBCASE("a mode without what it needs stops start-up") {
    auto config = oxen::test::test_config();
    config.record_mode = "record";
    config.record_dir = dir.path.string();
    CHECK_THROWS_AS(TestServer{config}, std::invalid_argument);
    config.record_mode = "proxy";
    config.upstream = upstream.base_url() + "/api";
    CHECK_THROWS_AS(TestServer{config}, std::invalid_argument);
  }
}

TEST_CASE(
    "a recorded stream keeps its framing and its pacing; --record-pacing replays it on the mock's "
    "clock") {
  TempDir dir;
  {
    auto config = upstream_config();
    config.clock_mode = oxen::mock::Clock::Mode::real;  // paced in real time, as a live API is
    config.chat_tokens_per_second = 50;
    config.chat_completion_tokens = 10;
    TestServer upstream(config);
    TestServer recorder(recorder_config(upstream, dir.path));
    REQUIRE(run(recorder, {kSession[5]})[0].first == 200);
  }
  auto written = files(dir.path);
  REQUIRE(written.size() == 1);
  json recording = parse_json(read(written[0]));
  const json& frames = recording["response"]["frames"];
  const json& offsets = recording["response"]["offsets_ms"];
  REQUIRE(frames.size() > 3);
  REQUIRE(offsets.size() == frames.size());
  for (size_t i = 1; i < offsets.size(); ++i) CHECK(offsets[i] >= offsets[i - 1]);
  const int64_t last = offsets.back();
  CHECK(last >= 100);  // tokens 20 ms apart

  auto config = replayer_config(dir.path);
  config.record_pacing = true;
  TestServer replayer(config);
  std::atomic<bool> done{false};
  std::string body;
  std::thread reader([&] {
    auto client = replayer.client(kKey);
    auto res = client.Post("/api/ai/chat/completions", kSession[5].body.dump(), "application/json");
    if (res) body = res->body;
    done = true;
  });
  int64_t advanced = 0;
  for (int i = 0; i < 400 && !done; ++i) {
    replayer.app().clock().advance(10);
    advanced += 10;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  reader.join();
  CHECK(advanced >= last);  // it waited for the mock's clock to reach the last frame's offset
  std::string expected;
  for (const auto& frame : frames) expected += frame.get<std::string>();
  CHECK(body == expected);
}

TEST_CASE("a recorded queue job replays its recorded sequence of states, poll by poll") {
  TempDir dir;
  const json job = {{"model", "flux-2-dev"}, {"prompt", "a fox"}, {"num_generations", 1}};
  std::string id;
  std::vector<std::string> recorded_states;
  {
    TestServer upstream(upstream_config());
    TestServer recorder(recorder_config(upstream, dir.path));
    auto client = recorder.client(kKey);
    auto enqueued = client.Post("/api/ai/queue", job.dump(), "application/json");
    REQUIRE(enqueued);
    REQUIRE(enqueued->status == 200);
    id = parse_json(enqueued->body)["generations"][0]["generation_id"];
    const std::string path = "/api/ai/queue/" + id;
    for (int64_t step : {0, 1000, 60000}) {
      upstream.app().clock().advance(step);
      auto polled = client.Get(path.c_str());
      REQUIRE(polled);
      recorded_states.push_back(parse_json(polled->body)["status"]);
    }
  }
  CHECK(recorded_states == std::vector<std::string>{"queued", "processing", "succeeded"});

  TestServer replayer([&] {
    auto c = replayer_config(dir.path);
    c.record_strict = true;
    return c;
  }());
  auto client = replayer.client(kKey);
  auto enqueued = client.Post("/api/ai/queue", job.dump(), "application/json");
  REQUIRE(enqueued);
  CHECK(parse_json(enqueued->body)["generations"][0]["generation_id"] == id);
  std::vector<std::string> replayed_states;
  for (int poll = 0; poll < 4; ++poll) {
    auto polled = client.Get(("/api/ai/queue/" + id).c_str());
    REQUIRE(polled);
    CHECK_SCHEMA("generation", parse_json(polled->body));
    replayed_states.push_back(parse_json(polled->body)["status"]);
  }
  CHECK(replayed_states ==
        std::vector<std::string>{"queued", "processing", "succeeded", "succeeded"});
}
