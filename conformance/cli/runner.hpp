#pragma once
// Runs the check catalog against a server: the data-driven catalog (conformance/checks/
// catalog.json, compiled in), the check implementations by id, a session that caches GETs so
// that checks can share responses, and the run's report.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "findings.hpp"
#include "http.hpp"

namespace oxen::conformance {

struct CheckDef {
  std::string id, title, endpoint, profile, cost_class;
  nlohmann::json plan;     // billable checks: calls, and per call tokens, images or seconds
  nlohmann::json model;    // billable checks: which model they call (see the catalog's description)
  nlohmann::json refusal;  // data-driven checks: {request, expect} of a request the docs refuse
  std::string operation;   // operationId of `endpoint` in schemas/openapi.json
};

// The catalog in run order. Throws if the compiled-in catalog is malformed, or disagrees with
// schemas/openapi.json: an endpoint the document does not declare, a check in a profile below its
// operation's (a billable or destructive call in `readonly`), or a cost class that says free for
// a billable operation (or the reverse).
const std::vector<CheckDef>& catalog();
// Sets `check.operation` from its endpoint; throws std::logic_error where the two disagree.
void bind_operation(CheckDef& check);
// The catalog entry `id`; throws std::logic_error for an id the catalog does not have.
const CheckDef& catalog_entry(const std::string& id);
// Whether `profile` (readonly|full|mock) runs checks declared for `check_profile`.
bool profile_includes(const std::string& profile, const std::string& check_profile);
bool known_profile(const std::string& profile);

struct RunOptions {
  std::string profile = "readonly";
  std::vector<std::string> only, skip;  // check ids or id prefixes ("models." selects a group)
  bool strict = false;
  std::vector<std::string> custom_models;  // extra ids observed by the state-machine checks
  std::optional<double> max_cost;           // USD; required by the full profile when it costs money
  int max_retrieves = 200;                  // bound on GET /ai/models/{id} calls
  std::string chat_model;                   // model for the chat checks ("" = cheapest listed)
  // The weakest source whose rules fail the run (--contract); failures of rules from weaker
  // sources are reported as warnings. Unset: ours for the mock profile (oxen-mock keeps every
  // rule of ours), documented otherwise.
  std::optional<Source> contract;
};

// A response and, when it parsed, its JSON body.
struct Fetched {
  std::string method, path;  // the request: "GET", "/ai/models/x?y=1" (relative to the API root)
  HttpResult result;
  std::optional<nlohmann::json> json;
};

class Session {
 public:
  Session(ApiClient& client, const RunOptions& options);

  ApiClient& client() { return client_; }
  const RunOptions& options() const { return options_; }
  const SchemaStore& schemas() const { return schemas_; }

  // Cached by (path, authenticated): checks asking for the same GET share one response.
  const Fetched& get(const std::string& path, bool authenticated = true);
  // Not cached.
  Fetched send(const std::string& method, const std::string& path, const std::string& body = "",
               bool authenticated = true);

  // The `data` array of GET /ai/models when the response is usable (200, object, data array).
  const nlohmann::json* listed_models();
  // The listed model the chat checks use: --chat-model, else the cheapest token-priced base
  // chat model. Nullptr when none is listed.
  const nlohmann::json* chat_model();

  // The listed model `check` calls, chosen by its `model` selector (see the catalog). Nullptr
  // when none fits; `why` then says so. Throws std::runtime_error when models fit but none can
  // price the check's plan (an unknown price is never taken for free).
  const nlohmann::json* model_for(const CheckDef& check, std::string* why = nullptr);

 private:
  ApiClient& client_;
  const RunOptions& options_;
  const SchemaStore& schemas_;
  std::map<std::string, Fetched> cache_;
  std::optional<const nlohmann::json*> chat_model_;
};

using CheckFn = std::function<void(Session&, Outcome&)>;
// Implementations by check id (every catalog id has one).
const std::map<std::string, CheckFn>& check_functions();

// deployments[0].status of a model object, or "" when it shows no deployment.
std::string deployment_status(const nlohmann::json& model);
// A custom model: model_type custom, or one that shows a deployment.
bool is_custom(const nlohmann::json& model);

// A client of the same server in a namespace of its own (X-Mock-Namespace), so the mock
// profile's state changes stay there.
std::unique_ptr<ApiClient> isolated(Session& s, const std::string& tag);
// One uncached call on `c`, its body parsed when it is JSON.
Fetched send(ApiClient& c, const std::string& method, const std::string& path, const std::string& body = "");

// "GET /ai/models/x" for a finding's subject.
std::string subject(const std::string& method, const std::string& path);
// A model id as a path: reserved characters encoded, but '/' and ':' kept (ids contain them).
std::string model_path(const std::string& id);

// Response-level expectations shared by checks: a response arrived with `status` and a JSON body.
// Records failures (rules "transport", "status", "json", "content_type"; published when the
// published document declares that answer of the operation, else documented) and returns the
// body when usable.
const nlohmann::json* expect_json(Outcome& out, const std::string& subj, const Fetched& f, int status);

struct RunReport {
  std::string base_url, profile;
  Source contract = Source::documented;
  std::vector<CheckResult> results;
  double seconds = 0;
  std::optional<double> estimated_cost;

  size_t count(Status s) const;
  size_t warnings() const;
  bool all_passed() const { return count(Status::failed) == 0; }
  nlohmann::json to_json() const;
};

// One billable check's planned calls and what they cost at the model's listed prices.
struct PlannedCost {
  std::string check, model;
  double calls = 0;
  std::string each;  // what one call is billed for: "40 input + 32 output tokens", "1 image", ...
  double usd = 0;
  bool if_accepted = false;  // a refusal: it costs this only if the server accepts what it should refuse
};

// `check`'s planned calls priced with `model`'s registry pricing. Throws std::runtime_error when
// they cannot be: the plan has no quantity for the model's pricing method, or a price it needs is
// missing, not a number or not positive (an unknown price is never taken for free).
PlannedCost plan_cost(const CheckDef& check, const nlohmann::json& model);

struct RunHooks {
  std::function<void(double usd, const std::vector<PlannedCost>& plan)> estimated;
  std::function<void(const CheckDef&)> started;
  // `finished` sees a result after --contract has turned failures of weaker sources into warnings.
  std::function<void(const CheckResult&)> finished;
};

// The checks the options select, in catalog order. Unknown ids in only/skip throw
// std::invalid_argument.
std::vector<CheckDef> select_checks(const RunOptions& options);

// Runs the selected checks. Throws std::runtime_error when the run cannot start (no check
// selected, server unreachable, cost not covered by --max-cost).
RunReport run_checks(ApiClient& client, const RunOptions& options, const RunHooks& hooks = {});

}  // namespace oxen::conformance
