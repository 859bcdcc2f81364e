// The client of scripts/bench-writes: WRITERS loops of a campaign week's writes — create a
// complete draft, upload its poster, name the poster (edit), submit it, and save the
// supplement of an approved activity — beside one reader loop (the home page and the public
// list), for SECONDS; latencies measured per request on this side of the socket.
import { crc32, deflateSync } from "node:zlib";

const [base, token, province, national, seconds, writers] = process.argv.slice(2);
const auth = { authorization: `Bearer ${token}` };
const json = { ...auth, "content-type": "application/json" };

/** A 600×350 PNG, as the poster rule wants. */
function poster() {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "ascii");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "ascii"), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const [w, h] = [600, 350];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw[y * (w * 3 + 1) + 1 + x * 3 + 2] = (x + y) & 255;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
const png = poster();

const org = await (await fetch(`${base}/api/v1/orgs`, {
  method: "POST", headers: json,
  body: JSON.stringify({ name: "压测科技馆", kind: "venue", region_code: "411202" }),
})).json();
const complete = (name) => ({
  name, section: "exhibition",
  start: "2026-09-15T19:00:00+08:00", end: "2026-09-15T21:30:00+08:00",
  region_code: "411202", address: "三门峡市湖滨区科技馆三楼", mode: "offline", venue_type: "科技馆",
  audiences: ["青少年", "社会公众"], expected_participants: 120, details: "<p>带领青少年认识秋季星空。</p>",
  funding_yuan: "3500.50", scientist_count: 3, scientists: [{ name: "李天文", title: "研究员", unit: "紫金山天文台" }],
  contact_name: "王老师", contact_phone: "0398-2812345", hosts: [org.id],
});

const writes = [], reads = [];
const kinds = {};
let errors = 0, refused = 0;
const timed = async (into, kind, url, init) => {
  const t = performance.now();
  const r = await fetch(url, init);
  const body = await r.text();
  into.push(performance.now() - t);
  if (kind) kinds[kind] = (kinds[kind] ?? 0) + 1;
  if (r.status >= 500) errors += 1;
  else if (r.status >= 400) {
    refused += 1;
    if (refused <= 3) console.error(`${init?.method ?? "GET"} ${url}: ${r.status} ${body}`);
  }
  return [r.status, body];
};
const call = async (kind, path, init, into = writes) => timed(into, kind, `${base}${path}`, init);

/** Create, poster, name it, submit: the activity's id (or null when refused). */
async function publishOne(name, into = writes) {
  const [s1, b1] = await call("create", "/api/v1/activities", { method: "POST", headers: json, body: JSON.stringify(complete(name)) }, into);
  if (s1 !== 201) return null;
  const id = JSON.parse(b1).id;
  const form = new FormData();
  form.append("kind", "poster");
  form.append("file", new Blob([png], { type: "image/png" }), "poster.png");
  const [s2, b2] = await call("upload", `/api/v1/activities/${id}/media`, { method: "POST", headers: auth, body: form }, into);
  if (s2 !== 201) return null;
  const [s3] = await call("edit", `/api/v1/activities/${id}`, {
    method: "PATCH", headers: { ...json, "if-match": "1" }, body: JSON.stringify({ poster: JSON.parse(b2).id }),
  }, into);
  if (s3 !== 200) return null;
  const [s4] = await call("submit", `/api/v1/activities/${id}/submit`, { method: "POST", headers: json, body: "{}" }, into);
  return s4 === 200 ? id : null;
}

// Before the clock starts: one approved activity per writer, for its supplement saves.
const untimed = [];
const approved = [];
for (let n = 0; n < Number(writers); n++) {
  const id = await publishOne(`补充信息压测${n}`, untimed);
  for (const who of [province, national]) {
    await fetch(`${base}/api/v1/activities/${id}/decisions`, {
      method: "POST", headers: { authorization: `Bearer ${who}`, "content-type": "application/json" },
      body: JSON.stringify({ decision: "approve" }),
    });
  }
  approved.push(id);
}
for (const k of Object.keys(kinds)) delete kinds[k];
refused = 0;

const until = Date.now() + Number(seconds) * 1000;
const writer = async (n) => {
  let i = 0;
  while (Date.now() < until) {
    await publishOne(`并发活动${n}-${i}`);
    await call("supplement", `/api/v1/activities/${approved[n]}/supplement`, {
      method: "PUT", headers: json,
      body: JSON.stringify({ participants: 100 + i, media_links: [], photos: [], videos: [], evidence_photo: null,
        summary: { basic: `第${i}次保存`, outcomes: "", highlights: "", resources: "", lessons: "" } }),
    });
    i += 1;
  }
};
const reader = async () => {
  while (Date.now() < until) {
    await call(null, "/", undefined, reads);
    await call(null, "/api/v1/activities", undefined, reads);
  }
};
const started = performance.now();
await Promise.all([...Array(Number(writers)).keys()].map(writer).concat([reader()]));
const elapsed = (performance.now() - started) / 1000;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0; };
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`${writers} writers, ${elapsed.toFixed(1)} s: ${writes.length} writes (${(writes.length / elapsed).toFixed(0)}/s: ` +
  `${Object.entries(kinds).map(([k, v]) => `${v} ${k}`).join(", ")}), ` +
  `p50 ${ms(pct(writes, 0.5))}, p99 ${ms(pct(writes, 0.99))}, max ${ms(pct(writes, 1))}; ` +
  `${reads.length} reads, p50 ${ms(pct(reads, 0.5))}, p99 ${ms(pct(reads, 0.99))}, max ${ms(pct(reads, 1))}; 5xx: ${errors}; 4xx: ${refused}`);
process.exit(errors === 0 && refused === 0 ? 0 : 1);
