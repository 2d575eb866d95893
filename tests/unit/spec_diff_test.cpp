// spec-diff: a published OpenAPI document against our schemas and routes, each difference named
// from the reader's side, and the reviewed list of accepted differences that keeps the command
// green on today's published document and red on anything new.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "commands.hpp"
#include "spec_diff.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace oxen::conformance;

namespace {

// Oxen's published document, as copied into the repository.
const fs::path kPublished = fs::path(OXEN_SOURCE_DIR) / "schemas/published/oxen_hub_api.json";

const json& published() {
  static const json doc = [] {
    std::ifstream in(kPublished);
    return json::parse(in);
  }();
  return doc;
}

struct Ran {
  int code;
  std::string out, err;
};

Ran cli(std::vector<std::string> args) {
  args.insert(args.begin(), "oxen-conformance");
  std::istringstream in;
  std::ostringstream out, err;
  int code = conformance_main(args, Io{in, out, err, false});
  return {code, out.str(), err.str()};
}

// A file of its own under the system's temporary folder, removed when the test ends.
struct TempFile {
  explicit TempFile(const std::string& name, const std::string& text)
      : path(fs::temp_directory_path() / ("oxen-spec-diff-" + name + "-" + std::to_string(::getpid()) + ".json")) {
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
  fs::path path;
};

// The built-in list as a document of the list's format, to edit and write to a file.
json builtin_list_document() {
  json entries = json::array();
  for (const auto& a : builtin_accepted_differences()) {
    json e = {{"kind", a.kind}, {"where", a.where}, {"reason", a.reason}};
    if (!a.value.is_null()) e["value"] = a.value;
    entries.push_back(e);
  }
  return {{"accepted", entries}};
}

std::vector<std::string> lines_of(const std::vector<SpecItem>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.line());
  return out;
}

std::string text_of(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

SpecReview review_published(const json& doc) {
  return review_spec_diff(spec_diff_ours(doc, mock_routes(), oxen::SchemaStore::builtin(), "/api/ai/"),
                          builtin_accepted_differences(), true);
}

json small_openapi() {
  return json::parse(R"({
    "openapi": "3.0.0",
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
      "/api/ai/models": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}}}}},
      "/api/ai/models/{model_id}": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Model"}}}}}}},
      "/api/ai/brand/new": {"post": {"responses": {"200": {"description": "x"}}}},
      "/api/other/thing": {"get": {"responses": {}}}
    },
    "components": {"schemas": {
      "List": {"type": "object", "properties": {"object": {"type": "string"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}}}},
      "Model": {"type": "object", "required": ["id", "new_thing"], "properties": {
        "id": {"type": "string"},
        "created": {"type": "string", "nullable": true},
        "model_type": {"type": "string", "enum": ["base", "custom", "merged"]},
        "new_thing": {"type": "boolean"}
      }}
    }}
  })");
}

}  // namespace

TEST_CASE("spec-diff names each difference from the reader's side") {
  std::vector<RouteInfo> routes = {{"GET", "/api/ai/models", "", "model_list", {"200", "401"}},
                                   {"GET", "/api/ai/models/{id+}", "", "model", {}},
                                   {"DELETE", "/api/ai/models/{id+}", "", "model", {}}};
  auto lines = lines_of(spec_diff_ours(small_openapi(), routes, oxen::SchemaStore::builtin(), "/api/ai/").items);
  auto has = [&](const std::string& l) { return std::find(lines.begin(), lines.end(), l) != lines.end(); };
  const std::string all = text_of(lines);
  INFO(all);
  CHECK(has("route only in published: POST /api/ai/brand/new"));
  CHECK(has("route only in ours: DELETE /api/ai/models/{}"));
  CHECK(all.find("/api/other/thing") == std::string::npos);  // out of scope
  CHECK(has("field only in published: Model ~ model /new_thing"));
  CHECK(has("field only in ours: Model ~ model /pricing"));
  CHECK(has("type differs: Model ~ model /created: published string, ours integer"));
  CHECK(has("enum value only in published: Model ~ model /model_type: \"merged\""));
  CHECK(has("required only in ours: Model ~ model /model_type"));
  CHECK(has("response codes only in ours: GET /api/ai/models: 401"));
  // The published side lists 200 only and requires new_thing, which ours lacks: a member of one
  // side only is reported once, as such.
  CHECK(!has("required only in published: Model ~ model /new_thing"));
  // Model is reached from both routes (and from List's items) and reported once.
  CHECK(std::count(lines.begin(), lines.end(), "field only in published: Model ~ model /new_thing") == 1);
  CHECK(all.find("/data/[]/new_thing") == std::string::npos);

  CHECK(normalise_path("/api/ai/models/{id+}/activate") == "/api/ai/models/{}/activate");
  CHECK(normalise_path("/api/repos/{namespace}/{repo_name}/evaluations/*resource_path") ==
        "/api/repos/{}/{}/evaluations/{}");
  auto routes_of_mock = mock_routes();
  auto search = std::find_if(routes_of_mock.begin(), routes_of_mock.end(),
                             [](const RouteInfo& r) { return r.pattern == "/api/ai/models/search"; });
  REQUIRE(search != routes_of_mock.end());
  CHECK(search->response_schema == "model_list");
  CHECK(search->statuses.count("401") == 1);
}

TEST_CASE("spec-diff against an earlier copy of the document") {
  auto before = small_openapi();
  auto after = small_openapi();
  after["paths"].erase("/api/ai/brand/new");
  after["paths"]["/api/ai/queue"] = {{"get", {{"responses", json::object()}}}};
  after["paths"]["/api/ai/models"]["get"]["responses"]["429"] = {{"description", "slow down"}};
  after["components"]["schemas"]["Model"]["properties"].erase("new_thing");
  after["components"]["schemas"]["Model"]["required"] = {"id", "created"};
  after["components"]["schemas"]["Model"]["properties"]["model_type"]["enum"] = {"base", "custom", "fine-tuned"};
  after["components"]["schemas"]["Extra"] = {{"type", "object"}};
  std::vector<std::string> lines = lines_of(spec_diff_baseline(before, after, "/api/ai/").items);
  std::vector<std::string> expected = {"route only in published: GET /api/ai/queue",
                                       "route only in baseline: POST /api/ai/brand/new",
                                       "response codes only in published: GET /api/ai/models: 429",
                                       "schema only in published: Extra",
                                       "field only in baseline: Model /new_thing",
                                       "required only in published: Model /created",
                                       "enum value only in published: Model /model_type: \"fine-tuned\"",
                                       "enum value only in baseline: Model /model_type: \"merged\""};
  std::sort(lines.begin(), lines.end());
  std::sort(expected.begin(), expected.end());
  INFO(text_of(lines));
  CHECK(lines == expected);
}

TEST_CASE("against Oxen's published document every difference is on the reviewed list") {
  const auto& accepted = builtin_accepted_differences();
  REQUIRE(!accepted.empty());

  SUBCASE("each entry has a reason and matches one difference; nothing is new or stale") {
    auto review = review_published(published());
    INFO(text_of(lines_of(review.fresh)));
    CHECK(review.fresh.empty());
    CHECK(review.stale.empty());
    CHECK(review.accepted.size() == accepted.size());
  }

  SUBCASE("the command exits 0 and still lists the accepted differences with their reasons") {
    auto r = cli({"spec-diff", "--against", kPublished.string()});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("ACCEPTED  " + accepted.front().line() + "\n          reason: " + accepted.front().reason) !=
          std::string::npos);
    CHECK(r.out.find("0 new differences, " + std::to_string(accepted.size()) + " accepted, 0 stale entries") !=
          std::string::npos);
  }

  SUBCASE("without one entry of the list the command exits 1 and names that difference as new") {
    for (size_t dropped : {size_t{0}, accepted.size() / 2, accepted.size() - 1}) {
      auto list = builtin_list_document();
      list["accepted"].erase(dropped);
      TempFile file("dropped", list.dump(2));
      auto r = cli({"spec-diff", "--against", kPublished.string(), "--accepted", file.path.string()});
      INFO(accepted[dropped].line() << "\n" << r.out << r.err);
      CHECK(r.code == 1);
      CHECK(r.out.find("NEW       " + accepted[dropped].line() + "\n") != std::string::npos);
      CHECK(r.out.find("1 new difference, " + std::to_string(accepted.size() - 1) + " accepted") != std::string::npos);
    }
  }

  SUBCASE("--no-accepted fails on every difference") {
    auto r = cli({"spec-diff", "--against", kPublished.string(), "--no-accepted"});
    CHECK(r.code == 1);
    CHECK(r.out.find(std::to_string(accepted.size()) + " new differences, 0 accepted") != std::string::npos);
  }

  SUBCASE("an entry that matches nothing is stale: a warning, a failure under --strict") {
    auto list = builtin_list_document();
    list["accepted"].push_back({{"kind", "field only in ours"},
                                {"where", "ChatCompletionRequest ~ chat_request /long_gone"},
                                {"reason", "A field we no longer declare."}});
    TempFile file("stale", list.dump(2));
    auto r = cli({"spec-diff", "--against", kPublished.string(), "--accepted", file.path.string()});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("STALE     field only in ours: ChatCompletionRequest ~ chat_request /long_gone: accepted, but "
                     "no longer found") != std::string::npos);
    CHECK(r.out.find("1 stale entry (a failure under --strict)") != std::string::npos);
    auto strict = cli({"spec-diff", "--against", kPublished.string(), "--accepted", file.path.string(), "--strict"});
    CHECK(strict.code == 1);
  }

  SUBCASE("a narrower --scope does not call the entries it leaves out stale") {
    auto r = cli({"spec-diff", "--against", kPublished.string(), "--scope", "/api/ai/queue", "--strict"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("STALE") == std::string::npos);
    CHECK(r.out.find("ACCEPTED  response codes only in ours: GET /api/ai/queue: 400 401 429 503") != std::string::npos);
  }
}

TEST_CASE("an injected difference of each kind is reported, alone, with the right kind") {
  struct Injected {
    std::string expected;
    std::function<void(json&)> change;
  };
  auto model = [](json& d) -> json& { return d["components"]["schemas"]["Model"]; };
  const std::vector<Injected> cases = {
      {"route only in published: POST /api/ai/audio/voices",
       [](json& d) { d["paths"]["/api/ai/audio/voices"] = {{"post", {{"responses", {{"200", {{"description", "x"}}}}}}}}; }},
      {"route only in ours: GET /api/ai/models/search", [](json& d) { d["paths"].erase("/api/ai/models/search"); }},
      {"field only in published: Model ~ model /license",
       [&](json& d) { model(d)["properties"]["license"] = {{"type", "string"}}; }},
      {"field only in ours: Model ~ model /summary", [&](json& d) { model(d)["properties"].erase("summary"); }},
      {"required only in published: Model ~ model /summary", [&](json& d) { model(d)["required"].push_back("summary"); }},
      {"required only in ours: Model ~ model /owned_by",
       [&](json& d) { model(d)["required"] = {"id", "object", "created"}; }},
      {"enum value only in published: Model ~ model /endpoint: \"/audio/generate\"",
       [&](json& d) { model(d)["properties"]["endpoint"]["enum"].push_back("/audio/generate"); }},
      {"enum value only in ours: Model ~ model /endpoint: \"/videos/generate\"",
       [&](json& d) { model(d)["properties"]["endpoint"]["enum"] = {"/chat/completions", "/images/generate"}; }},
      {"type differs: Model ~ model /created: published string, ours integer",
       [&](json& d) { model(d)["properties"]["created"]["type"] = "string"; }},
      {"response codes only in published: POST /api/ai/chat/completions: 422",
       [](json& d) { d["paths"]["/api/ai/chat/completions"]["post"]["responses"]["422"] = {{"description", "x"}}; }},
  };
  for (const auto& c : cases) {
    json doc = published();
    c.change(doc);
    auto review = review_published(doc);
    CAPTURE(c.expected);
    INFO(text_of(lines_of(review.fresh)));
    CHECK(lines_of(review.fresh) == std::vector<std::string>{c.expected});
    // Only a route that disappears takes its accepted response-code entry with it.
    if (c.expected.rfind("route only in ours", 0) == 0) {
      REQUIRE(review.stale.size() == 1);
      CHECK(review.stale.front().line() == "response codes only in ours: GET /api/ai/models/search: 400 401 429 503");
    } else {
      CHECK(review.stale.empty());
    }
  }

  SUBCASE("a code the published document stops declaring changes that route's entry: new, and the old one stale") {
    json doc = published();
    doc["paths"]["/api/ai/models/{id}"]["get"]["responses"].erase("404");
    auto review = review_published(doc);
    CHECK(lines_of(review.fresh) ==
          std::vector<std::string>{"response codes only in ours: GET /api/ai/models/{}: 400 401 404 429 503"});
    REQUIRE(review.stale.size() == 1);
    CHECK(review.stale.front().line() == "response codes only in ours: GET /api/ai/models/{}: 400 401 429 503");
  }
}

TEST_CASE("a list of accepted differences is checked before it is used") {
  auto refused = [](const std::string& text) {
    try {
      parse_accepted_differences(text, "list.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused("{") == "list.json is not JSON");
  CHECK(refused(R"({"accepted": [{"kind": "property_removed", "where": "X ~ x /a", "reason": "an old kind name"}]})")
            .find("list.json is not a list of accepted differences: /accepted/0/kind") == 0);
  CHECK(refused(R"({"accepted": [{"kind": "field only in ours", "where": "X ~ x /a"}]})").find("/accepted/0") !=
        std::string::npos);
  CHECK(refused(R"({"accepted": [
          {"kind": "field only in ours", "where": "X ~ x /a", "reason": "kept on purpose"},
          {"kind": "field only in ours", "where": "X ~ x /a", "reason": "kept on purpose, twice"}]})") ==
        "list.json: /accepted/1 repeats /accepted/0 (field only in ours: X ~ x /a)");

  TempFile bad("bad", R"({"accepted": [{"kind": "field only in ours"}]})");
  auto r = cli({"spec-diff", "--against", kPublished.string(), "--accepted", bad.path.string()});
  CHECK(r.code == 2);
  CHECK(r.err.find("is not a list of accepted differences") != std::string::npos);
  auto both = cli({"spec-diff", "--against", kPublished.string(), "--accepted", bad.path.string(), "--no-accepted"});
  CHECK(both.code == 2);
}

TEST_CASE("spec-diff: every published fine-tune operation is served") {
  // The fine-tune routes lie outside the default /api/ai/ scope; compared over the whole
  // document, none of them is a route only the published side has.
  auto lines = lines_of(spec_diff_ours(published(), mock_routes(), oxen::SchemaStore::builtin(), "").items);
  size_t published_fine_tune_ops = 0;
  for (const auto& [path, item] : published()["paths"].items())
    if (path.find("fine_tunes") != std::string::npos) published_fine_tune_ops += item.size();
  CHECK(published_fine_tune_ops == 16);
  for (const auto& line : lines) {
    INFO(line);
    CHECK_FALSE((line.rfind("route only in published:", 0) == 0 && line.find("fine_tunes") != std::string::npos));
  }
}
