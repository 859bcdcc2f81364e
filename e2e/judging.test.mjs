// Judging, the public vote and the showcase in a browser, on a phone and on a desktop: a
// judge logs in by SMS, finds in their queue only the entry assigned to them (the one from
// their own county is absent), scores it through the sheet (a missing criterion is named
// beside its field), and submits; a member of the public logs in by SMS and votes on the
// contest page; once the results are published the showcase plays the winner's video, a
// byte range at a time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, axeViolations, chinaDay, apiCaller, addPerson, submittedEntry } from "./helpers.mjs";

let server;
const api = apiCaller(() => server);
let browser;
let adminToken;
let contestId;
const entries = {};
const judges = { phone: "13700000801", desktop: "13700000802" };
const voters = { phone: "13800138803", desktop: "13800138804" };

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.run(["user", "add", "--phone", "13900000801", "--name", "三门峡市科协", "--role", "city_admin", "--region", "411200"]);
  adminToken = await server.run(["token", "issue", "--phone", "13900000801"]);
  const contest = await api(adminToken, "POST", "/api/v1/contests", {
    name: "三门峡市科普视频征集与展播",
    region_code: "411200",
    submit_from: chinaDay(-1),
    submit_to: chinaDay(14),
    judges_per_entry: 2,
    min_scores: 1,
    public_vote: { weight: 10, from: chinaDay(-1), to: chinaDay(14), per_entry_per_day: 1, per_day: 3, show_counts: "live" },
    awards: [{ key: "first", name: "一等奖", count: 1 }],
  });
  contestId = contest.id;
  await api(adminToken, "POST", `/api/v1/contests/${contestId}/status`, { status: "open" });
  // Two entries: from 湖滨区 (411202) and from 陕州区 (411203).
  const made = [["13900000811", "刘莎", "黄河湿地的冬候鸟", "411202"], ["13900000812", "王强", "地坑院的秘密", "411203"]];
  for (const [i, [phone, name, title, region]] of made.entries()) {
    const e = await submittedEntry(server, api, contestId, { phone, name, title, region, salt: 200_000 + i });
    await api(adminToken, "POST", `/api/v1/contests/${contestId}/entries/${e.id}/screening`, { decision: "accept" });
    entries[region] = e.id;
  }
  // Two judges of 陕州区: each conflicts with the entry from their own county.
  for (const [size, phone] of Object.entries(judges)) {
    const token = await addPerson(server, phone, size === "phone" ? "张评审" : "李评审", "expert");
    const me = await api(token, "GET", "/api/v1/me");
    const org = await api(token, "POST", "/api/v1/orgs", { name: `陕州区科协${size}`, kind: "association", region_code: "411203" });
    await api(adminToken, "POST", `/api/v1/contests/${contestId}/judges`, { user_id: me.id, org_id: org.id });
  }
  await api(adminToken, "POST", `/api/v1/contests/${contestId}/status`, { status: "judging" });
  const assigned = await api(adminToken, "POST", `/api/v1/contests/${contestId}/assignments`, {});
  assert.equal(assigned.shortfalls.length, 1, "陕州区's entry has no eligible judge");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

viewports.forEach((size) => {
  test(`a judge scores the entry assigned to them and never sees the conflicted one (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-judging-${step}`);
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    await logIn(page, server, judges[size.name], size.name === "phone" ? "张评审" : "李评审");
    await page.goto(`${server.baseUrl}/me/reviews`);
    assert.equal(await page.locator("#review-list > li").count(), 1);
    assert.match(await page.locator("#review-list").innerText(), /黄河湿地的冬候鸟/);
    assert.doesNotMatch(await page.content(), /地坑院的秘密|刘莎|13900000811/, "blind, and the conflicted entry is absent");
    assert.deepEqual(await axeViolations(page), [], "the queue passes axe");
    await shot(page, "01-queue");
    await page.click(`#review-${entries["411202"]} a`);
    await page.waitForSelector("#score-form");
    assert.equal(await page.locator("#entry-title").innerText(), "黄河湿地的冬候鸟");
    const byHand = await context.request.get(`${server.baseUrl}/contests/${contestId}/entries/${entries["411203"]}/score`);
    assert.equal(byHand.status(), 404, "the conflicted entry's sheet does not exist for them");
    await page.fill("#score-scientific", "90");
    await page.fill("#score-creative", "80");
    await page.fill("#score-production", "70");
    await shot(page, "02a-before-submit");
    await Promise.all([page.waitForNavigation({ timeout: 5000 }), page.click("#submit-sheet")]);
    assert.equal(await page.locator("#score-reach-error").innerText(), "请为“传播价值”评分");
    assert.equal(await page.locator("#score-scientific").inputValue(), "90", "nothing typed is lost");
    assert.deepEqual(await axeViolations(page), [], "the sheet with its error passes axe");
    await shot(page, "02-sheet-error");
    await page.fill("#score-reach", "60");
    await page.fill("#comment", "科学性强，画面精美");
    await Promise.all([page.waitForNavigation(), page.click("#submit-sheet")]);
    assert.equal(await page.locator("#sheet-notice").innerText(), "评分已提交");
    assert.match(await page.locator("#sheet-locked").innerText(), /总分 80\.00/);
    await shot(page, "03-submitted");
    await context.close();
  });

  test(`a member of the public logs in by SMS and votes (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-vote-${step}`);
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    await logIn(page, server, voters[size.name], "赵观众");
    await page.goto(`${server.baseUrl}/contests/${contestId}`);
    assert.equal(await page.locator("#ballot .activity-card").count(), 2);
    const entry = entries["411202"];
    await Promise.all([page.waitForNavigation(), page.click(`#vote-${entry}`)]);
    assert.equal(await page.locator(`#vote-notice-${entry}`).innerText(), "投票成功，今天还可以投 2 票");
    await Promise.all([page.waitForNavigation(), page.click(`#vote-${entry}`)]);
    assert.equal(await page.locator(`#vote-notice-${entry}`).innerText(), "今天已为该作品投过票（每件作品每天最多1票），明天再来吧");
    assert.deepEqual(await axeViolations(page), [], "the ballot passes axe");
    await shot(page, "01-voted");
    await context.close();
  });
});

test("the showcase plays the winner's video", async () => {
  await api(adminToken, "POST", `/api/v1/contests/${contestId}/status`, { status: "closed" });
  const results = await api(adminToken, "POST", `/api/v1/contests/${contestId}/results`, { stage: "publicity" });
  assert.equal(results.ranking[0].entry_id, entries["411202"]);
  for (const size of viewports) {
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    const ranges = [];
    page.on("response", (r) => {
      if (r.url().includes("/media/")) ranges.push(r.status());
    });
    await page.goto(`${server.baseUrl}/contests/${contestId}/showcase`);
    assert.equal(await page.locator(".winner").count(), 1);
    assert.match(await page.locator(".winner h2").innerText(), /一等奖.*黄河湿地的冬候鸟/);
    const duration = await page.locator(".winner video").evaluate(
      (v) => new Promise((resolve) => {
        if (v.readyState >= 1) return resolve(v.duration);
        v.addEventListener("loadedmetadata", () => resolve(v.duration));
        v.addEventListener("error", () => resolve(`error ${v.error && v.error.code}`));
        v.load();
      }),
    );
    assert.equal(duration, 240, "the player read the video's length");
    assert.ok(ranges.includes(206), `the player asked for byte ranges: ${ranges}`);
    assert.deepEqual(await axeViolations(page), [], "the showcase passes axe");
    await screenshot(page, `${size.name}-showcase`);
    await context.close();
  }
});
