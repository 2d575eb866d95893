#include "evaluations_api.hpp"

#include <algorithm>
#include <memory>
#include <regex>

#include "../core/api_error.hpp"
#include "../world/world.hpp"
#include "hub.hpp"

namespace oxen::mock {

namespace {

using nlohmann::json;

// The plan of every evaluation: how long it waits, and how long its commit takes. A batch of
// `batch_size` rows takes one second, so the default batch (10) runs 10 rows a second.
constexpr int64_t kQueuedMs = 5000;
constexpr int64_t kCommitMs = 2000;
constexpr int64_t kBatchMs = 1000;
constexpr int64_t kCompletionTokens = 16;  // per row, for text outputs
constexpr size_t kMaxEvaluations = 1000;   // per namespace; the oldest finished one makes room

struct Services {
  const Clock& clock;
  Hub hub;
  std::string fail_marker;
};

const Repository& require_repo(const Services& s, const Context& ctx) {
  const std::string &ns = ctx.param("namespace"), &name = ctx.param("repo_name");
  const Repository* repo = s.hub.repository(ns, name);
  if (!repo) throw ApiError("repository_not_found", {{"namespace", ns}, {"repo", name}});
  return *repo;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "none" : out;
}

// The model the body names (by UUID, or by id in the guide's form), active, and able to take
// `input` and give `output` (its capabilities).
json require_model(Context& ctx, const std::string& input, const std::string& output) {
  const json& b = ctx.body;
  const std::string ref = b.contains("model_id") ? b["model_id"] : b["model"];
  auto id = ctx.world.registry.resolve(ref);
  if (!id) throw ApiError("model_not_found", {{"id", ref}});
  ctx.world.registry.require_active(*id);
  json model = *ctx.world.registry.find(*id);
  const json caps = model.value("capabilities", json::object());
  for (const auto& [side, media] : {std::pair{"input", input}, std::pair{"output", output}}) {
    auto list = caps.value(side, json::array()).get<std::vector<std::string>>();
    if (std::find(list.begin(), list.end(), media) == list.end())
      throw ApiError("evaluation_model_unsuitable",
                     {{"id", *id}, {"side", side}, {"media", media}, {"list", joined(list)}});
  }
  return model;
}

// Every {column} of the prompt must be a column of the file (names are case-sensitive).
void check_placeholders(const std::string& prompt, const DataFile& file, const std::string& resource) {
  static const std::regex placeholder(R"(\{([^{}]+)\})");
  for (std::sregex_iterator it(prompt.begin(), prompt.end(), placeholder), end; it != end; ++it) {
    const std::string column = (*it)[1];
    if (std::find(file.columns.begin(), file.columns.end(), column) == file.columns.end())
      throw ApiError("evaluation_column_not_found",
                     {{"column", column}, {"resource", resource}, {"columns", joined(file.columns)}});
  }
}

// Rough tokens of the prompt as the model sees it for one row (4 characters a token).
int64_t prompt_tokens(const std::string& prompt) { return static_cast<int64_t>(prompt.size() + 3) / 4 + 8; }

json render(const Services& s, const Evaluation& e, World& world) {
  const auto p = progress_at(e, s.clock.now_ms());
  const int64_t prompt_used = p.processed * e.prompt_tokens_per_row;
  const int64_t completion_used = p.processed * e.completion_tokens_per_row;
  json model = nullptr;
  if (auto m = world.registry.find(e.model))
    model = {{"id", e.model}, {"uuid", Registry::uuid_of(e.model)}, {"display_name", m->value("display_name", json())}};
  return {{"id", e.id},
          {"name", e.name},
          {"status", p.status},
          {"progress", {{"processed", p.processed}, {"total", e.rows}}},
          {"prompt", e.prompt},
          {"input_type", e.input_type},
          {"output_type", e.output_type},
          {"model", model},
          {"resource", {{"path", e.resource_path}, {"version", e.resource_version}}},
          {"repository_id", Hub::repository_id(e.repo_namespace, e.repo_name)},
          {"target_branch", e.target_branch},
          {"target_column", e.target_column},
          {"target_path", e.target_path},
          {"is_sample", e.is_sample},
          {"sample_count", e.sample_count},
          {"tokens_used", prompt_used + completion_used},
          {"prompt_tokens_used", prompt_used},
          {"completion_tokens_used", completion_used},
          {"credits_used", prompt_used * e.input_cost_per_token + completion_used * e.output_cost_per_token},
          {"error_message", p.error.empty() ? json(nullptr) : json(p.error)},
          {"created_by", s.hub.user_object(e.created_by)},
          {"inserted_at", iso_time(e.created_ms)},
          {"started_at", optional_time(p.started_ms)},
          {"completed_at", optional_time(p.completed_ms)},
          {"cancelled_at", nullptr}};
}

Response answer(const Services& s, const Evaluation& e, World& world) {
  return Response::json({{"status", "success"}, {"status_message", "resource_found"}, {"evaluation", render(s, e, world)}});
}

Response create(const Services& s, Context& ctx) {
  const Repository& repo = require_repo(s, ctx);
  const std::string& resource = ctx.param("resource_path");  // "<branch>/<file>"
  auto file = repo.files.find(resource);
  if (file == repo.files.end())
    throw ApiError("evaluation_resource_not_found", {{"resource", resource}, {"repo", repo.ns + "/" + repo.name}});
  const json& b = ctx.body;
  // The guide's single `type` is text in, text (or embeddings) out.
  const std::string input = b.contains("type") ? "text" : b["input_type"].get<std::string>();
  const std::string output = b.contains("type") ? b["type"] : b["output_type"];
  const json model = require_model(ctx, input, output);
  const std::string prompt = b["prompt"];
  check_placeholders(prompt, file->second, resource);

  Evaluation e;
  e.id = ctx.world.ids.next("evaluation");
  e.name = b.value("name", "evaluation-" + e.id.substr(0, 8));
  e.repo_namespace = repo.ns;
  e.repo_name = repo.name;
  const size_t slash = resource.find('/');
  e.resource_version = resource.substr(0, slash);
  e.resource_path = resource.substr(slash + 1);
  e.prompt = prompt;
  e.input_type = input;
  e.output_type = output;
  e.model = model["id"];
  e.target_column = b["target_column"];
  e.target_branch = b.value("target_branch", e.resource_version);
  e.target_path = b.value("target_path", e.resource_path);
  e.is_sample = b.value("is_sample", false);
  e.sample_count = b.value("sample_count", int64_t{10});
  e.batch_size = b.value("batch_size", int64_t{10});
  e.auto_commit = b.value("auto_commit", false);
  e.commit_message = b.value("commit_message", json());
  e.created_by = s.hub.me().username;
  e.created_ms = s.clock.now_ms();
  e.queued_ms = kQueuedMs;
  e.row_ms = std::max<int64_t>(1, kBatchMs / e.batch_size);
  e.commit_ms = kCommitMs;
  e.rows = e.is_sample ? std::min(e.sample_count, file->second.rows) : file->second.rows;
  e.fails = !s.fail_marker.empty() && prompt.find(s.fail_marker) != std::string::npos;
  e.prompt_tokens_per_row = prompt_tokens(prompt);
  e.completion_tokens_per_row = output == "text" ? kCompletionTokens : 0;
  const json pricing = model.value("pricing", json::object());
  if (pricing.value("method", "") == "token") {
    e.input_cost_per_token = pricing.value("input_cost_per_token", 0.0);
    e.output_cost_per_token = pricing.value("output_cost_per_token", 0.0);
  }
  if (!ctx.world.evaluations.add(e, kMaxEvaluations, e.created_ms))
    throw ApiError("too_many_evaluations", {{"limit", std::to_string(kMaxEvaluations)}});
  return answer(s, e, ctx.world);
}

}  // namespace

void add_evaluation_routes(Router& router, const Clock& clock, const Fixtures& fixtures, const Config& config) {
  auto s = std::make_shared<Services>(Services{clock, Hub(fixtures.repositories), config.queue_fail_marker});
  const std::string prefix = "OxenApiWeb.Controllers.EvaluationController.";
  router.bind(prefix + "create_evaluation", [s](Context& ctx) { return create(*s, ctx); });
  router.bind(prefix + "get_evaluation", [s](Context& ctx) {
    const Repository& repo = require_repo(*s, ctx);
    auto e = ctx.world.evaluations.get(repo.ns, repo.name, ctx.param("evaluation_id"));
    if (!e) throw ApiError("evaluation_not_found", {{"id", ctx.param("evaluation_id")}});
    return answer(*s, *e, ctx.world);
  });
}

}  // namespace oxen::mock
