// The public portal in a browser, on the demo campaign: home → filter by region → open an
// activity; a search; the science map with "near me" from the browser's location.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot } from "./helpers.mjs";

let server;
let browser;

before(async () => {
  server = await startServer({}, ["serve", "--demo"]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

viewports.forEach((size) => {
  test(`find, search and map activities (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-portal-${step}`);
    // 灵宝市, where the demo's 应急避险科普体验日 takes place.
    const context = await browser.newContext({ ...size, locale: "zh-CN", geolocation: { longitude: 110.8942, latitude: 34.5168 }, permissions: ["geolocation"] });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    assert.equal(await page.locator("#count-activities").innerText(), "2");
    await shot(page, "01-home");

    await page.click("#all-activities");
    await page.selectOption("#filter-province", "410000");
    await page.click("#filter-submit");
    await page.waitForURL(/province=410000/);
    assert.match(await page.locator("#result-count").innerText(), /共 2 个/);
    await shot(page, "02-filtered");
    await page.selectOption("#filter-section", "lecture");
    await page.click("#filter-submit");
    await page.waitForURL(/section=lecture/);
    assert.match(await page.locator("#result-count").innerText(), /共 1 个/);
    await page.click("#results a");
    await page.waitForSelector("#activity-name");
    assert.equal(await page.locator("#activity-name").innerText(), "院士专家报告会：人工智能与未来产业");
    assert.doesNotMatch(await page.content(), /0398-2812345/, "no phone number on a public page");
    await shot(page, "03-activity");

    await page.goto(`${server.baseUrl}/`);
    await page.fill("#home-q", "应急");
    await page.click("#home-search");
    await page.waitForSelector("#results");
    const found = await page.locator("#results a").allInnerTexts();
    assert.deepEqual(found, ["应急避险科普体验日"]);
    await shot(page, "04-search");

    await page.goto(`${server.baseUrl}/map`);
    await page.click("#locate");
    await page.waitForURL(/near=110\.89/);
    const near = await page.locator("#map-results").innerText();
    assert.match(near, /应急避险科普体验日/);
    assert.match(near, /约\d+(\.\d)?公里/);
    assert.doesNotMatch(near, /院士专家报告会/, "郑州 is far from 灵宝");
    assert.equal(await page.locator("#map-ground .point").count(), 1);
    await shot(page, "05-map");
    await context.close();
  });
});
