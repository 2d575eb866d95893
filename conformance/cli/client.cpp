#include "client.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <regex>
#include <sstream>
#include <thread>

#include "api_document.hpp"
#include "findings.hpp"
#include "http.hpp"
#include "report.hpp"
#include "shape.hpp"

namespace oxen::conformance {

namespace {

std::string find_mock(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("OXEN_MOCK"); env && *env) return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto candidate :
         {self.parent_path() / "oxen-mock", self.parent_path() / ".." / "mock" / "oxen-mock"})
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

// Starts the mock on a free port and returns the port it names on its first line; 0 (with the
// reason on `err`) when it does not start.
int start_mock(const ClientOptions& options, Child& mock, std::ostream& err) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) {
    err << "oxen-conformance: pipe failed\n";
    return 0;
  }
  // The feed keeps every request of every namespace until we have read it.
  std::vector<std::string> mock_args = {find_mock(options.mock_binary),
                                        "--port",
                                        "0",
                                        "--self-check",
                                        "--clock",
                                        options.clock,
                                        "--journal-feed",
                                        std::to_string(options.journal_feed)};
  auto mock_argv = argv_of(mock_args);
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
    return 0;
  }
  std::string line;
  int port = 0;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int>(options.startup_timeout_s * 1000));
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
    err << "oxen-conformance: the mock (" << mock_args[0]
        << ") did not start; set --mock or OXEN_MOCK\n";
    return 0;
  }
  // Keep draining the mock's output so it never blocks on a full pipe.
  std::thread drain([fd = pipefd[0]] {
    char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
    ::close(fd);
  });
  drain.detach();
  return port;
}

// Starts CMD with the mock's URLs and the key in its environment; -1 when fork fails.
pid_t start_command(const ClientOptions& options, int port) {
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
  return child;
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// The operation a journal entry was routed to (by method and route pattern), or none.
const Operation* operation_of(const std::string& method, const std::string& route) {
  if (route.empty()) return nullptr;
  for (const auto& op : ApiDocument::builtin().operations())
    if (op.method == method && op.pattern() == route) return &op;
  return nullptr;
}

// The journal's query string ("a=1&b=2", names and values already decoded) as an object.
nlohmann::json query_object(const std::string& query) {
  auto out = nlohmann::json::object();
  for (size_t start = 0; start < query.size();) {
    size_t end = std::min(query.find('&', start), query.size());
    std::string pair = query.substr(start, end - start);
    size_t eq = pair.find('=');
    if (!pair.empty()) out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

// What the command's requests showed. A request is judged as the document
// {"query": {...}, "body": ...}, so each finding's pointer says which part it is about.
class TrafficReport {
 public:
  explicit TrafficReport(bool strict) : outcome_("client", strict) {}

  void add(const nlohmann::json& entry) {
    ++requests_;
    const std::string method = entry.value("method", ""), path = entry.value("path", ""),
                      route = entry.value("route", ""), ns = entry.value("namespace", "");
    ++endpoints_[method + " " + (route.empty() ? path + " (no route)" : route)];
    const std::string subject = method + " " + path +
                                (ns.empty() ? "" : " (namespace " + ns + ")") + " -> " +
                                std::to_string(entry.value("status", 0));
    nlohmann::json request = {{"query", query_object(entry.value("query", ""))},
                              {"body", body_of(entry)}};
    bool body_is_json = !request["body"].is_discarded();
    if (!body_is_json) request["body"] = entry.value("body", "");  // the text, for the excerpt
    for (const auto& v : entry.value("request_findings", nlohmann::json::array())) {
      body_is_json = body_is_json && v.value("rule", "") != "json";
      outcome_.failure(subject, "/body" + v.value("pointer", ""), v.value("rule", ""),
                       v.value("message", ""), &request);
    }
    const Operation* op = operation_of(method, route);
    if (!op) return;
    undeclared_parameters(*op, subject, request);
    if (op->request_schema.empty() || !body_is_json) return;
    if (entry.value("body_truncated", false)) {
      ++unchecked_bodies_;
      return;
    }
    for (const auto& p :
         unknown_members(SchemaStore::builtin(), op->request_schema, request["body"]))
      outcome_.warning(subject, "/body" + p, "unknown_member",
                       "member not declared by schema '" + op->request_schema + "'", &request);
  }

  void print(std::ostream& out, int cmd_exit) const {
    out << "endpoints exercised:\n";
    for (const auto& [ep, n] : endpoints_) out << "  " << ep << "  x" << n << "\n";
    for (const auto& f : outcome_.findings()) {
      out << (f.severity == Severity::failure ? "FAIL  " : "WARN  ") << f.subject << "  "
          << f.pointer << " [" << f.rule << "] " << f.message;
      if (!f.excerpt.empty()) out << " — " << f.excerpt;
      out << "\n";
    }
    if (unchecked_bodies_)
      out << "note: " << unchecked_bodies_
          << " request bodies were longer than the journal keeps; their undeclared members were "
             "not checked\n";
    out << "command exited " << cmd_exit << "; " << requests_ << " requests, "
        << counted(Severity::failure, "failure") << ", " << counted(Severity::warning, "warning")
        << "\n";
  }

  bool has_failure() const { return outcome_.has_failure(); }

 private:
  // The body as JSON (a blank one is `{}`, as the mock reads it); discarded when it is not JSON.
  static nlohmann::json body_of(const nlohmann::json& entry) {
    const std::string text = entry.value("body", "");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
    return nlohmann::json::parse(text, nullptr, false);
  }

  void undeclared_parameters(const Operation& op, const std::string& subject,
                             const nlohmann::json& request) {
    for (const auto& [name, value] : request["query"].items()) {
      if (std::find(op.query_params.begin(), op.query_params.end(), name) != op.query_params.end())
        continue;
      outcome_.warning(subject, "/query/" + escape_pointer_token(name), "unknown_parameter",
                       "query parameter not declared by " + op.method + " " + op.path, &request);
    }
  }

  // "1 failure", "2 warnings".
  std::string counted(Severity s, const std::string& noun) const {
    const auto n = std::count_if(outcome_.findings().begin(), outcome_.findings().end(),
                                 [s](const Finding& f) { return f.severity == s; });
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
  }

  Outcome outcome_;
  std::map<std::string, int> endpoints_;
  size_t requests_ = 0, unchecked_bodies_ = 0;
};

// Reads the mock's journal feed page by page. Sequence numbers are consecutive across
// namespaces, so a gap is a request we can no longer see.
class FeedReader {
 public:
  FeedReader(int port, TrafficReport& report)
      : admin_(parse_base_url("http://127.0.0.1:" + std::to_string(port)), "", quiet()),
        report_(report) {}

  // Reads every page there is now; false (with `error()`) when the feed cannot be read.
  bool read_available() {
    static constexpr size_t kPage = 1000;
    while (true) {
      auto r = admin_.get("/__admin/requests/feed?after=" + std::to_string(cursor_) +
                          "&limit=" + std::to_string(kPage));
      auto page = nlohmann::json::parse(r.body, nullptr, false);
      if (!r.ok || r.status != 200 || !page.is_object() || !page.contains("requests") ||
          !page["requests"].is_array()) {
        error_ = "cannot read the mock's journal feed (GET /__admin/requests/feed): " +
                 (r.ok ? "it answered " + std::to_string(r.status) : r.transport_error);
        return false;
      }
      dropped_ = page.value("dropped", dropped_);
      for (const auto& entry : page["requests"]) take(entry);
      if (page["requests"].size() < kPage) return true;
    }
  }

  uint64_t missed() const { return missed_; }
  uint64_t dropped() const { return dropped_; }
  const std::string& error() const { return error_; }

 private:
  static HttpOptions quiet() {
    HttpOptions o;
    o.keep_exchanges = false;  // we poll for as long as the command runs
    return o;
  }

  void take(const nlohmann::json& entry) {
    const uint64_t sequence = entry.value("sequence", uint64_t{0});
    if (sequence <= cursor_) return;  // never counted twice
    missed_ += sequence - cursor_ - 1;
    cursor_ = sequence;
    report_.add(entry);
  }

  ApiClient admin_;
  TrafficReport& report_;
  uint64_t cursor_ = 0, missed_ = 0, dropped_ = 0;
  std::string error_;
};

// Why some requests could not be seen, as one sentence.
std::string missed_sentence(const FeedReader& feed, size_t limit) {
  std::string why =
      feed.dropped() > 0
          ? "the mock dropped them from its journal feed, which holds at most " +
                std::to_string(limit) + " unread requests (raise --journal-feed)"
          : "something else read them from the mock's journal feed (GET /__admin/requests/feed has "
            "one reader, this program)";
  return "oxen-conformance: could not see every request the command sent: " +
         std::to_string(feed.missed()) + (feed.missed() == 1 ? " was" : " were") +
         " lost before they were read, because " + why + "\n";
}

}  // namespace

int run_client(const ClientOptions& options, std::ostream& out, std::ostream& err) {
  if (options.command.empty()) {
    err << "oxen-conformance: client needs a command after --\n";
    return 2;
  }
  Child mock;
  const int port = start_mock(options, mock, err);
  if (port == 0) return 2;
  const pid_t child = start_command(options, port);
  if (child < 0) {
    err << "oxen-conformance: cannot start " << options.command[0] << "\n";
    return 2;
  }

  // Read the feed while the command runs, so the mock holds only what arrived since the last
  // page; once it has exited, one more read takes the rest.
  TrafficReport report(options.strict);
  FeedReader feed(port, report);
  bool readable = true;
  int status = 0;
  while (true) {
    const bool exited = ::waitpid(child, &status, WNOHANG) == child;
    readable = readable && feed.read_available();
    if (exited) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const int cmd_exit = exit_code_of(status);
  if (cmd_exit == 127) {
    err << "oxen-conformance: cannot run " << options.command[0] << "\n";
    return 2;
  }
  if (!readable) {
    err << "oxen-conformance: " << feed.error() << "\n";
    return 2;
  }
  std::ostringstream text;
  report.print(text, cmd_exit);
  out << redact(text.str(), options.api_key);
  if (feed.missed() > 0) {
    err << missed_sentence(feed, options.journal_feed);
    return 2;
  }
  return !report.has_failure() && cmd_exit == 0 ? 0 : 1;
}

}  // namespace oxen::conformance
