#pragma once
// Client schemas arrive in two dialects: draft-07 (zod-to-json-schema, pydantic v1, most OpenAI
// examples) and 2020-12 (zod v4, LangChain JS tuples, pydantic v2). The project's one validator
// (valijson) reads draft-07 only: it ignores `prefixItems`, and reads a 2020-12 tuple's
// `items: false` as "no items at all". compile_schema therefore rewrites every document with
// to_draft7 before compiling it, and the instance generator reads the rewritten document
// (Schema::document()), so validator and generator see one schema.
#include <nlohmann/json.hpp>

namespace oxen {

// The draft-07 spelling of `schema`; a draft-07 schema comes back unchanged.
//   {prefixItems: [A, B], items: X}  ->  {items: [A, B], additionalItems: X}
//   {prefixItems: [A, B]}            ->  {items: [A, B]}
//   {$ref: R, <assertions>}          ->  {allOf: [{$ref: R}], <assertions>}, only when `$schema`
//                                        names 2019-09 or 2020-12 (where siblings of $ref apply)
// `$defs` stays: a `$ref` is a JSON pointer, which the validator resolves anywhere in the
// document. Reasons that name a schema node (generator findings) point into the rewritten form:
// a 2020-12 tuple position is `/items/<i>`, its rest `/additionalItems`.
nlohmann::json to_draft7(nlohmann::json schema);

// The copy of a document that valijson compiles. valijson reads `format` as a string's and
// throws on any other instance ({"oneOf": [{"format": "ipv4"}, {"type": "array"}]} meeting an
// array); the copy applies the formats it checks (date, time, date-time) to strings only, as
// JSON Schema says, and leaves out the ones it ignores anyway.
nlohmann::json guard_formats(nlohmann::json schema);

// The draft-07 spelling of an OpenAPI 3.0 Schema Object, whose `nullable: true` allows null
// besides the declared type:
//   {type: T, nullable: true}           ->  {type: [T, "null"]}  (an enum gains null too)
//   {$ref | anyOf | ..., nullable: true} ->  {anyOf: [{type: "null"}, {$ref | anyOf | ...}]}
// Every other keyword means the same in both and is kept.
nlohmann::json from_openapi30(nlohmann::json schema);

}  // namespace oxen
