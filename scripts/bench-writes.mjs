// The client of scripts/bench-writes: WRITERS loops of create-then-edit, one reader loop,
// for SECONDS; latencies measured per request on this side of the socket.
const [base, token, seconds, writers] = process.argv.slice(2);
const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const org = await (await fetch(`${base}/api/v1/orgs`, {
  method: "POST", headers: auth,
  body: JSON.stringify({ name: "压测科技馆", kind: "venue", region_code: "411202" }),
})).json();
const until = Date.now() + Number(seconds) * 1000;
const writes = [], reads = [];
let errors = 0, refused = 0;
const timed = async (into, url, init) => {
  const t = performance.now();
  const r = await fetch(url, init);
  const body = await r.text();
  into.push(performance.now() - t);
  if (r.status >= 500) errors += 1; else if (r.status >= 400) refused += 1;
  return [r.status, body];
};
const writer = async (n) => {
  let i = 0;
  while (Date.now() < until) {
    const [status, body] = await timed(writes, `${base}/api/v1/activities`, {
      method: "POST", headers: auth,
      body: JSON.stringify({ name: `并发草稿${n}-${i}`, section: "exhibition", region_code: "411202", hosts: [org.id] }),
    });
    if (status !== 201) continue;
    const id = JSON.parse(body).id;
    await timed(writes, `${base}/api/v1/activities/${id}`, {
      method: "PATCH", headers: { ...auth, "if-match": "1" },
      body: JSON.stringify({ name: `并发草稿${n}-${i}（改）`, expected_participants: 100 + i, funding_yuan: "3500.50" }),
    });
    i += 1;
  }
};
const reader = async () => {
  while (Date.now() < until) {
    await timed(reads, `${base}/`);
    await timed(reads, `${base}/api/v1/activities`);
  }
};
const started = performance.now();
await Promise.all([...Array(Number(writers)).keys()].map(writer).concat([reader()]));
const elapsed = (performance.now() - started) / 1000;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0; };
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`${writers} writers, ${elapsed.toFixed(1)} s: ${writes.length} writes (${(writes.length / elapsed).toFixed(0)}/s), ` +
  `p50 ${ms(pct(writes, 0.5))}, p99 ${ms(pct(writes, 0.99))}, max ${ms(pct(writes, 1))}; ` +
  `${reads.length} reads, p99 ${ms(pct(reads, 0.99))}, max ${ms(pct(reads, 1))}; 5xx: ${errors}; 4xx: ${refused}`);
process.exit(errors === 0 ? 0 : 1);
