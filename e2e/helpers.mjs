// Shared support for kepu's browser tests: a real server on a free port with its own data
// folder, Debian's Chromium, and the SMS outbox read as a person reads their phone.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..");
export const shots = join(here, "screenshots");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `kepu serve` on SQLite in a fresh folder; resolves when /healthz answers. */
export async function startServer(extraEnv = {}, args = ["serve"]) {
  const dataDir = mkdtempSync(join(tmpdir(), "kepu-e2e-"));
  const port = await freePort();
  const bin = process.env.KEPU_BIN || join(repo, "target", "debug", "kepu");
  const child = spawn(bin, args, {
    env: {
      ...process.env,
      KEPU_DATA_DIR: dataDir,
      KEPU_BIND: `127.0.0.1:${port}`,
      KEPU_DATABASE_URL: `sqlite://${dataDir}/kepu.db?mode=rwc`,
      RUST_LOG: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kepu exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("kepu did not answer /healthz within 60 s");
    await sleep(200);
  }
  return {
    baseUrl,
    dataDir,
    run(args) {
      return new Promise((resolve, reject) => {
        const cli = spawn(bin, args, {
          env: { ...process.env, KEPU_DATA_DIR: dataDir, KEPU_DATABASE_URL: `sqlite://${dataDir}/kepu.db?mode=rwc`, RUST_LOG: "warn" },
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        cli.stdout.on("data", (d) => (out += d));
        cli.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`kepu ${args.join(" ")} exited ${code}`))));
      });
    },
    async stop() {
      child.kill("SIGTERM");
      for (let i = 0; i < 50 && child.exitCode === null; i++) await sleep(100);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The newest code in the outbox for `phone`, waiting for it to arrive. */
export async function readSmsCode(dataDir, phone, after = 0) {
  const outbox = join(dataDir, "sms-outbox.log");
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (existsSync(outbox)) {
      const codes = readFileSync(outbox, "utf8")
        .split("\n")
        .map((line) => line.trim().split(" "))
        .filter(([p]) => p === phone)
        .map(([, code]) => code);
      if (codes.length > after) return codes[codes.length - 1];
    }
    if (Date.now() > deadline) throw new Error(`no code for ${phone} in ${outbox}`);
    await sleep(100);
  }
}

/** Debian's Chromium in Chinese (zh-CN, as a county clerk's: date fields read 年/月/日),
 *  headless, with nothing reaching out to the network. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    env: { ...process.env, LANG: "zh_CN.UTF-8", LANGUAGE: "zh_CN" },
    args: [
      "--headless",
      "--lang=zh-CN",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Phone and desktop sizes every page is looked at in. */
export const viewports = [
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { name: "desktop", viewport: { width: 1280, height: 800 } },
];

export async function screenshot(page, name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Logs a person in through the login page, reading the code from the outbox; gives a
 *  name when the site asks for one. */
export async function logIn(page, server, phone, name) {
  await page.goto(`${server.baseUrl}/login`);
  await page.fill("#phone", phone);
  await page.click("#send-code");
  await page.waitForFunction(() => document.querySelector("#send-code").textContent.includes("秒"));
  const code = await readSmsCode(server.dataDir, phone);
  await page.fill("#code", code);
  await page.click("#login-submit");
  await page.waitForLoadState("load");
  if (await page.locator("#name").count()) {
    await page.fill("#name", name);
    await page.click("#save-name");
    await page.waitForURL(`${server.baseUrl}/`);
  }
}

/** A PNG of the given size drawn by the browser itself, as a file for an input. */
export async function pngFile(page, width, height, name = "poster.png") {
  const base64 = await page.evaluate(([w, h]) => {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#0b5cad";
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = "#fff";
    ctx.font = "48px sans-serif";
    ctx.fillText("全国科普日", 40, 120);
    return canvas.toDataURL("image/png").split(",")[1];
  }, [width, height]);
  return { name, mimeType: "image/png", buffer: Buffer.from(base64, "base64") };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The page's serious and critical accessibility violations (axe-core, WCAG 2.2 AA and
 *  best-practice rules), as readable lines. */
export async function axeViolations(page) {
  // Evaluated through the debugging protocol: the pages' policy forbids inline scripts.
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }),
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n    ")}`);
}

// --- MP4 files written here, as crates/app/src/fixtures.rs writes them: an `ftyp` and a
// `moov` complete enough for the server's parser (the media data is filler, not video).

function box(kind, ...parts) {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write(kind, 4, "latin1");
  return Buffer.concat([head, body]);
}

function fullBox(kind, version, flags, ...parts) {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(kind, vf, ...parts);
}

function u32s(...values) {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeInt32BE(v | 0, i * 4));
  return b;
}

function matrix(rotated) {
  return rotated ? u32s(0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000) : u32s(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
}

/** An MP4 of `seconds` at `width`×`height` (a phone's upright matrix when `rotated`), made
 *  on `created` (a Date; none: unknown), with `payload` bytes of media data. */
export function mp4File(seconds, width, height, { rotated = false, created = null, payload = 4096, name = "作品.mp4" } = {}) {
  const timescale = 1000;
  const duration = seconds * timescale;
  const made = created ? Math.floor(created.getTime() / 1000) + 2082844800 : 0;
  const mvhd = Buffer.concat([u32s(made, 0, timescale, duration, 0x10000), Buffer.from([1, 0]), Buffer.alloc(10), matrix(false), Buffer.alloc(24), u32s(2)]);
  const tkhd = Buffer.concat([u32s(0, 0, 1, 0, duration, 0, 0), Buffer.alloc(8), matrix(rotated), u32s(width << 16, height << 16)]);
  const mdhd = Buffer.concat([u32s(0, 0, timescale, duration), Buffer.from([0x55, 0xc4, 0, 0])]);
  const hdlr = Buffer.concat([Buffer.alloc(4), Buffer.from("vide", "latin1"), Buffer.alloc(12), Buffer.from("VideoHandler\0", "latin1")]);
  const sps = Buffer.from([0x67, 0x42, 0x00, 0x1e, 0x95, 0xa8, 0x28, 0x0f, 0x64]);
  const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
  const avcc = Buffer.concat([Buffer.from([1, 0x42, 0x00, 0x1e, 0xff, 0xe1, 0, sps.length]), sps, Buffer.from([1, 0, pps.length]), pps]);
  const wh = Buffer.alloc(4);
  wh.writeUInt16BE(width, 0);
  wh.writeUInt16BE(height, 2);
  const avc1 = Buffer.concat([Buffer.alloc(6), Buffer.from([0, 1]), Buffer.alloc(16), wh, u32s(0x480000, 0x480000), Buffer.alloc(4), Buffer.from([0, 1]), Buffer.alloc(32), Buffer.from([0x00, 0x18, 0xff, 0xff]), box("avcC", avcc)]);
  const stsd = fullBox("stsd", 0, 0, u32s(1), box("avc1", avc1));
  const stbl = box("stbl", stsd, fullBox("stts", 0, 0, Buffer.alloc(4)), fullBox("stsc", 0, 0, Buffer.alloc(4)), fullBox("stsz", 0, 0, Buffer.alloc(8)), fullBox("stco", 0, 0, Buffer.alloc(4)));
  const dinf = box("dinf", fullBox("dref", 0, 0, u32s(1), fullBox("url ", 0, 1)));
  const minf = box("minf", fullBox("vmhd", 0, 1, Buffer.alloc(8)), dinf, stbl);
  const mdia = box("mdia", fullBox("mdhd", 0, 0, mdhd), fullBox("hdlr", 0, 0, hdlr), minf);
  const trak = box("trak", fullBox("tkhd", 0, 3, tkhd), mdia);
  const moov = box("moov", fullBox("mvhd", 0, 0, mvhd), trak);
  const ftyp = box("ftyp", Buffer.from("isom\0\0\x02\0isomiso2avc1mp41", "latin1"));
  const mdat = box("mdat", Buffer.alloc(payload, 0x5a));
  return { name, mimeType: "video/mp4", buffer: Buffer.concat([ftyp, moov, mdat]) };
}

/** A small PDF, as a scanner would give it. */
export function pdfFile(name = "报名表.pdf") {
  return { name, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1") };
}

/** A day relative to today in China, as YYYY-MM-DD. */
export function chinaDay(offsetDays) {
  const t = new Date(Date.now() + 8 * 3600_000 + offsetDays * 86400_000);
  return t.toISOString().slice(0, 10);
}

/** The JSON API as a client calls it, on the server `getServer()` answers at each call (set
 *  up in a test's `before`): `api(token, method, path, body?, headers?)` sends JSON, or a
 *  FormData as multipart, asserts a 2xx (naming the call and the answer otherwise) and
 *  answers the JSON. */
export function apiCaller(getServer) {
  return async (token, method, path, body, headers = {}) => {
    const init = { method, headers: { Authorization: `Bearer ${token}`, ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    const response = await fetch(`${getServer().baseUrl}${path}`, init);
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** A file as the multipart body of a media upload (`kind`: video, signed_form, …). */
export function uploadForm(kind, file) {
  const form = new FormData();
  form.append("kind", kind);
  form.append("file", new Blob([file.buffer], { type: file.mimeType }), file.name);
  return form;
}

/** An account made with the CLI (with `role` when given); answers a bearer token of it. */
export async function addPerson(server, phone, name, role) {
  await server.run(["user", "add", "--phone", phone, "--name", name, ...(role ? ["--role", role] : [])]);
  return server.run(["token", "issue", "--phone", phone]);
}

/** A self-nominated entry of `name` (a new account at `phone`) to contest `contestId`, filled
 *  through the API with a good video of `seconds` seconds (its bytes varied by `salt`, so that
 *  no two entries share a file) and a signed form, and submitted; answers the entry. */
export async function submittedEntry(server, api, contestId, { phone, name, title, region = "411202", seconds = 240, salt = 0 }) {
  const token = await addPerson(server, phone, name, null);
  const base = `/api/v1/contests/${contestId}/entries`;
  const e = await api(token, "POST", base, {
    title, field: "生态保护", entry_mode: "self", person_name: name, region_code: region,
    contact_name: name, contact_phone: phone, introduction: `${title}：科学原理与现象。`,
    innovation: "航拍与动画结合", reach: "抖音播放十万次", pledge: true, authors: [{ name }],
  });
  const video = await api(token, "POST", `${base}/${e.id}/media`, uploadForm("video", mp4File(seconds, 1920, 1080, { created: new Date("2025-06-01T00:00:00Z"), payload: salt })));
  const signed = await api(token, "POST", `${base}/${e.id}/media`, uploadForm("signed_form", pdfFile()));
  await api(token, "PATCH", `${base}/${e.id}`, { video: video.id, signed_form: signed.id }, { "If-Match": String(e.version) });
  return api(token, "POST", `${base}/${e.id}/submit`, {});
}
