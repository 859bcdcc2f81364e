// The OpenAPI document as a client's contract: TypeScript types are generated from the
// running demo server's /api/openapi.json with openapi-typescript, the typed client flow in
// client/flow.ts must compile against them with `tsc --noEmit --strict`, and, compiled,
// must take an activity from draft to the province's approval against that same server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { startServer, readSmsCode } from "./helpers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const flowSource = join(here, "client", "flow.ts");
const tsc = join(here, "node_modules", "typescript", "bin", "tsc");

let server;
let work;
let duplicateIds = [];

/** Operation ids used by more than one operation, each with its operations; the document
 *  is then renamed `METHOD path` for those, so that the types can be generated at all
 *  (openapi-typescript refuses duplicates, or, from its CLI, types one path as the other). */
function dedupeOperationIds(document) {
  const byId = new Map();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!operation?.operationId) continue;
      const list = byId.get(operation.operationId) ?? [];
      list.push({ name: `${method.toUpperCase()} ${path}`, operation });
      byId.set(operation.operationId, list);
    }
  }
  const duplicates = [];
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    duplicates.push(`${id}: ${list.map((o) => o.name).join(", ")}`);
    for (const { name, operation } of list) operation.operationId = name;
  }
  return duplicates;
}

before(async () => {
  server = await startServer({}, ["serve", "--demo"]);
  // Inside e2e/node_modules so that the compiled flow finds openapi-fetch; gone after.
  const cache = join(here, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  work = mkdtempSync(join(cache, "kepu-client-"));
  writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }));

  const response = await fetch(`${server.baseUrl}/api/openapi.json`);
  assert.equal(response.status, 200);
  const document = await response.json();
  writeFileSync(join(work, "openapi.json"), JSON.stringify(document, null, 2));
  duplicateIds = dedupeOperationIds(document);
  // Uploads (`format: binary`) are Blobs for a client, as openapi-typescript's docs show.
  const blob = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
  const ast = await openapiTS(document, {
    transform(schema) {
      if (schema.format === "binary") return blob;
      return undefined;
    },
  });
  writeFileSync(join(work, "schema.d.ts"), astToString(ast));
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: [],
          paths: { "kepu-openapi": ["./schema.d.ts"] },
          rootDir: join(here, "client"),
          outDir: "./out",
          noErrorTruncation: true,
          pretty: false,
        },
        files: [flowSource],
      },
      null,
      2,
    ),
  );
});

after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function runTsc(...args) {
  const result = spawnSync(process.execPath, [tsc, "-p", join(work, "tsconfig.json"), ...args], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

test("every operation has its own operationId", () => {
  assert.deepEqual(duplicateIds, [], "operationIds shared by several operations");
});

test("client/flow.ts type-checks against the generated types (tsc --noEmit --strict)", () => {
  const { status, output } = runTsc("--noEmit", "--strict");
  assert.equal(status, 0, `tsc found type errors: the OpenAPI document does not describe what the flow sends or reads\n${output}`);
});

test("the compiled flow takes an activity from draft to the province's approval", async () => {
  // Emits even past type errors, so that the run tells what the server does regardless.
  const { output } = runTsc("--strict");
  const compiled = join(work, "out", "flow.js");
  assert.ok(existsSync(compiled), `tsc emitted nothing\n${output}`);
  const { flow, HOST, HENAN_ADMIN } = await import(pathToFileURL(compiled).href);
  const asked = new Map();
  const result = await flow({
    baseUrl: server.baseUrl,
    smsCode: (phone) => {
      const seen = asked.get(phone) ?? 0;
      asked.set(phone, seen + 1);
      return readSmsCode(server.dataDir, phone, seen);
    },
    log: (line) => console.log(`  flow: ${line}`),
  });
  assert.deepEqual(result.statuses, ["draft", "province_review", "national_review"]);
  assert.ok(result.refusedFields.includes("poster"));
  assert.deepEqual([...asked.keys()], [HOST, HENAN_ADMIN]);
});
