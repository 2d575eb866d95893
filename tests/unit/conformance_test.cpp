// The pieces of oxen-conformance that need no server: undeclared members, base URLs, reports,
// validate (JSON and SSE transcripts) and snapshot drift (spec-diff: spec_diff_test.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "html_report.hpp"
#include "http.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "shape.hpp"
#include "snapshot.hpp"
#include "stream_grade.hpp"
#include "validate.hpp"

using nlohmann::json;
using namespace oxen::conformance;

namespace {

json a_model() {
  return json::parse(R"({
    "id": "m-1", "object": "model", "created": 1, "owned_by": "oxen", "display_name": "M One",
    "model_type": "base", "endpoint": "/chat/completions",
    "capabilities": {"input": ["text"], "output": ["text"]},
    "pricing": {"method": "token", "input_cost_per_token": 0.1, "output_cost_per_token": 0.2},
    "deployments": [], "developer": {"name": "Acme", "logo": null}, "request_schema": {"anything": 1}
  })");
}

}  // namespace

TEST_CASE("unknown_members names undeclared members at every depth, not free-form objects") {
  const auto& store = oxen::SchemaStore::builtin();
  auto m = a_model();
  CHECK(unknown_members(store, "model", m).empty());
  m["brand_new"] = 1;
  m["developer"]["twitter"] = "@acme";
  m["pricing"]["discount"] = 0.5;
  auto list = json{{"object", "list"}, {"data", json::array({a_model(), m})}};
  CHECK(unknown_members(store, "model_list", list) ==
        std::vector<std::string>{"/data/1/brand_new", "/data/1/developer/twitter", "/data/1/pricing/discount"});
}

TEST_CASE("parse_base_url keeps the path prefix and refuses credentials") {
  auto b = parse_base_url("https://hub.oxen.ai/api/");
  CHECK(b.scheme == "https");
  CHECK(b.host == "hub.oxen.ai");
  CHECK(b.port == 443);
  CHECK(b.prefix == "/api");
  auto local = parse_base_url("http://127.0.0.1:8080/api");
  CHECK(local.port == 8080);
  CHECK(local.to_string() == "http://127.0.0.1:8080/api");
  CHECK(parse_base_url("http://localhost").prefix.empty());
  CHECK_THROWS(parse_base_url("https://user:secret@hub.oxen.ai/api"));
  CHECK_THROWS(parse_base_url("hub.oxen.ai/api"));
  CHECK_THROWS(parse_base_url("http://host/api?key=1"));
}

TEST_CASE("a catalog entry that contradicts schemas/openapi.json is refused") {
  auto entry = [](std::string endpoint, std::string profile, std::string cost) {
    CheckDef c;
    c.id = "x.check";
    c.title = "t";
    c.endpoint = std::move(endpoint);
    c.profile = std::move(profile);
    c.cost_class = std::move(cost);
    return c;
  };
  CheckDef ok = entry("GET /ai/models/{model}?x=1", "readonly", "free");
  bind_operation(ok);
  CHECK(ok.operation == "getModel");
  auto refused = [](CheckDef c) {
    try {
      bind_operation(c);
    } catch (const std::logic_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused(entry("GET /ai/nowhere", "readonly", "free")) ==
        "check catalog: x.check: GET /ai/nowhere is not an operation of schemas/openapi.json");
  CHECK(refused(entry("DELETE /ai/models/{id}", "readonly", "free")) ==
        "check catalog: x.check: in profile readonly, but deleteModel belongs to profile mock");
  CHECK(refused(entry("POST /ai/chat/completions", "full", "free")) ==
        "check catalog: x.check: cost_class free, but createChatCompletion is billable");
  CHECK(refused(entry("GET /ai/models", "readonly", "chat")) ==
        "check catalog: x.check: cost_class chat, but listModels is not billable");
}

TEST_CASE("the catalog is data: every entry has an implementation and a known profile") {
  const auto& fns = check_functions();
  std::set<std::string> ids;
  for (const auto& c : catalog()) {
    CHECK(fns.count(c.id) == 1);
    CHECK(known_profile(c.profile));
    CHECK(!c.title.empty());
    CHECK(ids.insert(c.id).second);
    CHECK(!c.operation.empty());
  }
  RunOptions readonly;
  for (const auto& c : select_checks(readonly)) CHECK(c.profile == "readonly");
  RunOptions mock;
  mock.profile = "mock";
  CHECK(select_checks(mock).size() == catalog().size());
  RunOptions bad;
  bad.only = {"nope"};
  CHECK_THROWS_AS(select_checks(bad), std::invalid_argument);
}

TEST_CASE("reports escape XML and end the text summary with 'N passed, N failed'") {
  CHECK(xml_escape("a<b>&\"c'\x01") == "a&lt;b&gt;&amp;&quot;c&apos;?");
  CHECK(html_escape("a<b>&\"c'\xff") == "a&lt;b&gt;&amp;&quot;c&#39;\xef\xbf\xbd");

  RunReport report;
  report.base_url = "http://x/api";
  report.profile = "readonly";
  CheckResult ok;
  ok.id = "a.ok";
  ok.title = "fine";
  CheckResult bad;
  bad.id = "b.bad";
  bad.title = "broken <thing>";
  bad.status = Status::failed;
  Finding f;
  f.check = "b.bad";
  f.subject = "GET /x";
  f.pointer = "/a";
  f.rule = "type";
  f.message = "expected \"integer\"";
  f.excerpt = "\"1\"";
  bad.findings.push_back(f);
  report.results = {ok, bad};

  auto text = text_summary(report);
  CHECK(text.substr(text.rfind('\n', text.size() - 2) + 1) == "1 passed, 1 failed\n");
  CHECK(text_result(bad, false) ==
        "FAIL  b.bad  broken <thing>\n      failure GET /x /a [documented type] expected \"integer\" — \"1\"\n");
  CHECK(text_result(ok, true).rfind("\033[32mPASS\033[0m", 0) == 0);

  auto xml = junit_report(report);
  CHECK(xml.find("<testcase classname=\"oxen-conformance.a\" name=\"a.ok\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"GET /x /a: expected &quot;integer&quot;\" type=\"documented type\">broken &lt;thing&gt;\n") !=
        std::string::npos);
  auto j = json::parse(json_report(report));
  CHECK(j["summary"]["failed"] == 1);
  CHECK(j["checks"][1]["findings"][0]["pointer"] == "/a");
}

TEST_CASE("validate: a JSON document, or an SSE transcript frame by frame") {
  std::ostringstream out, err;
  CHECK(validate_document("model", a_model().dump(), false, out, err) == 0);
  CHECK(out.str() == "valid\n");

  out.str("");
  auto broken = a_model();
  broken.erase("id");
  broken["created"] = "soon";
  CHECK(validate_document("model", broken.dump(), false, out, err) == 1);
  CHECK(out.str().find("failure /id [published required]") != std::string::npos);
  CHECK(out.str().find("failure /created [published type]") != std::string::npos);

  out.str("");
  CHECK(validate_document("no_such_schema", "{}", false, out, err) == 2);
  CHECK(validate_document("model", "neither json nor sse", false, out, err) == 2);

  // Any schema: frame by frame.
  const std::string m = a_model().dump();
  out.str("");
  CHECK(validate_document("model", "data: " + m + "\n\ndata: {\"id\": 1}\n\ndata: [DONE]\n\n", false, out, err) == 1);
  CHECK(out.str().find("frame 2 failure /object [published required]") != std::string::npos);
  CHECK(out.str().find("frame 1 ") == std::string::npos);
  CHECK(out.str().find("ending in [DONE]") != std::string::npos);
  out.str("");
  CHECK(validate_document("model", "data: " + m + "\n\ndata: [DONE]\n\ndata: " + m + "\n\n", false, out, err) == 1);
  CHECK(out.str().find("frame 3 failure [documented done_last]") != std::string::npos);

  // chat_chunk: the stream rules as well.
  auto chunk = [](const std::string& delta, const std::string& finish) {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
           "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
  };
  const std::string good = chunk(R"({"role":"assistant","content":""})", "null") + chunk(R"({"content":"Hi"})", "null") +
                           chunk("{}", "\"stop\"") + "data: [DONE]\n\n";
  out.str("");
  CHECK(validate_document("chat_chunk", good, false, out, err) == 0);
  CHECK(out.str() == "4 frames, valid\n");
  out.str("");
  const std::string no_role = chunk(R"({"content":"Hi"})", "null") + chunk("{}", "\"stop\"") + "data: [DONE]\n\n";
  CHECK(validate_document("chat_chunk", no_role, false, out, err) == 1);
  CHECK(out.str().find("stream frame 1 failure /choices/0/delta/role [ours role_first]") != std::string::npos);
  out.str("");
  const std::string unframed = chunk(R"({"role":"assistant"})", "null") + chunk("{}", "\"stop\"").substr(6) + "data: [DONE]\n\n";
  CHECK(validate_document("chat_chunk", unframed, false, out, err) == 1);
  CHECK(out.str().find("[documented framing] a line that is not an SSE field") != std::string::npos);
  CHECK(out.str().find("[ours finish_reason] no chunk carries a finish_reason") != std::string::npos);
  out.str("");
  CHECK(validate_document("chat_chunk", good.substr(0, good.size() - 2), false, out, err) == 1);
  CHECK(out.str().find("[documented framing] the stream ends inside an event") != std::string::npos);
}

TEST_CASE("stream grading of tool-call deltas") {
  auto tools = json::parse(R"([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])");
  auto call_chunk = [](const std::string& call, const std::string& finish) {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
           "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[" + call + "]},\"finish_reason\":" + finish + "}]}\n\n";
  };
  auto grade = [&](const std::string& a, const std::string& b) {
    Outcome o("t", false);
    StreamGrader g(o, "s", json{{"tools", tools}});
    g.feed(call_chunk(a, "null") + call_chunk(b, "\"tool_calls\"") + "data: [DONE]\n\n");
    g.finish();
    std::vector<std::string> rules;
    for (const auto& f : o.findings()) rules.push_back(f.pointer + " " + f.rule);
    return rules;
  };
  const std::string first = R"({"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"ci"}})";
  CHECK(grade(first, R"({"index":0,"function":{"arguments":"ty\": \"Paris\"}"}})").empty());
  CHECK(grade(first, R"({"index":0,"id":"call_2","function":{"arguments":"ty\": \"Paris\"}"}})") ==
        std::vector<std::string>{"/choices/0/delta/tool_calls/0/id tool_call_id"});
  CHECK(grade(first, R"({"index":0,"function":{"arguments":"ty\": 7}"}})") ==
        std::vector<std::string>{"/function/arguments/city tool_arguments_schema"});
  CHECK(grade(first, R"({"index":0,"function":{"arguments":"ty\": "}})") ==
        std::vector<std::string>{"/function/arguments tool_arguments_json"});
}

TEST_CASE("diff_snapshots reports shape drift and masks volatile values") {
  auto snap = [](json models) {
    return json{{"exchanges", json::array({{{"method", "GET"}, {"path", "/ai/models"}, {"status", 200},
                                              {"body", {{"object", "list"}, {"data", models}}}}})}};
  };
  json models = json::array();
  for (int i = 0; i < 4; ++i) {
    auto m = a_model();
    m["id"] = "m-" + std::to_string(i);
    models.push_back(m);
  }
  auto a = snap(models);
  CHECK(diff_snapshots(a, a).empty());

  auto changed = models;
  for (auto& m : changed) {
    m["created"] = 99;                              // volatile
    m["image_url"] = "https://cdn.example/x.png";  // volatile
  }
  changed[0]["display_name"] = 7;                  // retyped
  changed[1]["endpoint"] = "/audio/generate";     // new enum-like value
  changed[2]["pricing"]["input_cost_per_token"] = 0.3;
  changed.erase(3);
  auto extra = a_model();
  extra["id"] = "m-new";
  changed.push_back(extra);
  std::vector<std::string> lines;
  for (const auto& d : diff_snapshots(a, snap(changed))) lines.push_back(d.line());
  std::vector<std::string> expected = {
      "field_retyped GET /ai/models 200 /data/*/display_name: string -> integer|string",
      "field_added GET /ai/models 200 /data/*/image_url: string",
      "enum_value_added GET /ai/models 200 /data/*/endpoint: \"/audio/generate\"",
      "model_removed m-3",
      "model_added m-new",
      "endpoint_changed m-1: \"/chat/completions\" -> \"/audio/generate\"",
      "pricing_changed m-2: {\"input_cost_per_token\":0.1,\"method\":\"token\",\"output_cost_per_token\":0.2} -> "
      "{\"input_cost_per_token\":0.3,\"method\":\"token\",\"output_cost_per_token\":0.2}"};
  CHECK(lines == expected);
}
