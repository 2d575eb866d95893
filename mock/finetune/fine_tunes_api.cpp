#include "fine_tunes_api.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <memory>

#include "../../conformance/contract/text.hpp"
#include "../core/api_error.hpp"
#include "../core/rng.hpp"
#include "../queue/generation_cost.hpp"
#include "../queue/generations_api.hpp"
#include "../queue/queue_api.hpp"
#include "../world/world.hpp"
#include "hub.hpp"

namespace oxen::mock {

namespace {

constexpr size_t kDefaultPageSize = 20;
constexpr size_t kMaxPageSize = 100;
// Diffusion trainers log every this many steps (the docs give no logging_steps for them).
constexpr int64_t kDiffusionLogEvery = 10;

struct Services {
  const Clock& clock;
  Hub hub;
  int64_t now() const { return clock.now_ms(); }
};

bool is_text_family(const std::string& script_type) {
  return script_type == "text_generation" || script_type == "text_chat_messages" ||
         script_type == "image_to_text";
}

std::string log_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// Metric values rounded so that logs read like a trainer's.
double rounded(double v, double scale = 1e6) {
  return std::round(v * scale) / scale;
}

// A generated name in the docs' style (ox-brave-jade-gecko): words from the job's id.
std::string name_for(const std::string& id, int attempt) {
  static const char* const adjectives[] = {
      "brave", "busy",  "calm",   "clever",    "comfortable", "eager", "gentle",   "happy",
      "jolly", "lucky", "mighty", "objective", "proud",       "quick", "artistic", "witty"};
  static const char* const colors[] = {"jade",   "scarlet", "sapphire", "cyan", "amber", "coral",
                                       "ivory",  "indigo",  "olive",    "ruby", "teal",  "violet",
                                       "silver", "golden",  "crimson",  "azure"};
  static const char* const animals[] = {
      "gecko",  "beaver", "locust", "puffin", "elephant", "otter", "falcon", "lynx",
      "badger", "heron",  "koala",  "marmot", "newt",     "orca",  "panda",  "walrus"};
  Rng rng(hash_bytes(id), "fine-tune-name" + std::to_string(attempt));
  std::string name = std::string("ox-") + adjectives[rng.below(16)] + "-" + colors[rng.below(16)] +
                     "-" + animals[rng.below(16)];
  return attempt < 8 ? name : name + "-" + std::to_string(attempt);
}

std::string new_fine_tune_id(World& world) {
  std::string id;
  do {
    std::string uuid = world.ids.next("fine_tune");
    std::erase(uuid, '-');
    id = "ft_" + uuid;
  } while (world.fine_tunes.contains(id));
  return id;
}

// ---- Rendering ----

struct Metrics {
  double loss, learning_rate, epoch, grad_norm;
  std::optional<double> accuracy;  // text models only
};

// What the trainer logs at `step`: loss falls and accuracy rises with progress, with noise from
// the job's id, so a job shows the same curve every time it is read.
Metrics metrics_at(const FineTune& job, int64_t step) {
  if (step == 0)
    return {0, 0, 0, 0, is_text_family(job.script_type) ? std::optional<double>(0) : std::nullopt};
  double progress = static_cast<double>(step) / static_cast<double>(job.total_steps);
  Rng rng(hash_bytes(job.id) ^ mix64(static_cast<uint64_t>(step)), "fine-tune-metrics");
  double lr = job.training_params.value("learning_rate", 0.0001);
  Metrics m;
  m.loss = rounded(0.35 + 2.2 * std::exp(-4 * progress) + (rng.unit() - 0.5) * 0.06);
  m.learning_rate = rounded(lr * (1 - progress), 1e12);
  m.epoch = rounded(static_cast<double>(step) / static_cast<double>(job.steps_per_epoch), 1e4);
  m.grad_norm = rounded(0.4 + rng.unit(), 1e4);
  if (is_text_family(job.script_type))
    m.accuracy = rounded(0.45 + 0.5 * (1 - std::exp(-3 * progress)), 1e4);
  return m;
}

std::string model_name(const FineTune& job, int64_t step) {
  return job.name + "-step-" + std::to_string(step);
}
std::string model_id(const FineTune& job, int64_t step) {
  return "oxen:" + job.repo_namespace + "/" + model_name(job, step);
}

nlohmann::json deployment_status(World& world, const std::string& id) {
  auto status = world.registry.deployment_status(id);
  return status && !status->empty() ? nlohmann::json(*status) : nlohmann::json(nullptr);
}

nlohmann::json render(const Services& s, World& world, const FineTune& job) {
  int64_t now = s.now();
  bool trained_out = job.finished_ms && job.error.empty() && job.final_step == job.total_steps;
  bool tokenized = job.started_ms ||
                   (job.tokenize_started_ms && now >= *job.tokenize_started_ms + job.tokenize_ms);
  nlohmann::json deployed = nullptr;
  if (!job.deployments.empty()) {
    const auto& [step, d] = *job.deployments.rbegin();
    deployed = {{"model_id", d.model_id},
                {"step", step},
                {"deployment_id", d.deployment_id},
                {"deployment_status", deployment_status(world, d.model_id)}};
  }
  bool billing = job.started_ms.has_value();
  return {
      {"id", job.id},
      {"name", job.name},
      {"display_name", job.display_name},
      {"description", job.description},
      {"status", job.status},
      {"base_model", job.base_model},
      {"script_type", job.script_type},
      {"resource", {{"path", job.resource_path}, {"version", job.resource_version}}},
      {"output_resource",
       trained_out ? nlohmann::json{{"path", "models/" + job.name + "/model.safetensors"},
                                    {"version", "models/" + job.name}}
                   : nlohmann::json(nullptr)},
      {"training_params", job.training_params},
      {"fine_tune_script",
       {{"id", Rng(hash_bytes(job.script_type), "fine-tune-script").uuid()},
        {"name", job.script_type},
        {"display_name", job.script_type},
        {"description", "Fine-tunes " + job.base_model + " (" + job.script_type + ")"},
        {"script_type", job.script_type},
        {"docker_image_name", "oxen/fine-tune-" + job.script_type}}},
      {"use_lora", job.training_params.value("use_lora", true)},
      {"gpu_count", 1},
      {"gpu_model", "A10G"},
      {"queue_position", job.status == "enqueued" ? nlohmann::json(1) : nlohmann::json(nullptr)},
      {"credits_used", format_cost(credits_micros(job, now))},
      {"rate_per_second", format_cost(job.cost_micros_per_second)},
      {"last_credit_check",
       billing ? nlohmann::json(iso_time(job.finished_ms.value_or(now))) : nlohmann::json(nullptr)},
      {"started_at", optional_time(job.started_ms)},
      {"finished_at", optional_time(job.finished_ms)},
      {"inserted_at", iso_time(job.created_ms)},
      {"created_at", iso_time(job.created_ms)},
      {"updated_at", iso_time(job.updated_ms)},
      {"total_token_count", tokenized ? job.total_tokens : 0},
      {"error", job.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.error)},
      {"deployed_model", deployed},
      {"created_by", s.hub.user_object(job.created_by)},
      {"repository_id", Hub::repository_id(job.repo_namespace, job.repo_name)},
      {"is_public", job.is_public},
      {"oxen_model_path", job.oxen_model_path},
      {"current_step", current_step(job, now)},
      {"total_steps", job.total_steps}};
}

nlohmann::json envelope(nlohmann::json body) {
  body["status"] = "success";
  body["status_message"] = "resource_found";
  return body;
}

Response job_response(const Services& s, World& world, const FineTune& job, int status = 200) {
  return Response::json(envelope({{"fine_tune", render(s, world, job)}}), status);
}

// ---- Lookups ----

const Repository& require_repo(const Services& s, const Context& ctx) {
  const std::string &ns = ctx.param("namespace"), &name = ctx.param("repo_name");
  const Repository* repo = s.hub.repository(ns, name);
  if (!repo) throw ApiError("repository_not_found", {{"namespace", ns}, {"repo", name}});
  return *repo;
}

FineTune require_job(const Services& s, Context& ctx) {
  const Repository& repo = require_repo(s, ctx);
  auto job = ctx.world.fine_tunes.get(repo.ns, repo.name, ctx.param("id"), s.now());
  if (!job) throw ApiError("fine_tune_not_found", {{"id", ctx.param("id")}});
  return *job;
}

// Runs `change` on the job; a move the state table does not have answers 409.
FineTune change_job(const Services& s, Context& ctx, const std::function<void(FineTune&)>& change) {
  const Repository& repo = require_repo(s, ctx);
  try {
    auto job = ctx.world.fine_tunes.update(repo.ns, repo.name, ctx.param("id"), s.now(), change);
    if (!job) throw ApiError("fine_tune_not_found", {{"id", ctx.param("id")}});
    return *job;
  } catch (const FineTuneStore::Refused& r) {
    throw ApiError("fine_tune_action_refused",
                   {{"id", ctx.param("id")}, {"action", r.action}, {"status", r.status}});
  }
}

// ---- Create ----

// The training_params keys that name columns of the training file, for each script type.
std::vector<std::string> column_keys(const std::string& script_type) {
  if (script_type == "text_generation") return {"question_column", "answer_column"};
  if (script_type == "text_chat_messages") return {"messages_column"};
  if (script_type == "image_to_text") return {"question_column", "answer_column", "image_columns"};
  if (script_type == "image_editing")
    return {"image_column", "caption_column", "control_image_column"};
  if (script_type == "multi_image_editing")
    return {"image_column", "caption_column", "control_image_columns"};
  if (script_type == "text_to_video" || script_type == "image_to_video")
    return {"image_column", "video_column", "caption_column"};
  return {"image_column", "caption_column"};
}

void check_columns(const nlohmann::json& params, const std::string& script_type,
                   const std::string& resource, const DataFile& file) {
  std::string all;
  for (const auto& c : file.columns) all += (all.empty() ? "" : ", ") + c;
  auto check = [&](const std::string& pointer, const std::string& column) {
    if (std::find(file.columns.begin(), file.columns.end(), column) == file.columns.end())
      throw ApiError(
          "fine_tune_column_not_found",
          {{"pointer", pointer}, {"column", column}, {"resource", resource}, {"columns", all}});
  };
  for (const auto& key : column_keys(script_type)) {
    if (!params.contains(key)) continue;
    const std::string pointer = "/training_params/" + key;
    if (params[key].is_array())
      for (size_t i = 0; i < params[key].size(); ++i)
        check(pointer + "/" + std::to_string(i), params[key][i]);
    else
      check(pointer, params[key]);
  }
}

// The documented defaults of each script type, under the keys the client gave.
nlohmann::json with_defaults(nlohmann::json params, const std::string& script_type) {
  nlohmann::json defaults;
  if (is_text_family(script_type)) {
    defaults = {{"epochs", 1},
                {"batch_size", 1},
                {"grad_accum", 1},
                {"learning_rate", 0.0001},
                {"lora_rank", 16},
                {"lora_alpha", 16},
                {"use_lora", true},
                {"logging_steps", 10},
                {"save_steps_ratio", 0.25},
                {"save_strategy", "epoch"},
                {"enable_thinking", false},
                {"neftune_noise_alpha", 0},
                {"seq_length", script_type == "image_to_text" ? 4096 : 1024}};
  } else {
    bool editing = script_type == "image_editing" || script_type == "multi_image_editing";
    defaults = {{"steps", script_type == "image_generation" ? 2000 : 3000},
                {"learning_rate", 0.0002},
                {"batch_size", 1},
                {"gradient_accumulation", 1},
                {"lora_rank", 16},
                {"lora_alpha", 16},
                {"use_lora", true},
                {"sample_every", 200},
                {"timestep_type", script_type == "image_generation" ? "sigmoid" : "weighted"}};
    if (editing) defaults.update({{"sample_width", 1024}, {"sample_height", 1024}});
    if (script_type == "image_editing") defaults["cache_text_embeddings"] = false;
    if (script_type == "image_to_video") defaults["num_frames"] = 81;
  }
  for (const auto& [key, value] : defaults.items())
    if (!params.contains(key)) params[key] = value;
  return params;
}

// Steps, save and logging intervals from the parameters and the file's size.
void plan(FineTune& job, const DataFile& file) {
  const auto& p = job.training_params;
  if (is_text_family(job.script_type)) {
    int64_t per_step = p["batch_size"].get<int64_t>() * p["grad_accum"].get<int64_t>();
    job.steps_per_epoch = std::max<int64_t>(1, (file.rows + per_step - 1) / per_step);
    job.total_steps = job.steps_per_epoch * p["epochs"].get<int64_t>();
    job.save_every = p["save_strategy"] == "epoch"
                         ? job.steps_per_epoch
                         : std::max<int64_t>(1, std::llround(job.total_steps *
                                                             p["save_steps_ratio"].get<double>()));
    job.log_every = p["logging_steps"];
  } else {
    job.total_steps = p["steps"];
    int64_t per_step = p["batch_size"].get<int64_t>() * p["gradient_accumulation"].get<int64_t>();
    job.steps_per_epoch = std::max<int64_t>(1, (file.rows + per_step - 1) / per_step);
    job.save_every = p["sample_every"];
    job.log_every = kDiffusionLogEvery;
  }
  if (p.contains("mock_fail_at_step")) job.fail_at_step = p["mock_fail_at_step"].get<int64_t>();
}

Response create(const Services& s, Context& ctx) {
  const Repository& repo = require_repo(s, ctx);
  const auto& body = ctx.body;
  const std::string resource = body["resource"], script_type = body["script_type"],
                    base = body["base_model"];
  auto file = repo.files.find(resource);
  if (file == repo.files.end())
    throw ApiError("fine_tune_resource_not_found",
                   {{"resource", resource}, {"repo", repo.ns + "/" + repo.name}});
  auto model = ctx.world.registry.find(base);
  if (!model || model->value("model_type", "base") != "base")
    throw ApiError("fine_tune_base_model_unknown", {{"id", base}});
  const auto& ft = model->value("fine_tuning", nlohmann::json());
  std::vector<std::string> actions;
  if (ft.is_object() && ft.contains("actions") && ft["actions"].is_array())
    for (const auto& a : ft["actions"])
      if (a.is_string()) actions.push_back(a);
  if (std::find(actions.begin(), actions.end(), script_type) == actions.end()) {
    std::string list;
    for (const auto& a : actions) list += (list.empty() ? "" : ", ") + a;
    throw ApiError(
        "fine_tune_base_model_unsupported",
        {{"id", base}, {"script_type", script_type}, {"actions", list.empty() ? "none" : list}});
  }
  check_columns(body["training_params"], script_type, resource, file->second);

  FineTune job;
  job.id = new_fine_tune_id(ctx.world);
  for (int attempt = 0; job.name.empty() || ctx.world.fine_tunes.name_taken(job.name); ++attempt)
    job.name = name_for(job.id, attempt);
  job.repo_namespace = repo.ns;
  job.repo_name = repo.name;
  job.base_model = base;
  job.script_type = script_type;
  size_t slash = resource.find('/');
  job.resource_version = resource.substr(0, slash);
  job.resource_path = resource.substr(slash + 1);
  job.training_params = with_defaults(body["training_params"], script_type);
  job.display_name = body.value("display_name", nlohmann::json());
  job.description = body.value("description", nlohmann::json());
  job.oxen_model_path = body.value("oxen_model_path", nlohmann::json());
  job.is_public = body.value("is_public", false);
  job.created_by = s.hub.me().username;
  job.created_ms = job.updated_ms = s.now();
  const auto& timing = s.hub.timing();
  job.step_ms = timing.step_ms;
  job.queued_ms = timing.queued_ms;
  job.tokenize_ms = timing.tokenize_ms;
  job.total_tokens = file->second.rows * timing.tokens_per_row;
  const auto& cost = ft.value("cost_per_second", nlohmann::json());
  job.cost_micros_per_second = cost.is_number() ? std::llround(cost.get<double>() * 1e6) : 0;
  plan(job, file->second);
  if (!ctx.world.fine_tunes.add(job, timing.max_fine_tunes))
    throw ApiError("too_many_fine_tunes", {{"limit", std::to_string(timing.max_fine_tunes)}});
  return job_response(s, ctx.world, job, 201);
}

// ---- Lists ----

Response list(const Services& s, Context& ctx,
              const std::function<bool(const FineTune&)>& in_scope) {
  static const char* const kStatusNames[] = {"created",   "tokenizing", "enqueued", "running",
                                             "completed", "stopped",    "errored",  "deployed"};
  size_t page = page_param(ctx, "page", 1, SIZE_MAX);
  size_t page_size = page_param(ctx, "page_size", kDefaultPageSize, kMaxPageSize);
  auto status = enum_param(ctx, "status",
                           {kStatusNames[0], kStatusNames[1], kStatusNames[2], kStatusNames[3],
                            kStatusNames[4], kStatusNames[5], kStatusNames[6], kStatusNames[7]});
  auto sort = enum_param(ctx, "sort", {"newest", "oldest"}).value_or("newest");
  auto search = ctx.request.query_param("search");
  auto created_by = ctx.request.query_param("created_by");
  std::string needle = search ? ascii_lower(*search) : "";
  auto found = [&](const std::string& text) {
    return ascii_lower(text).find(needle) != std::string::npos;
  };

  std::vector<FineTune> rows;
  for (auto& job : ctx.world.fine_tunes.all(s.now())) {
    if (!in_scope(job) || (status && job.status != *status) ||
        (created_by && job.created_by != *created_by))
      continue;
    std::string display = job.display_name.is_string() ? job.display_name.get<std::string>() : "";
    if (search && !found(job.name) && !found(display) && !found(job.base_model) &&
        !found(job.repo_namespace + "/" + job.repo_name))
      continue;
    rows.push_back(std::move(job));
  }
  // Stored in creation order; ties (same millisecond) keep it.
  if (sort == "newest")
    std::stable_sort(rows.begin(), rows.end(), [](const FineTune& a, const FineTune& b) {
      return a.created_ms > b.created_ms;
    });
  else
    std::stable_sort(rows.begin(), rows.end(), [](const FineTune& a, const FineTune& b) {
      return a.created_ms < b.created_ms;
    });
  auto out = nlohmann::json::array();
  for (size_t i = (page - 1) * page_size; i < rows.size() && out.size() < page_size; ++i)
    out.push_back(render(s, ctx.world, rows[i]));
  size_t pages = rows.empty() ? 1 : (rows.size() + page_size - 1) / page_size;
  return Response::json(envelope({{"fine_tunes", out},
                                  {"page_number", page},
                                  {"page_size", page_size},
                                  {"total_pages", pages},
                                  {"total_entries", rows.size()}}));
}

// ---- Checkpoints, logs, deploy ----

nlohmann::json render_checkpoint(const FineTune& job, World& world, int64_t step) {
  Metrics m = metrics_at(job, step);
  nlohmann::json model = nullptr, status = nullptr;
  if (auto it = job.deployments.find(step); it != job.deployments.end()) {
    status = deployment_status(world, it->second.model_id);
    if (!status.is_null()) model = it->second.model_id;  // a deleted model no longer backs it
  }
  int64_t rank = job.training_params.value("lora_rank", 16);
  return {{"step", step},
          {"path", "models/" + job.name + "/checkpoints/step_" + std::to_string(step)},
          {"created_at", iso_time(step_time_ms(job, step))},
          {"size_bytes", (is_text_family(job.script_type) ? 1179648 : 9437184) * rank},
          {"metrics",
           {{"loss", m.loss},
            {"learning_rate", m.learning_rate},
            {"epoch", m.epoch},
            {"grad_norm", m.grad_norm},
            {"mean_token_accuracy",
             m.accuracy ? nlohmann::json(*m.accuracy) : nlohmann::json(nullptr)}}},
          {"inference_samples", nlohmann::json::array()},
          {"model_name", model_name(job, step)},
          {"model_id", model},
          {"deployment_status", status}};
}

Response logs(const Services& s, Context& ctx) {
  FineTune job = require_job(s, ctx);
  auto rows = nlohmann::json::array();
  if (job.started_ms) {
    int64_t reached = current_step(job, s.now());
    for (int64_t step = 0; step <= reached; step += job.log_every) {
      Metrics m = metrics_at(job, step);
      rows.push_back({{"step", step},
                      {"loss", m.loss},
                      {"learning_rate", m.learning_rate},
                      {"epoch", m.epoch},
                      {"timestamp", log_time(step_time_ms(job, step))}});
    }
  }
  return Response::json(envelope({{"fine_tune_id", job.id}, {"logs", rows}}));
}

Response checkpoints(const Services& s, Context& ctx) {
  FineTune job = require_job(s, ctx);
  auto list = nlohmann::json::array();
  for (int64_t step : checkpoint_steps(job, s.now()))
    list.push_back(render_checkpoint(job, ctx.world, step));
  return Response::json(envelope({{"fine_tune_id", job.id},
                                  {"branch", "models/" + job.name},
                                  {"total_checkpoints", list.size()},
                                  {"checkpoints", list}}));
}

// Which inference endpoint, and which inputs and outputs, a fine-tune of `script_type` has.
struct Serving {
  const char* endpoint;
  std::vector<std::string> input, output;
};

Serving serving_for(const std::string& script_type) {
  if (script_type == "image_to_text") return {"/chat/completions", {"text", "image"}, {"text"}};
  if (is_text_family(script_type)) return {"/chat/completions", {"text"}, {"text"}};
  if (script_type == "image_generation") return {"/images/generate", {"text"}, {"image"}};
  if (script_type == "text_to_video") return {"/videos/generate", {"text"}, {"video"}};
  if (script_type == "image_to_video") return {"/videos/generate", {"text", "image"}, {"video"}};
  return {"/images/edit", {"text", "image"}, {"image"}};  // image_editing, multi_image_editing
}

nlohmann::json deployed_model(const FineTune& job, int64_t step, const nlohmann::json& base,
                              int64_t now) {
  Serving serving = serving_for(job.script_type);
  double rate = static_cast<double>(job.cost_micros_per_second) / 1e6;
  return {
      {"id", model_id(job, step)},
      {"object", "model"},
      {"created", now / 1000},
      {"owned_by", job.repo_namespace},
      {"display_name", model_name(job, step)},
      {"description", "Fine-tuned from " + job.base_model + " (" + job.script_type + ") on " +
                          job.repo_namespace + "/" + job.repo_name + "/" + job.resource_version +
                          "/" + job.resource_path + ", step " + std::to_string(step) + "."},
      {"summary", "Fine-tuned " + job.base_model},
      {"model_type", "custom"},
      {"endpoint", serving.endpoint},
      {"capabilities", {{"input", serving.input}, {"output", serving.output}}},
      {"pricing", {{"method", "time"}, {"cost_per_second", rate}}},
      {"fine_tuning", nullptr},
      {"deployments", {{{"status", "inactive"}}}},
      {"developer", nullptr},
      {"source_model", job.base_model},
      {"image_url", nullptr},
      {"released_at", nullptr},
      // A LoRA takes the requests its base model takes.
      {"request_schema", base.value("request_schema", nlohmann::json())}};
}

Response deploy(const Services& s, Context& ctx) {
  const std::string& step_text = ctx.param("step");
  int64_t step = 0;
  bool numeric =
      !step_text.empty() && step_text.size() < 12 &&
      std::all_of(step_text.begin(), step_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric) throw invalid_params("step: must be a checkpoint's step number");
  step = std::stoll(step_text);
  auto retry = enum_param(ctx, "retry", {"true", "false"}).value_or("false") == "true";
  std::string type = ctx.body.value("deployment_type", "normal");

  FineTune job = require_job(s, ctx);
  auto steps = checkpoint_steps(job, s.now());
  if (steps.empty())
    throw ApiError("fine_tune_no_checkpoint", {{"id", job.id}, {"status", job.status}});
  if (std::find(steps.begin(), steps.end(), step) == steps.end()) {
    std::string list;
    for (int64_t st : steps) list += (list.empty() ? "" : ", ") + std::to_string(st);
    throw ApiError("checkpoint_not_found", {{"id", job.id}, {"step", step_text}, {"steps", list}});
  }
  World& world = ctx.world;
  CheckpointDeployment deployment;
  auto existing = job.deployments.find(step);
  bool reuse =
      existing != job.deployments.end() && !retry && world.registry.find(existing->second.model_id);
  if (reuse) deployment = existing->second;
  job = change_job(s, ctx, [&](FineTune& j) { world.fine_tunes.move(j, "deploy", s.now()); });
  if (!reuse) {
    std::string id = model_id(job, step);
    if (world.registry.find(id)) world.registry.remove(id);  // retry: torn down, made anew
    auto base = world.registry.find(job.base_model).value_or(nlohmann::json::object());
    world.registry.add_custom(deployed_model(job, step, base, s.now()));
    world.registry.activate(id, ctx.owner());
    deployment = {id, world.ids.next("fine_tune_deployment"), type};
    job = *world.fine_tunes.update(job.repo_namespace, job.repo_name, job.id, s.now(),
                                   [&](FineTune& j) { j.deployments[step] = deployment; });
  }
  return Response::json(envelope({{"deployment_id", deployment.deployment_id},
                                  {"fine_tune", render(s, world, job)},
                                  {"model", *world.registry.find(deployment.model_id)}}));
}

Response train_status(const Services& s, World& world, const FineTune& job, bool with_job) {
  nlohmann::json body = {{"fine_tune_id", job.id}, {"train_status", job.status}};
  if (with_job) body["fine_tune"] = render(s, world, job);
  return Response::json(envelope(std::move(body)));
}

}  // namespace

void add_fine_tune_routes(Router& router, const Clock& clock, const Fixtures& fixtures) {
  auto s = std::make_shared<Services>(Services{clock, Hub(fixtures.repositories)});
  const std::string prefix = "OxenApiWeb.Controllers.FineTuneController.";

  router.bind(prefix + "create", [s](Context& ctx) { return create(*s, ctx); });
  router.bind(prefix + "show",
              [s](Context& ctx) { return job_response(*s, ctx.world, require_job(*s, ctx)); });

  router.bind(prefix + "index", [s](Context& ctx) {
    const Repository& repo = require_repo(*s, ctx);
    return list(*s, ctx, [&](const FineTune& j) {
      return j.repo_namespace == repo.ns && j.repo_name == repo.name;
    });
  });
  router.bind(prefix + "list_for_org", [s](Context& ctx) {
    const std::string& org = ctx.param("name");
    if (!s->hub.is_org(org)) throw ApiError("organization_not_found", {{"name", org}});
    if (!s->hub.can_access(org)) throw ApiError("not_org_member", {{"name", org}});
    return list(*s, ctx, [&](const FineTune& j) { return j.repo_namespace == org; });
  });
  router.bind(prefix + "list_for_user", [s](Context& ctx) {
    const std::string& username = ctx.param("username");
    if (!s->hub.user(username)) throw ApiError("user_not_found", {{"username", username}});
    if (username != s->hub.me().username) throw ApiError("not_that_user", {{"username", username}});
    return list(*s, ctx, [&](const FineTune& j) { return j.created_by == username; });
  });
  router.bind(prefix + "list_accessible", [s](Context& ctx) {
    return list(*s, ctx, [&](const FineTune& j) { return s->hub.can_access(j.repo_namespace); });
  });

  router.bind(prefix + "update", [s](Context& ctx) {
    auto job = change_job(*s, ctx, [&](FineTune& j) {
      for (const auto& [field, value] : ctx.body.items()) {
        if (field == "display_name") j.display_name = value;
        if (field == "description") j.description = value;
        if (field == "is_public") j.is_public = value;
      }
      j.updated_ms = s->now();
    });
    return job_response(*s, ctx.world, job);
  });

  // The job and, as published ("and any associated model metadata"), the models its
  // checkpoints were deployed as.
  router.bind(prefix + "delete", [s](Context& ctx) {
    const Repository& repo = require_repo(*s, ctx);
    auto job = ctx.world.fine_tunes.remove(repo.ns, repo.name, ctx.param("id"), s->now());
    if (!job) throw ApiError("fine_tune_not_found", {{"id", ctx.param("id")}});
    auto body = envelope({{"fine_tune", render(*s, ctx.world, *job)}});
    for (const auto& [_, d] : job->deployments)
      if (ctx.world.registry.find(d.model_id)) ctx.world.registry.remove(d.model_id);
    return Response::json(body);
  });

  auto action = [s](const char* name) {
    return [s, name](Context& ctx) {
      auto job =
          change_job(*s, ctx, [&](FineTune& j) { ctx.world.fine_tunes.move(j, name, s->now()); });
      return job_response(*s, ctx.world, job);
    };
  };
  router.bind(prefix + "tokenize", action("tokenize"));
  router.bind(prefix + "run", action("run"));
  router.bind(prefix + "stop", action("stop"));

  router.bind(prefix + "get_train_status", [s](Context& ctx) {
    return train_status(*s, ctx.world, require_job(*s, ctx), false);
  });
  router.bind(prefix + "update_train_status", [s](Context& ctx) {
    const std::string& to = ctx.param("new_status");
    if (ctx.body.contains("new_status") && ctx.body["new_status"] != to)
      throw invalid_params("/new_status: must repeat the path's status '" + to + "' when given");
    if (!ctx.world.fine_tunes.machine().is_state(to)) {
      std::string all;
      for (const auto& st : ctx.world.fine_tunes.machine().states())
        all += (all.empty() ? "" : ", ") + st;
      throw invalid_params("new_status: must be one of " + all);
    }
    auto job =
        change_job(*s, ctx, [&](FineTune& j) { ctx.world.fine_tunes.report(j, to, s->now()); });
    return train_status(*s, ctx.world, job, true);
  });

  router.bind(prefix + "logs", [s](Context& ctx) { return logs(*s, ctx); });
  router.bind(prefix + "checkpoints", [s](Context& ctx) { return checkpoints(*s, ctx); });
  router.bind(prefix + "create_checkpoint_deployment",
              [s](Context& ctx) { return deploy(*s, ctx); });
}

}  // namespace oxen::mock
