#pragma once
// Runs the check catalog against a server: the data-driven catalog (conformance/checks/
// catalog.json, compiled in), the check implementations by id, a session that caches GETs so
// that checks can share responses, and the run's report.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "findings.hpp"
#include "http.hpp"

namespace oxen::conformance {

struct CheckDef {
  std::string id, title, endpoint, profile, cost_class;
  nlohmann::json plan;  // billable checks: {calls, input_tokens, output_tokens}
  std::string operation;  // operationId of `endpoint` in schemas/openapi.json
};

// The catalog in run order. Throws if the compiled-in catalog is malformed, or disagrees with
// schemas/openapi.json: an endpoint the document does not declare, a check in a profile below its
// operation's (a billable or destructive call in `readonly`), or a cost class that says free for
// a billable operation (or the reverse).
const std::vector<CheckDef>& catalog();
// Sets `check.operation` from its endpoint; throws std::logic_error where the two disagree.
void bind_operation(CheckDef& check);
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

// USD for the billable checks among `checks`, priced from `model`'s token pricing. Throws
// std::runtime_error when the pricing cannot price them.
double estimate_cost(const std::vector<CheckDef>& checks, const nlohmann::json* model);

// One billable check's planned calls and what they cost at the model's listed prices.
struct PlannedCost {
  std::string check, model;
  double calls = 0, input_tokens = 0, output_tokens = 0;
  double usd = 0;
};

// The cost of the billable checks, each priced with `model`. Throws std::runtime_error when a
// check cannot be priced: no model, or a price it needs that is missing, not a number or not
// positive (an unknown price is never taken for free).
std::vector<PlannedCost> plan_costs(const std::vector<CheckDef>& checks, const nlohmann::json* model);

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
