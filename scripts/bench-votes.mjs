// The client of scripts/bench-votes: a contest with a public vote open today and ten
// accepted entries (their videos written by e2e/helpers.mjs), then CLIENTS concurrent
// voters casting their day's five votes each; latencies measured per request on this side
// of the socket.
import { readFileSync } from "node:fs";
import http from "node:http";
import { mp4File, pdfFile } from "../e2e/helpers.mjs";

const [base, admin, entrant, tokensFile, seconds, clients] = process.argv.slice(2);
const voters = readFileSync(tokensFile, "utf8").split("\n").filter(Boolean);
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);

async function call(method, path, body, extra = {}, token = admin) {
  const init = { method, headers: { authorization: `Bearer ${token}`, ...extra } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const r = await fetch(`${base}${path}`, init);
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}
const upload = (kind, file) => {
  const form = new FormData();
  form.append("kind", kind);
  form.append("file", new Blob([file.buffer], { type: file.mimeType }), file.name);
  return form;
};

const contest = await call("POST", "/api/v1/contests", {
  name: "投票压测", region_code: "411200", submit_from: day(-1), submit_to: day(5),
  public_vote: { weight: 20, from: day(-1), to: day(5), per_entry_per_day: 1, per_day: 5, show_counts: "live" },
});
const c = contest.id;
await call("POST", `/api/v1/contests/${c}/status`, { status: "open" });
const entries = [];
for (let i = 0; i < 10; i++) {
  const b = `/api/v1/contests/${c}/entries`;
  const e = await call("POST", b, {
    title: `压测作品${i}`, field: "生态保护", entry_mode: "self", person_name: "刘莎", region_code: "411202",
    contact_name: "刘莎", contact_phone: "13900000022", introduction: "压测", innovation: "压测", reach: "压测",
    pledge: true, authors: [{ name: "刘莎" }],
  }, {}, entrant);
  const v = await call("POST", `${b}/${e.id}/media`, upload("video", mp4File(240, 1920, 1080, { payload: 10_000 + i })), {}, entrant);
  const f = await call("POST", `${b}/${e.id}/media`, upload("signed_form", pdfFile()), {}, entrant);
  await call("PATCH", `${b}/${e.id}`, { video: v.id, signed_form: f.id }, { "if-match": String(e.version) }, entrant);
  await call("POST", `${b}/${e.id}/submit`, {}, {}, entrant);
  await call("POST", `${b}/${e.id}/screening`, { decision: "accept" });
  entries.push(e.id);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Number(clients) });
const target = new URL(base);
function vote(token, entry, address) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, host: target.hostname, port: target.port, path: `/api/v1/contests/${c}/entries/${entry}/votes`, method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-length": 0, "x-forwarded-for": address },
    }, (res) => {
      const chunks = [];
      res.on("data", (x) => chunks.push(x));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const latencies = [];
// With BENCH_SLOW set: when each request over 50 ms started (ms into the run), how long it
// took, and whether it was its voter's first.
const slow = [];
let counted = 0, errors = 0, refused = 0, next = 0;
const until = Date.now() + Number(seconds) * 1000;
const client = async () => {
  while (Date.now() < until && next < voters.length) {
    const i = next++;
    const token = voters[i];
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const picks = [...entries].sort(() => Math.random() - 0.5).slice(0, 5);
    for (const entry of picks) {
      if (Date.now() >= until) return;
      const t = performance.now();
      const r = await vote(token, entry, address);
      latencies.push(performance.now() - t);
      if (process.env.BENCH_SLOW && performance.now() - t > 40) slow.push([Math.round(t - started), Math.round(performance.now() - t), i % 5 === 0 && entry === picks[0]]);
      if (r.status === 201) counted += 1;
      else if (r.status >= 500) errors += 1;
      else {
        refused += 1;
        if (refused <= 3) console.error(`vote: ${r.status} ${r.text}`);
      }
    }
  }
};
var started = performance.now();
const cpuBefore = process.cpuUsage();
await Promise.all([...Array(Number(clients)).keys()].map(client));
const elapsed = (performance.now() - started) / 1000;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0; };
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`${clients} voters at once, ${elapsed.toFixed(1)} s, ${next} voters: ${latencies.length} votes, ` +
  `${counted} counted (${(counted / elapsed).toFixed(0)} votes/s); ` +
  `p50 ${ms(pct(latencies, 0.5))}, p99 ${ms(pct(latencies, 0.99))}, max ${ms(pct(latencies, 1))}; 5xx: ${errors}; 4xx: ${refused}`);
if (process.env.BENCH_SLOW) {
  const buckets = {};
  for (const [at, took] of slow) (buckets[Math.floor(at / 500) * 0.5] ??= []).push(took);
  console.log(`requests over 50 ms by half second of the run: ${JSON.stringify(Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, v.length])))}`);
}
const cpu = process.cpuUsage(cpuBefore);
console.log(`client CPU during the run: ${Math.round((cpu.user + cpu.system) / 1000)} ms`);
process.exit(errors === 0 && refused === 0 ? 0 : 1);
