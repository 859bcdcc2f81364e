// The contest's administrator in a browser (issue 15): logs in by SMS, finds the contest
// in the list, screens the entries (returning one without a reason is refused beside its
// field, nothing typed lost; then returned with one, three accepted), builds the panel by
// phone number (an unknown number refused beside the field), starts judging, assigns
// automatically, is refused a conflicted judge by hand with the reason beside the field,
// and, once a harsh and a lenient judge have scored, reads the results page: the ranking
// and each judge's totals drawn before and after z-score normalisation, where the two
// judges' means, far apart as given, come together. Then publishes the results for 公示.
// The same pages are looked at on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, axeViolations, chinaDay, apiCaller, addPerson, submittedEntry } from "./helpers.mjs";

let server;
const api = apiCaller(() => server);
let browser;
let adminToken;
let contestId;
const entries = [];
const judgePhones = { harsh: "13700000901", lenient: "13700000902", near: "13700000903" };
const judgeTokens = {};

/** Clicks and waits for the page it posts to (the tests accept confirmation dialogs as they come). */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.run(["user", "add", "--phone", "13900000901", "--name", "三门峡市科协管理员", "--role", "city_admin", "--region", "411200"]);
  adminToken = await server.run(["token", "issue", "--phone", "13900000901"]);
  // A colleague, who looks at the pages on a phone (a second login of the same number
  // would wait for the SMS cooldown).
  await server.run(["user", "add", "--phone", "13900000903", "--name", "三门峡市科协值班员", "--role", "city_admin", "--region", "411200"]);
  const contest = await api(adminToken, "POST", "/api/v1/contests", {
    name: "三门峡市科普视频征集与展播",
    region_code: "411200",
    submit_from: chinaDay(-1),
    submit_to: chinaDay(14),
    judges_per_entry: 2,
    min_scores: 2,
    normalise: "zscore",
    normalise_min_scores: 2,
    awards: [{ key: "first", name: "一等奖", count: 1 }, { key: "second", name: "二等奖", count: 1 }],
  });
  contestId = contest.id;
  await api(adminToken, "POST", `/api/v1/contests/${contestId}/status`, { status: "open" });
  // Four entries, all from 湖滨区 (411202), submitted and waiting for 形式审查.
  const made = [
    ["13900000911", "刘莎", "黄河湿地的冬候鸟"],
    ["13900000912", "王强", "地坑院的秘密"],
    ["13900000913", "陈静", "函谷关的星空"],
    ["13900000914", "赵磊", "苹果花开的物理学"],
  ];
  for (const [i, [phone, name, title]] of made.entries()) {
    const e = await submittedEntry(server, api, contestId, { phone, name, title, seconds: 200, salt: 100_000 + i });
    entries.push({ id: e.id, title });
  }
  // Three experts: two of 陕州区 (411203), one of 湖滨区 (411202), who conflicts with every
  // entry (the contest avoids the same county).
  const experts = [["harsh", "严评审", "411203"], ["lenient", "宽评审", "411203"], ["near", "邻评审", "411202"]];
  for (const [key, name, region] of experts) {
    const token = await addPerson(server, judgePhones[key], name, "expert");
    await api(token, "POST", "/api/v1/orgs", { name: `${name}所在科协`, kind: "association", region_code: region });
    judgeTokens[key] = token;
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the administrator screens, builds the panel, assigns, and reads why normalisation matters (desktop)", async () => {
  const size = viewports.find((v) => v.name === "desktop");
  const shot = (page, step) => screenshot(page, `desktop-contest-admin-${step}`);
  const context = await browser.newContext({ ...size, locale: "zh-CN" });
  const page = await context.newPage();
  page.on("dialog", (d) => d.accept());
  await logIn(page, server, "13900000901", "三门峡市科协管理员");
  await page.click("#contests-link");
  await submit(page, `#manage-${contestId}`);
  assert.equal(await page.locator("#screening-total").innerText(), "4 件");

  // 形式审查: returning without a reason is refused beside the field.
  const [returned, ...accepted] = entries;
  await submit(page, `#return-${returned.id}`);
  assert.match(await page.locator(`#answer-${returned.id}`).innerText(), /理由/);
  assert.equal(await page.locator(`#reason-${returned.id}`).getAttribute("aria-invalid"), "true");
  assert.deepEqual(await axeViolations(page), [], "the screening page with its error passes axe");
  await shot(page, "01-return-refused");
  await page.fill(`#reason-${returned.id}`, "报名表签字页不清晰，请重新上传");
  await submit(page, `#return-${returned.id}`);
  assert.equal(await page.locator("#admin-notice").innerText(), "已退回，参赛者修改后可再次提交");
  for (const e of accepted) {
    await submit(page, `#accept-${e.id}`);
    assert.equal(await page.locator("#admin-notice").innerText(), "已通过形式审查");
  }
  assert.equal(await page.locator("#screening-empty").count(), 1, "nothing left to screen");
  await page.goto(`${server.baseUrl}/contests/${contestId}/screening?status=accepted`);
  assert.equal(await page.locator("#screening-total").innerText(), "3 件");
  await shot(page, "02-accepted");

  // The panel, by phone number.
  await page.click('nav[aria-label="比赛管理"] >> text=评审专家与分配');
  await page.waitForSelector("#add-judge");
  await page.fill("#judge-phone", "13700000999");
  await submit(page, "#add-judge button");
  assert.equal(await page.locator("#judge-phone-error").innerText(), "没有使用该手机号的账号");
  assert.equal(await page.locator("#judge-phone").inputValue(), "13700000999", "nothing typed is lost");
  for (const phone of Object.values(judgePhones)) {
    await page.fill("#judge-phone", phone);
    await submit(page, "#add-judge button");
    assert.equal(await page.locator("#admin-notice").innerText(), "已加入评审专家组");
  }
  assert.equal(await page.locator("#judges tbody tr").count(), 3);

  // Judging starts; the automatic assignment gives each entry the two judges of 陕州区.
  await submit(page, "#move-judging");
  assert.equal(await page.locator("#contest-status").innerText(), "评审中");
  await page.goto(`${server.baseUrl}/contests/${contestId}/assignment`);
  await submit(page, "#auto-assign");
  assert.equal(await page.locator("#admin-notice").innerText(), "已自动分配，每件作品的评审专家都已足额");
  for (const e of accepted) {
    assert.match(await page.locator(`#assign-row-${e.id}`).innerText(), /严评审.*宽评审|宽评审.*严评审/s);
    assert.doesNotMatch(await page.locator(`#assign-row-${e.id}`).innerText(), /邻评审/);
  }
  // By hand, the judge of 湖滨区 is refused, with the reason beside the field.
  const panel = await api(adminToken, "GET", `/api/v1/contests/${contestId}/judges`);
  const near = panel.find((j) => j.name === "邻评审");
  await page.selectOption("#pick-judge", String(near.id));
  await page.selectOption("#pick-entry", String(accepted[0].id));
  await submit(page, "#manual-assign-button");
  assert.equal(await page.locator("#pick-judge-error").innerText(), "评审专家与作品来自同一地区，须回避");
  assert.equal(await page.locator("#admin-notice").innerText(), "未能完成，请按提示修改", "the reason is said once, beside the field");
  assert.equal(await page.locator("#pick-judge").inputValue(), String(near.id), "the choice is kept");
  assert.deepEqual(await axeViolations(page), [], "the assignment page with its error passes axe");
  await shot(page, "03-assignment-conflict");

  // A harsh and a lenient judge score every entry: the harsh one low, the lenient one high,
  // in different orders.
  const marks = { harsh: [40, 55, 50], lenient: [95, 85, 90] };
  for (const [key, values] of Object.entries(marks)) {
    for (const [i, e] of accepted.entries()) {
      const v = values[i];
      await api(judgeTokens[key], "PUT", `/api/v1/contests/${contestId}/entries/${e.id}/scores`, {
        scores: { scientific: v, creative: v, production: v, reach: v }, submit: true,
      });
    }
  }
  await submit(page, "#move-closed");
  assert.equal(await page.locator("#contest-status").innerText(), "评审结束");

  // The results page: the ranking, and the judges' spread before and after.
  await page.goto(`${server.baseUrl}/contests/${contestId}/scoring`);
  assert.equal(await page.locator("#ranking tbody tr").count(), 3);
  assert.match(await page.locator("#results-method").innerText(), /标准分校正/);
  assert.doesNotMatch(await page.locator("#ranking thead").innerText(), /投票分|票数/, "no public vote, no vote columns");
  assert.equal(await page.locator("#spread-before circle").count(), 6, "a dot per submitted sheet");
  assert.equal(await page.locator("#spread-after circle").count(), 6);
  const means = async (fig) => page.locator(`${fig} line.mean`).evaluateAll((ls) => ls.map((l) => Number(l.dataset.value)));
  const [rawA, rawB] = await means("#spread-before");
  const [normA, normB] = await means("#spread-after");
  assert.ok(Math.abs(rawA - rawB) > 40, `raw means far apart: ${rawA} ${rawB}`);
  assert.ok(Math.abs(normA - normB) < 1, `normalised means together: ${normA} ${normB}`);
  assert.deepEqual(await axeViolations(page), [], "the results page passes axe");
  await shot(page, "04-results-spread");

  await submit(page, "#publish-publicity");
  assert.equal(await page.locator("#admin-notice").innerText(), "评审结果已进入公示");
  assert.equal(await page.locator("#contest-status").innerText(), "已公布");
  assert.equal(await page.locator("#publish-final").count(), 1, "final comes after 公示");
  await shot(page, "05-published");
  await context.close();
});

test("the administration pages on a phone", async () => {
  const size = viewports.find((v) => v.name === "phone");
  const context = await browser.newContext({ ...size, locale: "zh-CN" });
  const page = await context.newPage();
  await logIn(page, server, "13900000903", "三门峡市科协值班员");
  for (const tab of ["screening", "assignment", "scoring"]) {
    await page.goto(`${server.baseUrl}/contests/${contestId}/${tab}${tab === "screening" ? "?status=accepted" : ""}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${tab}: no sideways scrolling (${overflow}px)`);
    assert.deepEqual(await axeViolations(page), [], `${tab} passes axe on a phone`);
    await screenshot(page, `phone-contest-admin-${tab}`);
  }
  // Another city's administrator is refused the pages.
  await server.run(["user", "add", "--phone", "13900000902", "--name", "郑州市科协管理员", "--role", "city_admin", "--region", "410100"]);
  const other = await browser.newContext({ ...size, locale: "zh-CN" });
  const otherPage = await other.newPage();
  await logIn(otherPage, server, "13900000902", "郑州市科协管理员");
  const refused = await otherPage.goto(`${server.baseUrl}/contests/${contestId}/scoring`);
  assert.equal(refused.status(), 403);
  assert.match(await otherPage.locator("main").innerText(), /只能管理本辖区举办的比赛/);
  await other.close();
  await context.close();
});
