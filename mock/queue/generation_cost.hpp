#pragma once
// What one generation costs, from its model's `pricing` (docs/media.md, "Generation history").
// Amounts are kept in whole micro-dollars so that sums over many rows are exact.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace oxen::mock {

// The cost of one output (one image, or one video) of `model`, made from the request
// parameters `params` in `compute_ms` of processing. None when the model's pricing method does
// not price media (token) or names no amount.
std::optional<int64_t> generation_cost_micros(const nlohmann::json& model, const nlohmann::json& params,
                                              int64_t compute_ms);

// A decimal string in dollars without trailing zeros: 10000 -> "0.01", 2500000 -> "2.5".
std::string format_cost(int64_t micros);

}  // namespace oxen::mock
