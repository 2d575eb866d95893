// The Models API checks (readonly and mock profiles) and the error-body checks.
#include <algorithm>
#include <random>
#include <set>

#include "runner.hpp"
#include "shape.hpp"
#include "state_machine.hpp"
#include "text.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

std::string str_at(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string developer_of(const json& model) {
  if (!model.is_object() || !model.contains("developer")) return "";
  return str_at(model["developer"], "name");
}


// Structural differences between two JSON values, as pointers relative to them.
void diff(const json& a, const json& b, const std::string& pointer, std::vector<std::string>& out) {
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.insert(k);
    for (const auto& [k, v] : b.items()) keys.insert(k);
    for (const auto& k : keys) {
      std::string p = pointer + "/" + escape_pointer_token(k);
      if (!a.contains(k) || !b.contains(k))
        out.push_back(p);
      else
        diff(a[k], b[k], p, out);
    }
  } else if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) diff(a[i], b[i], pointer + "/" + std::to_string(i), out);
  } else if (a.is_number() && b.is_number()) {
    if (a.get<double>() != b.get<double>()) out.push_back(pointer);
  } else if (a != b) {
    out.push_back(pointer);
  }
}

bool related(const std::string& a, const std::string& b) {
  auto under = [](const std::string& x, const std::string& base) {
    return x == base || (x.rfind(base + "/", 0) == 0) || base.empty();
  };
  return under(a, b) || under(b, a);
}

// Pointers where `model` breaks the model schema or has undeclared members.
std::vector<std::string> shape_pointers(const SchemaStore& store, const json& model) {
  std::vector<std::string> out;
  for (const auto& v : store.validate("model", model)) out.push_back(v.pointer);
  for (const auto& p : unknown_members(store, "model", model)) out.push_back(p);
  return out;
}

// Whether a model matches a search text on any field the search may reasonably look at.
bool matches_search(const json& model, const std::string& needle) {
  std::string n = ascii_lower(needle);
  for (const auto& s : {str_at(model, "id"), str_at(model, "display_name"), str_at(model, "description"),
                        str_at(model, "summary"), developer_of(model), str_at(model, "owned_by")})
    if (ascii_lower(s).find(n) != std::string::npos) return true;
  return false;
}

std::set<std::string> ids_of(const json& data) {
  std::set<std::string> ids;
  for (const auto& m : data)
    if (!str_at(m, "id").empty()) ids.insert(str_at(m, "id"));
  return ids;
}

// ---- readonly ------------------------------------------------------------------------------

void check_list(Session& s, Outcome& out) {
  const std::string subj = subject("GET", "/ai/models");
  const auto* doc = expect_json(out, subj, s.get("/ai/models"), 200);
  if (!doc) return;
  out.check_schema(s.schemas(), "model_list", subj, *doc);
  if (!doc->is_object() || !doc->contains("data") || !(*doc)["data"].is_array()) return;
  const auto& data = (*doc)["data"];
  std::set<std::string> seen;
  for (size_t i = 0; i < data.size(); ++i) {
    const std::string p = "/data/" + std::to_string(i);
    const std::string id = str_at(data[i], "id");
    if (!id.empty() && !seen.insert(id).second)
      out.failure(subj, p + "/id", "unique", "model id '" + id + "' is listed twice", doc);
    // A token-priced model tells the price of both kinds of token; clients multiply them.
    const auto& pricing = data[i].is_object() ? data[i].value("pricing", json()) : json();
    if (pricing.is_object() && pricing.value("method", "") == "token")
      for (const char* k : {"input_cost_per_token", "output_cost_per_token"})
        if (!pricing.contains(k) || !pricing[k].is_number())
          out.failure(subj, p + "/pricing/" + k, "pricing", "a token-priced model without a numeric " + std::string(k), doc);
  }
}

void check_filter(Session& s, Outcome& out) {
  const json* list = s.listed_models();
  if (!list) return out.skip("the model list is unusable (see models.list)");
  // A developer that has some but not all listed models, so an ignored filter shows.
  std::map<std::string, size_t> counts;
  for (const auto& m : *list)
    if (!developer_of(m).empty()) ++counts[developer_of(m)];
  std::string dev;
  for (const auto& [name, n] : counts)
    if (n < list->size() && (dev.empty() || n > counts[dev])) dev = name;
  if (dev.empty()) return out.skip("no listed model names a developer");

  const std::string path = "/ai/models?developer_name=" + url_encode(dev);
  const std::string subj = subject("GET", path);
  const auto* doc = expect_json(out, subj, s.get(path), 200);
  if (!doc) return;
  out.check_schema(s.schemas(), "model_list", subj, *doc);
  if (!doc->is_object() || !doc->contains("data") || !(*doc)["data"].is_array()) return;
  const auto& data = (*doc)["data"];
  auto listed = ids_of(*list);
  for (size_t i = 0; i < data.size(); ++i) {
    std::string p = "/data/" + std::to_string(i);
    if (ascii_lower(developer_of(data[i])) != ascii_lower(dev))
      out.failure(subj, p + "/developer/name", "filter", "does not match developer_name=" + dev, doc);
    else if (!listed.count(str_at(data[i], "id")))
      out.failure(subj, p + "/id", "from_list", "not in GET /ai/models", doc);
  }
  auto got = ids_of(data);
  for (const auto& m : *list)
    if (ascii_lower(developer_of(m)) == ascii_lower(dev) && !got.count(str_at(m, "id")))
      out.failure(subj, "/data", "complete", "missing listed model '" + str_at(m, "id") + "' of " + dev);
}

void check_search(Session& s, Outcome& out) {
  const json* list = s.listed_models();
  if (!list) return out.skip("the model list is unusable (see models.list)");
  // A word from a display name that matches some but not all listed models.
  std::string query, origin;
  for (const auto& m : *list) {
    std::string name = str_at(m, "display_name"), word;
    for (size_t i = 0; i <= name.size() && query.empty(); ++i) {
      if (i < name.size() && std::isalnum(static_cast<unsigned char>(name[i]))) {
        word += name[i];
        continue;
      }
      if (word.size() >= 4) {
        size_t n = 0;
        for (const auto& x : *list) n += matches_search(x, word) ? 1 : 0;
        if (n < list->size()) {
          query = word;
          origin = str_at(m, "id");
        }
      }
      word.clear();
    }
    if (!query.empty()) break;
  }
  if (query.empty()) return out.skip("no display name gives a selective search word");

  const std::string path = "/ai/models/search?search=" + url_encode(query);
  const std::string subj = subject("GET", path);
  const auto* doc = expect_json(out, subj, s.get(path), 200);
  if (!doc) return;
  if (!out.check_schema(s.schemas(), "model_list", subj, *doc)) {
    if (!doc->is_object() || !doc->contains("data") || !(*doc)["data"].is_array()) return;
  }
  const auto& data = (*doc)["data"];
  auto listed = ids_of(*list);
  for (size_t i = 0; i < data.size(); ++i) {
    std::string p = "/data/" + std::to_string(i);
    if (!matches_search(data[i], query))
      out.failure(subj, p, "matches_query", "result does not mention '" + query + "'", doc);
    else if (!listed.count(str_at(data[i], "id")))
      out.failure(subj, p + "/id", "from_list", "result not in GET /ai/models", doc);
  }
  if (!ids_of(data).count(origin))
    out.failure(subj, "/data", "complete", "'" + origin + "' (whose name contains '" + query + "') is missing");
}

std::vector<std::string> listed_ids(Session& s) {
  std::vector<std::string> ids;
  if (const json* list = s.listed_models())
    for (const auto& m : *list)
      if (!str_at(m, "id").empty() && ids.size() < static_cast<size_t>(s.options().max_retrieves))
        ids.push_back(str_at(m, "id"));
  return ids;
}

void check_retrieve(Session& s, Outcome& out) {
  auto ids = listed_ids(s);
  if (ids.empty()) return out.skip("no listed model to retrieve (see models.list)");
  for (const auto& id : ids) {
    const std::string path = "/ai/models/" + model_path(id);
    const std::string subj = subject("GET", path);
    const auto* doc = expect_json(out, subj, s.get(path), 200);
    if (!doc) continue;
    out.check_schema(s.schemas(), "model", subj, *doc);
    if (doc->is_object() && doc->contains("id") && (*doc)["id"] != id)
      out.failure(subj, "/id", "id", "retrieved model has another id", doc);
  }
}

void check_equals_list(Session& s, Outcome& out) {
  const json* list = s.listed_models();
  if (!list) return out.skip("the model list is unusable (see models.list)");
  size_t compared = 0;
  for (size_t i = 0; i < list->size() && compared < static_cast<size_t>(s.options().max_retrieves); ++i) {
    const json& listed = (*list)[i];
    std::string id = str_at(listed, "id");
    if (id.empty()) continue;
    const std::string path = "/ai/models/" + model_path(id);
    const auto& f = s.get(path);
    if (!f.result.ok || f.result.status != 200 || !f.json) continue;  // models.retrieve reports it
    ++compared;
    // Shape problems are reported by the schema checks; deployment status may move between
    // calls and is judged by models.deployment.transitions.
    auto masked = shape_pointers(s.schemas(), listed);
    for (const auto& p : shape_pointers(s.schemas(), *f.json)) masked.push_back(p);
    std::vector<std::string> diffs;
    diff(listed, *f.json, "", diffs);
    for (const auto& p : diffs) {
      if (p.rfind("/deployments/", 0) == 0 && p.size() > 7 && p.substr(p.size() - 7) == "/status") continue;
      if (std::any_of(masked.begin(), masked.end(), [&](const auto& m) { return related(m, p); })) continue;
      out.failure(subject("GET", path), p, "equals_list",
                  "differs from /data/" + std::to_string(i) + " of GET /ai/models, which has " +
                      excerpt_at(listed, p, 80),
                  &*f.json);
    }
  }
  if (compared == 0) out.skip("no model retrieved (see models.retrieve)");
}

void check_transitions(Session& s, Outcome& out) {
  const auto& machine = StateMachine::builtin("deployment");
  struct Observation {
    std::string subject, status;
  };
  std::map<std::string, std::vector<Observation>> seen;
  std::vector<std::string> order;
  auto observe = [&](const std::string& id, const std::string& subj, const json& model) {
    std::string st = deployment_status(model);
    if (st.empty() || !machine.is_state(st)) return;  // undeclared values: the schema checks say so
    if (!seen.count(id)) order.push_back(id);
    seen[id].push_back({subj, st});
  };

  std::set<std::string> custom(s.options().custom_models.begin(), s.options().custom_models.end());
  if (const json* list = s.listed_models())
    for (const auto& m : *list)
      if (is_custom(m)) {
        custom.insert(str_at(m, "id"));
        observe(str_at(m, "id"), subject("GET", "/ai/models"), m);
      }
  if (custom.empty()) return out.skip("no custom model listed; name one with --custom-model");

  for (const auto& id : custom) {
    const std::string path = "/ai/models/" + model_path(id);
    const auto& first = s.get(path);
    if (first.json && first.result.status == 200) observe(id, subject("GET", path), *first.json);
    auto again = s.send("GET", path);
    if (again.json && again.result.status == 200) observe(id, subject("GET", path) + " (again)", *again.json);
  }
  for (const auto& id : order) {
    const auto& obs = seen[id];
    for (size_t i = 1; i < obs.size(); ++i) {
      if (machine.legal(obs[i - 1].status, obs[i].status)) continue;
      out.failure(obs[i].subject, "/deployments/0/status", "transition",
                  "deployment of '" + id + "' went " + obs[i - 1].status + " -> " + obs[i].status + " (" +
                      obs[i - 1].subject + ", then " + obs[i].subject +
                      "); the deployment state machine has no such transition");
    }
  }
}

const char* kMissingModel = "oxen-conformance-no-such-model";

void check_model_not_found(Session& s, Outcome& out) {
  const std::string path = "/ai/models/" + std::string(kMissingModel);
  const std::string subj = subject("GET", path);
  const auto* doc = expect_json(out, subj, s.get(path), 404);
  if (!doc) return;
  if (!out.check_schema(s.schemas(), "error_openai", subj, *doc)) return;
  json expected = {{"error", {{"message", std::string("Model not found: ") + kMissingModel}}}};
  std::vector<std::string> diffs;
  diff(expected, *doc, "", diffs);
  for (const auto& p : diffs) {
    if (!expected.contains(nlohmann::json::json_pointer(p))) continue;  // extra members: warnings above
    out.failure(subj, p, "exact_body", "expected " + excerpt_at(expected, p, 100), doc);
  }
}

void check_oxen_error(Session& s, Outcome& out, const std::string& path, bool authenticated, int status,
                      const std::string& type) {
  const std::string subj = subject("GET", path) + (authenticated ? "" : " (no API key)");
  const auto* doc = expect_json(out, subj, s.get(path, authenticated), status);
  if (!doc) return;
  if (!out.check_schema(s.schemas(), "error_oxen", subj, *doc)) return;
  if ((*doc)["error"]["type"] != type)
    out.failure(subj, "/error/type", "error_type", "expected \"" + type + "\"", doc);
  if ((*doc)["status_message"] != type)
    out.failure(subj, "/status_message", "error_type", "expected \"" + type + "\"", doc);
}

void check_unauthenticated(Session& s, Outcome& out) {
  check_oxen_error(s, out, "/ai/models", false, 401, "unauthenticated");
}

void check_invalid_params(Session& s, Outcome& out) {
  check_oxen_error(s, out, "/ai/models/search", true, 400, "invalid_params");
}

// A list of some of the models (featured, favorites): a valid model_list, each model once, each
// one the full list also has.
void check_sublist(Session& s, Outcome& out, const std::string& path) {
  const json* list = s.listed_models();
  if (!list) return out.skip("the model list is unusable (see models.list)");
  const std::string subj = subject("GET", path);
  const auto* doc = expect_json(out, subj, s.get(path), 200);
  if (!doc) return;
  if (!out.check_schema(s.schemas(), "model_list", subj, *doc) &&
      (!doc->is_object() || !doc->contains("data") || !(*doc)["data"].is_array()))
    return;
  const auto listed = ids_of(*list);
  std::set<std::string> seen;
  const auto& data = (*doc)["data"];
  for (size_t i = 0; i < data.size(); ++i) {
    const std::string id = str_at(data[i], "id"), p = "/data/" + std::to_string(i) + "/id";
    if (!seen.insert(id).second)
      out.failure(subj, p, "unique", "'" + id + "' is listed twice", doc);
    else if (!listed.count(id))
      out.failure(subj, p, "from_list", "'" + id + "' is not in GET /ai/models", doc);
  }
}

void check_featured(Session& s, Outcome& out) { check_sublist(s, out, "/ai/models/featured"); }
void check_favorites(Session& s, Outcome& out) { check_sublist(s, out, "/ai/models/favorites"); }

// ---- mock profile --------------------------------------------------------------------------

void check_determinism(Session& s, Outcome& out) {
  // A chat completion: the same request twice gives the same message (ids and times may differ).
  if (const json* m = s.chat_model()) {
    json body = {{"model", (*m)["id"]},
                 {"messages", json::array({{{"role", "user"}, {"content", "Name three rivers."}}})},
                 {"seed", 7}};
    auto a = s.send("POST", "/ai/chat/completions", body.dump());
    auto b = s.send("POST", "/ai/chat/completions", body.dump());
    const std::string subj = subject("POST", "/ai/chat/completions");
    const auto* ja = expect_json(out, subj, a, 200);
    const auto* jb = expect_json(out, subj + " (again)", b, 200);
    if (ja && jb) {
      auto message = [](const json& j) {
        return j.contains("choices") && j["choices"].is_array() && !j["choices"].empty() ? j["choices"][0].value("message", json())
                                                                                           : json();
      };
      if (message(*ja) != message(*jb))
        out.failure(subj + " (again)", "/choices/0/message", "deterministic",
                    "the same request gave another message; first was " + shorten(message(*ja).dump(), 80), jb);
    }
  }
  for (const std::string path : {"/ai/models", "/ai/models/search?search=image"}) {
    auto a = s.send("GET", path), b = s.send("GET", path);
    if (!a.result.ok || !b.result.ok) {
      out.failure(subject("GET", path), "", "transport", "no response");
      continue;
    }
    if (a.result.status != b.result.status || a.result.body != b.result.body)
      out.failure(subject("GET", path), "", "deterministic", "two identical requests answered differently",
                  b.json ? &*b.json : nullptr);
  }
}

void check_activation(Session& s, Outcome& out) {
  const auto& machine = StateMachine::builtin("deployment");
  auto c = isolated(s, "activation");
  auto listed = send(*c, "GET", "/ai/models");
  if (!listed.json || !listed.json->contains("data")) return out.skip("the model list is unusable (see models.list)");
  size_t tried = 0;
  for (const auto& m : (*listed.json)["data"]) {
    if (!is_custom(m)) continue;
    std::string id = str_at(m, "id"), before = deployment_status(m);
    for (const char* action : {"activate", "deactivate"}) {
      std::string path = "/ai/models/" + model_path(id) + "/" + action;
      auto r = send(*c, "POST", path);
      const auto* doc = expect_json(out, subject("POST", path), r, 200);
      if (!doc) break;
      out.check_schema(s.schemas(), "model", subject("POST", path), *doc);
      std::string after = deployment_status(*doc);
      if (!machine.legal(before, after))
        out.failure(subject("POST", path), "/deployments/0/status", "transition",
                    id + ": " + before + " -> " + after + " is not in the deployment state machine", doc);
      auto expected = machine.next(before, action);
      if (expected && after != *expected && !machine.legal(*expected, after))
        out.failure(subject("POST", path), "/deployments/0/status", "action",
                    id + ": " + action + " from " + before + " should give " + *expected, doc);
      before = after;
    }
    ++tried;
  }
  if (tried == 0) return out.skip("no custom model in the fixtures");
  // Base models are always active and refuse deployment actions.
  for (const auto& m : (*listed.json)["data"]) {
    if (is_custom(m)) continue;
    std::string path = "/ai/models/" + model_path(str_at(m, "id")) + "/activate";
    auto r = send(*c, "POST", path);
    if (const auto* doc = expect_json(out, subject("POST", path), r, 400))
      out.check_schema(s.schemas(), "error_oxen", subject("POST", path), *doc);
    break;
  }
}

// Favoriting a model lists it among the favorites, unfavoriting removes it, and an unknown
// model answers the documented 404.
void check_favorite(Session& s, Outcome& out) {
  auto c = isolated(s, "favorite");
  const json* list = s.listed_models();
  if (!list || list->empty()) return out.skip("the model list is unusable (see models.list)");
  const std::string id = str_at((*list)[0], "id"), path = "/ai/models/" + model_path(id) + "/favorite";
  auto favorites = [&](const char* when) {
    auto f = send(*c, "GET", "/ai/models/favorites");
    const auto* doc = expect_json(out, subject("GET", "/ai/models/favorites") + when, f, 200);
    return doc && doc->contains("data") && ids_of((*doc)["data"]).count(id);
  };
  const auto added = send(*c, "POST", path);
  if (const auto* doc = expect_json(out, subject("POST", path), added, 200))
    out.check_schema(s.schemas(), "model", subject("POST", path), *doc);
  if (!favorites(" (after favorite)"))
    out.failure(subject("GET", "/ai/models/favorites"), "/data", "favorite", "'" + id + "' is not listed after POST " + path);
  const auto removed = send(*c, "DELETE", path);
  if (const auto* doc = expect_json(out, subject("DELETE", path), removed, 200))
    out.check_schema(s.schemas(), "model", subject("DELETE", path), *doc);
  if (favorites(" (after unfavorite)"))
    out.failure(subject("GET", "/ai/models/favorites"), "/data", "favorite", "'" + id + "' is still listed after DELETE " + path);
  const std::string unknown = "/ai/models/no-such-model-" + std::to_string(std::random_device{}() % 100000) + "/favorite";
  const auto refused = send(*c, "POST", unknown);
  if (const auto* doc = expect_json(out, subject("POST", unknown), refused, 404))
    out.check_schema(s.schemas(), "error_openai", subject("POST", unknown), *doc);
}

void check_delete(Session& s, Outcome& out) {
  auto c = isolated(s, "delete");
  auto listed = send(*c, "GET", "/ai/models");
  if (!listed.json || !listed.json->contains("data")) return out.skip("the model list is unusable (see models.list)");
  std::string custom, base;
  for (const auto& m : (*listed.json)["data"]) {
    if (is_custom(m) && custom.empty()) custom = str_at(m, "id");
    if (!is_custom(m) && base.empty()) base = str_at(m, "id");
  }
  if (!custom.empty()) {
    std::string path = "/ai/models/" + model_path(custom);
    auto r = send(*c, "DELETE", path);
    if (const auto* doc = expect_json(out, subject("DELETE", path), r, 200))
      out.check_schema(s.schemas(), "model", subject("DELETE", path), *doc);
    auto gone = send(*c, "GET", path);
    if (const auto* doc = expect_json(out, subject("GET", path) + " (after delete)", gone, 404))
      out.check_schema(s.schemas(), "error_openai", subject("GET", path), *doc);
    auto after = send(*c, "GET", "/ai/models");
    if (after.json && after.json->contains("data") && ids_of((*after.json)["data"]).count(custom))
      out.failure(subject("GET", "/ai/models") + " (after delete)", "/data", "deleted",
                  "'" + custom + "' is still listed");
  }
  if (!base.empty()) {
    std::string path = "/ai/models/" + model_path(base);
    auto r = send(*c, "DELETE", path);
    if (const auto* doc = expect_json(out, subject("DELETE", path), r, 400))
      out.check_schema(s.schemas(), "error_oxen", subject("DELETE", path), *doc);
  }
}

}  // namespace

// A client of the same server in a namespace of its own, so state changes stay there.
std::unique_ptr<ApiClient> isolated(Session& s, const std::string& tag) {
  auto c = std::make_unique<ApiClient>(s.client().base(), s.client().api_key());
  std::random_device rd;
  c->set_default_header("X-Mock-Namespace", "conformance-" + tag + "-" + std::to_string(rd() % 1000000));
  return c;
}

Fetched send(ApiClient& c, const std::string& method, const std::string& path, const std::string& body) {
  Fetched f{method, path, c.send(method, path, body), std::nullopt};
  auto parsed = nlohmann::json::parse(f.result.body, nullptr, false);
  if (f.result.ok && !parsed.is_discarded()) f.json = std::move(parsed);
  return f;
}

void add_chat_checks(std::map<std::string, CheckFn>& fns);
void add_generation_checks(std::map<std::string, CheckFn>& fns);
void add_media_checks(std::map<std::string, CheckFn>& fns);
void add_rule_checks(std::map<std::string, CheckFn>& fns);
void add_fine_tune_checks(std::map<std::string, CheckFn>& fns);

const std::map<std::string, CheckFn>& check_functions() {
  static const std::map<std::string, CheckFn> fns = [] {
    std::map<std::string, CheckFn> f = {
      {"models.list", check_list},
      {"models.list.filter", check_filter},
      {"models.search", check_search},
      {"models.featured", check_featured},
      {"models.favorites", check_favorites},
      {"models.retrieve", check_retrieve},
      {"models.retrieve.equals_list", check_equals_list},
      {"models.deployment.transitions", check_transitions},
      {"errors.model_not_found", check_model_not_found},
      {"errors.unauthenticated", check_unauthenticated},
      {"errors.invalid_params", check_invalid_params},
      {"mock.determinism", check_determinism},
      {"mock.activation", check_activation},
      {"mock.favorite", check_favorite},
      {"mock.delete", check_delete},
    };
    add_chat_checks(f);
    add_generation_checks(f);
    add_fine_tune_checks(f);
    add_media_checks(f);
    add_rule_checks(f);
    return f;
  }();
  return fns;
}

}  // namespace oxen::conformance
