// The curl examples in docs/ are programs: each one runs against a fresh mock and answers with
// the status the page promises (200/201 unless the line ends in "# expect NNN").
#include <doctest/doctest.h>

#include <fstream>
#include <regex>

#include "test_server.hpp"

namespace {

struct Example {
  std::string command;
  int expected;
};

std::vector<Example> curl_examples(const std::string& doc) {
  std::ifstream in(std::string(OXEN_SOURCE_DIR) + "/docs/" + doc);
  REQUIRE(in);
  std::vector<Example> out;
  std::string line;
  bool in_shell_block = false;
  const std::regex expect(R"(\s+#\s*expect\s+(\d{3})\s*$)");
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      in_shell_block = !in_shell_block && line.rfind("```sh", 0) == 0;
      continue;
    }
    if (!in_shell_block || line.rfind("curl ", 0) != 0) continue;
    Example e{line, 0};
    std::smatch m;
    if (std::regex_search(line, m, expect)) {
      e.expected = std::stoi(m[1]);
      e.command = line.substr(0, m.position(0));
    }
    out.push_back(e);
  }
  return out;
}

// Runs one example against `base`; returns the HTTP status curl saw.
int run_example(std::string command, const std::string& base) {
  for (size_t at; (at = command.find("http://127.0.0.1:8080")) != std::string::npos;)
    command.replace(at, 21, base);
  command.insert(5, "--max-time 10 -w '%{stderr}%{http_code}' ");
  std::string shell = "( " + command + " ) 2>&1 >/dev/null";
  FILE* p = ::popen(shell.c_str(), "r");
  std::string out;
  char buf[256];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  try {
    return std::stoi(out);
  } catch (const std::exception&) {
    return -1;
  }
}

void run_doc(const std::string& doc) {
  oxen::test::TestServer server;
  auto examples = curl_examples(doc);
  REQUIRE(!examples.empty());
  for (const auto& e : examples) {
    int status = run_example(e.command, server.base_url());
    INFO(doc << ": " << e.command);
    if (e.expected)
      CHECK(status == e.expected);
    else
      CHECK((status == 200 || status == 201));
  }
}

}  // namespace

TEST_CASE("docs/admin-api.md examples run as written") { run_doc("admin-api.md"); }
TEST_CASE("docs/configuration.md examples run as written") { run_doc("configuration.md"); }
TEST_CASE("docs/chat.md examples run as written") { run_doc("chat.md"); }
TEST_CASE("docs/media.md examples run as written") { run_doc("media.md"); }
TEST_CASE("docs/fine-tuning.md examples run as written") { run_doc("fine-tuning.md"); }
