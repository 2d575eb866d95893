#pragma once
// The oxen-conformance command line as a function, so tests run it in-process.
// Exit codes: 0 = all passed, 1 = a check failed (or drift/violations found), 2 = could not run.
#include <iosfwd>
#include <string>
#include <vector>

namespace oxen::conformance {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool tty = false;  // colour and progress only on a terminal
};

// args[0] is the program name.
int conformance_main(const std::vector<std::string>& args, Io io);

}  // namespace oxen::conformance
