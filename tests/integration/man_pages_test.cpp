// The man pages (docs/man/, installed by the Debian package) are written by hand; these tests keep
// them in step with the programs: every option --help prints is described in the page.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "mock_process.hpp"

namespace {

std::set<std::string> long_options(const std::string& help) {
  std::set<std::string> out;
  const std::regex option(R"((^|[\s,])(--[a-z][a-z0-9-]*))");
  for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it) out.insert((*it)[2]);
  return out;
}

// The page's text with roff's escaped hyphens ("\-") as plain ones.
std::string man_page(const std::string& name) {
  std::ifstream in(std::string(OXEN_SOURCE_DIR) + "/docs/man/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return std::regex_replace(text.str(), std::regex(R"(\\-)"), "-");
}

std::string conformance_help(const std::string& command) {
  std::istringstream in;
  std::ostringstream out, err;
  std::vector<std::string> args = {"oxen-conformance"};
  if (!command.empty()) args.push_back(command);
  args.push_back("--help");
  CHECK(oxen::conformance::conformance_main(args, oxen::conformance::Io{in, out, err, false}) == 0);
  return out.str();
}

}  // namespace

TEST_CASE("man oxen-mock describes every option of oxen-mock --help") {
  auto [code, help] = oxen::test::MockProcess::run({"--help"});
  REQUIRE(code == 0);
  const std::string page = man_page("oxen-mock.1");
  const auto options = long_options(help);
  CHECK(options.size() > 30);
  for (const auto& o : options) {
    CAPTURE(o);
    CHECK(page.find("\\fB" + o + "\\fR") != std::string::npos);
  }
}

TEST_CASE("man oxen-conformance describes every command and option") {
  const std::string page = man_page("oxen-conformance.1");
  for (const char* command : {"run", "record", "diff", "spec-diff", "validate", "client"}) {
    CAPTURE(command);
    CHECK(page.find(".B oxen-conformance " + std::string(command)) != std::string::npos);
    CHECK(page.find(".B " + std::string(command) + "\n") != std::string::npos);
    for (const auto& o : long_options(conformance_help(command))) {
      CAPTURE(o);
      CHECK(page.find("\\fB" + o + "\\fR") != std::string::npos);
    }
  }
}
