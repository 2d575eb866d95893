#include "runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "api_document.hpp"
#include "embedded.hpp"
#include "text.hpp"

namespace oxen {
std::span<const EmbeddedFile> embedded_checks();
}

namespace oxen::conformance {

void bind_operation(CheckDef& check) {
  const auto space = check.endpoint.find(' ');
  const std::string method = check.endpoint.substr(0, space);
  std::string path = check.endpoint.substr(space + 1);
  path = "/api" + path.substr(0, path.find('?'));
  const Operation* op = ApiDocument::builtin().find(method, path);
  auto refuse = [&](const std::string& why) {
    throw std::logic_error("check catalog: " + check.id + ": " + why);
  };
  if (!op) refuse(check.endpoint + " is not an operation of schemas/openapi.json");
  if (!profile_includes(check.profile, op->profile))
    refuse("in profile " + check.profile + ", but " + op->id + " belongs to profile " + op->profile);
  if (op->billable != (check.cost_class != "free"))
    refuse("cost_class " + check.cost_class + ", but " + op->id +
           (op->billable ? " is billable" : " is not billable"));
  check.operation = op->id;
}

namespace {

// What the runner relies on in a billable or data-driven entry, checked once at start so that a
// catalog edit fails loudly instead of running a check that cannot be priced or judged.
void require_well_formed(const CheckDef& c) {
  auto refuse = [&](const std::string& why) { throw std::logic_error("check catalog: " + c.id + ": " + why); };
  if (c.cost_class != "free") {
    if (!c.plan.is_object()) refuse("a billable check needs a plan");
    if (!c.model.is_object() || (!c.model.contains("id") && !c.model.contains("endpoint")))
      refuse("a billable check needs a model selector with an id or an endpoint");
  }
  if (c.refusal.is_null()) return;
  const auto& e = c.refusal.value("expect", nlohmann::json());
  if (!c.refusal.value("request", nlohmann::json()).is_object() || !e.is_object() ||
      !e.value("status", nlohmann::json()).is_number_integer() || !e.value("error_contains", nlohmann::json()).is_string())
    refuse("a refusal needs request (an object), expect.status (an integer) and expect.error_contains (a string)");
  if (c.endpoint.rfind("POST ", 0) != 0) refuse("a refusal is a POST");
}

}  // namespace

const std::vector<CheckDef>& catalog() {
  static const std::vector<CheckDef> defs = [] {
    std::vector<CheckDef> out;
    for (const auto& file : embedded_checks()) {
      if (file.path != "catalog.json") continue;
      auto doc = nlohmann::json::parse(file.data);
      for (const auto& c : doc.at("checks")) {
        CheckDef& check = out.emplace_back(CheckDef{c.at("id"), c.at("title"), c.at("endpoint"), c.at("profile"),
                                                    c.at("cost_class"), c.value("plan", nlohmann::json()),
                                                    c.value("model", nlohmann::json()), c.value("refusal", nlohmann::json()), ""});
        bind_operation(check);
        require_well_formed(check);
      }
    }
    if (out.empty()) throw std::logic_error("the check catalog is empty");
    return out;
  }();
  return defs;
}

const CheckDef& catalog_entry(const std::string& id) {
  for (const auto& c : catalog())
    if (c.id == id) return c;
  throw std::logic_error("the check catalog has no entry " + id);
}

bool known_profile(const std::string& p) { return p == "readonly" || p == "full" || p == "mock"; }

bool profile_includes(const std::string& profile, const std::string& check_profile) {
  if (profile == "mock") return true;
  if (profile == "full") return check_profile == "readonly" || check_profile == "full";
  return check_profile == "readonly";
}

std::string subject(const std::string& method, const std::string& path) { return method + " " + path; }

std::string model_path(const std::string& id) {
  std::string out;
  for (char c : id) {
    if (c == '/' || c == ':') {
      out += c;
    } else {
      out += url_encode(std::string(1, c));
    }
  }
  return out;
}

const nlohmann::json* expect_json(Outcome& out, const std::string& subj, const Fetched& f, int status) {
  if (!f.result.ok) {
    out.failure(subj, "", "transport", "no response: " + f.result.transport_error);
    return nullptr;
  }
  const Source source = RuleSources::builtin().declares(f.method, f.path, status) ? Source::published : Source::documented;
  if (f.result.status != status) {
    out.failure(subj, "", "status",
                "expected HTTP " + std::to_string(status) + ", got " + std::to_string(f.result.status),
                f.json ? &*f.json : nullptr, source);
    return nullptr;
  }
  if (!f.json) {
    out.failure(subj, "", "json", "body is not JSON: " + shorten(f.result.body, 120), nullptr, source);
    return nullptr;
  }
  if (f.result.content_type.rfind("application/json", 0) != 0)
    out.failure(subj, "", "content_type", "Content-Type is '" + f.result.content_type + "', not application/json",
                nullptr, source);
  return &*f.json;
}

Session::Session(ApiClient& client, const RunOptions& options)
    : client_(client), options_(options), schemas_(SchemaStore::builtin()) {}

Fetched Session::send(const std::string& method, const std::string& path, const std::string& body,
                      bool authenticated) {
  Fetched f{method, path, client_.send(method, path, body, authenticated), std::nullopt};
  if (f.result.ok) {
    auto parsed = nlohmann::json::parse(f.result.body, nullptr, false);
    if (!parsed.is_discarded()) f.json = std::move(parsed);
  }
  return f;
}

const Fetched& Session::get(const std::string& path, bool authenticated) {
  std::string key = (authenticated ? "A " : "- ") + path;
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  return cache_.emplace(key, send("GET", path, "", authenticated)).first->second;
}

const nlohmann::json* Session::listed_models() {
  const auto& f = get("/ai/models");
  if (!f.result.ok || f.result.status != 200 || !f.json || !f.json->is_object()) return nullptr;
  auto it = f.json->find("data");
  if (it == f.json->end() || !it->is_array()) return nullptr;
  return &*it;
}

std::string deployment_status(const nlohmann::json& model) {
  if (!model.is_object() || !model.contains("deployments")) return "";
  const auto& d = model["deployments"];
  if (!d.is_array() || d.empty() || !d[0].is_object() || !d[0].contains("status") || !d[0]["status"].is_string()) return "";
  return d[0]["status"].get<std::string>();
}

bool is_custom(const nlohmann::json& model) {
  return (model.is_object() && model.value("model_type", nlohmann::json()) == "custom") || !deployment_status(model).empty();
}

const nlohmann::json* Session::chat_model() {
  if (chat_model_) return *chat_model_;
  // The model chat.completion is planned with: the chat model of the checks that are not priced.
  try {
    chat_model_ = model_for(catalog_entry("chat.completion"));
  } catch (const std::exception&) {
    chat_model_ = nullptr;
  }
  return *chat_model_;
}

const nlohmann::json* Session::model_for(const CheckDef& check, std::string* why) {
  auto said = [&](const std::string& reason) -> const nlohmann::json* {
    if (why) *why = reason;
    return nullptr;
  };
  const nlohmann::json* list = listed_models();
  if (!list) return said("the model list is unusable (see models.list)");
  const auto& sel = check.model;
  auto listed = [&](const std::string& id) -> const nlohmann::json* {
    for (const auto& m : *list)
      if (m.is_object() && m.value("id", nlohmann::json()) == id) return &m;
    return nullptr;
  };
  if (sel.contains("id")) {
    const std::string id = sel["id"];
    const auto* m = listed(id);
    return m ? m : said("model '" + id + "' is not listed");
  }
  const std::string endpoint = sel.at("endpoint");
  auto serves = [&](const nlohmann::json& m) { return m.is_object() && m.value("endpoint", nlohmann::json()) == endpoint; };
  if (sel.value("custom", "") == "not_active") {
    for (const auto& m : *list)
      if (serves(m) && is_custom(m) && deployment_status(m) != "active") return &m;
    return said("no custom model for " + endpoint + " is listed whose deployment is not active");
  }
  if (endpoint == "/chat/completions" && !options_.chat_model.empty()) {
    const auto* m = listed(options_.chat_model);
    if (!m || !serves(*m)) throw std::runtime_error("--chat-model '" + options_.chat_model + "' is not a listed chat model");
    plan_cost(check, *m);  // throws when its prices cannot price the check
    return m;
  }
  // The base model that makes the planned calls cheapest, among those whose prices are known.
  const nlohmann::json* best = nullptr;
  double best_usd = 0;
  bool any = false;
  for (const auto& m : *list) {
    if (!serves(m) || m.value("model_type", nlohmann::json()) != "base") continue;
    any = true;
    try {
      double usd = plan_cost(check, m).usd;
      if (!best || usd < best_usd) best = &m, best_usd = usd;
    } catch (const std::runtime_error&) {
      // Unknown or unusable prices: never taken for cheap.
    }
  }
  if (!any) return said("no base model for " + endpoint + " is listed");
  if (!best)
    throw std::runtime_error("no listed " + std::string(endpoint == "/chat/completions" ? "chat model" : "model for " + endpoint) +
                             " has known, positive prices to price check " + check.id);
  return best;
}

namespace {

std::string amount(double n, const std::string& unit) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", n);
  return buf + (" " + unit) + (n == 1 ? "" : "s");
}

}  // namespace

PlannedCost plan_cost(const CheckDef& c, const nlohmann::json& model) {
  const std::string id = model.value("id", "");
  auto cannot = [&](const std::string& why) { throw std::runtime_error("cannot estimate the cost of " + c.id + ": " + why); };
  const auto& p = model.value("pricing", nlohmann::json());
  const std::string method = p.is_object() && p.value("method", nlohmann::json()).is_string() ? p["method"].get<std::string>() : "";
  auto planned = [&](const char* k) {
    if (!c.plan.contains(k) || !c.plan[k].is_number() || c.plan[k].get<double>() <= 0)
      cannot("model '" + id + "' is priced by " + (method.empty() ? "an unknown method" : "'" + method + "'") + ", and the plan has no " + k);
    return c.plan[k].get<double>();
  };
  auto price = [&](const char* k) {
    if (!p.contains(k) || !p[k].is_number() || p[k].get<double>() <= 0) cannot("model '" + id + "' has no positive " + k);
    return p[k].get<double>();
  };
  // An optional surcharge price (high resolution, audio, a grid): when listed it must be a number,
  // and the plan assumes the dearest, as a request may end up billed at it.
  auto dearest = [&](double base, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      if (!p.contains(k) || p[k].is_null()) continue;
      std::vector<const nlohmann::json*> values{&p[k]};
      if (p[k].is_object()) {
        values.clear();
        for (const auto& [tier, v] : p[k].items())
          if (v.is_object())
            for (const auto& [_, w] : v.items()) values.push_back(&w);
          else
            values.push_back(&v);
      }
      for (const auto* v : values) {
        if (!v->is_number() || v->get<double>() < 0) cannot("model '" + id + "' lists a " + k + " that is not a price");
        base = std::max(base, v->get<double>());
      }
    }
    return base;
  };
  PlannedCost cost{c.id, id, c.plan.value("calls", 1.0), "", 0, !c.refusal.is_null()};
  if (method == "token") {
    double in = planned("input_tokens"), out = planned("output_tokens");
    cost.each = amount(in, "input token") + " + " + amount(out, "output token");
    cost.usd = cost.calls * (in * price("input_cost_per_token") + out * price("output_cost_per_token"));
  } else if (method == "per_image") {
    double images = planned("images");
    cost.each = amount(images, "image");
    cost.usd = cost.calls * images * dearest(price("cost_per_image"), {"cost_per_image_grid"});
  } else if (method == "per_video_output_second") {
    double seconds = planned("output_seconds");
    cost.each = amount(seconds, "output second");
    cost.usd = cost.calls * seconds *
               dearest(price("cost_per_second"), {"cost_per_second_high_res", "cost_per_second_with_audio", "cost_per_second_by_resolution"});
  } else if (method == "time") {
    double seconds = planned("compute_seconds");
    cost.each = amount(seconds, "compute second");
    cost.usd = cost.calls * seconds * price("cost_per_second");
  } else {
    cannot("model '" + id + "' has no known pricing method");
  }
  return cost;
}

namespace {

// The mock profile deletes models, changes deployments and makes billable calls: it runs only
// against a server that says it is oxen-mock, and never against Oxen's own host.
const char* const kWhyMockOnly =
    " The mock profile deletes custom models, changes deployments and makes billable calls, so it runs only "
    "against oxen-mock.";

void refuse_oxen_host(const BaseUrl& base) {
  std::string host = ascii_lower(base.host);
  if (host == "oxen.ai" || host.ends_with(".oxen.ai"))
    throw std::runtime_error("refusing --profile mock against " + base.to_string() + ", Oxen.ai's own API." + kWhyMockOnly);
}

void require_mock_identity(const BaseUrl& base, const Fetched& probe) {
  if (!probe.result.headers.contains(ascii_lower(kMockIdentityHeader)))
    throw std::runtime_error("refusing --profile mock: " + base.to_string() + " is not oxen-mock (its GET /ai/models answer has no " +
                             kMockIdentityHeader + " header)." + kWhyMockOnly);
}

}  // namespace

size_t RunReport::count(Status s) const {
  size_t n = 0;
  for (const auto& r : results) n += r.status == s ? 1 : 0;
  return n;
}

size_t RunReport::warnings() const {
  size_t n = 0;
  for (const auto& r : results) n += r.count(Severity::warning);
  return n;
}

nlohmann::json RunReport::to_json() const {
  nlohmann::json j = {{"tool", "oxen-conformance"},
                      {"base_url", base_url},
                      {"profile", profile},
                      {"contract", to_string(contract)},
                      {"seconds", seconds},
                      {"summary",
                       {{"passed", count(Status::passed)},
                        {"failed", count(Status::failed)},
                        {"skipped", count(Status::skipped)},
                        {"warnings", warnings()}}},
                      {"checks", nlohmann::json::array()}};
  if (estimated_cost) j["estimated_cost_usd"] = *estimated_cost;
  for (const auto& r : results) j["checks"].push_back(r.to_json());
  return j;
}

namespace {

// Failures of rules whose source is weaker than the contract stay in the report, as warnings.
std::vector<Finding> held_to(Source contract, std::vector<Finding> findings) {
  for (auto& f : findings)
    if (f.severity == Severity::failure && !fails_at(f.source, contract)) f.severity = Severity::warning;
  return findings;
}

bool selected_by(const std::vector<std::string>& patterns, const std::string& id) {
  for (const auto& p : patterns) {
    if (p == id) return true;
    if (!p.empty() && p.back() == '.' && id.rfind(p, 0) == 0) return true;
    if (!p.empty() && p.back() == '*' && id.rfind(p.substr(0, p.size() - 1), 0) == 0) return true;
  }
  return false;
}

void require_known(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    bool any = false;
    for (const auto& c : catalog()) any = any || selected_by({p}, c.id);
    if (!any) throw std::invalid_argument("no check matches '" + p + "'");
  }
}

}  // namespace

std::vector<CheckDef> select_checks(const RunOptions& options) {
  if (!known_profile(options.profile))
    throw std::invalid_argument("unknown profile '" + options.profile + "' (readonly, full or mock)");
  require_known(options.only);
  require_known(options.skip);
  std::vector<CheckDef> out;
  for (const auto& c : catalog()) {
    if (!profile_includes(options.profile, c.profile)) continue;
    if (!options.only.empty() && !selected_by(options.only, c.id)) continue;
    if (selected_by(options.skip, c.id)) continue;
    out.push_back(c);
  }
  return out;
}

RunReport run_checks(ApiClient& client, const RunOptions& options, const RunHooks& hooks) {
  auto checks = select_checks(options);
  if (checks.empty()) throw std::runtime_error("no check selected");
  const auto& fns = check_functions();

  RunReport report;
  report.base_url = client.base().to_string();
  report.profile = options.profile;
  report.contract = options.contract.value_or(options.profile == "mock" ? Source::ours : Source::documented);
  auto started = std::chrono::steady_clock::now();
  Session session(client, options);

  // The server must answer at all (any status) before checks can judge it. The probe is a
  // read: nothing that changes state is sent before the profile's guards have passed.
  if (options.profile == "mock") refuse_oxen_host(client.base());
  const auto& probe = session.get("/ai/models");
  if (!probe.result.ok)
    throw std::runtime_error("cannot reach " + report.base_url + ": " + probe.result.transport_error);
  if (options.profile == "mock") require_mock_identity(client.base(), probe);

  // Billable checks: price the planned calls first; only the mock profile (which never bills)
  // runs without a --max-cost that covers them. Without a usable model list nothing can be
  // priced: the billable checks are skipped (models.list reports why) and the rest still run.
  std::map<std::string, std::string> not_run;  // check id -> why it was skipped
  const bool billable = std::any_of(checks.begin(), checks.end(), [](const CheckDef& c) { return c.cost_class != "free"; });
  if (billable && !session.listed_models()) {
    for (const auto& c : checks)
      if (c.cost_class != "free") not_run[c.id] = "not run: the model list is unusable (see models.list), so no model can price it";
  } else if (billable) {
    std::vector<PlannedCost> plan;
    for (const auto& c : checks) {
      if (c.cost_class == "free") continue;
      std::string why;
      if (const nlohmann::json* model = session.model_for(c, &why))
        plan.push_back(plan_cost(c, *model));
      else
        not_run[c.id] = "not run: " + why;
    }
    double cost = 0;
    for (const auto& p : plan) cost += p.usd;
    report.estimated_cost = cost;
    if (hooks.estimated) hooks.estimated(cost, plan);
    if (options.profile != "mock" && (!options.max_cost || *options.max_cost < cost)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6f", cost);
      throw std::runtime_error(std::string("estimated cost $") + buf + " is not covered by --max-cost" +
                               (options.max_cost ? "" : " (not given)"));
    }
  }

  for (const auto& c : checks) {
    if (hooks.started) hooks.started(c);
    auto t0 = std::chrono::steady_clock::now();
    Outcome out(c.id, options.strict);
    auto fn = fns.find(c.id);
    try {
      if (auto why = not_run.find(c.id); why != not_run.end())
        out.skip(why->second);
      else if (fn == fns.end())
        out.failure("", "", "implemented", "the catalog lists this check but this build has no implementation of it");
      else
        fn->second(session, out);
    } catch (const std::exception& e) {
      out.failure("", "", "exception", e.what());
    }
    CheckResult r;
    r.id = c.id;
    r.title = c.title;
    r.endpoint = c.endpoint;
    r.profile = c.profile;
    r.cost_class = c.cost_class;
    r.findings = held_to(report.contract, out.findings());
    if (r.count(Severity::failure) > 0)
      r.status = Status::failed;
    else if (!out.skipped().empty())
      r.status = Status::skipped;
    r.note = out.skipped();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (hooks.finished) hooks.finished(r);
    report.results.push_back(std::move(r));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace oxen::conformance
