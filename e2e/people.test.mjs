// A county clerk on a phone fills the whole activity form, typing the start date the way
// that used to make the year 202609 in zh-CN Chromium, and one amount in words: every field
// that reads is saved, the page says which one was not, and focus goes to that summary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, pngFile } from "./helpers.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function choose(page, selector, value) {
  await page.waitForFunction(([s, v]) => [...document.querySelector(s).options].some((o) => o.value === v), [selector, value]);
  await page.selectOption(selector, value);
}

/** Types a time into a datetime-local field as a person does: digits only, never →. */
async function typeTime(page, selector, digits) {
  await page.locator(selector).focus();
  await page.keyboard.type(digits, { delay: 40 });
}

test("a phone-sized form keeps every field when one does not read", async () => {
  const phone = viewports.find((v) => v.name === "phone");
  const page = await (await browser.newContext({ ...phone, locale: "zh-CN" })).newPage();
  page.on("dialog", (d) => d.accept());
  await logIn(page, server, "13800138999", "王老师");
  await page.click("#my-link");
  await page.click("#new-activity");
  await page.waitForSelector("#activity-form");
  const edit = page.url();

  await page.setInputFiles("#poster-file", await pngFile(page, 600, 350));
  await page.waitForFunction(() => document.querySelector("#poster").value !== "");
  await page.selectOption("#section", "exhibition");
  await page.fill("#name", "机器人科普体验营");
  // 2026, then 09 for September, without pressing → between them. In a field without
  // bounds (the form before issue 18) Chromium makes the year 202609 and the value empty:
  await page.evaluate(() => {
    const plain = document.createElement("input");
    plain.type = "datetime-local";
    plain.id = "unbounded";
    document.querySelector("#activity-form").prepend(plain);
  });
  await typeTime(page, "#unbounded", "202609150900");
  assert.equal(await page.inputValue("#unbounded"), "", "the old field loses the date");
  await page.evaluate(() => document.getElementById("unbounded").remove());
  // The form's fields are bounded to four-digit years, so the same keys give the date.
  await typeTime(page, "#start", "202609150900");
  await typeTime(page, "#end", "202609151130");
  assert.equal(await page.inputValue("#start"), "2026-09-15T09:00", "the year stops at four digits");
  assert.equal(await page.inputValue("#end"), "2026-09-15T11:30");
  await page.selectOption("#province", "410000");
  await choose(page, "#city", "411200");
  await choose(page, "#county", "411202");
  await page.check("input[name=mode][value=offline]");
  await page.fill("#address", "三门峡市湖滨区科技馆三楼");
  await page.selectOption("#venue_type", "科技馆");
  await page.check("input[name=audiences][value=青少年]");
  await page.fill("#expected_participants", "120");
  await page.fill("#funding_yuan", "约三千");
  await page.fill("#details", "动手搭建机器人，了解传感器与编程。");
  await page.fill("#scientist_count", "2");
  await page.fill("input[name=scientist_name] >> nth=0", "李工程师");
  await page.fill("#contact_name", "王老师");
  await page.fill("#contact_phone", "0398-2812345");
  await page.fill("#hosts", "三门峡市机器人协会");
  await page.check("#register_new");
  await page.click("#save-draft");
  await page.waitForSelector("#form-errors");
  await screenshot(page, "phone-people-01-kept");

  // One summary, naming what was not saved, with the focus on it; the field marked.
  const summary = await page.locator("#form-errors").innerText();
  assert.match(summary, /有 \d 处需要补充或修改/);
  assert.match(summary, /其他内容已保存。以下\d项未保存，仍为原来的内容：[^。]*“活动经费（元）”/);
  assert.match(summary, /活动经费（元）：/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "form-errors");
  assert.equal(await page.getAttribute("#funding_yuan", "aria-invalid"), "true");
  assert.equal(await page.getAttribute("#funding_yuan", "aria-describedby"), "funding_yuan-error");
  assert.equal(await page.inputValue("#funding_yuan"), "约三千", "what was typed stays");
  assert.equal(await page.locator("[aria-invalid=true]").count() >= 1, true);
  // The summary's link takes the person to the field.
  await page.click('#form-errors a[href="#funding_yuan"]');
  assert.match(page.url(), /#funding_yuan$/);

  // Opened again, the form holds everything else.
  await page.goto(edit);
  assert.equal(await page.inputValue("#name"), "机器人科普体验营");
  assert.equal(await page.inputValue("#start"), "2026-09-15T09:00");
  assert.equal(await page.inputValue("#end"), "2026-09-15T11:30");
  assert.equal(await page.inputValue("#address"), "三门峡市湖滨区科技馆三楼");
  assert.equal(await page.inputValue("#county"), "411202");
  assert.equal(await page.inputValue("#details"), "动手搭建机器人，了解传感器与编程。");
  assert.equal(await page.inputValue("#contact_phone"), "0398-2812345");
  assert.equal(await page.inputValue("#funding_yuan"), "", "the amount was not saved");
  assert.equal(await page.locator("#poster-preview").isVisible(), true);

  // Corrected, it saves whole.
  await page.fill("#funding_yuan", "3000");
  await page.fill("#hosts", "三门峡市机器人协会");
  await page.check("#register_new");
  await page.click("#save-draft");
  await page.waitForSelector("#form-notice");
  assert.equal(await page.locator("#form-notice").innerText(), "草稿已保存");
  assert.equal(await page.locator("#form-errors").count(), 0);
  await page.goto(`${server.baseUrl}/my/activities`);
  assert.match(await page.locator("#my-activities").innerText(), /机器人科普体验营/);
  assert.doesNotMatch(await page.locator("#my-activities").innerText(), /未命名草稿/);
  await screenshot(page, "phone-people-02-list");
  await page.context().close();
});
