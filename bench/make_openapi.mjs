// Builds an OpenAPI 3.0 document for the Models API from the project's schemas, with the given
// payloads as response examples, so that a generic OpenAPI mock (Prism) serves the same bytes.
// Usage: node make_openapi.mjs SCHEMAS_DIR LIST_JSON MODEL_JSON > openapi.json
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [schemasDir, listFile, modelFile] = process.argv.slice(2);
const components = {};
for (const file of readdirSync(schemasDir)) {
  if (!file.endsWith(".schema.json")) continue;
  const name = file.replace(".schema.json", "");
  const schema = JSON.parse(readFileSync(join(schemasDir, file), "utf8"));
  // OpenAPI 3.0 schema objects: drop draft-07 keywords it does not know, point refs at components.
  const rewrite = (node) => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== "object") return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (["$schema", "$id", "const", "if", "then", "else", "definitions"].includes(k)) continue;
      if (k === "$ref" && typeof v === "string" && v.endsWith(".schema.json"))
        out[k] = `#/components/schemas/${v.replace(".schema.json", "")}`;
      else if (k === "type" && Array.isArray(v)) {
        out.type = v.find((t) => t !== "null");
        if (v.includes("null")) out.nullable = true;
      } else out[k] = rewrite(v);
    }
    return out;
  };
  components[name] = rewrite(schema);
}
const list = JSON.parse(readFileSync(listFile, "utf8"));
const model = JSON.parse(readFileSync(modelFile, "utf8"));
const ok = (ref, example) => ({
  200: { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` }, example } } },
});
const doc = {
  openapi: "3.0.3",
  info: { title: "oxen-mock Models API (benchmark)", version: "1" },
  paths: {
    "/api/ai/models": { get: { operationId: "listModels", responses: ok("model_list", list) } },
    "/api/ai/models/gpt-4o": { get: { operationId: "getModel", responses: ok("model", model) } },
  },
  components: { schemas: { model_list: components.model_list, model: components.model, pricing: components.pricing,
    capabilities: components.capabilities, deployment: components.deployment, developer: components.developer,
    fine_tuning: components.fine_tuning } },
};
process.stdout.write(JSON.stringify(doc));
