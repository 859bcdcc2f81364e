// The client of scripts/bench-checkins: CLIENTS concurrent visitors checking in along a
// published route of 30 venues with the code each venue's screen shows now (RFC 6238,
// computed here from the secret its creation answered); latencies measured per request on
// this side of the socket.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";

const [base, admin, tokensFile, seconds, clients] = process.argv.slice(2);
const visitors = readFileSync(tokensFile, "utf8").split("\n").filter(Boolean);
const json = (token) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    value = ((value << 5) | alphabet.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}
// The code a venue shows in the current 30-second step, computed once per venue and step.
const shown = new Map();
function totp(secret) {
  const step = Math.floor(Date.now() / 1000 / 30);
  const key = `${secret.toString("hex")}:${step}`;
  if (!shown.has(key)) shown.set(key, code(secret, step));
  return shown.get(key);
}
function code(secret, step) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", secret).update(message).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

async function made(path, body) {
  const r = await fetch(`${base}${path}`, { method: "POST", headers: json(admin), body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}
const venues = [];
for (let i = 0; i < 30; i++) {
  const v = await made("/api/v1/venues", {
    name: `压测打卡点${i}`, address: "三门峡市湖滨区", region_code: "411202",
    lon: 111.15 + i * 0.002, lat: 34.77, geofence: { mode: "off" },
  });
  venues.push({ id: v.id, secret: base32(v.code_secret) });
}
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const route = await made("/api/v1/routes", {
  name: "压测线路", region_code: "411200", from: day(-1), to: day(1), sequential: false,
  anti_abuse: { max_checkins_per_day: 500, max_speed_kmh: null },
  stops: venues.map((v) => ({ venue_id: v.id })),
});
await made(`/api/v1/routes/${route.id}/publish`, {});

// The visitors' requests go through node:http with kept-alive connections (one per
// visitor), which costs the shared machine far less CPU than fetch.
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(clients) });
const target = new URL(base);
function checkIn(token, body) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = http.request({
      agent, host: target.hostname, port: target.port, path: "/api/v1/checkins", method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": payload.length },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const latencies = [];
let created = 0, again = 0, errors = 0, refused = 0, next = 0;
const until = Date.now() + Number(seconds) * 1000;
const client = async () => {
  while (Date.now() < until && next < visitors.length) {
    const token = visitors[next++];
    const order = [...venues].sort(() => Math.random() - 0.5);
    for (const venue of order) {
      if (Date.now() >= until) return;
      const t = performance.now();
      const r = await checkIn(token, JSON.stringify({ venue_id: venue.id, code: totp(venue.secret) }));
      const body = r.text;
      latencies.push(performance.now() - t);
      if (r.status === 201) created += 1;
      else if (r.status === 200) again += 1;
      else if (r.status >= 500) errors += 1;
      else {
        refused += 1;
        if (refused <= 3) console.error(`check-in: ${r.status} ${body}`);
      }
    }
  }
};
const started = performance.now();
const cpuBefore = process.cpuUsage();
await Promise.all([...Array(Number(clients)).keys()].map(client));
const elapsed = (performance.now() - started) / 1000;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0; };
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`${clients} visitors at once, ${elapsed.toFixed(1)} s, ${next} visitors: ${latencies.length} check-ins, ` +
  `${created} answered 201 (${(created / elapsed).toFixed(0)} durable check-ins/s), ${again} answered 200; ` +
  `p50 ${ms(pct(latencies, 0.5))}, p99 ${ms(pct(latencies, 0.99))}, max ${ms(pct(latencies, 1))}; 5xx: ${errors}; 4xx: ${refused}`);
// The client shares the machine: its own CPU time shows how much of it the load took.
const cpu = process.cpuUsage(cpuBefore);
console.log(`client CPU during the run: ${Math.round((cpu.user + cpu.system) / 1000)} ms`);
process.exit(errors === 0 && refused === 0 ? 0 : 1);
