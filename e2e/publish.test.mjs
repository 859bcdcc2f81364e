// A new host publishes an activity through the form alone — a failed submit, the fix,
// the poster upload — and two administrators take it through a rejection to approval.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, pngFile } from "./helpers.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const [i] of viewports.entries()) {
    await server.run(["user", "add", "--phone", `1390000010${i}`, "--name", `河南省审核员${i}`, "--role", "province_admin", "--region", "410000"]);
    await server.run(["user", "add", "--phone", `1390000020${i}`, "--name", `全国审核员${i}`, "--role", "national_admin"]);
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function choose(page, selector, value) {
  await page.waitForFunction(([s, v]) => [...document.querySelector(s).options].some((o) => o.value === v), [selector, value]);
  await page.selectOption(selector, value);
}

viewports.forEach((size, i) => {
  test(`publish and review through the browser (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-publish-${step}`);
    const host = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
    host.on("dialog", (d) => d.accept());
    await logIn(host, server, `1380013810${i}`, "李老师");
    await host.click("#my-link");
    await host.click("#new-activity");
    await host.waitForSelector("#activity-form");

    // A first submit with only a name: every problem is listed next to its field, and
    // what was typed is still there.
    await host.fill("#name", "走进天文馆：秋夜观星");
    await host.click("#submit-activity");
    await host.waitForSelector("#form-errors");
    assert.equal(await host.locator("#section-error").innerText(), "请选择板块");
    assert.equal(await host.locator("#poster-error").innerText(), "请上传活动宣传图");
    assert.equal(await host.locator("#hosts-error").innerText(), "请至少选择一个主办单位");
    assert.equal(await host.inputValue("#name"), "走进天文馆：秋夜观星");
    await shot(host, "01-errors");

    // The poster: the wrong size is refused by the server, the right one previewed.
    await host.setInputFiles("#poster-file", await pngFile(host, 601, 350));
    await host.waitForFunction(() => document.querySelector("#poster-error").textContent.includes("600×350"));
    await host.setInputFiles("#poster-file", await pngFile(host, 600, 350));
    await host.waitForFunction(() => document.querySelector("#poster").value !== "");
    assert.equal(await host.locator("#poster-preview").isVisible(), true);

    await host.selectOption("#section", "exhibition");
    await host.fill("#start", "2026-09-15T19:00");
    await host.fill("#end", "2026-09-15T21:30");
    await host.selectOption("#province", "410000");
    await choose(host, "#city", "411200");
    await choose(host, "#county", "411202");
    await host.check("input[name=mode][value=offline]");
    await host.fill("#address", "三门峡市湖滨区科技馆");
    await host.selectOption("#venue_type", "科技馆");
    await host.check("input[name=audiences][value=青少年]");
    await host.check("input[name=audiences][value=社会公众]");
    await host.fill("#expected_participants", "120");
    await host.fill("#details", "带领青少年认识秋季星空，讲解行星与星座。");
    await host.fill("#funding_yuan", "3500.50");
    await host.fill("#scientist_count", "3");
    await host.fill("input[name=scientist_name] >> nth=0", "王天文");
    await host.fill("#contact_name", "李老师");
    await host.fill("#contact_phone", "0398-2812345");
    await host.fill("#hosts", `三门峡市科技馆${i}`);
    await host.check("#register_new");
    await shot(host, "02-filled");
    await host.click("#submit-activity");
    await host.waitForSelector("#list-notice");
    assert.match(await host.locator("#my-activities").innerText(), /省级审核中/);
    await shot(host, "03-submitted");

    // The province rejects with a reason (after being told a reason is needed).
    const province = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
    province.on("dialog", (d) => d.accept());
    await logIn(province, server, `1390000010${i}`, "");
    await province.click("#review-link");
    await province.click(`text=走进天文馆：秋夜观星 >> nth=0`);
    await province.waitForSelector("#decision-form");
    await province.click("#reject");
    assert.equal(await province.locator("#decision-error").innerText(), "审核不通过时须填写理由");
    await province.fill("#reason", "请写明科技馆的具体楼层与入口");
    await shot(province, "04-review");
    await province.click("#reject");
    await province.waitForURL(/\/review\?decided=\d+$/);

    // The host is told, fixes the address and submits again.
    await host.goto(`${server.baseUrl}/my/activities`);
    assert.equal(await host.locator("#unread-count").innerText(), "1");
    assert.match(await host.locator("#my-activities").innerText(), /请写明科技馆的具体楼层与入口/);
    await host.click("text=编辑");
    assert.match(await host.locator("#review-reason").innerText(), /具体楼层/);
    await host.fill("#address", "三门峡市湖滨区科技馆三楼天象厅（北门入）");
    await host.click("#submit-activity");
    await host.waitForSelector("#list-notice");

    // The province sees what changed and approves; the nation approves.
    await province.goto(`${server.baseUrl}/review`);
    await province.click(`text=走进天文馆：秋夜观星 >> nth=0`);
    assert.match(await province.locator("#changes").innerText(), /活动举办地址[\s\S]*北门入/);
    await shot(province, "05-changes");
    await province.click("#approve");
    await province.waitForURL(/\/review\?decided=\d+$/);
    // The decision is confirmed where the reviewer lands.
    assert.match(await province.locator("#decided").innerText(), /已处理“走进天文馆：秋夜观星”，当前状态：全国审核中/);

    const nation = await (await browser.newContext({ ...size, locale: "zh-CN" })).newPage();
    await logIn(nation, server, `1390000020${i}`, "");
    await nation.goto(`${server.baseUrl}/review`);
    await nation.click(`text=走进天文馆：秋夜观星 >> nth=0`);
    await nation.click("#approve");
    await nation.waitForURL(/\/review\?decided=\d+$/);

    await host.goto(`${server.baseUrl}/my/activities`);
    assert.match(await host.locator("#my-activities").innerText(), /已通过/);
    await shot(host, "06-approved");
    for (const page of [host, province, nation]) await page.context().close();
  });
});
