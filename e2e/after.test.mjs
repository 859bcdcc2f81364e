// After the activity, in the browser: a host completes the supplement with photos; a
// county administrator recommends the activity and the province passes it up; the
// province's dashboard shows the right numbers in its charts and tables.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, pngFile, axeViolations, chinaDay, apiCaller } from "./helpers.mjs";

let server;
const api = apiCaller(() => server);
let browser;
let activityId;

const phones = { national: "13900000301", province: "13900000302", county: "13900000303", host: "13800138301" };
// One province administrator per screen size: a phone gets one login code a minute.
const dashboardPhones = ["13900000304", "13900000305"];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.run(["user", "add", "--phone", phones.national, "--name", "全国管理员", "--role", "national_admin"]);
  await server.run(["user", "add", "--phone", phones.province, "--name", "河南省管理员", "--role", "province_admin", "--region", "410000"]);
  await server.run(["user", "add", "--phone", phones.county, "--name", "湖滨区科协", "--role", "county_admin", "--region", "411202"]);
  await server.run(["user", "add", "--phone", phones.host, "--name", "王老师"]);
  for (const phone of dashboardPhones) {
    await server.run(["user", "add", "--phone", phone, "--name", "河南省统计员", "--role", "province_admin", "--region", "410000"]);
  }
  const token = async (phone) => server.run(["token", "issue", "--phone", phone]);
  const [national, province, host] = [await token(phones.national), await token(phones.province), await token(phones.host)];

  // A campaign around today, so that yesterday's activity is on time whatever the date.
  await api(national, "POST", "/api/v1/campaigns", {
    year: Number(chinaDay(0).slice(0, 4)),
    theme: "科学普及 共享未来",
    sections: [{ key: "exhibition", name: "千馆展览探未来" }],
    activity_from: chinaDay(-20),
    activity_to: chinaDay(20),
    current: true,
  });
  const org = await api(host, "POST", "/api/v1/orgs", { name: "湖滨区科技馆", kind: "venue", region_code: "411202" });
  const yesterday = chinaDay(-1);
  const made = await api(host, "POST", "/api/v1/activities", {
    name: "走进天文馆：秋夜观星",
    section: "exhibition",
    start: `${yesterday}T09:00:00+08:00`,
    end: `${yesterday}T11:00:00+08:00`,
    region_code: "411202",
    address: "三门峡市湖滨区科技馆三楼",
    mode: "offline",
    venue_type: "科技馆",
    audiences: ["青少年"],
    expected_participants: 120,
    funding_yuan: 2000,
    scientist_count: 2,
    details: "<p>带领青少年认识星空。</p>",
    contact_name: "王老师",
    contact_phone: "0398-2812345",
    hosts: [org.id],
  });
  activityId = made.id;
  const page = await (await browser.newContext()).newPage();
  const poster = await pngFile(page, 600, 350);
  await page.close();
  const form = new FormData();
  form.append("kind", "poster");
  form.append("file", new Blob([poster.buffer], { type: "image/png" }), "poster.png");
  const media = await api(host, "POST", `/api/v1/activities/${activityId}/media`, form);
  await api(host, "PATCH", `/api/v1/activities/${activityId}`, { poster: media.id }, { "If-Match": "1" });
  await api(host, "POST", `/api/v1/activities/${activityId}/submit`, {});
  await api(province, "POST", `/api/v1/activities/${activityId}/decisions`, { decision: "approve" });
  await api(national, "POST", `/api/v1/activities/${activityId}/decisions`, { decision: "approve" });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function upload(page, kind, file) {
  await page.selectOption("#media-kind", kind);
  // The people shown: a school's activity, so children under 14 with their guardians' consent.
  await page.check('input[name=consent][value="guardians"]');
  await page.setInputFiles("#media-file", file);
  await Promise.all([page.waitForNavigation(), page.click("#upload-media")]);
}

test("a host completes the supplement with photos (phone)", async () => {
  const phone = viewports.find((v) => v.name === "phone");
  const host = await (await browser.newContext({ ...phone, locale: "zh-CN" })).newPage();
  await logIn(host, server, phones.host, "王老师");
  await host.click("#my-link");
  await host.click(`li[data-id="${activityId}"] .supplement-link`);
  await host.waitForSelector("#supplement-form");
  assert.match(await host.locator("#missing").innerText(), /至少3张活动照片（已有0张）/);
  assert.equal(await host.locator("#days-left").innerText(), "9");

  // What is typed before an upload is still there after it.
  await host.fill("#participants", "150");
  await host.fill("#basic", "到场青少年150人");
  await upload(host, "photo", await pngFile(host, 1200, 800, "p1.png"));
  assert.equal(await host.inputValue("#participants"), "150");
  assert.equal(await host.inputValue("#basic"), "到场青少年150人");
  await upload(host, "photo", await pngFile(host, 1200, 800, "p2.png"));
  await upload(host, "photo", await pngFile(host, 1200, 800, "p3.png"));
  await upload(host, "evidence", await pngFile(host, 1200, 800, "e.png"));
  assert.equal(await host.locator("#photo-count").innerText(), "3");
  assert.equal(await host.locator("#photos img").count(), 3);

  // A wrong link is refused next to its field, and nothing typed is lost.
  await host.fill("#media_links", "javascript:alert(1)");
  await host.fill("#outcomes", "激发了青少年的兴趣");
  await host.fill("#highlights", "天文望远镜观测");
  await host.fill("#resources", "观星讲义一份");
  await host.fill("#lessons", "提前预约效果好");
  await host.click("#save-supplement");
  await host.waitForSelector("#form-errors");
  assert.match(await host.locator("#media_links-error").innerText(), /须为以 http:\/\/ 或 https:\/\/ 开头的网址/);
  assert.equal(await host.inputValue("#lessons"), "提前预约效果好");
  await host.fill("#media_links", "https://news.example.cn/kepu/1");
  await host.check("#excellence_intent");
  await host.click("#save-supplement");
  await host.waitForSelector("#saved-notice");
  assert.equal(await host.locator("#complete-badge").innerText(), "补充信息已完整");
  assert.equal(await host.locator("#eligible").innerText(), "符合推优条件");
  assert.equal(await host.isChecked("#excellence_intent"), true);
  await screenshot(host, "phone-supplement-complete");

  // The public activity page now looks back on the event: photos and the report, decoded
  // by the browser; the turnout evidence stays private.
  const visitor = await (await browser.newContext({ ...phone, locale: "zh-CN" })).newPage();
  await visitor.goto(`${server.baseUrl}/activities/${activityId}`);
  await visitor.waitForSelector("#after-photos img");
  assert.equal(await visitor.locator("#after-photos img").count(), 3);
  await visitor.waitForFunction(() => [...document.querySelectorAll("#after-photos img")].every((img) => img.complete && img.naturalWidth > 0));
  assert.match(await visitor.locator("#after-links").innerText(), /news\.example\.cn\/kepu\/1/);
  assert.doesNotMatch(await visitor.content(), /到场青少年150人/);
  await screenshot(visitor, "phone-activity-after");
});

test("a county administrator recommends it and the province passes it up (desktop)", async () => {
  const desktop = viewports.find((v) => v.name === "desktop");
  const county = await (await browser.newContext({ ...desktop, locale: "zh-CN" })).newPage();
  await logIn(county, server, phones.county, "湖滨区科协");
  await county.click("#nominations-link");
  await county.click(`#candidates li[data-id="${activityId}"] a`);
  await county.waitForSelector("#nomination-form");
  // An empty opinion is refused with the reason.
  await county.evaluate(() => document.querySelector("#opinion").removeAttribute("required"));
  await county.click("#pass-nomination");
  assert.equal(await county.locator("#nomination-error").innerText(), "请填写推荐意见");
  await county.fill("#opinion", "活动组织规范，效果突出，同意推荐");
  await county.click("#pass-nomination");
  await county.waitForSelector("#nomination-notice");
  assert.equal(await county.getAttribute("#nomination-status", "data-status"), "open");
  assert.deepEqual(await county.locator("#opinions li").evaluateAll((l) => l.map((e) => e.dataset.level)), ["county"]);
  // The same level cannot act twice.
  await county.fill("#opinion", "再次推荐");
  await county.click("#pass-nomination");
  assert.match(await county.locator("#nomination-error").innerText(), /须由更高一级继续/);

  const province = await (await browser.newContext({ ...desktop, locale: "zh-CN" })).newPage();
  await logIn(province, server, phones.province, "河南省管理员");
  await province.click("#nominations-link");
  await province.click(`#candidates li[data-id="${activityId}"] a`);
  await province.fill("#opinion", "同意推荐至全国");
  await province.click("#pass-nomination");
  await province.waitForSelector("#nomination-notice");
  assert.deepEqual(await province.locator("#opinions li").evaluateAll((l) => l.map((e) => e.dataset.level)), ["county", "province"]);
  await screenshot(province, "desktop-nomination");
  // The nomination page and its printable form pass axe-core at both sizes too (the demo
  // that e2e/axe.test.mjs walks has no nomination).
  const found = [];
  for (const size of viewports) {
    await province.setViewportSize(size.viewport);
    for (const line of await axeViolations(province)) found.push(`${size.name} nomination: ${line}`);
    await screenshot(province, `${size.name}-page-province-nomination`);
  }

  // The printable recommendation form holds each level's opinion.
  await province.click("#print-link");
  await province.waitForSelector("#form");
  const form = await province.locator("#form").innerText();
  assert.match(form, /活动名称\s+走进天文馆：秋夜观星/);
  assert.match(form, /县级意见\s+活动组织规范，效果突出，同意推荐/);
  assert.match(form, /省级意见\s+同意推荐至全国/);
  await screenshot(province, "desktop-nomination-print");
  for (const size of viewports) {
    await province.setViewportSize(size.viewport);
    for (const line of await axeViolations(province)) found.push(`${size.name} print: ${line}`);
    await screenshot(province, `${size.name}-page-province-nomination-print`);
  }
  assert.deepEqual(found, [], `accessibility violations:\n${found.join("\n")}`);
});

test("the dashboard shows the right numbers in its charts and tables (phone and desktop)", async () => {
  for (const [i, size] of viewports.entries()) {
    const page = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
    await logIn(page, server, dashboardPhones[i], "河南省统计员");
    await page.goto(`${server.baseUrl}/dashboard`);
    assert.equal(await page.locator("#dashboard-region").innerText(), "河南省活动统计");
    assert.equal(await page.locator("#real").innerText(), "150");
    assert.equal(await page.locator("#expected").innerText(), "120");
    // The table and the chart agree: one approved activity in 三门峡市.
    assert.equal(await page.locator('#by-region tr[data-code="411200"] .count').innerText(), "1");
    // Areas with nothing yet are folded after those with activities (issue 18).
    assert.equal(await page.locator('#by-region tr[data-code="410100"]').count(), 0);
    assert.equal(await page.locator('#idle-regions a[data-code="410100"]').count(), 1);
    assert.match(await page.locator("#idle-regions summary").innerText(), /另有 \d+ 个地区暂无活动/);
    assert.equal(await page.getAttribute('#by-region svg g[data-label="三门峡市"]', "data-value"), "1");
    assert.equal(await page.getAttribute('#by-section svg g[data-label="千馆展览探未来"]', "data-value"), "1");
    assert.equal(await page.getAttribute('#by-status svg g[data-label="已通过"]', "data-value"), "1");
    // Drill down to the city, then the county.
    await page.click('#by-region tr[data-code="411200"] a');
    assert.equal(await page.locator("#dashboard-region").innerText(), "三门峡市活动统计");
    assert.equal(await page.locator('#by-region tr[data-code="411202"] .count').innerText(), "1");
    await page.fill("#topic", "观星");
    await page.click("#topic-form button");
    assert.match(await page.locator("#topic-count").innerText(), /1 个/);
    // The export opens as a spreadsheet download.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-link")]);
    assert.equal(download.suggestedFilename(), "活动项目汇总表.xlsx");
    await screenshot(page, `${size.name}-dashboard`);
  }
});
