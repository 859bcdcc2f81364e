// What a member of the public and an administrator meet on a phone (390×844), measured in
// Chromium on the demo campaign: the first screen shows results, the controls' words fit,
// the charts' labels are large enough to read, and lists of names are separated.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, logIn, screenshot } from "./helpers.mjs";

let server;
let browser;
const phone = viewports.find((v) => v.name === "phone");

before(async () => {
  server = await startServer({}, ["serve", "--demo"]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Whether an element's text sits on one line. */
const oneLine = (page, selector) =>
  page.locator(selector).evaluate((el) => {
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3;
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getClientRects().length === 1 || range.getBoundingClientRect().height < line * 1.5;
  });

test("a phone's first screens", async () => {
  const page = await (await browser.newContext({ ...phone, locale: "zh-CN" })).newPage();
  await page.goto(`${server.baseUrl}/`);
  // The search box's example fits in the box.
  const fits = await page.locator("#home-q").evaluate((input) => {
    const style = getComputedStyle(input);
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = `${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return ctx.measureText(input.placeholder).width <= room;
  });
  assert.equal(fits, true, "the search placeholder is not cut off");
  assert.equal(await oneLine(page, "#home-near-submit"), true, "查看30公里内的活动 on one line");

  // The list: one 筛选 control, and the first result on the first screen.
  await page.goto(`${server.baseUrl}/activities`);
  assert.equal(await page.locator("#filters-fold").evaluate((d) => d.open), false);
  assert.equal(await page.locator("#filter-province").isVisible(), false);
  const top = await page.locator("#results li").first().evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top < phone.viewport.height, `the first result starts at ${top}px`);
  await screenshot(page, "phone-first-screen-list");

  // Several hosts are separated, not run together.
  await page.click("#results a");
  const hosts = await page.locator("dt:text('主办单位') + dd").innerText();
  assert.match(hosts, /\S、\S/, hosts);
  await page.context().close();
});

test("the dashboard's charts are readable on a phone", async () => {
  const page = await (await browser.newContext({ ...phone, locale: "zh-CN" })).newPage();
  await logIn(page, server, "13900000001", "河南省管理员（演示）");
  await page.goto(`${server.baseUrl}/dashboard`);
  const sizes = await page.locator("svg.chart text").evaluateAll((texts) =>
    texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a),
  );
  assert.ok(sizes.length > 0, "charts are drawn");
  const smallest = Math.min(...sizes);
  assert.ok(smallest >= 12.5, `chart labels are at least 12.5 px on a phone (smallest ${smallest.toFixed(1)} px)`);
  // Totals first; the areas with activities first, the empty ones folded.
  const order = await page.locator("main section").evaluateAll((s) => s.map((x) => x.id || x.querySelector("h1,h2")?.textContent));
  assert.ok(order.indexOf("by-region") > 0, order.join(","));
  assert.equal(await page.locator("#idle-regions").evaluate((d) => d.open), false);
  await screenshot(page, "phone-dashboard");
  await page.context().close();
});
