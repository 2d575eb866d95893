#include "generation_cost.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace oxen::mock {

namespace {

constexpr double kDefaultVideoSeconds = 5;  // when neither the request nor the model says

std::optional<double> amount(const nlohmann::json& pricing, const char* name) {
  auto it = pricing.find(name);
  if (it == pricing.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// A number, or a string holding one (video models take "duration": "5").
std::optional<double> seconds_of(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(d)) return std::nullopt;
  return d;
}

// The output length: the request's `duration`, else the sum of its multi_prompt shots, else the
// default of the model's request_schema, else kDefaultVideoSeconds.
double video_seconds(const nlohmann::json& model, const nlohmann::json& params) {
  if (auto d = seconds_of(params.value("duration", nlohmann::json()))) return *d;
  auto shots = params.value("multi_prompt", nlohmann::json());
  if (shots.is_array() && !shots.empty()) {
    double total = 0;
    for (const auto& shot : shots)
      if (shot.is_object()) total += seconds_of(shot.value("duration", nlohmann::json())).value_or(0);
    if (total > 0) return total;
  }
  const auto& rs = model.value("request_schema", nlohmann::json());
  if (rs.is_object() && rs.contains("properties") && rs["properties"].is_object()) {
    auto spec = rs["properties"].value("duration", nlohmann::json());
    if (spec.is_object())
      if (auto d = seconds_of(spec.value("default", nlohmann::json()))) return *d;
  }
  return kDefaultVideoSeconds;
}

// Per output second, at the request's resolution when the model prices resolutions apart.
std::optional<double> per_video_second(const nlohmann::json& pricing, const nlohmann::json& params) {
  auto by_resolution = pricing.value("cost_per_second_by_resolution", nlohmann::json());
  auto resolution = params.value("resolution", nlohmann::json());
  if (by_resolution.is_object() && resolution.is_string()) {
    auto it = by_resolution.find(resolution.get<std::string>());
    if (it != by_resolution.end() && it->is_number()) return it->get<double>();
  }
  return amount(pricing, "cost_per_second");
}

}  // namespace

std::optional<int64_t> generation_cost_micros(const nlohmann::json& model, const nlohmann::json& params,
                                              int64_t compute_ms) {
  auto pricing = model.value("pricing", nlohmann::json());
  if (!pricing.is_object()) return std::nullopt;
  std::string method = pricing.value("method", "");
  std::optional<double> dollars;
  if (method == "per_image") {
    dollars = amount(pricing, "cost_per_image");
  } else if (method == "per_video_output_second") {
    if (auto rate = per_video_second(pricing, params)) dollars = *rate * video_seconds(model, params);
  } else if (method == "time") {
    if (auto rate = amount(pricing, "cost_per_second")) dollars = *rate * static_cast<double>(compute_ms) / 1000.0;
  }
  if (!dollars || *dollars < 0) return std::nullopt;
  return std::llround(*dollars * 1e6);
}

std::string format_cost(int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace oxen::mock
