#include "rule_sources.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "embedded.hpp"
#include "schema_dialect.hpp"

namespace oxen {
std::span<const EmbeddedFile> embedded_checks();
std::span<const EmbeddedFile> embedded_published();
}  // namespace oxen

namespace oxen::conformance {

using nlohmann::json;

const char* to_string(Source s) {
  switch (s) {
    case Source::published: return "published";
    case Source::documented: return "documented";
    case Source::ours: return "ours";
  }
  return "?";
}

std::optional<Source> source_named(std::string_view name) {
  for (Source s : {Source::published, Source::documented, Source::ours})
    if (name == to_string(s)) return s;
  return std::nullopt;
}

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// "/a/b" -> {"a", "b"}; "" (the whole document) -> {}.
std::vector<std::string> tokens_of(const std::string& pointer) {
  if (pointer.empty()) return {};
  return split(pointer.substr(1), '/');
}

bool tokens_match(const std::vector<std::string>& pat, size_t i, const std::vector<std::string>& tok, size_t j) {
  if (i == pat.size()) return j == tok.size();
  if (pat[i] == "**") {
    for (size_t k = j; k <= tok.size(); ++k)
      if (tokens_match(pat, i + 1, tok, k)) return true;
    return false;
  }
  return j < tok.size() && (pat[i] == "*" || pat[i] == tok[j]) && tokens_match(pat, i + 1, tok, j + 1);
}

bool is_parameter(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// A parameter may take several segments (model ids contain '/').
bool path_matches(const std::vector<std::string>& tpl, size_t i, const std::vector<std::string>& seg, size_t j) {
  if (i == tpl.size()) return j == seg.size();
  if (j == seg.size()) return false;
  if (is_parameter(tpl[i])) {
    for (size_t k = j + 1; k <= seg.size(); ++k)
      if (path_matches(tpl, i + 1, seg, k)) return true;
    return false;
  }
  return tpl[i] == seg[j] && path_matches(tpl, i + 1, seg, j + 1);
}

bool same_template(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && !(is_parameter(a[i]) && is_parameter(b[i]))) return false;
  return true;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The published document's schema of one answer, as a draft-07 document of its own: the
// answer's schema with every component beside it, so that "#/components/schemas/X" resolves.
json standalone(const json& answer, const json& published) {
  json doc = {{"allOf", json::array({from_openapi30(answer)})}};
  const json components = published.value("components", json::object()).value("schemas", json::object());
  for (const auto& [name, schema] : components.items()) doc["components"]["schemas"][name] = from_openapi30(schema);
  return doc;
}

std::string component_name(const json& answer) {
  const std::string prefix = "#/components/schemas/";
  if (answer.is_object() && answer.contains("$ref") && answer["$ref"].is_string()) {
    const std::string ref = answer["$ref"];
    if (ref.rfind(prefix, 0) == 0) return ref.substr(prefix.size());
  }
  return "(inline schema)";
}

Source source_at(const json& entry, const std::string& where) {
  auto s = entry.is_object() && entry.contains("source") && entry["source"].is_string()
               ? source_named(entry["source"].get<std::string>())
               : std::nullopt;
  if (!s) throw std::invalid_argument("rule sources: " + where + ": source must be published, documented or ours");
  return *s;
}

}  // namespace

bool pointer_matches(const std::string& pattern, const std::string& pointer) {
  return tokens_match(tokens_of(pattern), 0, tokens_of(pointer), 0);
}

RuleSources::RuleSources(const json& data, const json& published, const ApiDocument& ours, const SchemaStore& store) {
  if (!data.is_object() || !data.value("rules", json()).is_object() || !data.value("tightenings", json()).is_array())
    throw std::invalid_argument("rule sources: expected an object with `rules` and `tightenings`");
  for (const auto& [rule, entry] : data["rules"].items())
    rules_[rule] = Rule{source_at(entry, "rule " + rule), entry.value("reason", "")};
  for (const auto& t : data["tightenings"]) {
    Tightening tightening;
    try {
      tightening = {t.at("schemas").get<std::vector<std::string>>(), t.at("pointer"), t.at("keyword"), t.at("reason")};
    } catch (const std::exception& e) {
      throw std::invalid_argument("rule sources: a tightening needs schemas, pointer, keyword and reason: " +
                                  std::string(e.what()));
    }
    if (!tightening.pointer.empty() && tightening.pointer[0] != '/')
      throw std::invalid_argument("rule sources: tightening pointer " + tightening.pointer + " must start with /");
    for (const auto& s : tightening.schemas)
      if (!store.has(s)) throw std::invalid_argument("rule sources: tightening " + tightening.pointer + " names unknown schema " + s);
    tightenings_.push_back(std::move(tightening));
  }

  const json paths = published.value("paths", json::object());
  for (const auto& [path, item] : paths.items()) {
    if (!item.is_object()) continue;
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("responses")) continue;
      PublishedOperation p{upper(method), split(path.substr(path.empty() ? 0 : 1), '/'), {}};
      for (const auto& [status, answer] : op["responses"].items()) {
        const json schema = answer.value("content", json::object()).value("application/json", json::object()).value("schema", json());
        p.json_responses[std::atoi(status.c_str())] = schema;
      }
      operations_.push_back(std::move(p));
    }
  }

  // Our schema's counterpart: the published schema of the first answer of ours (in document
  // order) that uses it and that the published document declares too.
  for (const auto& op : ours.operations()) {
    const auto segments = split(op.path.substr(1), '/');
    for (const auto& [status, schema] : op.response_schemas) {
      if (counterparts_.count(schema)) continue;
      for (const auto& p : operations_) {
        if (p.method != op.method || !same_template(p.segments, segments)) continue;
        auto answer = p.json_responses.find(status);
        if (answer == p.json_responses.end() || answer->second.is_null()) continue;
        counterparts_.emplace(schema, compile_schema(standalone(answer->second, published)));
        counterpart_names_[schema] = component_name(answer->second);
      }
    }
  }
}

const RuleSources::PublishedOperation* RuleSources::operation_for(const std::string& method, const std::string& path) const {
  const auto segments = split(("/api" + path.substr(0, path.find('?'))).substr(1), '/');
  const PublishedOperation* best = nullptr;
  size_t best_literals = 0;
  for (const auto& p : operations_) {
    if (p.method != method || !path_matches(p.segments, 0, segments, 0)) continue;
    // "/models/search" is its own operation, not "/models/{id}": the most literal template wins.
    size_t literals = std::count_if(p.segments.begin(), p.segments.end(), [](const auto& s) { return !is_parameter(s); });
    if (!best || literals > best_literals) {
      best = &p;
      best_literals = literals;
    }
  }
  return best;
}

bool RuleSources::declares(const std::string& method, const std::string& path, int status) const {
  const auto* op = operation_for(method, path);
  return op && op->json_responses.count(status);
}

Source RuleSources::of_rule(const std::string& rule) const {
  auto it = rules_.find(rule);
  return it == rules_.end() ? Source::documented : it->second.source;
}

Source RuleSources::of_violation(const std::string& schema, const Violation& v, const Violations* published) const {
  if (rules_.count(v.rule)) return of_rule(v.rule);
  for (const auto& t : tightenings_)
    if (t.keyword == v.rule && std::find(t.schemas.begin(), t.schemas.end(), schema) != t.schemas.end() &&
        pointer_matches(t.pointer, v.pointer))
      return Source::ours;
  if (published)
    for (const auto& p : *published)
      if (p.pointer == v.pointer) return Source::published;
  return Source::documented;
}

namespace {

bool is_alternative(const Violation& v) { return v.rule == "anyOf" || v.rule == "oneOf"; }

bool at_or_under(const std::string& pointer, const std::string& base) {
  return pointer == base || pointer.rfind(base + "/", 0) == 0;
}

}  // namespace

std::vector<Source> RuleSources::classify(const std::string& schema, const Violations& violations,
                                          const Violations* published) const {
  std::vector<Source> out;
  for (const auto& v : violations) out.push_back(of_violation(schema, v, published));
  // The innermost alternative at or above each violation, if any.
  auto wrapper_of = [&](const Violation& v) -> const Violation* {
    const Violation* inner = nullptr;
    for (const auto& w : violations)
      if (is_alternative(w) && at_or_under(v.pointer, w.pointer) && (!inner || w.pointer.size() > inner->pointer.size()))
        inner = &w;
    return inner;
  };
  auto is_noise = [&](const Violation& v) {
    if (rules_.count(v.rule)) return false;
    if (is_alternative(v) || v.rule == "schema") return true;
    const Violation* w = wrapper_of(v);
    return w && v.rule == "type" && v.pointer == w->pointer;
  };
  for (size_t i = 0; i < violations.size(); ++i) {
    if (!is_noise(violations[i])) continue;
    const Violation* w = wrapper_of(violations[i]);
    if (!w) continue;
    std::optional<Source> group;
    if (published)
      for (const auto& p : *published)
        if (at_or_under(p.pointer, w->pointer)) group = Source::published;
    for (size_t j = 0; j < violations.size() && !group; ++j)
      if (!is_noise(violations[j]) && at_or_under(violations[j].pointer, w->pointer))
        group = group ? stronger(*group, out[j]) : out[j];
    if (group) out[i] = *group;
  }
  return out;
}

std::optional<Violations> RuleSources::published_violations(const std::string& schema, const json& doc) const {
  auto it = counterparts_.find(schema);
  if (it == counterparts_.end()) return std::nullopt;
  return it->second.validate(doc);
}

std::string RuleSources::published_counterpart(const std::string& schema) const {
  auto it = counterpart_names_.find(schema);
  return it == counterpart_names_.end() ? "" : it->second;
}

const RuleSources& RuleSources::builtin() {
  static const RuleSources sources = [] {
    json data, published;
    for (const auto& file : embedded_checks())
      if (file.path == "rule_sources.json") data = json::parse(file.data);
    for (const auto& file : embedded_published())
      if (file.path == "oxen_hub_api.json") published = json::parse(file.data);
    if (published.is_null()) throw std::logic_error("schemas/published/oxen_hub_api.json is not compiled in");
    return RuleSources(data, published, ApiDocument::builtin(), SchemaStore::builtin());
  }();
  return sources;
}

}  // namespace oxen::conformance
