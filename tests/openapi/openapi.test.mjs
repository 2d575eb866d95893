// schemas/openapi.json is the mock's route table and a document others use (Prism, client
// generators): it must be valid OpenAPI, with every $ref resolvable and every extension the mock
// and oxen-conformance read well formed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, cpSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import SwaggerParser from "@apidevtools/swagger-parser";

const schemasDir = new URL("../../schemas/", import.meta.url).pathname;
const documentPath = join(schemasDir, "openapi.json");
const methods = ["get", "put", "post", "delete", "patch"];

function operations(doc) {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const m of methods) if (item[m]) out.push({ path, method: m, op: item[m] });
  return out;
}

test("schemas/openapi.json is valid OpenAPI 3.1 and every $ref resolves", async () => {
  const api = await SwaggerParser.validate(documentPath);
  assert.equal(api.openapi, "3.1.0");
  assert.ok(Object.keys(api.paths).length > 0);
});

test("the validator refuses a broken copy (a parameter in no valid location)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "oxen-openapi-"));
  cpSync(schemasDir, dir, { recursive: true });
  const doc = JSON.parse(readFileSync(documentPath, "utf8"));
  doc.paths["/api/ai/models"].get.parameters[0].in = "nowhere";
  writeFileSync(join(dir, "openapi.json"), JSON.stringify(doc));
  await assert.rejects(SwaggerParser.validate(join(dir, "openapi.json")));
});

test("operationIds are unique, path parameters declared, aliases point at real operations, profiles known", () => {
  const doc = JSON.parse(readFileSync(documentPath, "utf8"));
  const ops = operations(doc);
  const ids = ops.map((o) => o.op.operationId);
  assert.equal(new Set(ids).size, ids.length, "duplicate operationId");
  for (const { path, method, op } of ops) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.ok(op.operationId, `${where}: no operationId`);
    assert.ok(["readonly", "full", "mock"].includes(op["x-oxen-profile"]), `${where}: x-oxen-profile`);
    const declared = (op.parameters ?? []).map((p) =>
      p.$ref ? doc.components.parameters[p.$ref.split("/").pop()] : p);
    for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
      assert.ok(declared.some((p) => p.in === "path" && p.name === name && p.required),
                `${where}: path parameter {${name}} is not declared`);
    if (op["x-oxen-alias-of"]) {
      const target = ops.find((o) => o.op.operationId === op["x-oxen-alias-of"]);
      assert.ok(target, `${where}: alias of an unknown operation`);
      assert.equal(target.method, method, `${where}: alias with another method`);
      assert.ok(op.deprecated, `${where}: a legacy alias is marked deprecated`);
    }
    if (op["x-oxen-admin"]) assert.ok(path.startsWith("/__admin/"), `${where}: admin outside /__admin`);
    if (method !== "get" && !op["x-oxen-admin"])
      assert.ok(op["x-oxen-billable"] || op["x-oxen-profile"] === "mock",
                `${where}: a state-changing call is either billable or limited to the mock profile`);
  }
});
