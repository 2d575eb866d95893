#pragma once
// The HTML report of a run (--report-html): one self-contained file (inline CSS and a few lines
// of JS, nothing fetched from anywhere) that opens from disk, for people reading a CI job's
// artefacts; `diff` and `spec-diff` write the same kind of page. Everything from a server or a
// document is escaped; the caller redacts the key (write_file).
#include <string>
#include <vector>

#include "runner.hpp"
#include "snapshot.hpp"
#include "spec_diff.hpp"

namespace oxen::conformance {

std::string html_escape(const std::string& text);
std::string html_report(const RunReport& report);
// `a` and `b` name the snapshots compared.
std::string html_drift_report(const std::vector<DriftItem>& items, const std::string& a, const std::string& b);
// `against` names the published document, `list` the accepted list used; `changes` are the
// document's own changes since a baseline (empty without one).
std::string html_spec_report(const SpecReview& review, const std::vector<SpecItem>& changes,
                             const std::string& against, const std::string& list);

}  // namespace oxen::conformance
