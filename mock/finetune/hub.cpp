#include "hub.hpp"

#include <ctime>

#include "../core/rng.hpp"

namespace oxen::mock {

Hub::Hub(const nlohmann::json& fixture) : default_user_(fixture.at("default_user")) {
  for (const auto& u : fixture.at("users"))
    users_[u.at("username")] =
        HubUser{u.at("username"), u.at("name"), u.at("orgs").get<std::set<std::string>>()};
  orgs_ = fixture.at("orgs").get<std::set<std::string>>();
  for (const auto& r : fixture.at("repositories")) {
    Repository repo{r.at("namespace"), r.at("name"), {}};
    for (const auto& [path, file] : r.at("files").items())
      repo.files[path] =
          DataFile{file.at("columns").get<std::vector<std::string>>(), file.at("rows")};
    repos_[repo.ns + "/" + repo.name] = std::move(repo);
  }
  const auto& t = fixture.at("training");
  auto ms = [&](const char* key) { return static_cast<int64_t>(t.at(key).get<double>() * 1000); };
  timing_.queued_ms = ms("queued_seconds");
  timing_.step_ms = std::max<int64_t>(1, ms("seconds_per_step"));
  timing_.tokenize_ms = ms("tokenize_seconds");
  timing_.tokens_per_row = t.at("tokens_per_row");
  timing_.max_fine_tunes = t.at("max_fine_tunes");
}

const HubUser* Hub::user(const std::string& username) const {
  auto it = users_.find(username);
  return it == users_.end() ? nullptr : &it->second;
}

const Repository* Hub::repository(const std::string& ns, const std::string& name) const {
  if (!can_access(ns)) return nullptr;
  auto it = repos_.find(ns + "/" + name);
  return it == repos_.end() ? nullptr : &it->second;
}

nlohmann::json Hub::user_object(const std::string& username) const {
  const HubUser* u = user(username);
  return {{"id", Rng(hash_bytes(username), "user-id").uuid()},
          {"username", username},
          {"name", u ? nlohmann::json(u->name) : nlohmann::json(nullptr)},
          {"image", nullptr}};
}

std::string Hub::repository_id(const std::string& ns, const std::string& name) {
  return Rng(hash_bytes(ns + "/" + name), "repository-id").uuid();
}

std::string iso_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json optional_time(const std::optional<int64_t>& ms) {
  return ms ? nlohmann::json(iso_time(*ms)) : nlohmann::json(nullptr);
}

}  // namespace oxen::mock
