#pragma once
// `client -- CMD ARGS…`: start the mock on a free loopback port (self-check and the journal feed
// on), run CMD against it with OXEN_BASE_URL, OPENAI_BASE_URL and OXEN_API_KEY set, read every
// request CMD sent from the mock's journal feed while it runs (every namespace, whatever the
// journal's ring evicts or a reset clears), and report the endpoints CMD exercised, every request
// that broke a request schema or was not JSON (failures), and every query parameter or body member
// the contract does not declare (warnings; failures with `strict`).
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace oxen::conformance {

struct ClientOptions {
  std::vector<std::string> command;
  std::string mock_binary;  // "" = $OXEN_MOCK, next to this program, ../mock/, then PATH
  std::string clock = "real";
  std::string api_key = "oxen-mock-client-key";
  bool strict = false;  // undeclared parameters and members are failures
  // Unread requests the mock may hold for us (oxen-mock --journal-feed); beyond, some are lost.
  size_t journal_feed = 100000;
  double startup_timeout_s = 10;
};

// 0 = no failure and CMD exited 0, 1 = failures or CMD failed, 2 = could not run, or could not
// see every request CMD sent.
int run_client(const ClientOptions& options, std::ostream& out, std::ostream& err);

}  // namespace oxen::conformance
