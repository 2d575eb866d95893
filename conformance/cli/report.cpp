#include "report.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "text.hpp"

namespace oxen::conformance {

std::string xml_escape(const std::string& raw) {
  const std::string text = valid_utf8(raw);
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
          out += "?";  // not allowed in XML 1.0
        else
          out += static_cast<char>(c);
    }
  }
  return out;
}

std::string rule_label(const Finding& f) { return "[" + std::string(to_string(f.source)) + " " + f.rule + "]"; }

namespace {

std::string finding_line(const Finding& f) {
  std::string s = std::string(to_string(f.severity)) + " " + f.subject + " " +
                  (f.pointer.empty() ? "(body)" : f.pointer) + " " + rule_label(f) + " " + f.message;
  if (!f.excerpt.empty()) s += " — " + f.excerpt;
  return s;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

std::string text_result(const CheckResult& r, bool colour) {
  const char* label = r.status == Status::passed ? "PASS" : r.status == Status::failed ? "FAIL" : "SKIP";
  const char* col = r.status == Status::passed ? "\033[32m" : r.status == Status::failed ? "\033[31m" : "\033[33m";
  std::ostringstream os;
  if (colour) os << col;
  os << label;
  if (colour) os << "\033[0m";
  os << "  " << r.id << "  " << r.title;
  size_t warnings = r.count(Severity::warning);
  if (warnings) os << " (" << warnings << (warnings == 1 ? " warning)" : " warnings)");
  if (!r.note.empty()) os << " — " << r.note;
  os << "\n";
  for (const auto& f : r.findings) os << "      " << finding_line(f) << "\n";
  return os.str();
}

std::string text_summary(const RunReport& report) {
  std::ostringstream os;
  os << report.results.size() << " checks against " << report.base_url << " (profile " << report.profile
     << ", contract " << to_string(report.contract) << "), " << report.count(Status::skipped) << " skipped, " << report.warnings() << " warnings, "
     << seconds_text(report.seconds) << "s\n";
  os << report.count(Status::passed) << " passed, " << report.count(Status::failed) << " failed\n";
  return os.str();
}

std::string json_report(const RunReport& report) { return report_json_text(report.to_json()); }

std::string report_json_text(const nlohmann::json& doc) {
  // A server's bytes may be anything: what is not UTF-8 becomes U+FFFD instead of an exception.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string junit_report(const RunReport& report) {
  std::ostringstream os;
  size_t tests = report.results.size(), failures = report.count(Status::failed),
         skipped = report.count(Status::skipped);
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  os << "<testsuites name=\"oxen-conformance\" tests=\"" << tests << "\" failures=\"" << failures
     << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << seconds_text(report.seconds) << "\">\n";
  os << "  <testsuite name=\"oxen-conformance." << xml_escape(report.profile) << "\" tests=\"" << tests
     << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\""
     << seconds_text(report.seconds) << "\">\n";
  os << "    <properties>\n      <property name=\"base_url\" value=\"" << xml_escape(report.base_url)
     << "\"/>\n      <property name=\"profile\" value=\"" << xml_escape(report.profile)
     << "\"/>\n      <property name=\"contract\" value=\"" << to_string(report.contract) << "\"/>\n    </properties>\n";
  for (const auto& r : report.results) {
    std::string group = r.id.substr(0, r.id.find('.'));
    os << "    <testcase classname=\"oxen-conformance." << xml_escape(group) << "\" name=\"" << xml_escape(r.id)
       << "\" time=\"" << seconds_text(r.seconds) << "\">\n";
    if (r.status == Status::failed) {
      const Finding* first = nullptr;
      for (const auto& f : r.findings)
        if (f.severity == Severity::failure && !first) first = &f;
      std::string message = r.title;
      if (first) message = first->subject + " " + (first->pointer.empty() ? "(body)" : first->pointer) + ": " + first->message;
      size_t n = r.count(Severity::failure);
      if (n > 1) message += " (and " + std::to_string(n - 1) + " more)";
      std::string type = first ? std::string(to_string(first->source)) + " " + first->rule : "failure";
      os << "      <failure message=\"" << xml_escape(message) << "\" type=\"" << xml_escape(type) << "\">";
      std::string detail = r.title + "\n";
      for (const auto& f : r.findings) detail += finding_line(f) + "\n";
      os << xml_escape(detail) << "</failure>\n";
    } else if (r.status == Status::skipped) {
      os << "      <skipped message=\"" << xml_escape(r.note) << "\"/>\n";
    }
    if (r.status != Status::failed && r.count(Severity::warning) > 0) {
      std::string detail;
      for (const auto& f : r.findings) detail += finding_line(f) + "\n";
      os << "      <system-out>" << xml_escape(detail) << "</system-out>\n";
    }
    os << "    </testcase>\n";
  }
  os << "  </testsuite>\n</testsuites>\n";
  return os.str();
}

void write_file(const std::string& path, const std::string& text, const std::string& secret) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << redact(text, secret);
  if (!f.flush()) throw std::runtime_error("cannot write " + path);
}

}  // namespace oxen::conformance
