// The fine-tune checks: the caller's accessible list (readonly), and a job's lifecycle through
// the declared fine-tune state table on the mock's built-in hub (mock profile).
#include "runner.hpp"
#include "state_machine.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

// One page of one job: a valid list that honours page and page_size.
void check_accessible(Session& s, Outcome& out) {
  const std::string path = "/user/fine_tunes?page=1&page_size=1";
  const std::string subj = subject("GET", path);
  const auto* doc = expect_json(out, subj, s.get(path), 200);
  if (!doc || !out.check_schema(s.schemas(), "fine_tune_list_response", subj, *doc)) return;
  if ((*doc)["fine_tunes"].size() > 1)
    out.failure(subj, "/fine_tunes", "page_size",
                "page_size=1 answered " + std::to_string((*doc)["fine_tunes"].size()) + " jobs",
                doc);
  if ((*doc)["page_number"] != 1)
    out.failure(subj, "/page_number", "page", "expected 1, the page asked for", doc);
  if ((*doc)["page_size"] != 1)
    out.failure(subj, "/page_size", "page_size", "expected 1, the page_size asked for", doc);
}

// Create a text fine-tune on the built-in hub's ox/chatbot, run it, and stop it: every answer
// valid, every status a legal move of the table, refused actions answered 409, and the job gone
// once deleted. Runs in a namespace of its own.
void check_lifecycle(Session& s, Outcome& out) {
  const auto& machine = StateMachine::builtin("fine_tune");
  auto client = isolated(s, "fine-tune");
  ApiClient& c = *client;
  const std::string repo = "/repos/ox/chatbot/fine_tunes";
  const json request = {
      {"resource", "main/train.parquet"},
      {"base_model", "Qwen/Qwen3-0.6B"},
      {"script_type", "text_generation"},
      {"training_params", {{"question_column", "prompt"}, {"answer_column", "response"}}}};
  auto created = send(c, "POST", repo, request.dump());
  const auto* doc = expect_json(out, subject("POST", repo), created, 201);
  if (!doc || !out.check_schema(s.schemas(), "fine_tune_response", subject("POST", repo), *doc))
    return;
  const std::string id = (*doc)["fine_tune"]["id"], at = repo + "/" + id;
  std::string status = (*doc)["fine_tune"]["status"];
  if (status != "created")
    out.failure(subject("POST", repo), "/fine_tune/status", "status",
                "a new job is created, not " + status, doc);

  // Each action answers its schema and a status the table reaches from the one before.
  struct Step {
    const char* path;
    const char* schema;
    int expected;
  };
  for (const Step& step :
       {Step{"/actions/run", "fine_tune_run_response", 200}, Step{"/tokenize", "error_oxen", 409},
        Step{"/actions/stop", "fine_tune_stop_response", 200},
        Step{"/actions/stop", "error_oxen", 409}}) {
    const std::string path = at + step.path, subj = subject("POST", path);
    const Fetched answer = send(c, "POST", path);
    const auto* body = expect_json(out, subj, answer, step.expected);
    if (!body || !out.check_schema(s.schemas(), step.schema, subj, *body) || step.expected != 200)
      continue;
    std::string now = (*body)["fine_tune"]["status"];
    if (!machine.legal(status, now))
      out.failure(subj, "/fine_tune/status", "transition",
                  status + " -> " + now + " is not in the fine-tune state table", body);
    status = now;
  }
  if (status != "stopped")
    out.failure(subject("POST", at + "/actions/stop"), "/fine_tune/status", "action",
                "stop should end stopped, not " + status);

  // Each answer is kept while its body is read: expect_json points into it.
  const std::string deploy = at + "/checkpoints/1/deploy";
  const Fetched deployed = send(c, "POST", deploy), removed = send(c, "DELETE", at);
  if (const auto* body = expect_json(out, subject("POST", deploy), deployed, 409))
    out.check_schema(s.schemas(), "error_oxen", subject("POST", deploy), *body);
  if (const auto* body = expect_json(out, subject("DELETE", at), removed, 200))
    out.check_schema(s.schemas(), "fine_tune_response", subject("DELETE", at), *body);
  const Fetched gone = send(c, "GET", at);
  if (const auto* body = expect_json(out, subject("GET", at) + " (after delete)", gone, 404))
    out.check_schema(s.schemas(), "error_oxen", subject("GET", at), *body);
}

}  // namespace

void add_fine_tune_checks(std::map<std::string, CheckFn>& fns) {
  fns["fine_tunes.accessible"] = check_accessible;
  fns["mock.fine_tune"] = check_lifecycle;
}

}  // namespace oxen::conformance
