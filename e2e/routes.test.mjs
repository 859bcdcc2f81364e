// Themed routes and check-in in a browser: an administrator's route over three venues; a
// visitor on a phone and on a desktop opens the route, types the code read off a venue's
// screen, is told in Chinese that a stale code has expired, collects every stamp (the
// fenced venue with the browser's location), takes the certificate and prints it; the
// public verification page shows it valid with the name masked.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startServer, launchBrowser, viewports, screenshot, logIn, pngFile, axeViolations, chinaDay, apiCaller } from "./helpers.mjs";

let server;
const api = apiCaller(() => server);
let browser;
let routeId;
const venues = [];
const admin = "13900000601";
const visitors = { phone: "13800138601", desktop: "13800138602" };

/** RFC 4648 base32 to bytes. */
function fromBase32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits), `steps` steps from now: what an offline display
 *  provisioned from the secret would show. */
function totp(secret, steps = 0) {
  const counter = Math.floor(Date.now() / 1000 / 30) + steps;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = createHmac("sha1", fromBase32(secret)).update(message).digest();
  const offset = hash[19] & 0x0f;
  const binary = hash.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.run(["user", "add", "--phone", admin, "--name", "三门峡市科协", "--role", "city_admin", "--region", "411200"]);
  const token = await server.run(["token", "issue", "--phone", admin]);
  const made = [
    { name: "三门峡市科技馆", lon: 111.1904, lat: 34.7703, geofence: { mode: "off" }, opening_hours: "周三至周日 9:30—16:30" },
    { name: "三门峡市博物馆", lon: 111.1982, lat: 34.7745, geofence: { mode: "off" }, opening_hours: "周二至周日 9:00—17:00" },
    { name: "天鹅湖国家城市湿地公园", lon: 111.1689, lat: 34.7903, geofence: { mode: "require", radius_m: 500 }, opening_hours: "全天开放" },
  ];
  for (const v of made) {
    venues.push(await api(token, "POST", "/api/v1/venues", { ...v, address: "三门峡市湖滨区", region_code: "411202", venue_type: "科技馆" }));
  }
  const route = await api(token, "POST", "/api/v1/routes", {
    name: "科技场馆科普游",
    theme: "走进科技场馆与湿地",
    description: "<p>从科技馆出发，经博物馆，到天鹅湖湿地观鸟。</p>",
    region_code: "411200",
    from: chinaDay(-1),
    to: chinaDay(10),
    // The stops are a short walk apart; a walker scanning them within seconds in a test is
    // not a relay, so the travel check is off for this route.
    anti_abuse: { max_speed_kmh: null, max_checkins_per_day: 30 },
    stops: venues.map((v) => ({ venue_id: v.id })),
  });
  routeId = route.id;
  await api(token, "POST", `/api/v1/routes/${routeId}/publish`);
  // The museum shows its own stamp image (a square PNG drawn by the browser) in passports.
  const drawing = await (await browser.newContext()).newPage();
  const stamp = await pngFile(drawing, 256, 256, "印章.png");
  const form = new FormData();
  form.append("file", new Blob([stamp.buffer], { type: "image/png" }), stamp.name);
  const uploaded = await fetch(`${server.baseUrl}/api/v1/venues/${venues[1].id}/stamp-image`, {
    method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form,
  });
  assert.equal(uploaded.status, 201, await uploaded.text());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

viewports.forEach((size) => {
  test(`a visitor walks a route and prints the certificate (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-routes-${step}`);
    const wetland = venues[2];
    const context = await browser.newContext({
      ...size,
      locale: "zh-CN",
      geolocation: { longitude: wetland.lon + 0.001, latitude: wetland.lat, accuracy: 30 },
      permissions: ["geolocation"],
    });
    const page = await context.newPage();
    await logIn(page, server, visitors[size.name], "张三明");

    // The venue's screen, as a tablet at the door shows it.
    const screen = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" })).newPage();
    await screen.goto(`${server.baseUrl}${venues[0].display_url}`);
    const shown = (await screen.locator("#display-code").innerText()).replace(/\s/g, "");
    assert.match(shown, /^\d{6}$/);
    assert.equal(await screen.locator("svg.display-qr path").count(), 1, "a QR code of the check-in link");
    assert.equal(await screen.locator('meta[http-equiv="refresh"]').count(), 1, "it renews itself without script");
    if (size.name === "desktop") await shot(screen, "00-display");

    await page.goto(`${server.baseUrl}/routes`);
    await shot(page, "01-routes");
    await page.click(`a[href="/routes/${routeId}"]`);
    await page.waitForSelector("#route-name");
    assert.equal(await page.locator("#route-name").innerText(), "科技场馆科普游");
    assert.equal(await page.locator("#stops > li").count(), 3);
    assert.match(await page.locator("#my-progress").innerText(), /已集 0 \/ 3 枚/);
    assert.equal(await page.locator(".ground .stop-number").count(), 3, "numbered stops on the map");
    assert.deepEqual(await axeViolations(page), [], "the route page passes axe");
    await shot(page, "02-route");

    // At the first stop: a code photographed a minute and a half ago has expired.
    await page.click("#stop-1 .checkin-link");
    await page.waitForSelector("#checkin-code");
    await page.fill("#checkin-code", totp(venues[0].code_secret, -3));
    await Promise.all([page.waitForNavigation(), page.click("#checkin-submit")]);
    assert.equal(await page.locator("#checkin-code-error").innerText(), "打卡码已过期，请扫描现场最新的打卡码");
    assert.deepEqual(await axeViolations(page), [], "the check-in page passes axe");
    await shot(page, "03-expired");
    // The code as the screen shows it now.
    await screen.reload();
    await page.fill("#checkin-code", (await screen.locator("#display-code").innerText()).replace(/\s/g, ""));
    await Promise.all([page.waitForNavigation(), page.click("#checkin-submit")]);
    assert.match(await page.locator("#checkin-result").innerText(), /打卡成功[\s\S]*第1站印章/);
    await shot(page, "04-stamped");

    // The other two by scanning (the QR's link carries the code); the wetland asks the
    // browser where the visitor is.
    for (const v of venues.slice(1)) {
      await page.goto(`${server.baseUrl}/checkin?v=${v.id}&c=${totp(v.code_secret)}`);
      assert.equal(await page.locator("#checkin-code").inputValue(), totp(v.code_secret));
      await Promise.all([page.waitForNavigation(), page.click("#checkin-submit")]);
      assert.match(await page.locator("#checkin-result").innerText(), /打卡成功/, await page.content());
    }
    assert.doesNotMatch(await page.locator("#checkin-result").innerText(), /待审核/, "the location was inside the fence");

    await page.goto(`${server.baseUrl}/me/stamps`);
    assert.equal(await page.locator(".seal").count(), 3);
    assert.equal(await page.locator(".seal-image img").count(), 1, "the museum's own stamp image");
    assert.equal(await page.locator(".seal-image img").evaluate((img) => img.naturalWidth), 256, "it loads");
    assert.deepEqual(await axeViolations(page), [], "the passport passes axe");
    await shot(page, "05-passport");

    await page.goto(`${server.baseUrl}/routes/${routeId}`);
    assert.match(await page.locator("#my-progress").innerText(), /已集 3 \/ 3 枚/);
    assert.equal(await page.locator("#holder-name").inputValue(), "张三明");
    await Promise.all([page.waitForNavigation(), page.click("#certificate-form button")]);
    assert.match(page.url(), /\/certificates\/KP\d{4}[A-Z2-7]{10}$/);
    assert.equal(await page.locator("#certificate-status").innerText(), "✓ 证书有效");
    assert.equal(await page.locator("#holder-name").innerText(), "张三明");
    assert.equal(await page.locator("svg.cert-qr path").count(), 1);
    await shot(page, "06-certificate");
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("#print-page").isVisible(), false, "the print button does not print");
    await page.emulateMedia({ media: "screen" });

    // Anyone with the serial verifies it; the name is masked for them.
    const stranger = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
    await stranger.goto(page.url());
    assert.equal(await stranger.locator("#certificate-status").innerText(), "✓ 证书有效");
    assert.equal(await stranger.locator("#holder-name").innerText(), "张*明");
    assert.doesNotMatch(await stranger.content(), /1380013860/);
    await shot(stranger, "07-verified");
    await context.close();
  });
});

// An administrator of the route's area reviews flagged check-ins on a phone and on a
// desktop: a visitor checked in without a location at a venue that flags that; the admin
// follows the route page's link, is told next to the field that a rejection needs a reason,
// then rejects with one, and the list says so.
viewports.forEach((size, i) => {
  test(`an administrator reviews a flagged check-in (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-routes-review-${step}`);
    const token = await server.run(["token", "issue", "--phone", admin]);
    const made = [];
    for (const [n, mode] of [["湖滨公园", "flag"], ["黄河公园", "off"]]) {
      made.push(await api(token, "POST", "/api/v1/venues", {
        name: `${n}${i}`, address: "三门峡市湖滨区", region_code: "411202",
        lon: 111.18 + i * 0.01, lat: 34.78 + made.length * 0.002, geofence: { mode, radius_m: 200 },
      }));
    }
    const route = await api(token, "POST", "/api/v1/routes", {
      name: `湖滨公园线路${i}`, region_code: "411200", from: chinaDay(-1), to: chinaDay(10),
      anti_abuse: { max_speed_kmh: null, max_checkins_per_day: 30 },
      stops: made.map((v) => ({ venue_id: v.id })),
    });
    await api(token, "POST", `/api/v1/routes/${route.id}/publish`);
    const visitor = `1380013871${i}`;
    await server.run(["user", "add", "--phone", visitor, "--name", "李四"]);
    const visitorToken = await server.run(["token", "issue", "--phone", visitor]);
    const flagged = await api(visitorToken, "POST", "/api/v1/checkins", { venue_id: made[0].id, code: totp(made[0].code_secret) });
    assert.deepEqual(flagged.flags, ["no_location"]);

    // Each viewport's reviewer is a city administrator of their own (an SMS code a phone).
    const reviewer = `1390000062${i}`;
    await server.run(["user", "add", "--phone", reviewer, "--name", `三门峡市科协审核员${i}`, "--role", "city_admin", "--region", "411200"]);
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    await logIn(page, server, reviewer, `三门峡市科协审核员${i}`);
    await page.goto(`${server.baseUrl}/routes/${route.id}`);
    await Promise.all([page.waitForNavigation(), page.click("#manage-checkins")]);
    const item = page.locator(`#checkin-${flagged.id}`);
    assert.match(await item.innerText(), /未提供位置/);
    assert.match(await item.innerText(), /138\*\*\*\*871\d/, "the visitor's phone is masked");
    assert.deepEqual(await axeViolations(page), [], "the check-in list passes axe");
    await shot(page, "01-list");
    await Promise.all([page.waitForNavigation(), item.locator('button[value="reject"]').click()]);
    assert.equal(await page.locator(`#reason-${flagged.id}-error`).innerText(), "不通过时须填写理由");
    await shot(page, "02-reason-needed");
    await page.fill(`#reason-${flagged.id}`, "现场核实未到访");
    await Promise.all([page.waitForNavigation(), page.locator(`#checkin-${flagged.id} button[value="reject"]`).click()]);
    assert.equal(await page.locator("#review-notice").innerText(), "已驳回，该次打卡的印章已作废，游客可重新打卡。");
    assert.equal(await page.locator(`#checkin-${flagged.id} form`).count(), 0, "nothing waits for a decision any more");
    await page.click("#tab-all");
    await page.waitForSelector(`#checkin-${flagged.id}`);
    assert.match(await page.locator(`#checkin-${flagged.id}`).innerText(), /未通过[\s\S]*审核理由：现场核实未到访/);
    await shot(page, "03-all");
    await context.close();
  });
});

// 千万IP创科普: a member of a host organisation registers a 抖音 post on /online-ip; a
// refused link is shown beside its field with nothing typed lost; the post is listed and
// counted in the statistics of the organisation's area.
viewports.forEach((size, i) => {
  test(`a member registers a 抖音 post (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-online-ip-${step}`);
    const phone = `1380013862${i}`;
    await server.run(["user", "add", "--phone", phone, "--name", "融媒体中心"]);
    const member = await server.run(["token", "issue", "--phone", phone]);
    await api(member, "POST", "/api/v1/orgs", { name: `湖滨区融媒体中心${i}`, kind: "other", region_code: "411202" });
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    await logIn(page, server, phone, "融媒体中心");
    await page.goto(`${server.baseUrl}/online-ip`);
    await page.selectOption("#post-platform", "douyin");
    await page.fill("#post-url", `https://www.weibo.com/7412345${i}`);
    await page.fill("#post-title", "三分钟看懂秋夜星空");
    await page.selectOption("#post-kind", "content");
    await page.fill("#post-published", "2026-09-16T19:30");
    await page.check("#post-hashtag");
    await Promise.all([page.waitForNavigation(), page.click("#post-submit")]);
    assert.equal(await page.locator("#post-url-error").innerText(), "链接不是抖音的网址（应为 douyin.com、iesdouyin.com 等域名）");
    assert.equal(await page.locator("#post-title").inputValue(), "三分钟看懂秋夜星空", "nothing typed is lost");
    await shot(page, "01-refused");
    await page.fill("#post-url", `https://www.douyin.com/video/7412345${i}?utm_source=wechat`);
    await Promise.all([page.waitForNavigation(), page.click("#post-submit")]);
    assert.match(await page.locator("#post-registered").innerText(), /作品已登记/);
    assert.match(await page.locator("#post-list").innerText(), new RegExp(`三分钟看懂秋夜星空[\\s\\S]*抖音[\\s\\S]*湖滨区融媒体中心${i}`));
    assert.deepEqual(await axeViolations(page), [], "the page passes axe");
    await shot(page, "02-listed");
    const token = await server.run(["token", "issue", "--phone", admin]);
    const stats = await api(token, "GET", "/api/v1/stats?region=411200");
    assert.equal(stats.online_posts.by_platform.douyin, i + 1, JSON.stringify(stats.online_posts));
    await context.close();
  });
});
