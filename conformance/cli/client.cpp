#include "client.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <regex>
#include <thread>

#include "http.hpp"
#include "report.hpp"

namespace oxen::conformance {

namespace {

std::string find_mock(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("OXEN_MOCK"); env && *env) return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto candidate : {self.parent_path() / "oxen-mock", self.parent_path() / ".." / "mock" / "oxen-mock"})
      if (std::filesystem::exists(candidate)) return candidate.string();
  }
  return "oxen-mock";  // from PATH
}

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> v;
  for (auto& a : args) v.push_back(a.data());
  v.push_back(nullptr);
  return v;
}

struct Child {
  pid_t pid = -1;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
};

}  // namespace

int run_client(const ClientOptions& options, std::ostream& out, std::ostream& err) {
  if (options.command.empty()) {
    err << "oxen-conformance: client needs a command after --\n";
    return 2;
  }
  // 1. The mock, on a free port; its first line names the port.
  int pipefd[2];
  if (::pipe(pipefd) != 0) {
    err << "oxen-conformance: pipe failed\n";
    return 2;
  }
  std::vector<std::string> mock_args = {find_mock(options.mock_binary), "--port", "0", "--self-check", "--clock",
                                        options.clock};
  auto mock_argv = argv_of(mock_args);
  Child mock;
  mock.pid = ::fork();
  if (mock.pid == 0) {
    ::dup2(pipefd[1], STDOUT_FILENO);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    ::execvp(mock_argv[0], mock_argv.data());
    std::_Exit(127);
  }
  ::close(pipefd[1]);
  if (mock.pid < 0) {
    ::close(pipefd[0]);
    err << "oxen-conformance: cannot start the mock\n";
    return 2;
  }
  std::string line;
  int port = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(options.startup_timeout_s * 1000));
  static const std::regex listening(R"(listening on http://[^:]+:(\d+))");
  while (port == 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd p{pipefd[0], POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[256];
    auto n = ::read(pipefd[0], buf, sizeof buf);
    if (n <= 0) break;  // the mock exited
    line.append(buf, static_cast<size_t>(n));
    std::smatch m;
    if (std::regex_search(line, m, listening)) port = std::stoi(m[1]);
  }
  if (port == 0) {
    ::close(pipefd[0]);
    err << "oxen-conformance: the mock (" << mock_args[0] << ") did not start; set --mock or OXEN_MOCK\n";
    return 2;
  }
  // Keep draining the mock's output so it never blocks on a full pipe.
  std::thread drain([fd = pipefd[0]] {
    char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
    ::close(fd);
  });
  drain.detach();

  // 2. The command under test.
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/api";
  std::vector<std::string> cmd = options.command;
  // The environment is built before fork: only exec happens in the child.
  std::map<std::string, std::string> env_map;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env_map[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  env_map["OXEN_BASE_URL"] = base;
  env_map["OPENAI_BASE_URL"] = base + "/ai";
  env_map["OXEN_API_KEY"] = options.api_key;
  env_map["OPENAI_API_KEY"] = options.api_key;
  std::vector<std::string> env_store;
  for (const auto& [k, v] : env_map) env_store.push_back(k + "=" + v);
  auto envp = argv_of(env_store);
  auto cmd_argv = argv_of(cmd);
  pid_t child = ::fork();
  if (child == 0) {
    ::execvpe(cmd_argv[0], cmd_argv.data(), envp.data());
    std::_Exit(127);
  }
  if (child < 0) {
    err << "oxen-conformance: cannot start " << cmd[0] << "\n";
    return 2;
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  int cmd_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  if (cmd_exit == 127) {
    err << "oxen-conformance: cannot run " << cmd[0] << "\n";
    return 2;
  }

  // 3. What the mock saw.
  ApiClient admin(parse_base_url("http://127.0.0.1:" + std::to_string(port)), "");
  auto r = admin.get("/__admin/requests");
  auto journal = nlohmann::json::parse(r.body, nullptr, false);
  if (!r.ok || r.status != 200 || journal.is_discarded() || !journal.contains("requests")) {
    err << "oxen-conformance: cannot read the mock's journal (GET /__admin/requests)\n";
    return 2;
  }
  std::map<std::string, int> endpoints;
  size_t violations = 0, requests = 0;
  std::string violation_text;
  for (const auto& e : journal["requests"]) {
    ++requests;
    std::string route = e.value("route", "");
    std::string ep = e.value("method", "") + " " + (route.empty() ? e.value("path", "") + " (no route)" : route);
    ++endpoints[ep];
    for (const auto& v : e.value("request_findings", nlohmann::json::array())) {
      ++violations;
      violation_text += "FAIL  " + e.value("method", "") + " " + e.value("path", "") + " -> " +
                        std::to_string(e.value("status", 0)) + "  " + v.value("pointer", "") + " [" +
                        v.value("rule", "") + "] " + v.value("message", "") + "\n";
    }
  }
  out << "endpoints exercised:\n";
  for (const auto& [ep, n] : endpoints) out << "  " << ep << "  x" << n << "\n";
  out << redact(violation_text, options.api_key);
  out << "command exited " << cmd_exit << "; " << requests << " requests, " << violations
      << (violations == 1 ? " request-schema violation\n" : " request-schema violations\n");
  return violations == 0 && cmd_exit == 0 ? 0 : 1;
}

}  // namespace oxen::conformance
