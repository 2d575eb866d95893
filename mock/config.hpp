#pragma once
// Every tunable of the mock, with its default, in one place. The command line fills it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace oxen::mock {

enum class LogFormat { off, text, json };

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0 picks a free port
  std::string fixtures_dir;         // files here replace the built-in ones of the same name
  uint64_t seed = 0;
  std::vector<std::string> api_keys;  // empty: any non-empty bearer token is accepted
  LogFormat log = LogFormat::off;
  bool self_check = false;  // validate every response against its schema, findings journaled

  Clock::Mode clock_mode = Clock::Mode::real;
  int64_t clock_start_ms = 1775000000000;  // manual mode starts here (2026-03-31T23:33:20Z)

  size_t journal_capacity = 1000;
  size_t journal_body_cap = 64 * 1024;
  size_t max_body_bytes = 32 * 1024 * 1024;
  size_t max_json_depth = 256;
  int worker_threads = 0;  // 0: chosen from the core count
  int keep_alive_max_requests = 100000;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  int idle_timeout_s = 5;
};

}  // namespace oxen::mock
