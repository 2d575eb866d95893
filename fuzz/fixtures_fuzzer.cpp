// Fixture loading: any bytes as models.json, deployments.json or errors.json either load or are
// refused with a FixtureError naming the file — never a crash or another exception.
#include <cstdint>
#include <cstdlib>

#include "world/fixtures.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* names[] = {"models.json", "deployments.json", "errors.json", "chat_scripts.json"};
  std::string name = names[data[0] % 4];
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    oxen::mock::Fixtures::from_files({{name, bytes}});
  } catch (const oxen::mock::FixtureError&) {
  }
  return 0;
}
