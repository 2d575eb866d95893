// oxen-conformance: checks a server (the mock or the live API) or a client against the contract.
#include <unistd.h>

#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  oxen::conformance::Io io{std::cin, std::cout, std::cerr, isatty(STDOUT_FILENO) != 0};
  return oxen::conformance::conformance_main(args, io);
}
