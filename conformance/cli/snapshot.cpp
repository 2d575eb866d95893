#include "snapshot.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "api_document.hpp"
#include "findings.hpp"
#include "report.hpp"
#include "text.hpp"

namespace oxen::conformance {

using nlohmann::json;

namespace {

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "other";
  }
}

bool volatile_name(const std::string& key) {
  std::string k = ascii_lower(key);
  if (k == "id" || k == "created" || k == "timestamp" || k == "logo" || k == "seed") return true;
  auto ends = [&](const std::string& suffix) {
    return k.size() >= suffix.size() && k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends("_id") || ends("_at") || ends("url") || ends("_image") || ends("_time");
}

bool free_text_name(const std::string& key) {
  static const std::set<std::string> names = {"description", "summary", "display_name", "title", "name",
                                              "message", "detail", "status_description", "content",
                                              "alt", "caption", "source_model", "owned_by"};
  return names.count(ascii_lower(key)) != 0;
}

bool volatile_value(const std::string& s) {
  static const std::regex iso(R"(^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$)");
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || std::regex_match(s, iso);
}

// Endpoint template of a path: the operation's path template (schemas/openapi.json), and the
// names of the query parameters without their values.
std::string endpoint_of(const std::string& method, const std::string& path, int status) {
  std::string p = path.substr(0, path.find('?'));
  std::string query = path.find('?') == std::string::npos ? "" : path.substr(path.find('?') + 1);
  std::string tmpl = p;
  if (const Operation* op = ApiDocument::builtin().match(method, "/api" + p); op && op->path.rfind("/api", 0) == 0)
    tmpl = op->path.substr(4);
  if (!query.empty()) {
    std::string names;
    std::stringstream qs(query);
    for (std::string part; std::getline(qs, part, '&');) {
      names.append(names.empty() ? "?" : "&");
      names.append(part, 0, part.find('='));
      names.append("=");
    }
    tmpl += names;
  }
  return method + " " + tmpl + " " + std::to_string(status);
}

struct Shape {
  std::map<std::string, std::set<std::string>> types;   // generalised pointer -> JSON types
  std::map<std::string, std::set<std::string>> values;  // enum-like string values
  std::map<std::string, size_t> occurrences;
};

void collect(const json& v, const std::string& pointer, const std::string& key, Shape& s) {
  s.types[pointer].insert(type_name(v));
  if (v.is_object()) {
    for (const auto& [k, member] : v.items()) collect(member, pointer + "/" + escape_pointer_token(k), k, s);
  } else if (v.is_array()) {
    for (const auto& item : v) collect(item, pointer + "/*", key, s);
  } else if (v.is_string() && !volatile_name(key) && !free_text_name(key) && !volatile_value(v.get<std::string>())) {
    s.values[pointer].insert(v.get<std::string>());
    ++s.occurrences[pointer];
  }
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : "|") + x;
  return out;
}

json listed_models(const json& snapshot) {
  for (const auto& e : snapshot.value("exchanges", json::array()))
    if (e.value("method", "") == "GET" && e.value("path", "") == "/ai/models" && e.value("status", 0) == 200 &&
        e.contains("body") && e["body"].is_object() && e["body"].contains("data") && e["body"]["data"].is_array())
      return e["body"]["data"];
  return nullptr;
}

std::map<std::string, json> models_by_id(const json& list) {
  std::map<std::string, json> out;
  if (list.is_array())
    for (const auto& m : list)
      if (m.is_object() && m.contains("id") && m["id"].is_string()) out[m["id"]] = m;
  return out;
}

// The model a /ai/models/{id}[/action] path is about, or "" for any other path.
std::string model_of_path(const std::string& path) {
  std::string p = path.substr(0, path.find('?'));
  if (p.rfind("/ai/models/", 0) != 0 || p == "/ai/models/search") return "";
  p = p.substr(11);
  for (const std::string action : {"/activate", "/deactivate"})
    if (p.size() > action.size() && p.compare(p.size() - action.size(), action.size(), action) == 0)
      p.resize(p.size() - action.size());
  return url_decode(p);
}

// Shapes per endpoint, over the models both snapshots list (`keep`): a model that comes or goes
// is one model_added/model_removed line, not also the fields and values only it had.
std::map<std::string, Shape> shapes_of(const json& snapshot, const std::set<std::string>& keep) {
  std::map<std::string, Shape> out;
  for (const auto& e : snapshot.value("exchanges", json::array())) {
    const std::string path = e.value("path", "");
    if (const auto model = model_of_path(path); !model.empty() && !keep.count(model)) continue;
    if (!e.contains("body") || e["body"].is_string()) continue;
    json body = e["body"];
    if (body.is_object() && body.contains("data") && body["data"].is_array()) {
      json kept = json::array();
      for (const auto& m : body["data"])
        if (!m.is_object() || !m.contains("id") || !m["id"].is_string() || keep.count(m["id"].get<std::string>()))
          kept.push_back(m);
      body["data"] = std::move(kept);
    }
    collect(body, "", "", out[endpoint_of(e.value("method", ""), path, e.value("status", 0))]);
  }
  return out;
}

// Answers the mock computes from its seed: chat and media content. Between two snapshots of the
// mock profile they are compared by value, request by request, so that a changed --seed shows.
bool seeded(const json& e) {
  const std::string path = e.value("path", "");
  return e.value("method", "") == "POST" && e.value("status", 0) == 200 && e.contains("request") &&
         (path == "/ai/chat/completions" || path.rfind("/ai/images/", 0) == 0 || path.rfind("/ai/videos/", 0) == 0);
}

// The seeded part of an answer: message contents and media, without ids and timestamps.
json seeded_content(const json& body) {
  json out = json::object();
  if (!body.is_object()) return out;
  if (body.contains("choices") && body["choices"].is_array())
    for (const auto& c : body["choices"])
      if (c.is_object()) out["choices"].push_back(c.value("message", json()));
  for (const char* media : {"images", "videos", "data"})
    if (body.contains(media)) out[media] = body[media];
  return out;
}

void diff_seeded(const json& a, const json& b, std::vector<DriftItem>& out) {
  if (a.value("profile", "") != "mock" || b.value("profile", "") != "mock") return;
  auto key = [](const json& e) { return e.value("path", "") + " " + e["request"].dump(); };
  std::map<std::string, json> answers;
  for (const auto& e : a.value("exchanges", json::array()))
    if (seeded(e)) answers.emplace(key(e), seeded_content(e.value("body", json())));
  for (const auto& e : b.value("exchanges", json::array())) {
    if (!seeded(e)) continue;
    auto it = answers.find(key(e));
    if (it == answers.end()) continue;
    if (it->second != seeded_content(e.value("body", json())))
      out.push_back({"content_changed", "POST " + e.value("path", "") + " 200",
                     "the same request answered other content (" + shorten(e["request"].dump(), 80) + ")"});
    answers.erase(it);  // one line per request, even when it was sent twice
  }
}

void diff_models(const json& a, const json& b, std::vector<DriftItem>& out) {
  auto ma = models_by_id(listed_models(a)), mb = models_by_id(listed_models(b));
  if (ma.empty() || mb.empty()) return;
  for (const auto& [id, m] : ma)
    if (!mb.count(id)) out.push_back({"model_removed", id, ""});
  for (const auto& [id, m] : mb)
    if (!ma.count(id)) out.push_back({"model_added", id, ""});
  for (const auto& [id, m] : ma) {
    auto it = mb.find(id);
    if (it == mb.end()) continue;
    for (const auto& [field, kind] : {std::pair{"endpoint", "endpoint_changed"}, {"capabilities", "capabilities_changed"},
                                      {"pricing", "pricing_changed"}}) {
      json va = m.value(field, json()), vb = it->second.value(field, json());
      if (va != vb) out.push_back({kind, id, va.dump() + " -> " + vb.dump()});
    }
  }
}

}  // namespace

json make_snapshot(const std::string& base_url, const std::string& profile, const std::vector<Exchange>& exchanges,
                   const std::string& secret) {
  json snap = {{"format", "oxen-conformance-snapshot/1"}, {"base_url", base_url}, {"profile", profile}, {"exchanges", json::array()}};
  for (const auto& e : exchanges) {
    json body = json::parse(e.body, nullptr, false);
    json entry = {{"method", e.method},
                  {"path", redact(e.path, secret)},
                  {"status", e.status},
                  {"content_type", e.content_type}};
    if (!e.request_body.empty()) {
      json request = json::parse(e.request_body, nullptr, false);
      entry["request"] = request.is_discarded() ? json(redact(e.request_body, secret)) : redact_json(std::move(request), secret);
    }
    entry["body"] = body.is_discarded() ? json(redact(e.body, secret)) : redact_json(std::move(body), secret);
    snap["exchanges"].push_back(std::move(entry));
  }
  return snap;
}

json snapshot_models_fixture(const json& snapshot) {
  json data = listed_models(snapshot);
  if (data.is_null()) return nullptr;
  return {{"models", data}};
}

json load_snapshot(const std::string& path) {
  std::filesystem::path p(path);
  if (std::filesystem::is_directory(p)) p /= "snapshot.json";
  std::ifstream f(p);
  if (!f) throw std::runtime_error("cannot read " + p.string());
  std::stringstream ss;
  ss << f.rdbuf();
  auto j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("exchanges"))
    throw std::runtime_error(p.string() + " is not an oxen-conformance snapshot");
  return j;
}

std::string DriftItem::line() const { return kind + " " + where + (detail.empty() ? "" : ": " + detail); }

std::vector<DriftItem> diff_snapshots(const json& a, const json& b) {
  std::vector<DriftItem> out;
  std::set<std::string> common;
  {
    auto ma = models_by_id(listed_models(a)), mb = models_by_id(listed_models(b));
    for (const auto& [id, m] : ma)
      if (mb.count(id)) common.insert(id);
  }
  auto sa = shapes_of(a, common), sb = shapes_of(b, common);
  for (const auto& [ep, shape] : sa)
    if (!sb.count(ep)) out.push_back({"endpoint_removed", ep, "answered in A only"});
  for (const auto& [ep, shape] : sb)
    if (!sa.count(ep)) out.push_back({"endpoint_added", ep, "answered in B only"});
  for (const auto& [ep, shape_a] : sa) {
    if (!sb.count(ep)) continue;
    const auto& shape_b = sb.at(ep);
    for (const auto& [ptr, types] : shape_a.types) {
      auto it = shape_b.types.find(ptr);
      if (it == shape_b.types.end())
        out.push_back({"field_removed", ep + " " + ptr, join(types)});
      else if (it->second != types) {
        // A nullable field seen null on one side only is not a retype.
        auto ta = types, tb = it->second;
        ta.erase("null");
        tb.erase("null");
        if (!ta.empty() && !tb.empty() && ta != tb)
          out.push_back({"field_retyped", ep + " " + ptr, join(types) + " -> " + join(it->second)});
      }
    }
    for (const auto& [ptr, types] : shape_b.types)
      if (!shape_a.types.count(ptr)) out.push_back({"field_added", ep + " " + ptr, join(types)});
    for (const auto& [ptr, values] : shape_a.values) {
      auto it = shape_b.values.find(ptr);
      if (it == shape_b.values.end()) continue;
      // Enum-like: few distinct values, each seen repeatedly.
      if (values.size() > 8 || shape_a.occurrences.at(ptr) < values.size() * 2) continue;
      for (const auto& v : it->second)
        if (!values.count(v)) out.push_back({"enum_value_added", ep + " " + ptr, json(v).dump()});
      for (const auto& v : values)
        if (!it->second.count(v)) out.push_back({"enum_value_removed", ep + " " + ptr, json(v).dump()});
    }
  }
  diff_models(a, b, out);
  diff_seeded(a, b, out);
  return out;
}

}  // namespace oxen::conformance
