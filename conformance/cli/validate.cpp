#include "validate.hpp"

#include <ostream>

#include "findings.hpp"
#include "report.hpp"
#include "sse_reader.hpp"
#include "stream_grade.hpp"

namespace oxen::conformance {

namespace {

// "[documented framing]" for a stream rule this file judges itself.
std::string label(const std::string& rule) {
  Finding f;
  f.rule = rule;
  f.source = RuleSources::builtin().of_rule(rule);
  return rule_label(f);
}

size_t print_findings(const std::string& prefix, const Outcome& o, std::ostream& out) {
  size_t failures = 0;
  for (const auto& f : o.findings()) {
    out << prefix << to_string(f.severity) << " " << (f.pointer.empty() ? "(root)" : f.pointer) << " " << rule_label(f)
        << " " << f.message;
    if (!f.excerpt.empty()) out << " — " << f.excerpt;
    out << "\n";
    failures += f.severity == Severity::failure ? 1 : 0;
  }
  return failures;
}

}  // namespace

int validate_document(const std::string& schema, const std::string& text, bool strict, std::ostream& out,
                      std::ostream& err) {
  const auto& store = SchemaStore::builtin();
  if (!store.has(schema)) {
    err << "oxen-conformance: unknown schema '" << schema << "'; known:";
    for (const auto& n : store.names()) err << " " << n;
    err << "\n";
    return 2;
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_discarded()) {
    Outcome o("validate", strict);
    o.check_schema(store, schema, "", doc);
    size_t failures = print_findings("", o, out);
    out << (failures ? std::to_string(failures) + " violations\n" : std::string("valid\n"));
    return failures ? 1 : 0;
  }
  if (text.find("data:") == std::string::npos) {
    err << "oxen-conformance: input is neither JSON nor an SSE transcript\n";
    return 2;
  }
  if (schema == "chat_chunk") {
    // A chat stream: the stream-level rules too (role first, finish_reason, usage, [DONE] last).
    Outcome o("validate", strict);
    StreamGrader grader(o, "stream");
    grader.feed(text);
    grader.finish();
    size_t failures = 0;
    for (const auto& f : o.findings()) {
      out << f.subject << " " << to_string(f.severity) << " " << (f.pointer.empty() ? "(root)" : f.pointer) << " "
          << rule_label(f) << " " << f.message;
      if (!f.excerpt.empty()) out << " — " << f.excerpt;
      out << "\n";
      failures += f.severity == Severity::failure ? 1 : 0;
    }
    out << grader.frames() << " frames, " << (failures ? std::to_string(failures) + " violations\n" : std::string("valid\n"));
    return failures ? 1 : 0;
  }
  SseReader reader;
  auto events = reader.feed(text);
  bool unterminated = reader.pending();
  size_t failures = 0, frames = 0;
  bool done = false;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.data.empty() && !e.comments.empty()) continue;  // keep-alive comment
    ++frames;
    std::string prefix = "frame " + std::to_string(i + 1) + " ";
    if (done) {
      out << prefix << "failure " << label("done_last") << " a frame after [DONE]\n";
      ++failures;
      continue;
    }
    if (e.data == "[DONE]") {
      done = true;
      continue;
    }
    auto frame = nlohmann::json::parse(e.data, nullptr, false);
    if (frame.is_discarded()) {
      out << prefix << "failure " << label("json") << " data is not JSON — " << shorten(e.data, 120) << "\n";
      ++failures;
      continue;
    }
    Outcome o("validate", strict);
    o.check_schema(store, schema, "", frame);
    failures += print_findings(prefix, o, out);
  }
  if (unterminated) {
    out << "failure " << label("framing") << " the transcript ends inside an event (no blank line after the last frame)\n";
    ++failures;
  }
  out << frames << " frames" << (done ? " ending in [DONE]" : ", no [DONE]") << ", "
      << (failures ? std::to_string(failures) + " violations\n" : std::string("valid\n"));
  return failures ? 1 : 0;
}

}  // namespace oxen::conformance
