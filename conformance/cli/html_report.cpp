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

// The page up to the end of its summary list: `summary` are (term, escaped HTML) pairs.
void page_start(std::ostream& os, const std::string& title, const std::string& heading,
                const std::vector<std::pair<std::string, std::string>>& summary) {
  os << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
     << html_escape(title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<header>\n<h1>"
     << html_escape(heading) << "</h1>\n<dl class=\"summary\">\n";
  for (const auto& [term, html] : summary) os << "<dt>" << html_escape(term) << "</dt><dd>" << html << "</dd>\n";
  os << "</dl>\n";
}

// The counts line (class, text) and the "failed only" switch that ends the header.
void page_counts(std::ostream& os, const std::vector<std::pair<std::string, std::string>>& counts) {
  os << "<p class=\"counts\">";
  for (const auto& [css, text] : counts) os << "<span class=\"" << css << "\">" << html_escape(text) << "</span>";
  os << "</p>\n<label><input type=\"checkbox\" id=\"failures-only\"> Show failures only</label>\n"
        "</header>\n<main>\n";
}

void page_end(std::ostream& os) { os << "</main>\n</body>\n</html>\n"; }

std::string code(const std::string& text) { return "<code>" + html_escape(text) + "</code>"; }

// A table of already-escaped cells; `row_class` (may be "") marks every row.
void table(std::ostream& os, const std::vector<std::string>& columns,
           const std::vector<std::vector<std::string>>& rows, const std::string& row_class = "") {
  if (rows.empty()) return;
  os << "<div class=\"table\"><table><thead><tr>";
  for (const auto& c : columns) os << "<th scope=\"col\">" << html_escape(c) << "</th>";
  os << "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    os << (row_class.empty() ? "<tr>" : "<tr class=\"" + row_class + "\">");
    for (const auto& cell : row) os << "<td>" << cell << "</td>";
    os << "</tr>\n";
  }
  os << "</tbody></table></div>\n";
}

void write_findings(std::ostream& os, const CheckResult& r) {
  if (r.findings.empty()) return;
  os << "<div class=\"table\"><table><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Request</th>"
        "<th scope=\"col\">Pointer</th><th scope=\"col\">Rule</th><th scope=\"col\">Source</th>"
        "<th scope=\"col\">What was expected</th><th scope=\"col\">What came back</th></tr></thead><tbody>\n";
  for (const auto& f : r.findings) {
    os << "<tr class=\"" << to_string(f.severity) << "\"><td>" << to_string(f.severity) << "</td><td>"
       << code(f.subject) << "</td><td>" << code(f.pointer.empty() ? "(body)" : f.pointer) << "</td><td>"
       << html_escape(f.rule) << "</td><td>" << to_string(f.source) << "</td><td>" << html_escape(f.message)
       << "</td><td><pre>" << html_escape(f.excerpt) << "</pre></td></tr>\n";
  }
  os << "</tbody></table></div>\n";
}

// One collapsible group of rows, labelled like a check: FAIL groups are open and stay under
// "failed only"; `label` and `css` are "FAIL" "failed", "OK" "passed" or "STALE" "skipped".
void group(std::ostream& os, const std::string& id, const std::string& heading, const std::string& label,
           const std::string& css, const std::vector<std::string>& columns,
           const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  os << "<section class=\"check " << css << "\" id=\"" << id << "\">\n<details" << (css == "passed" ? "" : " open")
     << ">\n<summary><span class=\"status\">" << label << "</span> " << html_escape(heading) << " (" << rows.size()
     << ")</summary>\n";
  table(os, columns, rows);
  os << "</details>\n</section>\n";
}

std::string value_text(const nlohmann::json& value) {
  return value.is_null() ? "" : value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> spec_row(const SpecItem& i) {
  return {html_escape(i.kind), code(i.where), code(value_text(i.value))};
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
  std::vector<std::pair<std::string, std::string>> summary = {
      {"Target", code(report.base_url)},
      {"Profile", html_escape(report.profile)},
      {"Contract", std::string(to_string(report.contract)) + " (rules of weaker sources are warnings)"},
      {"Duration", seconds_text(report.seconds)}};
  if (report.estimated_cost) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.6f", *report.estimated_cost);
    summary.emplace_back("Estimated cost", buf);
  }
  std::ostringstream os;
  page_start(os, "oxen-conformance: " + (failed ? std::to_string(failed) + " failed" : std::string("all passed")) +
                     " — " + report.base_url,
             "oxen-conformance report", summary);
  page_counts(os, {{"passed", std::to_string(report.count(Status::passed)) + " passed"},
                   {"failed", std::to_string(failed) + " failed"},
                   {"skipped", std::to_string(report.count(Status::skipped)) + " skipped"},
                   {"warnings", std::to_string(report.warnings()) + " warnings"}});
  for (const auto& r : report.results) {
    os << "<section class=\"check " << to_string(r.status) << "\" id=\"check-" << html_escape(r.id)
       << "\">\n<details" << (r.status == Status::failed ? " open" : "") << ">\n<summary><span class=\"status\">"
       << status_label(r.status) << "</span> " << code(r.id) << " " << html_escape(r.title)
       << " <span class=\"duration\">" << seconds_text(r.seconds) << "</span>";
    if (const size_t w = r.count(Severity::warning))
      os << " <span class=\"note\">" << w << (w == 1 ? " warning" : " warnings") << "</span>";
    os << "</summary>\n";
    if (!r.note.empty()) os << "<p class=\"note\">" << html_escape(r.note) << "</p>\n";
    if (!r.endpoint.empty()) os << "<p class=\"endpoint\">Endpoint " << code(r.endpoint) << "</p>\n";
    write_findings(os, r);
    os << "</details>\n</section>\n";
  }
  page_end(os);
  return os.str();
}

std::string html_drift_report(const std::vector<DriftItem>& items, const std::string& a, const std::string& b) {
  std::ostringstream os;
  page_start(os, "oxen-conformance diff: " + std::to_string(items.size()) + " differences", "oxen-conformance diff",
             {{"Earlier", code(a)}, {"Later", code(b)}});
  page_counts(os, {{items.empty() ? "passed" : "failed", std::to_string(items.size()) + " differences"}});
  std::vector<std::vector<std::string>> rows;
  for (const auto& i : items) rows.push_back({html_escape(i.kind), code(i.where), html_escape(i.detail)});
  group(os, "drift", "Differences", "FAIL", "failed", {"Kind", "Where", "Detail"}, rows);
  page_end(os);
  return os.str();
}

std::string html_spec_report(const SpecReview& review, const std::vector<SpecItem>& changes,
                             const std::string& against, const std::string& list) {
  const size_t fresh = review.fresh.size() + changes.size();
  std::ostringstream os;
  page_start(os, "oxen-conformance spec-diff: " + std::to_string(fresh) + " new differences",
             "oxen-conformance spec-diff", {{"Published document", code(against)}, {"Accepted list", html_escape(list)}});
  page_counts(os, {{fresh ? "failed" : "passed", std::to_string(fresh) + " new"},
                   {"passed", std::to_string(review.accepted.size()) + " accepted"},
                   {"skipped", std::to_string(review.stale.size()) + " stale"}});
  std::vector<std::vector<std::string>> rows;
  for (const auto& i : review.fresh) rows.push_back(spec_row(i));
  group(os, "new", "New differences", "FAIL", "failed", {"Kind", "Where", "Value"}, rows);
  rows.clear();
  for (const auto& i : changes) rows.push_back(spec_row(i));
  group(os, "changes", "Changes of the document since the baseline", "FAIL", "failed", {"Kind", "Where", "Value"}, rows);
  rows.clear();
  for (const auto& e : review.stale) {
    rows.push_back(spec_row(SpecItem{e.kind, e.where, e.value}));
    rows.back().push_back(html_escape(e.reason));
  }
  group(os, "stale", "Accepted, but no longer found: remove them from the list (a failure under --strict)", "STALE", "skipped",
        {"Kind", "Where", "Value", "Reason"}, rows);
  rows.clear();
  for (const auto& [i, e] : review.accepted) {
    rows.push_back(spec_row(i));
    rows.back().push_back(html_escape(e.reason));
  }
  group(os, "accepted", "Accepted differences", "OK", "passed", {"Kind", "Where", "Value", "Reason"}, rows);
  page_end(os);
  return os.str();
}

}  // namespace oxen::conformance
