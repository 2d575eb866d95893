#pragma once
// The oxen-mock program itself, started by a test as a child process on 127.0.0.1:0.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace oxen::test {

class MockProcess {
 public:
  // Starts OXEN_MOCK_BINARY with `args` (plus --port 0 unless a port is given) and waits for
  // its "listening on" line. Throws with what the program printed when it does not start.
  explicit MockProcess(std::vector<std::string> args, bool add_port = true) {
    if (add_port) args.insert(args.begin(), {"--port", "0"});
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::close(out[0]);
      std::vector<char*> argv{const_cast<char*>(OXEN_MOCK_BINARY)};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(OXEN_MOCK_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
    char line[4096];
    while (std::fgets(line, sizeof line, out_)) {
      first_lines_ += line;
      std::string text(line);
      auto at = text.find("listening on http://");
      if (at != std::string::npos) {
        port_ = std::stoi(text.substr(text.rfind(':') + 1));
        return;
      }
    }
    exit_code_ = wait_exit();
    throw std::runtime_error("oxen-mock did not start: " + first_lines_);
  }

  ~MockProcess() {
    if (pid_ > 0 && exit_code_ < -1) {
      ::kill(pid_, SIGKILL);
      wait_exit();
    }
    if (out_) std::fclose(out_);
  }

  int port() const { return port_; }
  const std::string& output() const { return first_lines_; }

  // Sends a signal and waits (bounded) for the exit code; -1 when it did not exit in time.
  int stop(int signal = SIGTERM, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    ::kill(pid_, signal);
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
  }

  // Everything the program printed after its first line; call after stop().
  std::string rest_of_output() {
    std::string text;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, out_)) text.append(buf, n);
    return text;
  }

  // Runs the program to completion (for arguments that make it exit) and returns its output.
  static std::pair<int, std::string> run(std::vector<std::string> args) {
    std::string command = OXEN_MOCK_BINARY;
    for (const auto& a : args) command += " '" + a + "'";
    command += " 2>&1";
    FILE* p = ::popen(command.c_str(), "r");
    std::string output;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
    int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
  }

 private:
  int wait_exit() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
  int exit_code_ = -2;  // < -1: still running
  std::string first_lines_;
};

}  // namespace oxen::test
