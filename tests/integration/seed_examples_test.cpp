// The documentation's own examples run verbatim against the built-in fixtures: every request an
// example of the seed pages makes (tests/golden/seed_examples.json) gets the status it expects,
// an answer valid against its schema, and every field the example reads.
#include <doctest/doctest.h>

#include <fstream>

#include "contract_checks.hpp"
#include "sse_reader.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

json load_examples() {
  std::ifstream in(std::string(OXEN_SOURCE_DIR) + "/tests/golden/seed_examples.json");
  REQUIRE(in);
  return json::parse(in)["examples"];
}

// Every value at `pointer`, where a `*` token stands for each item of a non-empty array. A
// missing member or an empty array under `*` yields nothing.
void values_at(const json& doc, const std::string& pointer, std::vector<const json*>& out) {
  size_t star = pointer.find("/*");
  if (star == std::string::npos) {
    json::json_pointer p(pointer);
    if (doc.contains(p)) out.push_back(&doc.at(p));
    return;
  }
  json::json_pointer head(pointer.substr(0, star));
  if (!doc.contains(head) || !doc.at(head).is_array()) return;
  for (const auto& item : doc.at(head)) values_at(item, pointer.substr(star + 2), out);
}

void check_reads(const json& example, const json& answer) {
  for (const auto& read : example.value("reads", json::array())) {
    const std::string pointer = read;
    CAPTURE(pointer);
    std::vector<const json*> found;
    values_at(answer, pointer, found);
    CHECK_MESSAGE(!found.empty(), "the example reads a field the answer does not have");
  }
  const json equals = example.value("equals", json::object());
  for (const auto& [pointer, expected] : equals.items()) {
    CAPTURE(pointer);
    json::json_pointer p(pointer);
    REQUIRE(answer.contains(p));
    CHECK(answer.at(p) == expected);
  }
}

void check_stream(const json& example, const std::string& body) {
  auto events = oxen::parse_sse(body);
  REQUIRE(events.size() >= 2);
  CHECK(events.back().data == "[DONE]");
  for (size_t i = 0; i + 1 < events.size(); ++i) CHECK_SCHEMA(example["frame_schema"].get<std::string>(), parse_json(events[i].data));
}

}  // namespace

TEST_CASE("every request of the documentation's examples answers what the example reads") {
  TestServer server;
  const json examples = load_examples();
  REQUIRE(examples.size() >= 10);
  int n = 0;
  for (const auto& example : examples) {
    const std::string source = example["source"];
    CAPTURE(source);
    // Each example meets the mock as a new user would: a fresh namespace, the built-in fixtures.
    httplib::Headers headers = {{"X-Mock-Namespace", "example-" + std::to_string(n++)}};
    auto c = server.client("YOUR_API_KEY");
    const std::string method = example["method"], path = example["path"];
    httplib::Result res = method == "GET"      ? c.Get(path.c_str(), headers)
                          : method == "DELETE" ? c.Delete(path.c_str(), headers)
                                               : c.Post(path.c_str(), headers, example.value("body", json::object()).dump(),
                                                        "application/json");
    REQUIRE(res);
    INFO(method << " " << path << " -> " << res->status << " " << res->body.substr(0, 400));
    CHECK(res->status == example.value("status", 200));
    if (example.value("stream", false)) {
      CHECK(res->get_header_value("Content-Type") == "text/event-stream");
      check_stream(example, res->body);
      continue;
    }
    auto answer = parse_json(res->body);
    CHECK_SCHEMA(example["schema"].get<std::string>(), answer);
    check_reads(example, answer);
  }
  check_no_response_findings(server);
}

TEST_CASE("every model id the examples name is in the built-in fixtures") {
  TestServer server;
  auto c = server.client();
  for (const char* id : {"claude-sonnet-4-6", "gpt-4o", "gemini-3-flash-preview", "flux-2-dev", "kling-video-o3-pro-reference-to-video",
                         "my-custom-model"}) {
    CAPTURE(id);
    auto res = c.Get((std::string("/api/ai/models/") + id).c_str());
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  // The custom model of the examples has a deployment the examples can read.
  auto custom = parse_json(c.Get("/api/ai/models/my-custom-model")->body);
  CHECK(custom["model_type"] == "custom");
  CHECK(custom["deployments"][0]["status"] == "inactive");
}
