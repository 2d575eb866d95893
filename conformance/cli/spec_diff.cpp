#include "spec_diff.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "api_document.hpp"
#include "embedded.hpp"
#include "json_ref.hpp"

namespace oxen {
std::span<const EmbeddedFile> embedded_checks();
}

namespace oxen::conformance {

using nlohmann::json;

namespace spec_kind {
std::string route_only_in(const std::string& side) { return "route only in " + side; }
std::string field_only_in(const std::string& side) { return "field only in " + side; }
std::string required_only_in(const std::string& side) { return "required only in " + side; }
std::string enum_value_only_in(const std::string& side) { return "enum value only in " + side; }
std::string response_codes_only_in(const std::string& side) { return "response codes only in " + side; }
std::string schema_only_in(const std::string& side) { return "schema only in " + side; }
}  // namespace spec_kind

std::string SpecItem::line() const {
  std::string out = kind + ": " + where;
  // An enum value is shown as JSON, so "1" and 1 stay apart; other values are text.
  if (!value.is_null())
    out += ": " + (value.is_string() && kind.rfind("enum value", 0) != 0 ? value.get<std::string>() : value.dump());
  return out;
}

std::string normalise_path(const std::string& path) {
  std::string out;
  bool in_brace = false, in_glob = false;  // glob: a Phoenix "*name" segment, the rest of the path
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (in_glob && c != '/') continue;
    in_glob = false;
    if (c == '*' && i > 0 && path[i - 1] == '/' && !in_brace) {
      in_glob = true;
      out += "{}";
    } else if (c == '{') {
      in_brace = true;
      out += "{}";
    } else if (c == '}') {
      in_brace = false;
    } else if (!in_brace) {
      out += c;
    }
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::vector<RouteInfo> mock_routes() {
  std::vector<RouteInfo> out;
  for (const auto& op : ApiDocument::builtin().operations()) {
    if (op.admin) continue;
    auto ok = op.response_schemas.find(200);
    RouteInfo& r = out.emplace_back(RouteInfo{op.method, op.pattern(), op.request_schema,
                                              ok == op.response_schemas.end() ? "" : ok->second, {}});
    for (int status : op.statuses) r.statuses.insert(std::to_string(status));
  }
  return out;
}

namespace {

// Where a schema node lives, for resolving its $refs.
struct Doc {
  const json* root = nullptr;
  const SchemaStore* store = nullptr;  // ours: "x.schema.json" refs
};

struct Node {
  const json* schema = nullptr;
  Doc doc;
};

// A reference to another document resolves only on our side, in the store.
Node resolve(Node n) {
  if (!n.schema) return {};
  const SchemaStore* store = n.doc.store;
  auto found = resolve_ref_or_null({n.schema, n.doc.root}, [store](const std::string& id) {
    return store ? store->find_by_id(id) : nullptr;
  });
  if (!found.node) return {};
  return Node{found.node, Doc{found.root, store}};
}

// A schema seen through its allOf/anyOf/oneOf branches, as one set of members.
struct Flat {
  std::set<std::string> types;
  std::map<std::string, Node> properties;
  std::set<std::string> required;
  bool has_enum = false;
  std::map<std::string, json> enums;  // dumped value -> value
  Node items;
};

// `certain` is false inside anyOf/oneOf branches: a member required there is required only when
// that branch applies, so it does not count as required.
void flatten(Node n, Flat& f, int depth, bool certain = true) {
  n = resolve(n);
  if (!n.schema || !n.schema->is_object() || depth > 8) return;
  const json& s = *n.schema;
  if (s.contains("type")) {
    if (s["type"].is_string())
      f.types.insert(s["type"].get<std::string>());
    else if (s["type"].is_array())
      for (const auto& t : s["type"])
        if (t.is_string()) f.types.insert(t.get<std::string>());
  }
  if (s.value("nullable", false)) f.types.insert("null");
  if (s.contains("properties") && s["properties"].is_object())
    for (const auto& [k, v] : s["properties"].items())
      if (!f.properties.count(k)) f.properties[k] = Node{&v, n.doc};
  if (certain && s.contains("required") && s["required"].is_array())
    for (const auto& r : s["required"])
      if (r.is_string()) f.required.insert(r.get<std::string>());
  if (s.contains("enum") && s["enum"].is_array()) {
    f.has_enum = true;
    for (const auto& v : s["enum"])
      if (!v.is_null()) f.enums[v.dump()] = v;
  }
  if (s.contains("const") && !s["const"].is_null()) {
    f.has_enum = true;
    f.enums[s["const"].dump()] = s["const"];
  }
  if (s.contains("items") && s["items"].is_object() && !f.items.schema) f.items = Node{&s["items"], n.doc};
  if (s.contains("allOf") && s["allOf"].is_array())
    for (const auto& b : s["allOf"]) flatten(Node{&b, n.doc}, f, depth + 1, certain);
  for (const char* key : {"anyOf", "oneOf"})
    if (s.contains(key) && s[key].is_array())
      for (const auto& b : s[key]) flatten(Node{&b, n.doc}, f, depth + 1, false);
}

std::string join(const std::set<std::string>& s, const char* separator) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : separator) + x;
  return out;
}

template <class Map>
std::set<std::string> key_set(const Map& m) {
  std::set<std::string> out;
  for (const auto& [k, v] : m) out.insert(k);
  return out;
}

std::set<std::string> member_names(const json& object) {
  std::set<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) out.insert(it.key());
  return out;
}

// The members of `from` that `in` lacks.
std::set<std::string> missing(const std::set<std::string>& from, const std::set<std::string>& in) {
  std::set<std::string> out;
  for (const auto& x : from)
    if (!in.count(x)) out.insert(x);
  return out;
}

// The name a schema node goes by: a published component ("Model" for
// "#/components/schemas/Model"), one of our documents ("model" for "model.schema.json" or the
// document itself); "" for an inline schema.
std::string schema_name(Node n) {
  if (!n.schema || !n.schema->is_object()) return "";
  const json& s = *n.schema;
  std::string ref = s.contains("$ref") && s["$ref"].is_string() ? s["$ref"].get<std::string>() : "";
  if (ref.empty() && n.schema == n.doc.root && s.contains("$id") && s["$id"].is_string()) ref = s["$id"];
  if (ref.empty()) return "";
  if (ref.ends_with(".schema.json")) return ref.substr(0, ref.size() - std::string_view(".schema.json").size());
  if (ref.rfind("#/components/schemas/", 0) == 0) return ref.substr(std::string_view("#/components/schemas/").size());
  return "";
}

// One comparison and where its differences go. `published` is always the document given with
// --against; `other` is "ours" or "baseline".
struct Comparison {
  Comparison(std::vector<SpecItem>& to, std::string other_side) : other(std::move(other_side)), out(to) {}
  std::string published = "published", other;
  std::vector<SpecItem>& out;
  std::set<std::string> compared;  // routes and schema pairs looked at
  std::set<std::pair<const json*, const json*>> seen;

  void report(std::string kind, const std::string& place, const std::string& pointer, json value = nullptr) {
    out.push_back({std::move(kind), place + (pointer.empty() ? "" : " " + pointer), std::move(value)});
  }
  // The members of one side only, each side in turn.
  void report_each(std::string (*kind)(const std::string&), const std::set<std::string>& only_published,
                   const std::set<std::string>& only_other, const std::string& place, const std::string& pointer) {
    for (const auto& k : only_published) report(kind(published), place, pointer + "/" + k);
    for (const auto& k : only_other) report(kind(other), place, pointer + "/" + k);
  }
};

void compare_enums(Comparison& c, const std::string& place, const std::string& pointer, const Flat& fa,
                   const Flat& fb) {
  if (!fa.has_enum || !fb.has_enum) return;
  for (const auto& v : missing(key_set(fa.enums), key_set(fb.enums)))
    c.report(spec_kind::enum_value_only_in(c.published), place, pointer, fa.enums.at(v));
  for (const auto& v : missing(key_set(fb.enums), key_set(fa.enums)))
    c.report(spec_kind::enum_value_only_in(c.other), place, pointer, fb.enums.at(v));
}

// Members both sides declare where one side requires them and the other does not; a member of
// one side only is reported as such already.
void compare_required(Comparison& c, const std::string& place, const std::string& pointer, const Flat& fa,
                      const Flat& fb) {
  std::set<std::string> published, other;
  for (const auto& [k, node] : fa.properties) {
    if (!fb.properties.count(k)) continue;
    if (fa.required.count(k) && !fb.required.count(k)) published.insert(k);
    if (fb.required.count(k) && !fa.required.count(k)) other.insert(k);
  }
  c.report_each(spec_kind::required_only_in, published, other, place, pointer);
}

// `a` is the published side, `b` the other side. Where both sides name their schema the
// differences are placed at that pair ("Model ~ model /endpoint"), so a schema that many routes
// share is reported once.
void compare(Comparison& c, std::string place, std::string pointer, Node a, Node b, int depth) {
  if (depth > 10) return;
  if (auto na = schema_name(a), nb = schema_name(b); !na.empty() && !nb.empty()) {
    place = na == nb ? na : na + " ~ " + nb;
    pointer.clear();
    c.compared.insert(place);
  }
  a = resolve(a);
  b = resolve(b);
  if (!a.schema || !b.schema) return;
  if (!c.seen.insert({a.schema, b.schema}).second) return;
  Flat fa, fb;
  flatten(a, fa, 0);
  flatten(b, fb, 0);
  auto ta = fa.types, tb = fb.types;
  ta.erase("null");
  tb.erase("null");
  if (!ta.empty() && !tb.empty() && ta != tb)
    c.report(std::string(spec_kind::type_differs), place, pointer,
             c.published + " " + join(ta, "|") + ", " + c.other + " " + join(tb, "|"));
  compare_enums(c, place, pointer, fa, fb);
  // Members are compared only where both sides declare some: an object without `properties` is
  // free-form on that side (the published document often leaves nested objects open).
  if (!fa.properties.empty() && !fb.properties.empty()) {
    c.report_each(spec_kind::field_only_in, missing(key_set(fa.properties), key_set(fb.properties)),
                  missing(key_set(fb.properties), key_set(fa.properties)), place, pointer);
    compare_required(c, place, pointer, fa, fb);
    for (const auto& [k, node] : fa.properties)
      if (fb.properties.count(k)) compare(c, place, pointer + "/" + k, node, fb.properties.at(k), depth + 1);
  }
  if (fa.items.schema && fb.items.schema) compare(c, place, pointer + "/[]", fa.items, fb.items, depth + 1);
}

// Server path prefix of the document ("/api" when servers[0].url ends in /api).
std::string server_prefix(const json& doc) {
  if (!doc.contains("servers") || !doc["servers"].is_array() || doc["servers"].empty()) return "";
  std::string url = doc["servers"][0].value("url", "");
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return "";
  std::string p = url.substr(slash);
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

// "METHOD /normalised/path" -> operation object
std::map<std::string, const json*> operations(const json& doc, const std::string& scope) {
  std::map<std::string, const json*> out;
  if (!doc.contains("paths") || !doc["paths"].is_object()) return out;
  std::string prefix = server_prefix(doc);
  for (const auto& [path, item] : doc["paths"].items()) {
    std::string full = normalise_path(prefix + path);
    if (!scope.empty() && full.rfind(scope, 0) != 0) continue;
    if (!item.is_object()) continue;
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE")
        out[m + " " + full] = &op;
    }
  }
  return out;
}

std::set<std::string> response_codes(const json& op) {
  std::set<std::string> out;
  if (op.is_object() && op.contains("responses") && op["responses"].is_object())
    for (const auto& [code, r] : op["responses"].items()) out.insert(code);
  return out;
}

void compare_codes(Comparison& c, const std::string& route, const std::set<std::string>& published,
                   const std::set<std::string>& other) {
  if (auto only = missing(published, other); !only.empty())
    c.report(spec_kind::response_codes_only_in(c.published), route, "", join(only, " "));
  if (auto only = missing(other, published); !only.empty())
    c.report(spec_kind::response_codes_only_in(c.other), route, "", join(only, " "));
}

void compare_routes(Comparison& c, const std::set<std::string>& published, const std::set<std::string>& other) {
  for (const auto& key : missing(published, other)) c.report(spec_kind::route_only_in(c.published), key, "");
  for (const auto& key : missing(other, published)) c.report(spec_kind::route_only_in(c.other), key, "");
  c.compared.insert(published.begin(), published.end());
  c.compared.insert(other.begin(), other.end());
}

const json* json_schema_of(const json* content_holder) {
  if (!content_holder || !content_holder->is_object() || !content_holder->contains("content")) return nullptr;
  const auto& content = (*content_holder)["content"];
  if (!content.is_object()) return nullptr;
  for (const auto& [type, media] : content.items())
    if (type.rfind("application/json", 0) == 0 && media.is_object() && media.contains("schema")) return &media["schema"];
  return nullptr;
}

const json* response_schema(const json& doc, const json& op) {
  if (!op.is_object() || !op.contains("responses") || !op["responses"].is_object()) return nullptr;
  for (const char* code : {"200", "201"}) {
    if (!op["responses"].contains(code)) continue;
    Node n = resolve(Node{&op["responses"][code], Doc{&doc, nullptr}});
    if (const json* s = json_schema_of(n.schema)) return s;
  }
  return nullptr;
}

const json* request_schema(const json& doc, const json& op) {
  if (!op.is_object() || !op.contains("requestBody")) return nullptr;
  Node n = resolve(Node{&op["requestBody"], Doc{&doc, nullptr}});
  return json_schema_of(n.schema);
}

}  // namespace

SpecDiff spec_diff_ours(const json& openapi, const std::vector<RouteInfo>& routes, const SchemaStore& store,
                        const std::string& scope) {
  SpecDiff diff;
  auto ops = operations(openapi, scope);
  std::map<std::string, const RouteInfo*> ours;
  for (const auto& r : routes) {
    if (!scope.empty() && normalise_path(r.pattern).rfind(scope, 0) != 0) continue;
    ours[r.method + " " + normalise_path(r.pattern)] = &r;
  }
  Comparison c(diff.items, "ours");
  compare_routes(c, key_set(ops), key_set(ours));
  for (const auto& [key, op] : ops) {
    auto it = ours.find(key);
    if (it == ours.end()) continue;
    const RouteInfo& r = *it->second;
    if (!r.statuses.empty()) compare_codes(c, key, response_codes(*op), r.statuses);
    for (bool response : {true, false}) {
      const std::string& our_name = response ? r.response_schema : r.request_schema;
      const json* theirs = response ? response_schema(openapi, *op) : request_schema(openapi, *op);
      if (our_name.empty() || !theirs || !store.has(our_name)) continue;
      // The raw document, as `$ref`s to it resolve: a schema reached both ways is compared once.
      const json* our_doc = store.find_by_id(our_name + ".schema.json");
      if (!our_doc) our_doc = &store.get(our_name).document();
      std::string place = key + (response ? " response" : " request");
      c.compared.insert(place);
      compare(c, place, "", Node{theirs, Doc{&openapi, nullptr}}, Node{our_doc, Doc{our_doc, &store}}, 0);
    }
  }
  diff.compared = std::move(c.compared);
  return diff;
}

SpecDiff spec_diff_baseline(const json& baseline, const json& current, const std::string& scope) {
  SpecDiff diff;
  auto a = operations(current, scope), b = operations(baseline, scope);
  Comparison c(diff.items, "baseline");
  compare_routes(c, key_set(a), key_set(b));
  for (const auto& [key, op] : a)
    if (b.count(key)) compare_codes(c, key, response_codes(*op), response_codes(*b.at(key)));
  auto schemas = [](const json& d) -> const json* {
    if (d.contains("components") && d["components"].is_object() && d["components"].contains("schemas") &&
        d["components"]["schemas"].is_object())
      return &d["components"]["schemas"];
    return nullptr;
  };
  const json* sa = schemas(current);
  const json* sb = schemas(baseline);
  if (sa && sb) {
    for (const auto& name : missing(member_names(*sa), member_names(*sb)))
      c.report(spec_kind::schema_only_in(c.published), name, "");
    for (const auto& name : missing(member_names(*sb), member_names(*sa)))
      c.report(spec_kind::schema_only_in(c.other), name, "");
    for (const auto& name : member_names(*sa)) {
      if (!sb->contains(name)) continue;
      c.compared.insert(name);
      compare(c, name, "", Node{&(*sa)[name], Doc{&current, nullptr}}, Node{&(*sb)[name], Doc{&baseline, nullptr}}, 0);
    }
  }
  diff.compared = std::move(c.compared);
  return diff;
}

std::vector<AcceptedDifference> parse_accepted_differences(std::string_view text, const std::string& origin) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw std::runtime_error(origin + " is not JSON");
  auto violations = SchemaStore::builtin().validate("accepted_differences", doc);
  if (!violations.empty())
    throw std::runtime_error(origin + " is not a list of accepted differences: " + describe(violations.front()));
  std::vector<AcceptedDifference> out;
  for (const auto& e : doc["accepted"]) {
    AcceptedDifference d{e["kind"].get<std::string>(), e["where"].get<std::string>(), e.value("value", json()),
                         e["reason"].get<std::string>()};
    for (size_t i = 0; i < out.size(); ++i)
      if (out[i].kind == d.kind && out[i].where == d.where && out[i].value == d.value)
        throw std::runtime_error(origin + ": /accepted/" + std::to_string(out.size()) + " repeats /accepted/" +
                                 std::to_string(i) + " (" + d.line() + ")");
    out.push_back(std::move(d));
  }
  return out;
}

const std::vector<AcceptedDifference>& builtin_accepted_differences() {
  static const std::vector<AcceptedDifference> list = [] {
    for (const auto& file : embedded_checks())
      if (file.path == "accepted_differences.json")
        return parse_accepted_differences(file.data, "conformance/checks/accepted_differences.json");
    throw std::logic_error("accepted_differences.json is not compiled in");
  }();
  return list;
}

namespace {

// `where` lies at one of `places`: it is the place itself or a pointer below it.
bool at_place(const std::string& where, const std::set<std::string>& places) {
  return std::any_of(places.begin(), places.end(),
                     [&](const std::string& p) { return where == p || where.rfind(p + " /", 0) == 0; });
}

}  // namespace

SpecReview review_spec_diff(const SpecDiff& diff, const std::vector<AcceptedDifference>& accepted, bool whole) {
  SpecReview review;
  std::vector<bool> used(accepted.size(), false);
  for (const auto& item : diff.items) {
    auto it = std::find_if(accepted.begin(), accepted.end(), [&](const auto& a) { return a.matches(item); });
    if (it == accepted.end()) {
      review.fresh.push_back(item);
      continue;
    }
    used[static_cast<size_t>(it - accepted.begin())] = true;
    review.accepted.emplace_back(item, *it);
  }
  for (size_t i = 0; i < accepted.size(); ++i)
    if (!used[i] && (whole || at_place(accepted[i].where, diff.compared))) review.stale.push_back(accepted[i]);
  return review;
}

}  // namespace oxen::conformance
