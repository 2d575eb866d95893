#pragma once
// The contract: named JSON Schemas (draft-07) and the one validator of the project.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "json_ref.hpp"
#include "violation.hpp"

namespace oxen {

class CompiledSchema;

// A compiled schema; immutable, safe to share between threads.
class Schema {
 public:
  Violations validate(const nlohmann::json& instance) const;
  bool accepts(const nlohmann::json& instance) const { return validate(instance).empty(); }
  // The document as compiled: what was given, in its draft-07 spelling (to_draft7).
  const nlohmann::json& document() const { return document_; }

 private:
  friend class SchemaStore;
  friend Schema compile_schema(const nlohmann::json&, const class SchemaStore*);
  nlohmann::json document_;
  DocumentLookup lookup_;  // the store's documents, for the `$ref`s a violation's message follows
  std::shared_ptr<const CompiledSchema> compiled_;
};

// Compile a free-standing schema (a model's request_schema, a tool's parameters). `$ref`s to
// other documents are resolved in `store` when given. 2020-12 spellings are rewritten first
// (schema_dialect.hpp); `store` must outlive the schema. Throws std::invalid_argument when the
// document is not a usable schema.
Schema compile_schema(const nlohmann::json& document, const SchemaStore* store = nullptr);

class SchemaStore {
 public:
  // The schemas compiled into the binary (schemas/*.schema.json).
  static const SchemaStore& builtin();

  // name -> document; a name is the file stem ("model" for model.schema.json).
  explicit SchemaStore(std::map<std::string, nlohmann::json> documents);
  // Its schemas look documents up in the store, so the store stays where it was made.
  SchemaStore(const SchemaStore&) = delete;
  SchemaStore& operator=(const SchemaStore&) = delete;

  bool has(const std::string& name) const { return schemas_.count(name) != 0; }
  const Schema& get(const std::string& name) const;  // throws std::out_of_range
  Violations validate(const std::string& name, const nlohmann::json& instance) const {
    return get(name).validate(instance);
  }
  // The raw document for a `$id` such as "model.schema.json", or nullptr.
  const nlohmann::json* find_by_id(const std::string& id) const;
  // find_by_id as the lookup resolve_ref takes.
  DocumentLookup lookup() const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, nlohmann::json> documents_;
  std::map<std::string, Schema> schemas_;
};

}  // namespace oxen
