#pragma once
// The HTML report of a run (--report-html): one self-contained file (inline CSS and a few lines
// of JS, nothing fetched from anywhere) that opens from disk, for people reading a CI job's
// artefacts. Everything from the server is escaped; the caller redacts the key (write_file).
#include <string>

#include "runner.hpp"

namespace oxen::conformance {

std::string html_escape(const std::string& text);
std::string html_report(const RunReport& report);

}  // namespace oxen::conformance
