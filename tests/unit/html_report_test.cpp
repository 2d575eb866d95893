// The HTML pages of diff and spec-diff (the run report is shown end to end in
// conformance_cli_test.cpp): escaped, grouped like checks, self-contained.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "commands.hpp"
#include "html_report.hpp"

using namespace oxen::conformance;
namespace fs = std::filesystem;

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void check_self_contained(const std::string& html) {
  CHECK(html.rfind("<!doctype html>\n<html lang=\"en\">", 0) == 0);
  for (const char* ref : {"src=", "href=", "url(", "@import", "<script"}) CHECK(html.find(ref) == std::string::npos);
}

}  // namespace

TEST_CASE("diff --report-html: every difference in one open group, escaped") {
  std::vector<DriftItem> items = {{"field_added", "GET /ai/models 200 /data/*/x", "string"},
                                  {"model_removed", "m<1>", "was \"<script>\""}};
  auto html = html_drift_report(items, "snaps/a", "snaps/b");
  check_self_contained(html);
  CHECK(html.find("<title>oxen-conformance diff: 2 differences</title>") != std::string::npos);
  CHECK(html.find("<dd><code>snaps/a</code></dd>") != std::string::npos);
  CHECK(html.find("<section class=\"check failed\" id=\"drift\">\n<details open>") != std::string::npos);
  CHECK(html.find("<td>model_removed</td><td><code>m&lt;1&gt;</code></td><td>was &quot;&lt;script&gt;&quot;</td>") !=
        std::string::npos);
  CHECK(count_of(html, "<tr><td>") == 2);

  auto none = html_drift_report({}, "a", "b");
  CHECK(none.find("<span class=\"passed\">0 differences</span>") != std::string::npos);
  CHECK(none.find("<section") == std::string::npos);
}

TEST_CASE("spec-diff --report-html: new differences open, stale ones flagged, accepted ones folded with their reasons") {
  SpecReview review;
  review.fresh = {{"only in published", "POST /api/ai/audio/generate", nullptr}};
  AcceptedDifference kept{"enum value only in ours", "Model ~ model /endpoint", "/images/edit", "per-model pages"};
  review.accepted = {{SpecItem{kept.kind, kept.where, kept.value}, kept}};
  review.stale = {{"only in ours", "GET /api/ai/old", nullptr, "was served once"}};
  auto html = html_spec_report(review, {}, "oxen_hub_api.json", "the built-in accepted list");
  check_self_contained(html);
  CHECK(html.find("<title>oxen-conformance spec-diff: 1 new differences</title>") != std::string::npos);
  CHECK(html.find("<section class=\"check failed\" id=\"new\">\n<details open>") != std::string::npos);
  CHECK(html.find("<td>only in published</td><td><code>POST /api/ai/audio/generate</code></td>") != std::string::npos);
  CHECK(html.find("<section class=\"check skipped\" id=\"stale\">\n<details open>") != std::string::npos);
  CHECK(html.find("<td>was served once</td>") != std::string::npos);
  CHECK(html.find("<section class=\"check passed\" id=\"accepted\">\n<details>") != std::string::npos);
  CHECK(html.find("<td><code>/images/edit</code></td><td>per-model pages</td>") != std::string::npos);
  CHECK(html.find("id=\"changes\"") == std::string::npos);  // no baseline, no group
}

TEST_CASE("spec-diff --report-html against the published document writes the reviewed list") {
  const fs::path out = fs::temp_directory_path() / ("oxen-spec-diff-" + std::to_string(::getpid()) + ".html");
  std::istringstream in;
  std::ostringstream sout, serr;
  int code = conformance_main({"oxen-conformance", "spec-diff", "--against",
                               std::string(OXEN_SOURCE_DIR) + "/schemas/published/oxen_hub_api.json",
                               "--report-html", out.string()},
                              Io{in, sout, serr, false});
  CHECK(code == 0);
  std::ifstream f(out);
  std::stringstream html;
  html << f.rdbuf();
  check_self_contained(html.str());
  CHECK(html.str().find("<span class=\"failed\">0 new</span>") == std::string::npos);
  CHECK(html.str().find("<span class=\"passed\">0 new</span>") != std::string::npos);
  CHECK(html.str().find("id=\"accepted\"") != std::string::npos);
  fs::remove(out);
}
