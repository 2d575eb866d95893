#pragma once
// The one error type of the mock. Handlers throw ApiError with a kind and its parameters; the
// pipeline renders it through the ErrorCatalog (fixtures/errors.json) into the documented body.
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace oxen::mock {

class ApiError : public std::runtime_error {
 public:
  using Params = std::map<std::string, std::string>;
  ApiError(std::string kind, Params params = {})
      : std::runtime_error(kind), kind_(std::move(kind)), params_(std::move(params)) {}

  const std::string& kind() const { return kind_; }
  const Params& params() const { return params_; }

 private:
  std::string kind_;
  Params params_;
};

// Shorthand for the most common one: 400 invalid_params naming the field or parameter.
inline ApiError invalid_params(std::string detail) {
  return ApiError("invalid_params", {{"detail", std::move(detail)}});
}

struct RenderedError {
  int status = 500;
  nlohmann::json body;
  std::map<std::string, std::string> headers;
};

class ErrorCatalog {
 public:
  // `catalog` is the content of errors.json: {"kinds": {kind: {status, shape, type, title,
  // message, detail, headers}}}; templates use {param}.
  explicit ErrorCatalog(nlohmann::json catalog);

  bool has(const std::string& kind) const;
  // Unknown kinds render as unknown_error so that nothing escapes unrendered.
  RenderedError render(const std::string& kind, const ApiError::Params& params) const;
  RenderedError render(const ApiError& e) const { return render(e.kind(), e.params()); }
  // The words a client reads in the rendered body: its detail, else its message, else its title
  // (a queued job that fails carries them as its error_message).
  std::string text(const ApiError& e) const;

 private:
  nlohmann::json kinds_;
};

// Replaces every {name} in `text` with params[name] (unknown names are left as they are).
std::string fill_template(const std::string& text, const ApiError::Params& params);

}  // namespace oxen::mock
