#pragma once
// `--config FILE`: a JSON object whose keys are the long option names ("port", "api-key",
// "self-check", ...) and whose values are what the option takes (arrays for repeatable ones).
// Options given on the command line override the file.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace oxen::mock {

class JsonConfig : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool, std::string) const override {
    nlohmann::json out = nlohmann::json::object();
    for (const CLI::Option* opt : app->get_options()) {
      if (opt->get_lnames().empty() || !opt->get_configurable()) continue;
      auto values = opt->reduced_results();
      if (values.empty() && default_also && !opt->get_default_str().empty())
        values = {opt->get_default_str()};
      if (values.empty()) continue;
      const std::string& name = opt->get_lnames().front();
      if (opt->get_expected_max() > 1)
        out[name] = values;
      else
        out[name] = values.front();
    }
    return out.dump(2) + "\n";
  }

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(input);
    } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number like 1e999
      throw CLI::ConversionError("--config", std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object()) throw CLI::ConversionError("--config", "expected a JSON object");
    std::vector<CLI::ConfigItem> items;
    for (const auto& [key, value] : doc.items()) {
      CLI::ConfigItem item;
      item.name = key;
      auto text = [](const nlohmann::json& v) {
        return v.is_string() ? v.get<std::string>() : v.dump();
      };
      if (value.is_array())
        for (const auto& v : value) item.inputs.push_back(text(v));
      else
        item.inputs.push_back(text(value));
      items.push_back(std::move(item));
    }
    return items;
  }
};

}  // namespace oxen::mock
