#pragma once
// The mock's default world (fixtures/, compiled in). `--fixtures DIR` replaces, file by file,
// the built-in fixtures with the files of the same name in DIR.
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace oxen::mock {

// A fixture that cannot be used: names the file, the JSON pointer and the reason.
class FixtureError : public std::runtime_error {
 public:
  FixtureError(const std::string& file, const std::string& pointer, const std::string& reason)
      : std::runtime_error(file + ": " + (pointer.empty() ? "/" : pointer) + ": " + reason) {}
};

struct Fixtures {
  nlohmann::json models;       // models.json
  nlohmann::json deployments;  // deployments.json
  nlohmann::json errors;       // errors.json
  nlohmann::json chat_scripts;  // chat_scripts.json
  nlohmann::json model_rules;   // model_rules.json
  nlohmann::json repositories;  // repositories.json
  std::map<std::string, std::string> files;  // every fixture file by relative path

  // Loads the built-in fixtures, overlaid by `dir` when not empty; validates every JSON fixture
  // against its schema. Throws FixtureError.
  static Fixtures load(const std::string& dir = "");
  // The same from files in memory (relative path -> bytes) laid over the built-in ones.
  static Fixtures from_files(std::map<std::string, std::string> overlay);
};

}  // namespace oxen::mock
