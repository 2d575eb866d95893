#pragma once
// The models registry: the fixture's models, and the deployments of custom models moving through
// the declared deployment state machine on the mock's clock. Safe to use from many threads.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../../conformance/contract/state_machine.hpp"
#include "../core/clock.hpp"

namespace oxen::mock {

struct ModelFilter {
  std::optional<std::string> developer_name;  // developer.name, case-insensitive
  std::optional<std::string> action;          // one of fine_tuning.actions, case-insensitive
  std::optional<std::string> provider_name;   // developer.name or owned_by, case-insensitive
};

// A deployment that moved from one status to another, for the API key whose action started it.
struct DeploymentChange {
  std::string model;
  std::string from, to;
  uint64_t owner = 0;  // hash of the API key that activated or deactivated the model
  int64_t at_ms = 0;
};

class Registry {
 public:
  using ChangeListener = std::function<void(const std::vector<DeploymentChange>&)>;

  // `models` is fixtures/models.json, `deployments` fixtures/deployments.json.
  Registry(const nlohmann::json& models, const nlohmann::json& deployments, const Clock& clock,
           const StateMachine& machine = StateMachine::builtin("deployment"));

  nlohmann::json list(const ModelFilter& filter = {}) const;  // array of Model objects
  // The serialized `{"object":"list","data":[...]}` of the unfiltered list and one model's
  // serialized object, kept until the registry changes: the hot paths of clients and load tests.
  std::shared_ptr<const std::string> list_body() const;
  std::shared_ptr<const std::string> model_body(const std::string& id) const;  // null: unknown
  nlohmann::json search(const std::string& text) const;       // case-insensitive id/name substring
  std::optional<nlohmann::json> find(const std::string& id) const;
  // The id of the model named `id_or_uuid` by id or by its UUID (uuid_of); nullopt when neither.
  std::optional<std::string> resolve(const std::string& id_or_uuid) const;
  // A model's UUID: derived from its id alone (not the seed or namespace), so it is the same in
  // every mock and across restarts. The Model object carries none (the published one has none).
  static std::string uuid_of(const std::string& id);

  // The fixture's `featured` models that still exist, in the fixture's order.
  nlohmann::json featured() const;
  // The models the API key `owner` favorited, oldest favorite first. favorite/unfavorite are
  // idempotent and return the model; both throw ApiError model_not_found for an unknown id.
  nlohmann::json favorites(uint64_t owner) const;
  nlohmann::json favorite(const std::string& id, uint64_t owner);
  nlohmann::json unfavorite(const std::string& id, uint64_t owner);

  // Merges `changes` (already validated against model_update_request) into a custom model and
  // returns it. Throws ApiError model_not_found, base_model_not_editable.
  nlohmann::json update(const std::string& id, const nlohmann::json& changes);

  // Deployment actions by the API key `owner`; each returns the model as it is right after the
  // action. Throw ApiError: model_not_found, base_model_not_deployable, base_model_not_deletable.
  nlohmann::json activate(const std::string& id, uint64_t owner = 0);
  nlohmann::json deactivate(const std::string& id, uint64_t owner = 0);
  nlohmann::json remove(const std::string& id);
  // Adds a custom model (a deployed fine-tune checkpoint) at the end of the list. Throws
  // std::invalid_argument when a model has its id already.
  void add_custom(nlohmann::json model);

  // The deployment status of a custom model, "" for a base model; nullopt when unknown id.
  std::optional<std::string> deployment_status(const std::string& id) const;
  // Throws ApiError model_not_found for an unknown id, model_not_active for a custom model whose
  // deployment is anything but active: every inference path calls this before it answers.
  void require_active(const std::string& id) const;

  // Every status change, in time order: the action's own at once, the delayed ones (deploying ->
  // active) when advance() reaches them. Set once, when the registry is made.
  void set_change_listener(ChangeListener listener);
  // Settles the transitions due by `now_ms` and tells the listener (the clock's tick).
  void advance(int64_t now_ms);

  void reset();  // back to the fixture's state
  // The whole state as JSON ({models, pending, favorites}) and back; import replaces everything at once.
  nlohmann::json export_state() const;
  void import_state(const nlohmann::json& state);
  size_t size() const;

 private:
  struct Pending {
    std::string event;  // "ready", "failed" or "stopped"
    int64_t due_ms = 0;
    uint64_t owner = 0;  // who asked for it; not part of the exported state
  };
  struct Entry {
    nlohmann::json model;
    std::optional<Pending> pending;
  };
  struct Timing {
    int64_t activate_ms = 2000;
    int64_t deactivate_ms = 1000;
    bool activation_fails = false;
  };

  void settle_locked(int64_t now_ms) const;
  void changed_locked() const;
  Entry& entry_locked(const std::string& id);
  nlohmann::json act(const std::string& id, const std::string& action, uint64_t owner);
  nlohmann::json act_locked(Entry& entry, const std::string& action, uint64_t owner);
  void publish_changes();
  Timing timing_for(const std::string& id) const;
  static std::string status_of(const nlohmann::json& model);

  const Clock& clock_;
  const StateMachine& machine_;
  std::vector<std::string> initial_order_;
  std::vector<std::string> featured_;
  std::map<std::string, nlohmann::json> initial_;
  Timing default_timing_;
  std::map<std::string, Timing> timings_;

  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  mutable std::map<std::string, Entry> entries_;
  std::map<uint64_t, std::vector<std::string>> favorites_;  // by API key hash, in favorite order
  mutable std::shared_ptr<const std::string> list_body_;
  mutable std::map<std::string, std::shared_ptr<const std::string>> model_bodies_;
  mutable std::vector<DeploymentChange> unpublished_;  // settled by a read, told at the next tick
  std::mutex publish_mutex_;  // keeps listener calls in change order
  ChangeListener listener_;
};

}  // namespace oxen::mock
