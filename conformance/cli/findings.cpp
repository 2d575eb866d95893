#include "findings.hpp"

#include "shape.hpp"

namespace oxen::conformance {

const char* to_string(Severity s) { return s == Severity::warning ? "warning" : "failure"; }

const char* to_string(Status s) {
  switch (s) {
    case Status::passed: return "passed";
    case Status::failed: return "failed";
    case Status::skipped: return "skipped";
  }
  return "?";
}

nlohmann::json Finding::to_json() const {
  return {{"check", check},     {"severity", to_string(severity)}, {"subject", subject},
          {"pointer", pointer}, {"rule", rule},                    {"source", to_string(source)},
          {"message", message}, {"excerpt", excerpt}};
}

size_t CheckResult::count(Severity s) const {
  size_t n = 0;
  for (const auto& f : findings) n += f.severity == s ? 1 : 0;
  return n;
}

nlohmann::json CheckResult::to_json() const {
  nlohmann::json j = {{"id", id},         {"title", title},           {"endpoint", endpoint},
                      {"profile", profile}, {"cost_class", cost_class}, {"status", to_string(status)},
                      {"seconds", seconds}, {"findings", nlohmann::json::array()}};
  if (!note.empty()) j["note"] = note;
  for (const auto& f : findings) j["findings"].push_back(f.to_json());
  return j;
}

std::string excerpt_at(const nlohmann::json& doc, const std::string& pointer, size_t max) {
  std::string p = pointer;
  while (true) {
    try {
      const auto& v = doc.at(nlohmann::json::json_pointer(p));
      return shorten(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max);
    } catch (const std::exception&) {
      if (p.empty()) return "";
      auto slash = p.rfind('/');
      p = slash == std::string::npos ? "" : p.substr(0, slash);
    }
  }
}

void Outcome::add(Severity s, const std::string& subject, const std::string& pointer,
                  const std::string& rule, const std::string& message, const nlohmann::json* doc, Source source) {
  Finding f;
  f.check = check_;
  f.severity = s;
  f.subject = subject;
  f.pointer = pointer;
  f.rule = rule;
  f.source = source;
  f.message = message;
  if (doc) f.excerpt = excerpt_at(*doc, pointer);
  findings_.push_back(std::move(f));
}

void Outcome::failure(const std::string& subject, const std::string& pointer, const std::string& rule,
                      const std::string& message, const nlohmann::json* doc) {
  add(Severity::failure, subject, pointer, rule, message, doc, RuleSources::builtin().of_rule(rule));
}

void Outcome::failure(const std::string& subject, const std::string& pointer, const std::string& rule,
                      const std::string& message, const nlohmann::json* doc, Source source) {
  add(Severity::failure, subject, pointer, rule, message, doc, source);
}

void Outcome::warning(const std::string& subject, const std::string& pointer, const std::string& rule,
                      const std::string& message, const nlohmann::json* doc) {
  add(strict_ ? Severity::failure : Severity::warning, subject, pointer, rule, message, doc,
      RuleSources::builtin().of_rule(rule));
}

bool Outcome::has_failure() const {
  for (const auto& f : findings_)
    if (f.severity == Severity::failure) return true;
  return false;
}

bool Outcome::check_schema(const SchemaStore& store, const std::string& schema,
                           const std::string& subject, const nlohmann::json& doc) {
  const Violations violations = store.validate(schema, doc);
  std::optional<Violations> published;
  if (!violations.empty()) published = RuleSources::builtin().published_violations(schema, doc);
  failures(subject, violations, &doc, schema, published ? &*published : nullptr);
  unknown_members(store, schema, subject, doc);
  return violations.empty();
}

void Outcome::failures(const std::string& subject, const Violations& violations, const nlohmann::json* doc,
                       const std::string& schema, const Violations* published) {
  const auto sources = RuleSources::builtin().classify(schema, violations, published);
  for (size_t i = 0; i < violations.size(); ++i) {
    const Violation& v = violations[i];
    std::string msg = v.message;
    if (v.rule == "enum") msg = "value not in the documented enum (new enum value?): " + msg;
    add(Severity::failure, subject, v.pointer, v.rule, msg, doc, sources[i]);
  }
}

void Outcome::unknown_members(const SchemaStore& store, const std::string& schema,
                              const std::string& subject, const nlohmann::json& doc) {
  for (const auto& p : conformance::unknown_members(store, schema, doc))
    warning(subject, p, "unknown_member", "member not declared by schema '" + schema + "'", &doc);
}

}  // namespace oxen::conformance
