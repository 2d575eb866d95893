#include "html_report.hpp"

#include <cstdio>
#include <sstream>

#include "report.hpp"
#include "text.hpp"

namespace oxen::conformance {

namespace {

// The "failures only" filter is pure CSS (:has), so the report needs no script at all.
constexpr const char* kStyle = R"css(
:root { color-scheme: light dark; --pass: #1a7f37; --fail: #cf222e; --skip: #9a6700; --muted: #59636e; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 80rem; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 .75rem; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
.counts span { margin-right: 1rem; font-weight: 600; }
.passed .status, .counts .passed { color: var(--pass); }
.failed .status, .counts .failed, tr.failure td:first-child { color: var(--fail); }
.skipped .status, .counts .skipped, tr.warning td:first-child { color: var(--skip); }
.check { border-top: 1px solid #8884; }
summary { cursor: pointer; padding: .4rem 0; }
summary .status { display: inline-block; width: 3rem; font-weight: 700; }
summary .duration, summary .note { color: var(--muted); }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0 0 .75rem; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #8883; }
td code, td pre { overflow-wrap: anywhere; white-space: pre-wrap; margin: 0; }
label { display: inline-block; margin: .5rem 0; }
body:has(#failures-only:checked) .check:not(.failed) { display: none; }
)css";

const char* status_label(Status s) {
  return s == Status::passed ? "PASS" : s == Status::failed ? "FAIL" : "SKIP";
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

void write_findings(std::ostream& os, const CheckResult& r) {
  if (r.findings.empty()) return;
  os << "<div class=\"table\"><table><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Request</th>"
        "<th scope=\"col\">Pointer</th><th scope=\"col\">Rule</th><th scope=\"col\">Source</th>"
        "<th scope=\"col\">What was expected</th><th scope=\"col\">What came back</th></tr></thead><tbody>\n";
  for (const auto& f : r.findings) {
    os << "<tr class=\"" << to_string(f.severity) << "\"><td>" << to_string(f.severity) << "</td><td><code>"
       << html_escape(f.subject) << "</code></td><td><code>" << html_escape(f.pointer.empty() ? "(body)" : f.pointer)
       << "</code></td><td>" << html_escape(f.rule) << "</td><td>" << to_string(f.source) << "</td><td>"
       << html_escape(f.message) << "</td><td><pre>" << html_escape(f.excerpt) << "</pre></td></tr>\n";
  }
  os << "</tbody></table></div>\n";
}

}  // namespace

std::string html_escape(const std::string& raw) {
  const std::string text = valid_utf8(raw);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_report(const RunReport& report) {
  const size_t failed = report.count(Status::failed);
  std::ostringstream os;
  os << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>oxen-conformance: "
     << (failed ? std::to_string(failed) + " failed" : std::string("all passed")) << " — "
     << html_escape(report.base_url) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<header>\n"
     << "<h1>oxen-conformance report</h1>\n<dl class=\"summary\">\n"
     << "<dt>Target</dt><dd><code>" << html_escape(report.base_url) << "</code></dd>\n"
     << "<dt>Profile</dt><dd>" << html_escape(report.profile) << "</dd>\n"
     << "<dt>Contract</dt><dd>" << to_string(report.contract)
     << " (rules of weaker sources are warnings)</dd>\n"
     << "<dt>Duration</dt><dd>" << seconds_text(report.seconds) << "</dd>\n";
  if (report.estimated_cost) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.6f", *report.estimated_cost);
    os << "<dt>Estimated cost</dt><dd>" << buf << "</dd>\n";
  }
  os << "</dl>\n<p class=\"counts\"><span class=\"passed\">" << report.count(Status::passed)
     << " passed</span><span class=\"failed\">" << failed << " failed</span><span class=\"skipped\">"
     << report.count(Status::skipped) << " skipped</span><span class=\"warnings\">" << report.warnings()
     << " warnings</span></p>\n"
     << "<label><input type=\"checkbox\" id=\"failures-only\"> Show failed checks only</label>\n</header>\n<main>\n";
  for (const auto& r : report.results) {
    const char* status = to_string(r.status);
    os << "<section class=\"check " << status << "\" id=\"check-" << html_escape(r.id) << "\">\n<details"
       << (r.status == Status::failed ? " open" : "") << ">\n<summary><span class=\"status\">" << status_label(r.status)
       << "</span> <code>" << html_escape(r.id) << "</code> " << html_escape(r.title) << " <span class=\"duration\">"
       << seconds_text(r.seconds) << "</span>";
    if (const size_t w = r.count(Severity::warning)) os << " <span class=\"note\">" << w << (w == 1 ? " warning" : " warnings") << "</span>";
    os << "</summary>\n";
    if (!r.note.empty()) os << "<p class=\"note\">" << html_escape(r.note) << "</p>\n";
    if (!r.endpoint.empty()) os << "<p class=\"endpoint\">Endpoint <code>" << html_escape(r.endpoint) << "</code></p>\n";
    write_findings(os, r);
    os << "</details>\n</section>\n";
  }
  os << "</main>\n</body>\n</html>\n";
  return os.str();
}

}  // namespace oxen::conformance
