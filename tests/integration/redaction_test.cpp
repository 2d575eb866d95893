// A key made of '+', a space and '/' reaches the mock and the harness raw, URL-encoded and
// JSON-escaped; none of those forms, nor any piece of the key, is left in a journal entry or a
// report.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "drift_server.hpp"
#include "test_server.hpp"

namespace fs = std::filesystem;
using oxen::test::DriftServer;
using oxen::test::Exchange;
using oxen::test::TestServer;

namespace {

const std::string kKey = "sk-oxen/Q+z 7Tq=Wd91xy";
// A piece of the key no form spells differently and nothing else contains: if any form survived
// redaction, even in part, this would be left.
const std::string kTail = "Wd91xy";

// Percent-encoding of every byte outside A-Z a-z 0-9 - _ . ~; `space` is "%20" or "+".
std::string url_encoded(const std::string& s, bool upper, const std::string& space) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += space;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, upper ? "%%%02X" : "%%%02x", c);
      out += buf;
    }
  }
  return out;
}

// The key as a JSON text escapes it when it writes '/' as \/ and the rest as \u00XX.
std::string json_escaped(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '/') {
      out += "\\/";
    } else if (std::isalnum(c) || c == '-') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    }
  }
  return out;
}

std::vector<std::string> forms() {
  return {kKey, url_encoded(kKey, true, "%20"), url_encoded(kKey, false, "%20"), url_encoded(kKey, true, "+"),
          json_escaped(kKey)};
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a key with '+', ' ' and '/' is in no form left in a journal entry") {
  TestServer server;
  auto c = server.client(kKey);
  const auto all = forms();
  for (const auto& form : all) {
    // A raw space cannot travel in a request line: the raw form goes in the body only.
    if (form != kKey) c.Get("/api/ai/models?note=" + form);
    auto chat = c.Post("/api/ai/chat/completions",
                       R"({"model": "gpt-4o", "messages": [{"role": "user", "content": "my key is )" + form + R"("}]})",
                       "application/json");
    REQUIRE(chat);
    CHECK(chat->status == 200);
  }
  auto events = server.app().journal().snapshot();
  REQUIRE(events.size() == 2 * all.size() - 1);
  for (const auto& e : events) {
    const std::string entry = e.to_json().dump();
    INFO(entry);
    CHECK(entry.find(kTail) == std::string::npos);
    CHECK(entry.find("[redacted]") != std::string::npos);  // the key was there, in query or body
  }
}

TEST_CASE("a key with '+', ' ' and '/' is in no form left in a report") {
  // A server that echoes the key in every form, inside the answers the checks read.
  const auto all = forms();
  DriftServer drift([&](Exchange& e) {
    if (e.method == "GET" && e.path == "/api/ai/models" && e.status == 200)
      for (size_t i = 0; i < all.size(); ++i) e.body["data"][0]["echo_" + std::to_string(i)] = "key=" + all[i];
    if (e.status == 401) e.body["error"]["detail"] = "bad key " + all[1];
  });
  const auto dir = fs::temp_directory_path() / ("oxen-redaction-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> args = {"oxen-conformance", "run", "--base-url", drift.base_url(), "--api-key", kKey,
                                   "--strict", "--report-json", (dir / "report.json").string(), "--report-junit",
                                   (dir / "report.xml").string()};
  std::istringstream in;
  std::ostringstream out, err;
  const int code = oxen::conformance::conformance_main(args, {in, out, err, false});
  CHECK(code == 1);  // the echoed members are undeclared: failures under --strict

  const std::string report = slurp(dir / "report.json");
  CHECK(report.find("echo_4") != std::string::npos);  // the findings name the echoed members
  CHECK(report.find("[redacted]") != std::string::npos);
  for (const auto& text : {out.str(), err.str(), report, slurp(dir / "report.xml")}) {
    INFO(text);
    CHECK(text.find(kTail) == std::string::npos);
  }
  fs::remove_all(dir);
}
