#pragma once
// The route table as data: schemas/openapi.json read into one Operation per path and method. The
// mock binds its handlers to these operations by operationId; the harness and spec-diff read the
// same list. Schema names are the stems of the `$ref`s ("chat_request" for
// "chat_request.schema.json"), as SchemaStore names them.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace oxen {

// The response header by which oxen-mock identifies itself (its version as the value) on every
// answer. oxen-conformance runs its destructive `mock` profile only against a server that sends it.
inline constexpr const char* kMockIdentityHeader = "X-Oxen-Mock";

struct Operation {
  std::string id;      // operationId
  std::string method;  // "GET", "POST", "DELETE", ...
  std::string path;    // as the document writes it: "/api/ai/models/{id}"
  std::vector<std::string> multi_segment_params;  // path parameters that may contain '/'
  std::vector<std::string> query_params;          // names of the declared query parameters

  std::string request_schema;  // schema of the JSON body ("" = the operation takes none)
  bool json_body = false;
  std::string form_schema;  // schema of a multipart/form-data body (file parts as their file name)
  bool form_body = false;
  std::map<int, std::string> response_schemas;  // status -> schema of a JSON answer
  std::map<int, std::vector<std::string>> error_kinds;  // status -> documented error kinds
  std::vector<int> statuses;  // every status the operation declares, in the document's order
  std::string frame_schema;  // schema of each `data:` frame of a text/event-stream answer
  std::string frame_terminator;                 // e.g. "[DONE]" ("" = none)
  std::map<std::string, std::string> event_schemas;  // `event:` name -> schema of its data

  bool authenticated = true;  // needs the bearer API key
  bool admin = false;         // the mock's own control API (x-oxen-admin)
  bool admin_token = false;   // needs X-Mock-Admin-Token when the mock has one (adminToken)
  bool billable = false;      // costs money on the live API (x-oxen-billable)
  bool deprecated = false;
  std::string alias_of;  // operationId this legacy path is served exactly as ("" = none)
  std::string profile;   // harness profile that may call it: readonly, full or mock
  // "<pointer> <rule>" of a request-schema violation -> the error kind the docs give for it.
  std::map<std::string, std::string> violation_errors;

  // The path with multi-segment parameters written "{name+}", the router's pattern syntax.
  std::string pattern() const;
  bool streams() const { return !frame_schema.empty() || !event_schemas.empty(); }
};

class ApiDocument {
 public:
  // schemas/openapi.json as compiled into the binary.
  static const ApiDocument& builtin();

  // Throws std::invalid_argument naming the operation and field when the document does not
  // describe routes the project can serve (a missing operationId, a $ref it cannot resolve).
  explicit ApiDocument(nlohmann::json document);

  const std::vector<Operation>& operations() const { return operations_; }
  const Operation* find(std::string_view operation_id) const;
  // The operation declared at `method` and `path`, a path as the document writes it (parameter
  // names do not matter: "/api/ai/models/{model}" finds "/api/ai/models/{id}").
  const Operation* find(std::string_view method, std::string_view path) const;
  // The operation a request for a concrete `path` ("/api/ai/queue/3f2c...") is for: the most
  // literal template that matches, a multi-segment parameter taking one or more segments.
  const Operation* match(std::string_view method, std::string_view path) const;
  const nlohmann::json& document() const { return document_; }

 private:
  nlohmann::json document_;
  std::vector<Operation> operations_;
};

}  // namespace oxen
