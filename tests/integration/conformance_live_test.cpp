// The readonly profile against the live API. Runs only with OXEN_LIVE=1 and OXEN_API_KEY set;
// otherwise it contacts nothing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "report.hpp"
#include "runner.hpp"

TEST_CASE("live: the readonly profile against https://hub.oxen.ai/api") {
  const char* live = std::getenv("OXEN_LIVE");
  const char* key = std::getenv("OXEN_API_KEY");
  if (!live || std::string(live) != "1" || !key || !*key) {
    MESSAGE("set OXEN_LIVE=1 and OXEN_API_KEY to run against the live API; skipped");
    return;
  }
  const char* base = std::getenv("OXEN_LIVE_BASE_URL");
  oxen::conformance::ApiClient client(
      oxen::conformance::parse_base_url(base && *base ? base : "https://hub.oxen.ai/api"), key, {30, ""});
  oxen::conformance::RunOptions options;
  auto report = oxen::conformance::run_checks(client, options);
  std::string text;
  for (const auto& r : report.results) text += oxen::conformance::text_result(r, false);
  text = oxen::redact(text, key);
  INFO(text);
  CHECK(text.find(key) == std::string::npos);
  CHECK(report.count(oxen::conformance::Status::failed) == 0);
}
