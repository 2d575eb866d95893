#include "fixtures.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "../../conformance/contract/embedded.hpp"
#include "../../conformance/contract/schema_store.hpp"

namespace oxen::mock {

namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> read_dir(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw FixtureError(dir, "", "not a directory");
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out[fs::relative(it->path(), dir).generic_string()] = bytes.str();
  }
  if (ec) throw FixtureError(dir, "", ec.message());
  return out;
}

nlohmann::json parse_checked(const std::map<std::string, std::string>& files,
                             const std::string& name, const std::string& schema) {
  auto it = files.find(name);
  if (it == files.end()) throw FixtureError(name, "", "missing");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number like 1e999
    throw FixtureError(name, "", std::string("not valid JSON: ") + e.what());
  }
  auto violations = SchemaStore::builtin().validate(schema, doc);
  if (!violations.empty())
    throw FixtureError(name, violations.front().pointer, violations.front().message);
  return doc;
}

void check_models(const nlohmann::json& models) {
  std::set<std::string> seen;
  const auto& list = models.at("models");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string pointer = "/models/" + std::to_string(i);
    std::string id = list[i].at("id");
    if (!seen.insert(id).second) throw FixtureError("models.json", pointer + "/id", "duplicate id '" + id + "'");
    const auto& rs = list[i].value("request_schema", nlohmann::json());
    if (rs.is_object()) {
      try {
        compile_schema(rs);
      } catch (const std::exception& e) {
        throw FixtureError("models.json", pointer + "/request_schema", e.what());
      }
    }
  }
  const auto featured = models.value("featured", nlohmann::json::array());
  for (size_t i = 0; i < featured.size(); ++i)
    if (!seen.count(featured[i].get<std::string>()))
      throw FixtureError("models.json", "/featured/" + std::to_string(i), "no model with this id in models");
}

// Every id under the fixture's `models` must name a model of models.json.
void check_model_ids(const nlohmann::json& models, const nlohmann::json& fixture, const std::string& file) {
  const auto per_model = fixture.value("models", nlohmann::json::object());
  for (const auto& [id, _] : per_model.items()) {
    bool known = false;
    for (const auto& m : models["models"]) known = known || m["id"] == id;
    if (!known) throw FixtureError(file, "/models/" + escape_pointer_token(id), "no model with this id in models.json");
  }
}

// Users, organizations and repositories must name each other consistently.
void check_repositories(const nlohmann::json& hub) {
  std::set<std::string> users, orgs = hub["orgs"].get<std::set<std::string>>();
  const auto& list = hub["users"];
  for (size_t i = 0; i < list.size(); ++i) {
    std::string name = list[i]["username"];
    if (!users.insert(name).second || orgs.count(name))
      throw FixtureError("repositories.json", "/users/" + std::to_string(i) + "/username", "duplicate namespace '" + name + "'");
    const auto& member_of = list[i]["orgs"];
    for (size_t j = 0; j < member_of.size(); ++j)
      if (!orgs.count(member_of[j]))
        throw FixtureError("repositories.json", "/users/" + std::to_string(i) + "/orgs/" + std::to_string(j), "no such org");
  }
  if (!users.count(hub["default_user"])) throw FixtureError("repositories.json", "/default_user", "no such user");
  std::set<std::string> repos;
  const auto& repositories = hub["repositories"];
  for (size_t i = 0; i < repositories.size(); ++i) {
    std::string ns = repositories[i]["namespace"], full = ns + "/" + repositories[i]["name"].get<std::string>();
    const std::string pointer = "/repositories/" + std::to_string(i);
    if (!users.count(ns) && !orgs.count(ns)) throw FixtureError("repositories.json", pointer + "/namespace", "no such user or org");
    if (!repos.insert(full).second) throw FixtureError("repositories.json", pointer + "/name", "duplicate repository '" + full + "'");
  }
}

}  // namespace

Fixtures Fixtures::load(const std::string& dir) {
  std::map<std::string, std::string> overlay;
  if (!dir.empty()) overlay = read_dir(dir);
  return from_files(std::move(overlay));
}

Fixtures Fixtures::from_files(std::map<std::string, std::string> overlay) {
  Fixtures f;
  for (const auto& file : embedded_fixtures()) f.files[std::string(file.path)] = std::string(file.data);
  for (auto& [path, bytes] : overlay) f.files[path] = std::move(bytes);
  f.models = parse_checked(f.files, "models.json", "fixture_models");
  check_models(f.models);
  f.deployments = parse_checked(f.files, "deployments.json", "fixture_deployments");
  check_model_ids(f.models, f.deployments, "deployments.json");
  f.errors = parse_checked(f.files, "errors.json", "fixture_errors");
  f.chat_scripts = parse_checked(f.files, "chat_scripts.json", "fixture_chat_scripts");
  f.model_rules = parse_checked(f.files, "model_rules.json", "fixture_model_rules");
  check_model_ids(f.models, f.model_rules, "model_rules.json");
  f.repositories = parse_checked(f.files, "repositories.json", "fixture_repositories");
  check_repositories(f.repositories);
  return f;
}

}  // namespace oxen::mock
