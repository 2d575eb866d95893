#pragma once
// The hub the fine-tuning API works on (fixtures/repositories.json): users, organizations,
// repositories and their data files. Read-only: clients cannot create repositories. Every
// accepted API key acts as the fixture's default user.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace oxen::mock {

struct DataFile {
  std::vector<std::string> columns;
  int64_t rows = 0;
};

struct Repository {
  std::string ns, name;
  std::map<std::string, DataFile> files;  // by "<branch>/<path>"
};

struct HubUser {
  std::string username, name;
  std::set<std::string> orgs;
};

struct TrainingTiming {
  int64_t queued_ms = 0, step_ms = 1000, tokenize_ms = 0, tokens_per_row = 1;
  size_t max_fine_tunes = 200;
};

class Hub {
 public:
  // `fixture` is repositories.json, already checked against fixture_repositories.
  explicit Hub(const nlohmann::json& fixture);

  const HubUser& me() const { return users_.at(default_user_); }  // who every API key is
  const HubUser* user(const std::string& username) const;
  bool is_org(const std::string& name) const { return orgs_.count(name) != 0; }
  // A repository the caller may use: in their own namespace or one of their organizations'.
  // Others are reported as missing, like unknown ones.
  const Repository* repository(const std::string& ns, const std::string& name) const;
  bool can_access(const std::string& ns) const {
    return ns == default_user_ || me().orgs.count(ns);
  }
  const TrainingTiming& timing() const { return timing_; }

  // The `created_by` object of a job: {id, username, name, image}; ids derived from the name.
  nlohmann::json user_object(const std::string& username) const;
  static std::string repository_id(const std::string& ns, const std::string& name);

 private:
  std::string default_user_;
  std::map<std::string, HubUser> users_;
  std::set<std::string> orgs_;
  std::map<std::string, Repository> repos_;  // by "<ns>/<name>"
  TrainingTiming timing_;
};

// Times as the hub's API writes them: "2026-04-01T00:00:00Z", null when not yet.
std::string iso_time(int64_t ms);
nlohmann::json optional_time(const std::optional<int64_t>& ms);

}  // namespace oxen::mock
