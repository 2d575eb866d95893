#include "api_error.hpp"

namespace oxen::mock {

std::string fill_template(const std::string& text, const ApiError::Params& params) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      auto close = text.find('}', i);
      if (close != std::string::npos) {
        auto it = params.find(text.substr(i + 1, close - i - 1));
        if (it != params.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

ErrorCatalog::ErrorCatalog(nlohmann::json catalog) : kinds_(std::move(catalog.at("kinds"))) {
  if (!kinds_.contains("unknown_error"))
    throw std::invalid_argument("errors.json: the kind 'unknown_error' is required");
}

bool ErrorCatalog::has(const std::string& kind) const { return kinds_.contains(kind); }

RenderedError ErrorCatalog::render(const std::string& kind, const ApiError::Params& params) const {
  const auto& spec = kinds_.contains(kind) ? kinds_.at(kind) : kinds_.at("unknown_error");
  RenderedError out;
  out.status = spec.at("status").get<int>();
  auto text = [&](const char* key) { return fill_template(spec.value(key, ""), params); };
  if (spec.value("shape", "oxen") == "openai") {
    out.body = {{"error", {{"message", text("message")}}}};
  } else {
    std::string type = spec.at("type");
    out.body = {{"error", {{"type", type}, {"title", text("title")}}},
                {"status", "error"},
                {"status_message", type}};
    if (std::string detail = text("detail"); !detail.empty()) out.body["error"]["detail"] = detail;
    if (spec.value("with_status_description", false))
      out.body["status_description"] = text("title");
  }
  const auto headers = spec.value("headers", nlohmann::json::object());
  for (const auto& [name, value] : headers.items())
    out.headers[name] = fill_template(value.get<std::string>(), params);
  return out;
}

std::string ErrorCatalog::text(const ApiError& e) const {
  const auto body = render(e).body;
  const auto& error = body.at("error");
  for (const char* key : {"detail", "message", "title"})
    if (error.contains(key)) return error[key].get<std::string>();
  return e.kind();
}

}  // namespace oxen::mock
