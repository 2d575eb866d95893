// The rule checks: requests the docs say are refused (a blank prompt, an edit without its source
// image, a Kling video of 2 s, a custom model that is not deployed, ...), declared as data in the
// catalog (`refusal`), so that a server that accepts them — a live API grown lax, or a mock with
// a false green — fails the check that names the rule.
#include <chrono>
#include <thread>

#include "runner.hpp"
#include "text.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

// `request` with every "{model}" string replaced by the chosen model's id.
json fill(const json& request, const json& model_id) {
  if (request.is_string() && request == "{model}") return model_id;
  json out = request;
  if (out.is_structured())
    for (auto& v : out) v = fill(v, model_id);
  return out;
}

bool any_string_contains(const json& j, const std::string& text) {
  if (j.is_string()) return j.get<std::string>().find(text) != std::string::npos;
  if (j.is_structured())
    for (const auto& v : j)
      if (any_string_contains(v, text)) return true;
  return false;
}

// A refusal answer: the documented status, a valid error envelope, the documented text.
void judge_error(Session& s, Outcome& out, const std::string& subj, const Fetched& f, const json& expect) {
  const std::string text = expect["error_contains"];
  const json* doc = expect_json(out, subj, f, expect["status"].get<int>());
  if (!doc) return;
  const bool oxen_shape = doc->is_object() && doc->contains("error") && (*doc)["error"].is_object() && (*doc)["error"].contains("type");
  out.check_schema(s.schemas(), oxen_shape ? "error_oxen" : "error_openai", subj, *doc);
  if (!any_string_contains(*doc, text))
    out.failure(subj, "/error", "error_text", "no text of the error body contains the documented '" + text + "'", doc);
}

bool terminal(const std::string& status) { return status == "succeeded" || status == "failed" || status == "canceled"; }

// The docs let the queue accept a request and fail its job when it runs: follow the job (within
// --stream-budget) and expect `failed` with the documented text. A job still running at the end
// is canceled, so that the check leaves nothing behind.
void follow_job(Session& s, Outcome& out, const std::string& subj, const Fetched& enqueued, const std::string& text) {
  const json* doc = expect_json(out, subj, enqueued, enqueued.result.status);
  if (!doc || !out.check_schema(s.schemas(), "queue_create_response", subj, *doc)) return;
  const std::string id = (*doc)["generations"][0]["generation_id"];
  const std::string path = "/ai/queue/" + url_encode(id);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(s.client().options().stream_budget_s);
  for (;;) {
    auto f = s.send("GET", path);
    const json* g = expect_json(out, subject("GET", path), f, 200);
    if (!g || !out.check_schema(s.schemas(), "generation", subject("GET", path), *g)) return;
    const std::string status = g->value("status", "");
    if (status == "failed") {
      if (!any_string_contains(g->value("error_message", json()), text))
        out.failure(subject("GET", path), "/error_message", "error_text",
                    "the job failed, but its error_message does not contain the documented '" + text + "'", g);
      return;
    }
    if (terminal(status))
      return out.failure(subject("GET", path), "/status", "refused",
                         "the job ended '" + status + "'; the docs refuse this request ('" + text + "')", g);
    if (std::chrono::steady_clock::now() > deadline) {
      s.send("DELETE", path);
      return out.failure(subject("GET", path), "/status", "timeout",
                         "the job was still '" + status + "' at the end of --stream-budget; it was canceled", g);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

void check_refusal(Session& s, const CheckDef& c, Outcome& out) {
  std::string why;
  const json* model = s.model_for(c, &why);
  if (!model) return out.skip(why);
  const std::string path = c.endpoint.substr(c.endpoint.find(' ') + 1);
  const std::string subj = subject("POST", path);
  const json& expect = c.refusal["expect"];
  auto f = s.send("POST", path, fill(c.refusal["request"], (*model)["id"]).dump());
  if (f.result.ok && f.result.status / 100 == 2) {
    if (expect.value("or_job_fails", false)) return follow_job(s, out, subj, f, expect["error_contains"]);
    return out.failure(subj, "", "refused",
                       "answered HTTP " + std::to_string(f.result.status) + " to a request the docs refuse with " +
                           std::to_string(expect["status"].get<int>()) + " '" + expect["error_contains"].get<std::string>() + "'",
                       f.json ? &*f.json : nullptr);
  }
  judge_error(s, out, subj, f, expect);
}

}  // namespace

void add_rule_checks(std::map<std::string, CheckFn>& fns) {
  for (const auto& c : catalog())
    if (!c.refusal.is_null()) fns[c.id] = [&c](Session& s, Outcome& out) { check_refusal(s, c, out); };
}

}  // namespace oxen::conformance
