// The oxen-conformance command line, run in-process against the mock and the drift fixture:
// exit codes, the summary line, reports, recordings, and the API key never written anywhere.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "drift_server.hpp"
#include "runner.hpp"
#include "text.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using oxen::test::DriftServer;
using oxen::test::Exchange;

namespace {

struct Ran {
  int code;
  std::string out, err;
};

Ran cli(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), "oxen-conformance");
  std::istringstream in(input);
  std::ostringstream out, err;
  oxen::conformance::Io io{in, out, err, false};
  int code = oxen::conformance::conformance_main(args, io);
  return {code, out.str(), err.str()};
}

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("oxen-conformance-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// How many checks the readonly profile runs, from the catalog.
size_t readonly_checks() { return oxen::conformance::select_checks(oxen::conformance::RunOptions{}).size(); }

}  // namespace

TEST_CASE("run: exit 0 and a summary line when every check passes") {
  oxen::test::TestServer server;
  auto r = cli({"run", "--base-url", server.base_url() + "/api", "--api-key", "test-key"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(last_line(r.out) == std::to_string(readonly_checks()) + " passed, 0 failed");
  CHECK(r.out.find("PASS  models.list  ") != std::string::npos);
  CHECK(r.out.find("\033[") == std::string::npos);  // no colour off a terminal

  SUBCASE("--only and --skip select by id or group prefix") {
    auto only = cli({"run", "--base-url", server.base_url() + "/api", "--api-key", "k", "--only", "errors."});
    CHECK(only.code == 0);
    CHECK(last_line(only.out) == "4 passed, 0 failed");  // errors.*: three of models, one of generations
    auto skip = cli({"run", "--base-url", server.base_url() + "/api", "--api-key", "k", "--skip", "models.",
                     "--skip", "errors.unauthenticated"});
    oxen::conformance::RunOptions skipped;
    skipped.skip = {"models.", "errors.unauthenticated"};
    CHECK(last_line(skip.out) == std::to_string(oxen::conformance::select_checks(skipped).size()) + " passed, 0 failed");
  }
}

TEST_CASE("run: exit 1 on a failed check, exit 2 when it cannot run") {
  DriftServer drift([](Exchange& e) {
    if (e.status == 401) e.status = 403;
  });
  auto failed = cli({"run", "--base-url", drift.base_url(), "--api-key", "k"});
  CHECK(failed.code == 1);
  CHECK(last_line(failed.out) == std::to_string(readonly_checks() - 1) + " passed, 1 failed");
  CHECK(failed.out.find("FAIL  errors.unauthenticated") != std::string::npos);

  auto refused = cli({"run", "--base-url", "http://127.0.0.1:1/api", "--api-key", "k", "--timeout", "2"});
  CHECK(refused.code == 2);
  CHECK(refused.err.find("connection refused") != std::string::npos);
  CHECK(cli({"run", "--base-url", "ftp://example/api", "--api-key", "k"}).code == 2);
  CHECK(cli({"run", "--base-url", drift.base_url(), "--api-key", "k", "--only", "no.such.check"}).code == 2);
  CHECK(cli({"run", "--base-url", drift.base_url(), "--api-key", "k", "--profile", "everything"}).code == 2);
  auto unknown = cli({"bogus"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("unknown subcommand 'bogus'") != std::string::npos);
  CHECK(unknown.err.find("run, validate") != std::string::npos);
  CHECK(cli({"run", "--base-url", drift.base_url(), "--api-key", "k", "--timeout", "0"}).code == 2);
  CHECK(cli({"run", "--base-url", drift.base_url(), "--api-key", "k", "--timeout", "86400"}).code == 2);
  auto version = cli({"--version"});
  CHECK(version.code == 0);
  CHECK(version.out.rfind("oxen-conformance ", 0) == 0);
}

TEST_CASE("the API key appears in no output, report or recording") {
  const std::string key = "sk-oxen-7f3a9c1e5b2d4f60";
  // A server that echoes the key back in bodies, the worst case for leaking it.
  DriftServer drift([&](Exchange& e) {
    if (e.method == "GET" && e.path == "/api/ai/models" && e.status == 200) {
      e.body["data"][0]["echo"] = "Authorization: Bearer " + key;
      e.body["data"][0]["api_key"] = key;
    }
    if (e.status == 401) e.body["error"]["detail"] = "bad key " + key;
  });
  auto dir = fresh_dir("secrets");
  auto run = cli({"run", "--base-url", drift.base_url(), "--api-key", key, "--strict", "--report-json",
                  (dir / "report.json").string(), "--report-junit", (dir / "report.xml").string(),
                  "--report-html", (dir / "report.html").string()});
  CHECK(run.code == 1);  // the echoed members are undeclared: failures under --strict
  auto rec = cli({"record", "--base-url", drift.base_url(), "--api-key", key, "--out", (dir / "snap").string()});
  CHECK(rec.code == 0);

  std::vector<std::string> artefacts = {run.out, run.err, rec.out, rec.err};
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) {
      artefacts.push_back(slurp(entry.path()));
      ++files;
    }
  CHECK(files == 7);  // report.json, .xml, .html; snapshot.json, models.json, report.json, .html
  for (const auto& text : artefacts) CHECK(text.find(key) == std::string::npos);
  CHECK(slurp(dir / "report.json").find("[redacted]") != std::string::npos);
  CHECK(run.out.find("[redacted]") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("reports: JSON with every finding, JUnit with one testcase per check, HTML to read") {
  DriftServer drift([](Exchange& e) {
    if (e.status == 404 && e.path.rfind("/api/ai/models/", 0) == 0) e.body = {{"error", {{"message", "<nope> & \"gone\""}}}};
    if (e.method == "GET" && e.path == "/api/ai/models" && e.status == 200) e.body["data"][0]["x_extra"] = true;
  });
  auto dir = fresh_dir("reports");
  auto r = cli({"run", "--base-url", drift.base_url(), "--api-key", "k", "--report-json",
                (dir / "r.json").string(), "--report-junit", (dir / "r.xml").string(), "--report-html",
                (dir / "r.html").string()});
  CHECK(r.code == 1);
  auto report = json::parse(slurp(dir / "r.json"));
  CHECK(report["summary"]["failed"] == 1);
  CHECK(report["summary"]["passed"] == readonly_checks() - 1);
  CHECK(report["summary"]["warnings"] == 1);
  REQUIRE(report["checks"].size() == readonly_checks());
  json nf;
  for (const auto& c : report["checks"])
    if (c["id"] == "errors.model_not_found") nf = c;
  CHECK(nf["id"] == "errors.model_not_found");
  CHECK(nf["findings"][0]["pointer"] == "/error/message");
  CHECK(nf["findings"][0]["rule"] == "exact_body");
  CHECK(nf["findings"][0]["excerpt"] == "\"<nope> & \\\"gone\\\"\"");
  CHECK(nf["findings"][0]["source"] == "documented");  // the docs give the exact message
  CHECK(report["contract"] == "documented");
  CHECK(r.out.find("/error/message [documented exact_body] expected") != std::string::npos);

  auto xml = slurp(dir / "r.xml");
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0) == 0);
  CHECK(xml.find("<testsuite name=\"oxen-conformance.readonly\" tests=\"" + std::to_string(readonly_checks()) +
                 "\" failures=\"1\"") != std::string::npos);
  size_t testcases = 0;
  for (auto at = xml.find("<testcase "); at != std::string::npos; at = xml.find("<testcase ", at + 1)) ++testcases;
  CHECK(testcases == readonly_checks());
  CHECK(xml.find("name=\"errors.model_not_found\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"GET /ai/models/oxen-conformance-no-such-model /error/message: expected") !=
        std::string::npos);
  CHECK(xml.find("&lt;nope&gt; &amp; \\&quot;gone\\&quot;") != std::string::npos);
  CHECK(xml.find("<nope>") == std::string::npos);
  CHECK(xml.find("<system-out>warning GET /ai/models /data/0/x_extra [documented unknown_member]") != std::string::npos);
  CHECK(xml.find("<property name=\"contract\" value=\"documented\"/>") != std::string::npos);
  CHECK(xml.find("type=\"documented exact_body\">") != std::string::npos);

  auto html = slurp(dir / "r.html");
  CHECK(html.rfind("<!doctype html>\n<html lang=\"en\">", 0) == 0);
  CHECK(html.find("<title>oxen-conformance: 1 failed") != std::string::npos);
  size_t sections = 0;
  for (auto at = html.find("<section class=\"check "); at != std::string::npos;
       at = html.find("<section class=\"check ", at + 1))
    ++sections;
  CHECK(sections == readonly_checks());
  // The failed check is open, with its finding's request, pointer, rule, source and value.
  auto failed = html.find("<section class=\"check failed\" id=\"check-errors.model_not_found\">\n<details open>");
  REQUIRE(failed != std::string::npos);
  auto row = html.find("<tr class=\"failure\">", failed);
  REQUIRE(row != std::string::npos);
  const std::string cells = html.substr(row, html.find("</tr>", row) - row);
  CHECK(cells.find("<code>GET /ai/models/oxen-conformance-no-such-model</code>") != std::string::npos);
  CHECK(cells.find("<code>/error/message</code>") != std::string::npos);
  CHECK(cells.find("<td>exact_body</td><td>documented</td>") != std::string::npos);
  CHECK(cells.find("&quot;&lt;nope&gt; &amp; \\&quot;gone\\&quot;&quot;") != std::string::npos);
  CHECK(html.find("<nope>") == std::string::npos);
  CHECK(html.find("<tr class=\"warning\"><td>warning</td><td><code>GET /ai/models</code></td><td><code>/data/0/x_extra</code>") !=
        std::string::npos);
  // Self-contained: nothing is loaded from anywhere, so it opens from a CI artefact as it is.
  for (const char* ref : {"src=", "href=", "url(", "@import", "<script"}) CHECK(html.find(ref) == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("run --contract: which sources' rules fail the run") {
  // A retrieve that disagrees with its list entry breaks a rule of ours (equals_list) only.
  DriftServer drift([](Exchange& e) {
    if (e.method == "GET" && e.path == "/api/ai/models/gpt-4o") e.body["description"] = "Something else entirely.";
  });
  const std::vector<std::string> base = {"run", "--base-url", drift.base_url(), "--api-key", "k"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  };
  auto lenient = with({});
  INFO(lenient.out << lenient.err);
  CHECK(lenient.code == 0);
  CHECK(lenient.out.find("warning GET /ai/models/gpt-4o /description [ours equals_list]") != std::string::npos);
  CHECK(lenient.out.find("(profile readonly, contract documented)") != std::string::npos);
  CHECK(with({"--contract", "published"}).code == 0);
  auto strict = with({"--contract", "ours"});
  CHECK(strict.code == 1);
  CHECK(strict.out.find("failure GET /ai/models/gpt-4o /description [ours equals_list]") != std::string::npos);
  CHECK(strict.out.find("contract ours") != std::string::npos);
  auto bad = with({"--contract", "folklore"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--contract") != std::string::npos);
}

TEST_CASE("record and diff: a snapshot, a fixture, and shape-level drift") {
  auto dir = fresh_dir("record");
  {
    oxen::test::TestServer server;
    auto r = cli({"record", "--base-url", server.base_url() + "/api", "--api-key", "k", "--out", (dir / "a").string()});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.err.empty());  // models.json satisfies the fixture schema
  }
  {
    DriftServer drift([](Exchange& e) {
      if (e.method == "GET" && e.path == "/api/ai/models" && e.status == 200) {
        auto& d = e.body["data"];
        d[0]["x_new"] = "v";
        d[0]["pricing"]["input_cost_per_token"] = 1.0;
        d.erase(d.size() - 1);
        for (auto& m : d) m["created"] = 1234;  // volatile: masked
      }
    });
    // The list now disagrees with retrieve on pricing (a rule of ours, so held to --contract ours):
    // a check fails, the recording is still made.
    CHECK(cli({"record", "--base-url", drift.base_url(), "--api-key", "k", "--contract", "ours", "--out",
               (dir / "b").string()})
              .code == 1);
    CHECK(fs::exists(dir / "b" / "snapshot.json"));
  }
  auto fixture = json::parse(slurp(dir / "a" / "models.json"));
  const auto builtin = oxen::mock::Fixtures::load().models["models"];
  CHECK(fixture["models"].size() == builtin.size());
  // The recorded models are a fixture the mock loads (oxen-mock --fixtures DIR).
  {
    auto fixtures_dir = dir / "fixtures";
    fs::create_directories(fixtures_dir);
    fs::copy_file(dir / "a" / "models.json", fixtures_dir / "models.json");
    CHECK_NOTHROW(oxen::mock::Fixtures::load(fixtures_dir.string()));
  }

  auto same = cli({"diff", (dir / "a").string(), (dir / "a" / "snapshot.json").string()});
  CHECK(same.code == 0);
  CHECK(last_line(same.out) == "0 differences");

  auto d = cli({"diff", (dir / "a").string(), (dir / "b").string(), "--report-html", (dir / "diff.html").string()});
  INFO(d.out);
  CHECK(d.code == 1);
  CHECK(slurp(dir / "diff.html").find("<td>pricing_changed</td><td><code>claude-sonnet-4-6</code></td>") !=
        std::string::npos);
  CHECK(d.out.find("field_added GET /ai/models 200 /data/*/x_new: string") != std::string::npos);
  CHECK(d.out.find("pricing_changed claude-sonnet-4-6") != std::string::npos);
  CHECK(d.out.find("model_removed " + builtin.back()["id"].get<std::string>()) != std::string::npos);
  CHECK(d.out.find("created") == std::string::npos);
  CHECK(cli({"diff", (dir / "a").string(), (dir / "missing").string()}).code == 2);
  fs::remove_all(dir);
}

TEST_CASE("record and diff: a removed model is one line, model changes are named, and a changed --seed shows in the mock profile") {
  auto dir = fresh_dir("record-profiles");
  auto record = [&](const std::string& url, const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"record", "--base-url", url, "--api-key", "k", "--out", (dir / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli(args);
    INFO(r.out << r.err);
    return r.code;
  };
  auto diff_lines = [&](const std::string& a, const std::string& b) {
    auto r = cli({"diff", (dir / a).string(), (dir / b).string()});
    INFO(r.out << r.err);
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);)
      if (!l.empty() && l.find(" difference") == std::string::npos) lines.push_back(l);
    return lines;
  };
  const std::string gone = "oxen:acme/broken-lora";  // the only model in an `error` deployment
  {
    oxen::test::TestServer server(oxen::test::real_clock_config());
    CHECK(record(server.base_url() + "/api", "ro") == 0);
    CHECK(record(server.base_url() + "/api", "mock-a", {"--profile", "mock"}) == 0);
  }
  {
    auto config = oxen::test::real_clock_config();
    config.seed = 99;
    oxen::test::TestServer server(config);
    CHECK(record(server.base_url() + "/api", "mock-b", {"--profile", "mock"}) == 0);
  }
  {
    DriftServer drift([&](Exchange& e) {
      if (e.method == "GET" && e.path.rfind("/api/ai/models", 0) == 0 && e.status == 200 && e.body.contains("data")) {
        json kept = json::array();
        for (auto& m : e.body["data"]) {
          if (m["id"] == gone) continue;
          if (m["id"] == "gpt-4o") m["capabilities"]["output"] = json::array({"text", "audio"});
          if (m["id"] == "flux-2-dev") m["endpoint"] = "/images/edit";
          kept.push_back(m);
        }
        e.body["data"] = kept;
      }
    });
    record(drift.base_url(), "ro-b");  // some checks fail against the changed list; the recording is made
  }
  auto models = diff_lines("ro", "ro-b");
  CHECK(std::count(models.begin(), models.end(), "model_removed " + gone) == 1);
  CHECK(std::any_of(models.begin(), models.end(), [](const std::string& l) { return l.rfind("capabilities_changed gpt-4o: ", 0) == 0; }));
  CHECK(std::any_of(models.begin(), models.end(),
                    [](const std::string& l) { return l == "endpoint_changed flux-2-dev: \"/images/generate\" -> \"/images/edit\""; }));
  // Nothing else names the removed model: not its fields, not its values, not its retrieve.
  for (const auto& l : models) CHECK_MESSAGE((l.find("broken-lora") == std::string::npos || l == "model_removed " + gone), l);

  auto seeds = diff_lines("mock-a", "mock-b");
  CHECK(std::any_of(seeds.begin(), seeds.end(), [](const std::string& l) { return l.rfind("content_changed POST /ai/chat/completions 200", 0) == 0; }));
  CHECK(std::any_of(seeds.begin(), seeds.end(), [](const std::string& l) { return l.rfind("content_changed POST /ai/images/generate 200", 0) == 0; }));
  // The same seed twice: no content change.
  CHECK(diff_lines("mock-a", "mock-a").empty());
  // A readonly snapshot has no seeded answers to compare.
  auto ro = json::parse(slurp(dir / "ro" / "snapshot.json"));
  CHECK(ro["profile"] == "readonly");
  fs::remove_all(dir);
}

namespace {

// A program of the build tree, found from this test program's place in it.
fs::path built(const std::string& relative) {
  return fs::read_symlink("/proc/self/exe").parent_path() / ".." / relative;
}

}  // namespace

TEST_CASE("client: runs a command against a fresh mock and reports its request-schema violations") {
  const fs::path mock = OXEN_MOCK_BINARY;
  const fs::path self = built("conformance/oxen-conformance");
  SUBCASE("a well-behaved client") {
    if (!fs::exists(self)) {
      MESSAGE("oxen-conformance not built; skipped");
      return;
    }
    auto r = cli({"client", "--mock", mock.string(), "--", "sh", "-c",
                  "exec \"$0\" run --base-url \"$OXEN_BASE_URL\" --only errors. > /dev/null", self.string()});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("GET /api/ai/models/search  x1") != std::string::npos);
    CHECK(last_line(r.out) == "command exited 0; 5 requests, 0 failures, 0 warnings");
  }
  SUBCASE("a client that sends a body breaking the chat request schema") {
    if (!fs::exists("/usr/bin/python3")) {
      MESSAGE("python3 not installed; skipped");
      return;
    }
    const std::string script = R"(
import json, os, urllib.request
req = urllib.request.Request(os.environ["OXEN_BASE_URL"] + "/ai/chat/completions", method="POST",
    data=json.dumps({"model": "gpt-4o", "messages": [{"role": "robot", "content": "hi"}]}).encode(),
    headers={"Authorization": "Bearer " + os.environ["OXEN_API_KEY"], "Content-Type": "application/json"})
try:
    urllib.request.urlopen(req).read()
except Exception:
    pass
)";
    auto r = cli({"client", "--mock", mock.string(), "--api-key", "sk-client-secret-123", "--", "/usr/bin/python3", "-c",
                  script});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("FAIL  POST /api/ai/chat/completions -> 400  /body/messages/0/role [enum]") != std::string::npos);
    CHECK(r.out.find("sk-client-secret-123") == std::string::npos);
    CHECK(last_line(r.out) == "command exited 0; 1 requests, 1 failure, 0 warnings");
  }
  CHECK(cli({"client", "--mock", mock.string(), "--", "/no/such/program"}).code == 2);
  CHECK(cli({"client", "--mock", "/no/such/mock", "--", "true"}).code == 2);
}

namespace {

// A Python client for `client -- python3 -c SCRIPT`: send() makes one request over a kept-alive
// connection to the mock the harness started and returns its status.
const std::string kPythonClient = R"(
import http.client, json, os, urllib.parse
base = urllib.parse.urlparse(os.environ["OXEN_BASE_URL"])
conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
def send(method, path, body=None, headers={}):
    h = {"Authorization": "Bearer " + os.environ["OXEN_API_KEY"], "Content-Type": "application/json"}
    h.update(headers)
    data = body if body is None or isinstance(body, str) else json.dumps(body)
    conn.request(method, base.path + path, body=data, headers=h)
    r = conn.getresponse()
    r.read()
    return r.status
BAD_CHAT = {"model": "gpt-4o", "messages": [{"role": "robot", "content": "hi"}]}
)";

Ran client_running(const std::string& script, std::vector<std::string> options = {}) {
  std::vector<std::string> args = {"client", "--mock", OXEN_MOCK_BINARY};
  args.insert(args.end(), options.begin(), options.end());
  for (const auto& a : {std::string("--"), std::string("/usr/bin/python3"), std::string("-c"), kPythonClient + script})
    args.push_back(a);
  return cli(args);
}

}  // namespace

TEST_CASE("client: sees every request the command sends") {
  if (!fs::exists("/usr/bin/python3")) {
    MESSAGE("python3 not installed; skipped");
    return;
  }
  SUBCASE("more requests than the journal keeps, with one bad request late") {
    auto r = client_running(R"(
for i in range(1100):
    send("GET", "/ai/models")
send("POST", "/ai/chat/completions", BAD_CHAT)
for i in range(20):
    send("GET", "/ai/models")
)");
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("GET /api/ai/models  x1120") != std::string::npos);
    CHECK(r.out.find("FAIL  POST /api/ai/chat/completions -> 400  /body/messages/0/role [enum]") != std::string::npos);
    CHECK(last_line(r.out) == "command exited 0; 1121 requests, 1 failure, 0 warnings");
  }
  SUBCASE("a bad request in a namespace of its own") {
    auto r = client_running(R"(
send("GET", "/ai/models")
send("POST", "/ai/chat/completions", BAD_CHAT, {"X-Mock-Namespace": "suite-a"})
)");
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("FAIL  POST /api/ai/chat/completions (namespace suite-a) -> 400  /body/messages/0/role [enum]") !=
          std::string::npos);
    CHECK(last_line(r.out) == "command exited 0; 2 requests, 1 failure, 0 warnings");
  }
  SUBCASE("requests the command's own reset clears from the journal") {
    auto r = client_running(R"(
send("POST", "/ai/chat/completions", BAD_CHAT)
conn.request("POST", "/__admin/reset")
conn.getresponse().read()
)");
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("/body/messages/0/role [enum]") != std::string::npos);
  }
  SUBCASE("a body that is not JSON is a failure at the body's root") {
    auto r = client_running(R"(
send("POST", "/ai/chat/completions", '{"model": "gpt-4o", "messages": [')
)");
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("FAIL  POST /api/ai/chat/completions -> 400  /body [json] request body is not valid JSON") !=
          std::string::npos);
    CHECK(last_line(r.out) == "command exited 0; 1 requests, 1 failure, 0 warnings");
  }
  SUBCASE("misspelled parameters and members: warnings, failures under --strict") {
    const std::string script = R"(
send("GET", "/ai/models?developer=openai&action=chat")
send("POST", "/ai/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "max_token": 5})
)";
    auto lenient = client_running(script);
    INFO(lenient.out << lenient.err);
    CHECK(lenient.code == 0);
    CHECK(lenient.out.find("WARN  GET /api/ai/models -> 200  /query/developer [unknown_parameter] query parameter not "
                           "declared by GET /api/ai/models — \"openai\"") != std::string::npos);
    CHECK(lenient.out.find("/query/action") == std::string::npos);  // declared
    CHECK(lenient.out.find("WARN  POST /api/ai/chat/completions -> 200  /body/max_token [unknown_member] member not "
                           "declared by schema 'chat_request' — 5") != std::string::npos);
    CHECK(last_line(lenient.out) == "command exited 0; 2 requests, 0 failures, 2 warnings");

    auto strict = client_running(script, {"--strict"});
    INFO(strict.out << strict.err);
    CHECK(strict.code == 1);
    CHECK(strict.out.find("FAIL  GET /api/ai/models -> 200  /query/developer [unknown_parameter]") != std::string::npos);
    CHECK(strict.out.find("FAIL  POST /api/ai/chat/completions -> 200  /body/max_token [unknown_member]") !=
          std::string::npos);
    CHECK(last_line(strict.out) == "command exited 0; 2 requests, 2 failures, 0 warnings");
  }
  SUBCASE("requests lost before they were read: exit 2, saying why") {
    // The mock holds one unread request; a burst of 200 on one connection outruns the reader.
    auto r = client_running(R"(
for i in range(200):
    send("GET", "/ai/models")
)",
                            {"--journal-feed", "1"});
    INFO(r.out << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("could not see every request the command sent") != std::string::npos);
    CHECK(r.err.find("raise --journal-feed") != std::string::npos);
  }
}

TEST_CASE("bytes that are not UTF-8 become findings and are escaped in every report") {
  DriftServer drift([](Exchange& e) {
    if (e.method == "GET" && e.path == "/api/ai/models" && e.status == 200) {
      e.body["data"][0]["display_name"] = "@@BAD@@";
      e.raw = e.body.dump();
      e.raw.replace(e.raw.find("@@BAD@@"), 7, "Bad \xff\xfe name");
      e.body = nullptr;  // sent as the raw bytes
    }
  });
  auto dir = fresh_dir("utf8");
  auto r = cli({"run", "--base-url", drift.base_url(), "--api-key", "k", "--report-json", (dir / "r.json").string(),
                "--report-junit", (dir / "r.xml").string()});
  INFO(r.out << r.err);
  CHECK(r.code == 1);  // reported, not aborted
  auto report = json::parse(slurp(dir / "r.json"));  // parses: valid UTF-8 throughout
  CHECK(report["summary"]["failed"].get<int>() >= 1);
  auto xml = slurp(dir / "r.xml");
  CHECK(xml.find("\xff") == std::string::npos);
  CHECK(oxen::valid_utf8(xml) == xml);

  auto rec = cli({"record", "--base-url", drift.base_url(), "--api-key", "k", "--out", (dir / "rec").string()});
  INFO(rec.out << rec.err);
  CHECK(rec.code == 1);
  auto snap = json::parse(slurp(dir / "rec" / "snapshot.json"));
  CHECK(snap["exchanges"].size() > 0);
  fs::remove_all(dir);
}
