// The generation history checks (readonly): the paginated list and an unknown generation.
#include "runner.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

// One page of one row: a valid list that honours page_size and whose totals agree with each other.
void check_list(Session& s, Outcome& out) {
  const std::string path = "/ai/generations?page=1&page_size=1";
  const std::string subj = subject("GET", path);
  const auto* doc = expect_json(out, subj, s.get(path), 200);
  if (!doc || !out.check_schema(s.schemas(), "generations_list_response", subj, *doc)) return;
  const auto rows = (*doc)["generations"].size();
  if (rows > 1) out.failure(subj, "/generations", "page_size", "page_size=1 answered " + std::to_string(rows) + " rows", doc);
  if ((*doc)["page_size"] != 1) out.failure(subj, "/page_size", "page_size", "expected 1, the page_size asked for", doc);
  if ((*doc)["count"] != rows) out.failure(subj, "/count", "count", "count is not the number of rows on the page", doc);
  const auto entries = (*doc)["total_entries"].get<long long>(), pages = (*doc)["total_pages"].get<long long>();
  if (entries > 0 && pages != entries)  // one row per page
    out.failure(subj, "/total_pages", "total_pages", "with page_size=1 there is one page per entry", doc);
}

void check_not_found(Session& s, Outcome& out) {
  const std::string path = "/ai/generations/00000000-0000-4000-8000-000000000000";
  const std::string subj = subject("GET", path);
  const auto* doc = expect_json(out, subj, s.get(path), 404);
  if (!doc || !out.check_schema(s.schemas(), "error_oxen", subj, *doc)) return;
  if ((*doc)["error"]["type"] != "resource_not_found")
    out.failure(subj, "/error/type", "error_type", "expected \"resource_not_found\"", doc);
}

}  // namespace

void add_generation_checks(std::map<std::string, CheckFn>& fns) {
  fns["generations.list"] = check_list;
  fns["errors.generation_not_found"] = check_not_found;
}

}  // namespace oxen::conformance
