#pragma once
// Reports of a run: the human text (one line per check), the JSON report with every finding and
// JUnit XML for CI. Every writer redacts the API key from what it writes.
#include <string>

#include "redact.hpp"
#include "runner.hpp"

namespace oxen::conformance {

std::string xml_escape(const std::string& text);

// "[ours pattern]": a finding's rule with where it comes from, as every report writes it.
std::string rule_label(const Finding& f);

// "PASS  models.list  <title>" plus one indented line per finding:
// "failure GET /ai/models /data/0/id [published required] <message> — <excerpt>".
std::string text_result(const CheckResult& r, bool colour);
// "N checks, N skipped, N warnings in 0.12s\nN passed, N failed\n"
std::string text_summary(const RunReport& report);
std::string json_report(const RunReport& report);
// Any JSON document as report text; bytes that are not UTF-8 are written as U+FFFD.
std::string report_json_text(const nlohmann::json& doc);
std::string junit_report(const RunReport& report);

// Writes `text` to `path` after redacting `secret`; throws std::runtime_error on failure.
void write_file(const std::string& path, const std::string& text, const std::string& secret);

}  // namespace oxen::conformance
