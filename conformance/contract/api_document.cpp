#include "api_document.hpp"

#include <algorithm>
#include <stdexcept>

#include "embedded.hpp"
#include "json_ref.hpp"

namespace oxen {

using nlohmann::json;

std::string Operation::pattern() const {
  std::string out = path;
  for (const auto& name : multi_segment_params) {
    const std::string plain = "{" + name + "}";
    if (auto at = out.find(plain); at != std::string::npos) out.replace(at, plain.size(), "{" + name + "+}");
  }
  return out;
}

namespace {

const char* const kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

struct Reader {
  const json& root;
  std::string where;  // "POST /api/ai/queue", for error messages

  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("openapi: " + where + ": " + what);
  }

  // Follows local "#/components/..." references; a reference to a schema file ends the chain.
  const json& local(const json& node) const {
    try {
      return *resolve_ref({&node, &root}).node;
    } catch (const RefError& e) {
      fail(e.what());
    }
  }

  // "chat_request" for {"$ref": "chat_request.schema.json"}; "" for an inline schema.
  std::string schema_name(const json& schema) const {
    const json& s = local(schema);
    if (!s.is_object() || !s.contains("$ref")) return "";
    std::string ref = s["$ref"].get<std::string>();
    const std::string suffix = ".schema.json";
    if (!ref.ends_with(suffix)) fail("schema $ref " + ref + " is not a file of schemas/");
    ref.resize(ref.size() - suffix.size());
    return ref;
  }

  std::string text(const json& node, const char* key) const {
    auto it = node.find(key);
    if (it == node.end()) return "";
    if (!it->is_string()) fail(std::string(key) + " is not a string");
    return it->get<std::string>();
  }

  bool flag(const json& node, const char* key) const {
    auto it = node.find(key);
    return it != node.end() && it->is_boolean() && it->get<bool>();
  }

  void read_parameters(const json& list, Operation& op) const {
    if (!list.is_array()) return;
    for (const auto& raw : list) {
      const json& p = local(raw);
      if (p.value("in", "") == "path" && flag(p, "x-oxen-multi-segment"))
        op.multi_segment_params.push_back(p.at("name").get<std::string>());
      if (p.value("in", "") == "query") op.query_params.push_back(text(p, "name"));
    }
  }

  void read_responses(const json& responses, Operation& op) const {
    for (const auto& [status_text, raw] : responses.items()) {
      int status = 0;
      try {
        status = std::stoi(status_text);
      } catch (const std::exception&) {
        fail("response status '" + status_text + "' is not a number");
      }
      op.statuses.push_back(status);
      const json& r = local(raw);
      if (auto kinds = r.find("x-oxen-errors"); kinds != r.end())
        op.error_kinds[status] = kinds->get<std::vector<std::string>>();
      auto content = r.find("content");
      if (content == r.end()) continue;
      if (auto js = content->find("application/json"); js != content->end() && js->contains("schema"))
        op.response_schemas[status] = schema_name((*js)["schema"]);
      if (auto sse = content->find("text/event-stream"); sse != content->end()) {
        const json frames = sse->value("x-oxen-frames", json::object());
        if (frames.contains("data")) op.frame_schema = schema_name(frames["data"]);
        op.frame_terminator = frames.value("terminator", "");
        const json events = frames.value("events", json::object());
        for (const auto& [event, schema] : events.items())
          op.event_schemas[event] = schema_name(schema);
      }
    }
  }

  Operation read(const std::string& path, const std::string& method, const json& path_item,
                 const json& node) const {
    Operation op;
    op.method = method;
    std::transform(op.method.begin(), op.method.end(), op.method.begin(), ::toupper);
    op.path = path;
    op.id = text(node, "operationId");
    if (op.id.empty()) fail("no operationId");
    read_parameters(path_item.value("parameters", json::array()), op);
    read_parameters(node.value("parameters", json::array()), op);

    if (auto body = node.find("requestBody"); body != node.end()) {
      const json content = local(*body).value("content", json::object());
      if (auto js = content.find("application/json"); js != content.end()) {
        op.json_body = true;
        if (js->contains("schema")) op.request_schema = schema_name((*js)["schema"]);
      }
      if (auto form = content.find("multipart/form-data"); form != content.end()) {
        op.form_body = true;
        if (form->contains("schema")) op.form_schema = schema_name((*form)["schema"]);
      }
    }
    read_responses(node.value("responses", json::object()), op);

    // An operation's own `security` overrides the document's: [] means open, and the admin API
    // has its own token instead of the bearer key.
    const json security = node.contains("security") ? node["security"] : root.value("security", json::array());
    op.authenticated = false;
    for (const auto& requirement : security) {
      if (requirement.contains("bearerAuth")) op.authenticated = true;
      if (requirement.contains("adminToken")) op.admin_token = true;
    }
    op.admin = flag(node, "x-oxen-admin");
    op.billable = flag(node, "x-oxen-billable");
    op.deprecated = flag(node, "deprecated");
    op.alias_of = text(node, "x-oxen-alias-of");
    op.profile = text(node, "x-oxen-profile");
    if (auto v = node.find("x-oxen-violation-errors"); v != node.end())
      op.violation_errors = v->get<std::map<std::string, std::string>>();
    return op;
  }
};

}  // namespace

ApiDocument::ApiDocument(json document) : document_(std::move(document)) {
  if (!document_.is_object() || !document_.contains("paths"))
    throw std::invalid_argument("openapi: the document has no paths");
  for (const auto& [path, item] : document_["paths"].items()) {
    for (const char* method : kMethods) {
      auto node = item.find(method);
      if (node == item.end()) continue;
      Reader reader{document_, std::string(method) + " " + path};
      Operation op = reader.read(path, method, item, *node);
      if (find(op.id)) reader.fail("operationId " + op.id + " is used twice");
      operations_.push_back(std::move(op));
    }
  }
  for (const auto& op : operations_)
    if (!op.alias_of.empty() && !find(op.alias_of))
      throw std::invalid_argument("openapi: " + op.id + " is an alias of unknown operation " + op.alias_of);
}

const Operation* ApiDocument::find(std::string_view operation_id) const {
  for (const auto& op : operations_)
    if (op.id == operation_id) return &op;
  return nullptr;
}

namespace {

// "/a/{x}/b" -> "/a/{}/b"
std::string without_param_names(std::string_view path) {
  std::string out;
  bool in_param = false;
  for (char c : path) {
    if (c == '{') in_param = true;
    if (!in_param || c == '{' || c == '}') out += c;
    if (c == '}') in_param = false;
  }
  return out;
}

}  // namespace

const Operation* ApiDocument::find(std::string_view method, std::string_view path) const {
  const std::string wanted = without_param_names(path);
  for (const auto& op : operations_)
    if (op.method == method && without_param_names(op.path) == wanted) return &op;
  return nullptr;
}

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Whether template segments t[i..] match path segments p[j..]; counts literal segments matched.
bool matches(const Operation& op, const std::vector<std::string_view>& t, size_t i, const std::vector<std::string_view>& p,
             size_t j, int& literals) {
  if (i == t.size()) return j == p.size();
  if (j == p.size()) return false;
  const auto seg = t[i];
  if (seg.size() < 2 || seg.front() != '{' || seg.back() != '}') {
    if (seg != p[j] || !matches(op, t, i + 1, p, j + 1, literals)) return false;
    ++literals;
    return true;
  }
  if (p[j].empty()) return false;
  const std::string name(seg.substr(1, seg.size() - 2));
  const bool multi = std::find(op.multi_segment_params.begin(), op.multi_segment_params.end(), name) != op.multi_segment_params.end();
  for (size_t end = j + 1; end <= (multi ? p.size() : j + 1); ++end)
    if (matches(op, t, i + 1, p, end, literals)) return true;
  return false;
}

}  // namespace

const Operation* ApiDocument::match(std::string_view method, std::string_view path) const {
  const auto wanted = segments(path);
  const Operation* best = nullptr;
  int best_literals = -1;
  for (const auto& op : operations_) {
    int literals = 0;
    if (op.method == method && matches(op, segments(op.path), 0, wanted, 0, literals) && literals > best_literals)
      best = &op, best_literals = literals;
  }
  return best;
}

const ApiDocument& ApiDocument::builtin() {
  static const ApiDocument doc = [] {
    for (const auto& file : embedded_schemas())
      if (file.path == "openapi.json") return ApiDocument(json::parse(file.data));
    throw std::logic_error("schemas/openapi.json is not compiled in");
  }();
  return doc;
}

}  // namespace oxen
