#pragma once
// `client -- CMD ARGS…`: start the mock on a free loopback port (self-check on), run CMD against
// it with OXEN_BASE_URL, OPENAI_BASE_URL and OXEN_API_KEY set, then read the mock's journal and
// report the endpoints CMD exercised and every request that broke a request schema.
#include <iosfwd>
#include <string>
#include <vector>

namespace oxen::conformance {

struct ClientOptions {
  std::vector<std::string> command;
  std::string mock_binary;  // "" = $OXEN_MOCK, next to this program, ../mock/, then PATH
  std::string clock = "real";
  std::string api_key = "oxen-mock-client-key";
  double startup_timeout_s = 10;
};

// 0 = no violation and CMD exited 0, 1 = violations or CMD failed, 2 = could not run.
int run_client(const ClientOptions& options, std::ostream& out, std::ostream& err);

}  // namespace oxen::conformance
