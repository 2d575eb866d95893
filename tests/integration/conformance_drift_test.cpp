// oxen-conformance against the mock, and against the mock with one contract change injected at a
// time: each change is caught by the right check, at the right pointer, and by no other check.
#include <doctest/doctest.h>

#include "drift_server.hpp"
#include "runner.hpp"

using nlohmann::json;
using oxen::conformance::ApiClient;
using oxen::conformance::CheckResult;
using oxen::conformance::parse_base_url;
using oxen::conformance::RunOptions;
using oxen::conformance::RunReport;
using oxen::conformance::Severity;
using oxen::conformance::Source;
using oxen::conformance::Status;
using oxen::test::DriftServer;
using oxen::test::Exchange;

namespace {

RunReport run(const std::string& base_url, RunOptions options = {}) {
  ApiClient client(parse_base_url(base_url), "test-key", {10, ""});
  return oxen::conformance::run_checks(client, options);
}

std::string summary(const RunReport& r) {
  std::string s;
  for (const auto& c : r.results) {
    s += std::string(to_string(c.status)) + " " + c.id + (c.note.empty() ? "" : " (" + c.note + ")") + "\n";
    for (const auto& f : c.findings)
      s += "    " + std::string(to_string(f.severity)) + " " + f.subject + " " + f.pointer + " [" +
           to_string(f.source) + " " + f.rule + "] " + f.message + "\n";
  }
  return s;
}

const CheckResult& result(const RunReport& r, const std::string& id) {
  for (const auto& c : r.results)
    if (c.id == id) return c;
  FAIL("no result for " << id);
  throw std::logic_error("unreachable");
}

// Exactly `check` failed, with a failure at `pointer` under `rule`; every other check passed.
void expect_only(const RunReport& r, const std::string& check, const std::string& pointer, const std::string& rule) {
  INFO(summary(r));
  for (const auto& c : r.results) {
    if (c.id == check) {
      CHECK(c.status == Status::failed);
      bool found = false;
      for (const auto& f : c.findings)
        found = found || (f.severity == Severity::failure && f.pointer == pointer && f.rule == rule);
      CHECK_MESSAGE(found, "expected " << pointer << " [" << rule << "] in " << check);
    } else {
      CHECK_MESSAGE(c.status == Status::passed, c.id << " should pass");
    }
  }
}

// Every check passed, and `check` reported a warning at `pointer` under `rule` from `source`.
void expect_warned(const RunReport& r, const std::string& check, const std::string& pointer, const std::string& rule,
                   Source source) {
  INFO(summary(r));
  CHECK(r.all_passed());
  bool found = false;
  for (const auto& c : r.results)
    for (const auto& f : c.findings)
      found = found || (c.id == check && f.severity == Severity::warning && f.pointer == pointer && f.rule == rule &&
                        f.source == source);
  CHECK_MESSAGE(found, "expected a warning " << pointer << " [" << to_string(source) << " " << rule << "] in " << check);
}

RunOptions contract(Source level, RunOptions o = {}) {
  o.contract = level;
  return o;
}

bool is_list(const Exchange& e) { return e.method == "GET" && e.path == "/api/ai/models" && e.status == 200; }

}  // namespace

TEST_CASE("the readonly and mock profiles pass against the mock over loopback") {
  oxen::test::TestServer server(oxen::test::real_clock_config());
  for (const char* profile : {"readonly", "mock"}) {
    RunOptions options;
    options.profile = profile;
    auto report = run(server.base_url() + "/api", options);
    INFO(profile << "\n" << summary(report));
    CHECK(report.count(Status::failed) == 0);
    CHECK(report.count(Status::skipped) == 0);
    CHECK(report.warnings() == 0);
    CHECK(report.results.size() == oxen::conformance::select_checks(options).size());
  }
}

TEST_CASE("the drift fixture passes everything when it changes nothing") {
  DriftServer drift;
  auto report = run(drift.base_url());
  INFO(summary(report));
  CHECK(report.count(Status::failed) == 0);
  CHECK(report.count(Status::skipped) == 0);
}

TEST_CASE("drift in the model list is caught by models.list alone") {
  SUBCASE("a missing required field") {
    DriftServer drift([](Exchange& e) {
      if (is_list(e)) e.body["data"][0].erase("display_name");
    });
    expect_only(run(drift.base_url()), "models.list", "/data/0/display_name", "required");
  }
  SUBCASE("a retyped field") {
    DriftServer drift([](Exchange& e) {
      if (is_list(e)) e.body["data"][1]["created"] = "yesterday";
    });
    expect_only(run(drift.base_url()), "models.list", "/data/1/created", "type");
  }
  SUBCASE("a new enum value") {
    DriftServer drift([](Exchange& e) {
      if (is_list(e)) e.body["data"][2]["endpoint"] = "/audio/generate";
    });
    expect_only(run(drift.base_url()), "models.list", "/data/2/endpoint", "enum");
  }
  SUBCASE("a model listed twice") {
    size_t n = 0;
    DriftServer drift([&](Exchange& e) {
      if (is_list(e)) {
        n = e.body["data"].size();
        e.body["data"].push_back(e.body["data"][0]);
      }
    });
    auto report = run(drift.base_url());
    expect_only(report, "models.list", "/data/" + std::to_string(n) + "/id", "unique");
  }
  SUBCASE("a token-priced model without its prices, in the list and when retrieved") {
    DriftServer drift([](Exchange& e) {
      auto unprice = [](json& m) {
        if (m.is_object() && m.value("id", "") == "gpt-4o") m["pricing"]["output_cost_per_token"] = nullptr;
      };
      if (is_list(e))
        for (auto& m : e.body["data"]) unprice(m);
      else if (e.method == "GET" && e.status == 200)
        unprice(e.body);
    });
    auto report = run(drift.base_url());
    INFO(summary(report));
    const auto& list = result(report, "models.list");
    CHECK(list.status == Status::failed);
    bool found = false;
    for (const auto& f : list.findings) found = found || (f.rule == "pricing" && f.pointer.ends_with("/pricing/output_cost_per_token"));
    CHECK(found);
  }
}

TEST_CASE("a developer-filtered list of the wrong shape fails models.list.filter") {
  DriftServer drift([](Exchange& e) {
    if (e.method == "GET" && e.path.rfind("/api/ai/models?developer_name=", 0) == 0 && e.body.is_object()) {
      e.body["models"] = e.body["data"];
      e.body.erase("data");
    }
  });
  expect_only(run(drift.base_url()), "models.list.filter", "/data", "required");
}

TEST_CASE("an unknown field is a warning, and a failure under --strict") {
  DriftServer drift([](Exchange& e) {
    if (is_list(e)) e.body["data"][0]["x_new_field"] = 1;
  });
  auto lenient = run(drift.base_url());
  INFO(summary(lenient));
  CHECK(lenient.count(Status::failed) == 0);
  const auto& list = result(lenient, "models.list");
  REQUIRE(list.findings.size() == 1);
  CHECK(list.findings[0].severity == Severity::warning);
  CHECK(list.findings[0].pointer == "/data/0/x_new_field");
  CHECK(list.findings[0].rule == "unknown_member");
  CHECK(lenient.warnings() == 1);

  RunOptions strict;
  strict.strict = true;
  expect_only(run(drift.base_url(), strict), "models.list", "/data/0/x_new_field", "unknown_member");
}

TEST_CASE("a renamed list wrapper in search is caught by models.search alone") {
  DriftServer drift([](Exchange& e) {
    if (e.path.rfind("/api/ai/models/search?", 0) == 0 && e.status == 200) {
      e.body["models"] = e.body["data"];
      e.body.erase("data");
    }
  });
  expect_only(run(drift.base_url()), "models.search", "/data", "required");
}

TEST_CASE("error bodies and statuses") {
  SUBCASE("a wrong 404 body for an unknown model") {
    DriftServer drift([](Exchange& e) {
      if (e.status == 404 && e.path.rfind("/api/ai/models/", 0) == 0) e.body = {{"error", {{"message", "not found"}}}};
    });
    expect_only(run(drift.base_url()), "errors.model_not_found", "/error/message", "exact_body");
  }
  SUBCASE("401 turned 403") {
    DriftServer drift([](Exchange& e) {
      if (e.status == 401) e.status = 403;
    });
    expect_only(run(drift.base_url()), "errors.unauthenticated", "", "status");
  }
  SUBCASE("a 400 in the OpenAI shape instead of the Oxen envelope") {
    DriftServer drift([](Exchange& e) {
      if (e.status == 400) e.body = {{"error", {{"message", "bad"}}}};
    });
    expect_only(run(drift.base_url()), "errors.invalid_params", "/status", "required");
  }
}

TEST_CASE("parameters that are ignored") {
  // The unfiltered list, as the mock behind the fixture answers it.
  DriftServer* self = nullptr;
  auto full_list = [&] {
    auto res = self->mock().client().Get("/api/ai/models");
    REQUIRE(res);
    return json::parse(res->body);
  };
  SUBCASE("a filter that ignores developer_name") {
    DriftServer drift([&](Exchange& e) {
      if (e.path.rfind("/api/ai/models?developer_name=", 0) == 0) e.body = full_list();
    });
    self = &drift;
    auto report = run(drift.base_url());
    expect_only(report, "models.list.filter", "/data/0/developer/name", "filter");
  }
  SUBCASE("a search that ignores its text") {
    DriftServer drift([&](Exchange& e) {
      if (e.path.rfind("/api/ai/models/search?", 0) == 0) e.body = full_list();
    });
    self = &drift;
    auto report = run(drift.base_url());
    const auto& search = result(report, "models.search");
    REQUIRE(!search.findings.empty());
    CHECK(search.findings[0].rule == "matches_query");
    CHECK(search.findings[0].pointer.rfind("/data/", 0) == 0);
    for (const auto& c : report.results)
      if (c.id != "models.search") CHECK_MESSAGE(c.status == Status::passed, c.id);
  }
}

TEST_CASE("a retrieved model that disagrees with its list entry: a rule of ours") {
  DriftServer drift([](Exchange& e) {
    if (e.method == "GET" && e.path == "/api/ai/models/gpt-4o") e.body["description"] = "Something else entirely.";
  });
  auto report = run(drift.base_url(), contract(Source::ours));
  expect_only(report, "models.retrieve.equals_list", "/description", "equals_list");
  CHECK(result(report, "models.retrieve.equals_list").findings[0].subject == "GET /ai/models/gpt-4o");
  // Observed, not promised: the default contract only warns.
  expect_warned(run(drift.base_url()), "models.retrieve.equals_list", "/description", "equals_list", Source::ours);
}

TEST_CASE("an illegal deployment transition is caught by models.deployment.transitions alone") {
  // The list says active; the retrieve right after says deploying: active -> deploying is not in
  // the deployment state machine (deploying is only reached by activating an inactive model).
  DriftServer drift([](Exchange& e) {
    if (e.method == "GET" && e.path == "/api/ai/models/oxen:acme/support-bot" && e.status == 200)
      e.body["deployments"][0]["status"] = "deploying";
  });
  auto report = run(drift.base_url(), contract(Source::ours));
  expect_only(report, "models.deployment.transitions", "/deployments/0/status", "transition");
  const auto& f = result(report, "models.deployment.transitions").findings.at(0);
  CHECK(f.message.find("active -> deploying") != std::string::npos);
  // The state machine is inferred from the docs' states: the default contract only warns.
  expect_warned(run(drift.base_url()), "models.deployment.transitions", "/deployments/0/status", "transition", Source::ours);
}

namespace {

RunOptions chat_only() {
  RunOptions o;
  o.profile = "full";
  o.max_cost = 1.0;  // the mock's fixture pricing, never billed
  o.only = {"chat."};
  return o;
}

bool is_stream(const Exchange& e) {
  return e.method == "POST" && e.path == "/api/ai/chat/completions" && e.body.is_null() && e.status == 200;
}

// The n-th (0-based) "data: " frame of an SSE body.
size_t frame_at(const std::string& raw, size_t n) {
  size_t at = raw.find("data: ");
  for (size_t i = 0; i < n && at != std::string::npos; ++i) at = raw.find("data: ", at + 1);
  return at;
}

}  // namespace

TEST_CASE("the full profile refuses to run unless --max-cost covers the estimate") {
  oxen::test::TestServer server(oxen::test::real_clock_config());
  RunOptions o;
  o.profile = "full";
  CHECK_THROWS_WITH_AS(run(server.base_url() + "/api", o), doctest::Contains("not covered by --max-cost"),
                       std::runtime_error);
  o.max_cost = 0.0000001;
  CHECK_THROWS_AS(run(server.base_url() + "/api", o), std::runtime_error);
  o.max_cost = 10.0;  // the refusals' worst case: what they would cost if the server accepted them
  auto report = run(server.base_url() + "/api", o);
  INFO(summary(report));
  CHECK(report.count(Status::failed) == 0);
  REQUIRE(report.estimated_cost);
  CHECK(*report.estimated_cost > 0);
}

TEST_CASE("streams are graded frame by frame") {
  SUBCASE("the mock's streams pass") {
    DriftServer drift;
    auto report = run(drift.base_url(), chat_only());
    INFO(summary(report));
    CHECK(report.results.size() == 3);
    CHECK(report.count(Status::passed) == 3);
  }
  SUBCASE("legal variations of the wire format pass") {
    // Each is what a faithful server may send: the grader must not call it drift.
    const std::pair<const char*, std::function<void(Exchange&)>> variations[] = {
        {"CRLF line endings",
         [](Exchange& e) {
           std::string crlf;
           for (char c : e.raw) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
           e.raw = crlf;
         }},
        {"comments between frames", [](Exchange& e) { e.raw.insert(frame_at(e.raw, 1), ": keep-alive\n\n"); }},
        {"chunked transfer in 7-byte pieces", [](Exchange& e) { e.chunked = true; }},
        {"one frame over two data: lines",
         [](Exchange& e) {
           // SSE joins the lines with a newline, which is whitespace between JSON tokens.
           auto at = e.raw.find(",\"", frame_at(e.raw, 1));
           e.raw.insert(at + 1, "\ndata: ");
         }},
        {"a charset parameter", [](Exchange& e) { e.content_type = "text/event-stream; charset=utf-8"; }},
        {"an unknown field in a chunk",
         [](Exchange& e) {
           auto at = e.raw.find("{", frame_at(e.raw, 1));
           e.raw.insert(at + 1, "\"x_oxen_trace\":\"t-1\",");
         }},
    };
    for (const auto& [what, change] : variations) {
      CAPTURE(what);
      DriftServer drift([&change](Exchange& e) {
        if (is_stream(e)) change(e);
      });
      auto report = run(drift.base_url(), chat_only());
      INFO(summary(report));
      CHECK(report.count(Status::passed) == 3);
      CHECK(report.count(Status::failed) == 0);
    }
  }
  SUBCASE("broken data: framing") {
    DriftServer drift([](Exchange& e) {
      if (is_stream(e) && e.raw.find("tool_calls") == std::string::npos) e.raw.erase(frame_at(e.raw, 1), 6);
    });
    auto report = run(drift.base_url(), chat_only());
    expect_only(report, "chat.stream", "", "framing");
  }
  SUBCASE("no [DONE] at the end") {
    DriftServer drift([](Exchange& e) {
      if (is_stream(e) && e.raw.find("tool_calls") == std::string::npos) e.raw.erase(e.raw.find("data: [DONE]"));
    });
    expect_only(run(drift.base_url(), chat_only()), "chat.stream", "", "done");
  }
  SUBCASE("a chunk that breaks chat_chunk") {
    DriftServer drift([](Exchange& e) {
      if (is_stream(e) && e.raw.find("tool_calls") == std::string::npos) {
        auto at = e.raw.find("\"chat.completion.chunk\"", frame_at(e.raw, 1));
        e.raw.replace(at, 23, "\"chat.completion.piece\"");
      }
    });
    auto report = run(drift.base_url(), chat_only());
    expect_only(report, "chat.stream", "/object", "const");
    CHECK(result(report, "chat.stream").findings[0].subject == "POST /ai/chat/completions (stream) frame 2");
  }
  SUBCASE("tool-call argument fragments that do not concatenate to JSON") {
    DriftServer drift([](Exchange& e) {
      if (is_stream(e) && e.raw.find("tool_calls") != std::string::npos) {
        auto at = e.raw.find("\"arguments\":\"");
        REQUIRE(at != std::string::npos);
        e.raw.insert(at + 13, "}{");
      }
    });
    expect_only(run(drift.base_url(), chat_only()), "chat.stream.tools", "/function/arguments", "tool_arguments_json");
  }
}

TEST_CASE("a chat answer that changes between identical requests fails mock.determinism alone") {
  int calls = 0;
  DriftServer drift([&](Exchange& e) {
    if (e.method == "POST" && e.path == "/api/ai/chat/completions" && e.body.is_object() && e.status == 200)
      e.body["choices"][0]["message"]["content"] = "answer " + std::to_string(++calls);
  });
  RunOptions o;
  o.profile = "mock";
  o.only = {"mock."};
  expect_only(run(drift.base_url(), o), "mock.determinism", "/choices/0/message", "deterministic");
}

TEST_CASE("the mock profile runs only against a server that says it is oxen-mock") {
  std::vector<std::string> seen;
  DriftServer drift([&](Exchange& e) {
    seen.push_back(e.method + " " + e.path);
    e.identified = false;  // the same answers, without the mock's X-Oxen-Mock header
  });
  RunOptions o;
  o.profile = "mock";
  CHECK_THROWS_WITH_AS(run(drift.base_url(), o), doctest::Contains("refusing --profile mock"), std::runtime_error);
  // Nothing but the read-only probe reached it.
  CHECK(seen == std::vector<std::string>{"GET /api/ai/models"});

  // Oxen.ai's own host is refused before any request.
  ApiClient live(parse_base_url("https://hub.oxen.ai/api"), "test-key", {1, ""});
  CHECK_THROWS_WITH_AS(oxen::conformance::run_checks(live, o), doctest::Contains("refusing --profile mock against"),
                       std::runtime_error);
  CHECK(live.exchanges().empty());

  // The mock itself, and the mock behind a faithful proxy, identify themselves.
  o.only = {"mock."};
  DriftServer faithful;
  CHECK_NOTHROW(run(faithful.base_url(), o));
}

TEST_CASE("the cost guard prices only with known, positive prices") {
  auto set_prices = [](const json& price) {
    return [price](Exchange& e) {
      if (!e.body.is_object()) return;
      auto reprice = [&](json& m) {
        if (m.is_object() && m.value("endpoint", "") == "/chat/completions" && m["pricing"].is_object()) {
          m["pricing"]["input_cost_per_token"] = price;
          m["pricing"]["output_cost_per_token"] = price;
        }
      };
      if (e.body.contains("data") && e.body["data"].is_array())
        for (auto& m : e.body["data"]) reprice(m);
      else
        reprice(e.body);
    };
  };
  for (const json& price : {json(nullptr), json(-0.001), json(0), json("0.1")}) {
    CAPTURE(price.dump());
    DriftServer drift(set_prices(price));
    CHECK_THROWS_WITH_AS(run(drift.base_url(), chat_only()), doctest::Contains("no listed chat model has known, positive"),
                         std::runtime_error);
    RunOptions named = chat_only();
    named.chat_model = "gpt-4o-mini";
    CHECK_THROWS_WITH_AS(run(drift.base_url(), named), doctest::Contains("has no positive"), std::runtime_error);
  }

  // The plan names each billable call.
  auto checks = oxen::conformance::select_checks(chat_only());
  json model = {{"id", "m"}, {"pricing", {{"method", "token"}, {"input_cost_per_token", 1e-6}, {"output_cost_per_token", 2e-6}}}};
  for (const auto& c : checks) {
    CAPTURE(c.id);
    auto p = oxen::conformance::plan_cost(c, model);
    CHECK(p.model == "m");
    const double calls = c.plan.value("calls", 1.0);
    CHECK(p.calls == calls);
    CHECK(p.usd == doctest::Approx(calls * (c.plan["input_tokens"].get<double>() * 1e-6 + c.plan["output_tokens"].get<double>() * 2e-6)));
    CHECK(p.usd > 0);
  }
}

TEST_CASE("a stream that never ends is cut at its overall budget, however often it pings") {
  httplib::Server pinger;
  pinger.Post(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
      // Bounded: at most 10 s of pings, every 50 ms, while the client reads.
      for (int i = 0; i < 200 && sink.is_writable(); ++i) {
        if (!sink.write(": ping\n\n", 8)) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      sink.done();
      return true;
    });
  });
  int port = pinger.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread serving([&] { pinger.listen_after_bind(); });
  while (!pinger.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  ApiClient client(parse_base_url("http://127.0.0.1:" + std::to_string(port) + "/api"), "k", {3, "", 1});
  auto r = client.stream("/ai/chat/completions", "{}", [](std::string_view) { return true; });
  CHECK_FALSE(r.ok);
  CHECK(r.transport_error.find("budget of 1 s") != std::string::npos);
  pinger.stop();
  serving.join();
}

TEST_CASE("a broken model list fails models.list; the billable checks that need it are skipped, and the run reports") {
  DriftServer drift([](Exchange& e) {
    if (is_list(e)) e.body = json{{"object", "list"}, {"models", json::array()}};
  });
  RunOptions o;
  o.profile = "full";
  o.max_cost = 1.0;
  auto report = run(drift.base_url(), o);
  INFO(summary(report));
  CHECK(result(report, "models.list").status == Status::failed);
  for (const char* id : {"chat.completion", "chat.stream", "chat.stream.tools"}) {
    CAPTURE(id);
    CHECK(result(report, id).status == Status::skipped);
    CHECK(result(report, id).note.find("model list is unusable") != std::string::npos);
  }
  CHECK_FALSE(report.all_passed());
}

TEST_CASE("streams that ignore what the request asked for") {
  SUBCASE("include_usage, and no usage chunk") {
    DriftServer drift([](Exchange& e) {
      if (!is_stream(e) || e.raw.find("tool_calls") != std::string::npos) return;
      auto at = e.raw.find("\"choices\":[]");
      REQUIRE(at != std::string::npos);
      auto start = e.raw.rfind("data: ", at);
      e.raw.erase(start, e.raw.find("\n\n", at) + 2 - start);
    });
    RunOptions o = chat_only();
    o.contract = Source::ours;
    expect_only(run(drift.base_url(), o), "chat.stream", "", "usage");
    // Whether Oxen streams usage at all is undocumented: the default contract only warns.
    expect_warned(run(drift.base_url(), chat_only()), "chat.stream", "", "usage", Source::ours);
  }
  SUBCASE("a forced tool call answered with plain text") {
    DriftServer drift([](Exchange& e) {
      if (!is_stream(e) || e.raw.find("tool_calls") == std::string::npos) return;
      auto chunk = [](const json& delta, const json& finish) {
        json c = {{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"created", 1}, {"model", "gpt-4o-mini"},
                  {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
        return "data: " + c.dump() + "\n\n";
      };
      e.raw = chunk({{"role", "assistant"}, {"content", ""}}, nullptr) + chunk({{"content", "It is sunny."}}, nullptr) +
              chunk(json::object(), "stop") + "data: [DONE]\n\n";
    });
    expect_only(run(drift.base_url(), chat_only()), "chat.stream.tools", "", "tool_choice");
  }
}

TEST_CASE("a server that accepts what the docs refuse fails the rule check that names it, and only that one") {
  RunOptions rules;
  rules.profile = "mock";  // the not-active rules too; the mock never bills
  rules.only = {"rules."};
  auto accepting = [](const std::string& path) {
    return [path](Exchange& e) {
      if (e.method == "POST" && e.path == path && e.status == 400) {
        e.status = 200;
        e.body = {{"images", json::array({{{"url", "http://127.0.0.1/x.png"}}})}};
      }
    };
  };
  SUBCASE("the mock's refusals pass") {
    DriftServer drift({}, oxen::test::real_clock_config());
    auto report = run(drift.base_url(), rules);
    INFO(summary(report));
    CHECK(report.count(Status::failed) == 0);
    CHECK(report.count(Status::skipped) == 0);
    CHECK(report.results.size() == 13);
  }
  SUBCASE("an edit without a source image answered with a picture") {
    DriftServer drift(accepting("/api/ai/images/edit"), oxen::test::real_clock_config());
    expect_only(run(drift.base_url(), rules), "rules.images.edit.source_required", "", "refused");
  }
  SUBCASE("the documented text reworded") {
    DriftServer drift(
        [](Exchange& e) {
          if (e.method == "POST" && e.path == "/api/ai/videos/generate" && e.status == 400 && e.raw.find("target_fps") != std::string::npos)
            e.body["error"]["detail"] = "/target_fps: Expected number less than or equal to 60";
        },
        oxen::test::real_clock_config());
    expect_only(run(drift.base_url(), rules), "rules.videos.target_fps", "/error", "error_text");
  }
  SUBCASE("a queued job that breaks a rule succeeds") {
    DriftServer drift(
        [](Exchange& e) {
          if (e.method == "GET" && e.path.rfind("/api/ai/queue/", 0) == 0 && e.body.value("status", "") == "failed") {
            e.body["status"] = "succeeded";
            e.body["error_message"] = nullptr;
            e.body["result_url"] = "http://127.0.0.1/x.png";
          }
        },
        oxen::test::real_clock_config());
    expect_only(run(drift.base_url(), rules), "rules.queue.prompt_empty", "/status", "refused");
  }
  SUBCASE("a custom model that is not deployed still answers") {
    DriftServer drift(accepting("/api/ai/images/generate"), oxen::test::real_clock_config());
    auto report = run(drift.base_url(), rules);
    INFO(summary(report));
    // Both image-generation refusals are caught, each by its own rule; the rest pass.
    for (const auto& c : report.results)
      CHECK_MESSAGE((c.status == Status::failed) == (c.id == "rules.images.prompt_empty" || c.id == "rules.not_active.images"), c.id);
  }
}

TEST_CASE("media checks are priced per image and per output second, at the dearest listed rate") {
  const auto& edit = oxen::conformance::catalog_entry("rules.images.edit.source_required");
  json per_image = {{"id", "i"}, {"pricing", {{"method", "per_image"}, {"cost_per_image", 0.02}}}};
  CHECK(oxen::conformance::plan_cost(edit, per_image).usd == doctest::Approx(0.02));
  per_image["pricing"]["cost_per_image_grid"] = {{"high", {{"4K", 0.5}}}};
  CHECK(oxen::conformance::plan_cost(edit, per_image).usd == doctest::Approx(0.5));
  CHECK(oxen::conformance::plan_cost(edit, per_image).if_accepted);

  const auto& kling = oxen::conformance::catalog_entry("rules.videos.duration_total");  // 2 output seconds
  json per_second = {{"id", "v"}, {"pricing", {{"method", "per_video_output_second"}, {"cost_per_second", 0.1},
                                               {"cost_per_second_with_audio", 0.3}, {"cost_per_second_high_res", nullptr}}}};
  CHECK(oxen::conformance::plan_cost(kling, per_second).usd == doctest::Approx(0.6));
  CHECK(oxen::conformance::plan_cost(kling, per_second).each == "2 output seconds");
  for (const json& bad : {json("0.3"), json(-1)}) {
    json p = per_second;
    p["pricing"]["cost_per_second_with_audio"] = bad;
    CHECK_THROWS_WITH_AS(oxen::conformance::plan_cost(kling, p), doctest::Contains("is not a price"), std::runtime_error);
  }
  for (const json& bad : {json(nullptr), json(0), json("0.1")}) {
    json p = per_second;
    p["pricing"]["cost_per_second"] = bad;
    CHECK_THROWS_WITH_AS(oxen::conformance::plan_cost(kling, p), doctest::Contains("has no positive cost_per_second"), std::runtime_error);
  }
  // A plan without the quantity the model is billed by cannot be priced.
  json tokens = {{"id", "t"}, {"pricing", {{"method", "token"}, {"input_cost_per_token", 1e-6}, {"output_cost_per_token", 1e-6}}}};
  CHECK_THROWS_WITH_AS(oxen::conformance::plan_cost(kling, tokens), doctest::Contains("the plan has no input_tokens"), std::runtime_error);
}

namespace {

// The same change to a model in the list and to the model when retrieved, so that only the
// change itself shows (not a list/retrieve disagreement).
oxen::test::Perturbation each_model(std::function<void(json& model)> change) {
  return [change](Exchange& e) {
    if (e.method != "GET" || e.status != 200 || !e.body.is_object()) return;
    if (e.body.contains("data") && e.body["data"].is_array()) {
      for (auto& m : e.body["data"])
        if (m.is_object()) change(m);
    } else if (e.body.value("object", "") == "model") {
      change(e.body);
    }
  };
}

// The findings of `check` as "pointer [source rule]".
std::set<std::string> findings_of(const RunReport& r, const std::string& check) {
  std::set<std::string> out;
  for (const auto& f : result(r, check).findings)
    out.insert(f.pointer + " [" + to_string(f.source) + " " + f.rule + "]");
  return out;
}

}  // namespace

TEST_CASE("answers the published OpenAPI accepts but our tightenings do not: warnings by default, failures under --contract ours") {
  // Each model: an unknown modality, no pricing.method, a negative price. The published Model
  // allows all three (any string, method optional, any number).
  DriftServer drift(each_model([](json& m) {
    if (m.value("id", "") != "gpt-4o") return;
    m["capabilities"]["input"].push_back("3d");
    m["pricing"].erase("method");
    m["pricing"]["cost_per_image"] = -0.5;
  }));
  auto lenient = run(drift.base_url());
  INFO(summary(lenient));
  CHECK(lenient.all_passed());
  CHECK(lenient.contract == Source::documented);
  // gpt-4o's place in the list, which every finding of models.list points into.
  const auto& first = result(lenient, "models.list").findings.at(0).pointer;
  const std::string at = first.substr(0, first.find('/', 6));
  const std::set<std::string> tightened = {at + "/capabilities/input/2 [ours enum]", at + "/pricing/method [ours required]",
                                           at + "/pricing/cost_per_image [ours minimum]"};
  CHECK(findings_of(lenient, "models.list") == tightened);
  for (const auto& f : result(lenient, "models.list").findings) CHECK(f.severity == Severity::warning);
  CHECK(findings_of(lenient, "models.retrieve").size() == 3);  // the same three, when gpt-4o is retrieved

  auto strict = run(drift.base_url(), contract(Source::ours));
  INFO(summary(strict));
  CHECK(findings_of(strict, "models.list") == tightened);
  // Every check that reads gpt-4o's schema, and only those.
  const std::set<std::string> reading = {"models.list", "models.list.filter", "models.retrieve"};
  for (const auto& c : strict.results) CHECK_MESSAGE((c.status == Status::failed) == reading.count(c.id), c.id);
}

TEST_CASE("--contract published fails on published rules only") {
  SUBCASE("a field retyped against the published Model fails") {
    DriftServer drift([](Exchange& e) {
      if (is_list(e)) e.body["data"][1]["created"] = "yesterday";
    });
    auto report = run(drift.base_url(), contract(Source::published));
    expect_only(report, "models.list", "/data/1/created", "type");
    CHECK(findings_of(report, "models.list") == std::set<std::string>{"/data/1/created [published type]"});
  }
  SUBCASE("a field only the documentation requires is a warning") {
    DriftServer drift([](Exchange& e) {
      if (is_list(e)) e.body["data"][0].erase("display_name");
    });
    expect_warned(run(drift.base_url(), contract(Source::published)), "models.list", "/data/0/display_name", "required",
                  Source::documented);
    // ... and a failure at the default level (expect_only in "drift in the model list").
  }
  SUBCASE("a status only the documentation gives is a warning; one the OpenAPI declares fails") {
    DriftServer drift([](Exchange& e) {
      if (e.status == 401) e.status = 403;                      // 401 is documented, not published
      if (e.status == 404) e.body = json::array({"not", "an object"});  // 404 {type: object} is published
    });
    auto report = run(drift.base_url(), contract(Source::published));
    INFO(summary(report));
    CHECK(result(report, "errors.unauthenticated").status == Status::passed);
    CHECK(findings_of(report, "errors.unauthenticated") == std::set<std::string>{" [documented status]"});
    CHECK(result(report, "errors.model_not_found").status == Status::failed);
    CHECK(findings_of(report, "errors.model_not_found").count(" [published type]") == 1);
  }
}

TEST_CASE("a chat id outside our chatcmpl- pattern: in the answer and in every stream chunk, a warning of ours") {
  DriftServer drift([](Exchange& e) {
    if (e.method != "POST" || e.path != "/api/ai/chat/completions" || e.status != 200) return;
    if (e.body.is_object()) e.body["id"] = "cmpl-" + e.body.value("id", "");
    for (size_t at = e.raw.find("\"chatcmpl-"); at != std::string::npos; at = e.raw.find("\"chatcmpl-", at))
      e.raw.replace(at, 10, "\"cmpl-");
  });
  auto lenient = run(drift.base_url(), chat_only());
  INFO(summary(lenient));
  CHECK(lenient.all_passed());
  CHECK(findings_of(lenient, "chat.completion") == std::set<std::string>{"/id [ours pattern]"});
  CHECK(findings_of(lenient, "chat.stream") == std::set<std::string>{"/id [ours pattern]"});
  CHECK(lenient.warnings() > 3);  // one per chunk

  RunOptions o = chat_only();
  o.contract = Source::ours;
  auto strict = run(drift.base_url(), o);
  for (const char* id : {"chat.completion", "chat.stream", "chat.stream.tools"}) CHECK(result(strict, id).status == Status::failed);
}

TEST_CASE("a featured or favorites list that strays from the model list fails its own check alone") {
  SUBCASE("a featured model the list does not have") {
    DriftServer drift([](Exchange& e) {
      if (e.method == "GET" && e.path == "/api/ai/models/featured" && e.status == 200) e.body["data"][0]["id"] = "not-listed";
    });
    expect_only(run(drift.base_url()), "models.featured", "/data/0/id", "from_list");
  }
  SUBCASE("a favorite listed twice") {
    DriftServer drift([](Exchange& e) {
      if (e.method == "GET" && e.path == "/api/ai/models/favorites" && e.status == 200) {
        // The mock's favorites start empty: give the answer one listed model, twice.
        const auto models = oxen::mock::Fixtures::load().models["models"];
        e.body["data"] = json::array({models[0], models[0]});
      }
    });
    expect_only(run(drift.base_url()), "models.favorites", "/data/1/id", "unique");
  }
}

TEST_CASE("a generation history that ignores page_size fails generations.list alone") {
  DriftServer drift([](Exchange& e) {
    if (e.method == "GET" && e.path.rfind("/api/ai/generations?", 0) == 0 && e.status == 200) e.body["page_size"] = 50;
  });
  expect_only(run(drift.base_url()), "generations.list", "/page_size", "page_size");
}

TEST_CASE("an audio answer whose url is not a string fails media.audio.generate alone") {
  DriftServer drift([](Exchange& e) {
    if (e.method == "POST" && e.path == "/api/ai/audio/generate" && e.status == 200) e.body["audios"][0]["url"] = 7;
  });
  RunOptions o;
  o.profile = "full";
  o.max_cost = 1.0;  // the mock's fixture pricing, never billed
  o.only = {"media.audio."};
  expect_only(run(drift.base_url(), o), "media.audio.generate", "/audios/0/url", "type");
}

TEST_CASE("a transcription that does not give back the spoken text fails mock.audio.round_trip alone") {
  DriftServer drift([](Exchange& e) {
    if (e.method == "POST" && e.path == "/api/ai/audio/transcriptions" && e.status == 200) e.body["text"] = "An ox.";
  });
  RunOptions o;
  o.profile = "mock";
  o.only = {"mock.audio."};
  expect_only(run(drift.base_url(), o), "mock.audio.round_trip", "/text", "round_trip");
}

TEST_CASE("a fine-tune list that ignores page_size fails fine_tunes.accessible alone") {
  DriftServer drift([](Exchange& e) {
    if (e.method == "GET" && e.path.rfind("/api/user/fine_tunes?", 0) == 0 && e.status == 200) e.body["page_size"] = 20;
  });
  expect_only(run(drift.base_url()), "fine_tunes.accessible", "/page_size", "page_size");
}

TEST_CASE("a fine-tune that jumps from created to completed on run fails mock.fine_tune alone") {
  DriftServer drift([](Exchange& e) {
    bool run = e.path.size() > 12 && e.path.compare(e.path.size() - 12, 12, "/actions/run") == 0;
    if (e.method == "POST" && run && e.status == 200) e.body["fine_tune"]["status"] = "completed";
  }, oxen::test::real_clock_config());  // the mock profile follows queued jobs in real time
  RunOptions options;
  options.profile = "mock";
  expect_only(run(drift.base_url(), options), "mock.fine_tune", "/fine_tune/status", "transition");
}
