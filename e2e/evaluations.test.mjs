// 考评 in a browser (issue 16), on the demo campaign: 三门峡's city administrator logs in by
// SMS, starts a scheme from the 唐山 template, is refused when the weights no longer sum to
// 100 (the message beside the list, everything typed kept), saves it, reads the results
// with each figure's activities one click away, enters judged scores for a county (a score
// of 120 refused beside its field, the typed value kept), and publishes the ranking after
// confirming. A colleague looks at the same pages on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, axeViolations } from "./helpers.mjs";

let server;
let browser;
let schemeUrl;

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

before(async () => {
  server = await startServer({}, ["serve", "--demo"]);
  browser = await launchBrowser();
  await server.run(["user", "add", "--phone", "13900000951", "--name", "三门峡市科协值班员", "--role", "city_admin", "--region", "411200"]);
  // The map on a phone is looked at by another colleague (one login code a minute each).
  await server.run(["user", "add", "--phone", "13900000952", "--name", "三门峡市科协统计员", "--role", "city_admin", "--region", "411200"]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a city administrator builds the scheme, scores, and publishes the ranking (desktop)", async () => {
  const size = viewports.find((v) => v.name === "desktop");
  const shot = (page, step) => screenshot(page, `desktop-evaluation-${step}`);
  const page = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
  page.on("dialog", (d) => d.accept());
  await logIn(page, server, "13900000002", "三门峡市科协（演示）");
  await submit(page, "#evaluations-link");
  assert.equal(await page.locator("#no-schemes").count(), 1);
  await submit(page, "#template-tangshan");
  assert.equal(await page.locator("#ind-0-name").inputValue(), "组织动员");
  assert.equal(await page.locator("#ind-6-name").inputValue(), "网络活动情况");
  assert.equal(await page.locator("#region_code").inputValue(), "411200");
  await page.fill("#name", "2026年三门峡市全国科普日活动考评");
  // The weights no longer sum to 100: refused beside the list, nothing typed lost.
  await page.fill("#ind-0-weight", "25");
  await submit(page, "#create-scheme");
  assert.equal(await page.locator("#indicators-error").innerText(), "各项指标的权重合计须为100（现为110）");
  assert.equal(await page.locator("#name").inputValue(), "2026年三门峡市全国科普日活动考评");
  assert.equal(await page.locator("#ind-0-weight").inputValue(), "25");
  assert.deepEqual(await axeViolations(page), [], "the builder with its error passes axe");
  await shot(page, "01-weights-refused");
  await page.fill("#ind-0-weight", "15");
  await submit(page, "#create-scheme");
  assert.match(page.url(), /\/evaluations\/\d+$/);
  schemeUrl = page.url();
  assert.equal(await page.locator("#scheme-name").innerText(), "2026年三门峡市全国科普日活动考评 未冻结，随数据更新");
  // 湖滨区 holds demo activities; its row is in the table, its figures link to them.
  assert.equal(await page.locator("#row-411202").count(), 1);
  await shot(page, "02-results");

  // Judged scores: 120 is refused beside its field and kept as typed.
  await page.fill("#score-411202-mobilisation", "120");
  await submit(page, "#save-411202");
  assert.equal(await page.locator("#score-411202-mobilisation-error").innerText(), "分数须在0至100之间");
  assert.equal(await page.locator("#score-411202-mobilisation").inputValue(), "120");
  assert.equal(await page.locator("#score-411202-mobilisation").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await axeViolations(page), [], "the results page with its error passes axe");
  await page.fill("#score-411202-mobilisation", "90");
  await page.fill("#score-411202-highlights", "85");
  await page.fill("#comment-411202-highlights", "高校与科技馆联合开展观星活动，群众参与踊跃");
  await submit(page, "#save-411202");
  assert.equal(await page.locator("#evaluation-notice").innerText(), "已保存2项评分");
  assert.match(await page.locator("#row-411202").innerText(), /90/);
  assert.equal(await page.locator("#row-411202 td").first().innerText(), "1", "the scored county ranks first");
  await shot(page, "03-scored");

  // A figure's activities.
  const link = page.locator("#row-411202 a").first();
  if (await link.count()) {
    await submit(page, "#row-411202 a >> nth=0");
    assert.match(await page.locator("#counted-sum").innerText(), /所计活动 \d+ 个/);
    await shot(page, "04-counted");
  }

  // Published after confirming: frozen, and the scores no longer editable.
  await page.goto(schemeUrl);
  await submit(page, "#publish");
  assert.equal(await page.locator("#evaluation-notice").innerText(), "考评结果已冻结并向下级公布");
  assert.match(await page.locator("#scheme-state").innerText(), /已公布/);
  assert.equal(await page.locator("#judging").count(), 0);
  assert.equal(await page.locator("#commended-subjects li").first().innerText(), "湖滨区");
  await shot(page, "05-published");
});

test("the same pages on a phone", async () => {
  const size = viewports.find((v) => v.name === "phone");
  const page = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
  await logIn(page, server, "13900000951", "三门峡市科协值班员");
  await page.goto(`${server.baseUrl}/evaluations?template=pucheng_food_safety`);
  assert.equal(await page.locator("#ind-0-keyword").inputValue(), "食品安全");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the builder fits a phone's width (${overflow}px over)`);
  await screenshot(page, "phone-evaluation-01-builder");
  await page.goto(schemeUrl);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `the results fit a phone's width, the table scrolling in its box (${over}px over)`);
  assert.deepEqual(await axeViolations(page), [], "the results page passes axe on a phone");
  await screenshot(page, "phone-evaluation-02-results");
});

test("a provincial reviewer sees each item's due time and the host's track record", async () => {
  const size = viewports.find((v) => v.name === "desktop");
  const page = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
  await logIn(page, server, "13900000001", "河南省管理员（演示）");
  await page.goto(`${server.baseUrl}/review`);
  const due = page.locator('[id^="due-"]').first();
  assert.match(await due.innerText(), /^审核期限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  await submit(page, ".activity-item a >> nth=0");
  assert.match(await page.locator("#review-due").innerText(), /^审核期限：\d{4}-\d{2}-\d{2}/);
  assert.match(await page.locator("#track-record summary").innerText(), /举办单位历史记录：.+ · 提交\d+项，通过\d+项，退回\d+项/);
  await page.click("#track-record summary");
  assert.deepEqual(await axeViolations(page), [], "the review page with the record passes axe");
  await screenshot(page, "desktop-evaluation-06-review-record");
  await page.goto(`${server.baseUrl}/dashboard`);
  assert.match(await page.locator("#review-times h2").innerText(), /省级审核时效/);
  await screenshot(page, "desktop-evaluation-07-review-times");
});

test("the national dashboard maps each province's completion and drills down by click (desktop and phone)", async () => {
  // A quota for Henan, so that its symbol has a colour; the other provinces have none.
  const token = await server.run(["token", "issue", "--phone", "13900000000"]);
  const res = await fetch(`${server.baseUrl}/api/v1/quotas`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ target_kind: "region", target_ref: "410000", target: 10 }),
  });
  const answer = await res.text();
  assert.equal(res.status, 200, answer);
  const percent = JSON.parse(answer).percent;
  const size = viewports.find((v) => v.name === "desktop");
  const page = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
  await logIn(page, server, "13900000000", "全国管理员（演示）");
  await page.goto(`${server.baseUrl}/dashboard`);
  const henan = page.locator('#region-map a.symbol[data-name="河南省"]');
  assert.equal(await henan.getAttribute("aria-label"), `河南省：${await henan.getAttribute("data-value")}项，完成任务指标${percent}%`);
  assert.ok((await page.locator("#region-map a.symbol").count()) >= 30, "every province has its symbol");
  assert.equal(await page.locator('#region-map a.symbol[data-name="北京市"] circle').getAttribute("fill"), "#c8cdd3", "no quota: grey");
  assert.deepEqual(await axeViolations(page), [], "the dashboard with its map passes axe");
  await screenshot(page, "desktop-evaluation-08-dashboard-map");
  await Promise.all([page.waitForNavigation(), henan.click()]);
  assert.match(page.url(), /\/dashboard\?region=410000$/);
  assert.ok((await page.locator("#region-map a.symbol").count()) >= 10, "Henan's cities on the map");
  await screenshot(page, "desktop-evaluation-09-henan-map");
  const phone = await (await browser.newContext({ ...viewports.find((v) => v.name === "phone"), locale: "zh-CN" })).newPage();
  await logIn(phone, server, "13900000952", "三门峡市科协统计员");
  await phone.goto(`${server.baseUrl}/dashboard`);
  const over = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `the map fits a phone (${over}px over)`);
  await screenshot(phone, "phone-evaluation-03-dashboard-map");
});
