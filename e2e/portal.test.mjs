// The public portal in a browser, on the demo campaign: home → filter by region → open an
// activity, drilling down to a county; a search; "near me" on the home page and on the
// science map from the browser's location; a place by name; the map over a tile provider.
import { test, before, after } from "node:test";
import { createServer } from "node:http";
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

/** Opens the folded filters (a phone shows them closed; a desktop open). */
async function openFilters(page, size) {
  const open = await page.locator("#filters-fold").evaluate((d) => d.open);
  if (size.name === "desktop") assert.equal(open, true, "a desktop shows the filters open");
  if (!open) await page.click("#filters-fold > summary");
}

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
    // On a phone the filters fold behind one 筛选 control, which names those in force.
    await openFilters(page, size);
    await page.selectOption("#filter-province", "410000");
    await page.click("#filter-submit");
    await page.waitForURL(/province=410000/);
    assert.match(await page.locator("#result-count").innerText(), /共 2 个/);
    await shot(page, "02-filtered");
    if (size.name === "phone") {
      assert.match(await page.locator("#filters-fold > summary").innerText(), /筛选：河南省/);
    }
    await openFilters(page, size);
    // The city select is filled from the province (drill-down), here without a reload.
    await page.selectOption("#filter-province", "");
    await page.selectOption("#filter-province", "410000");
    await page.waitForSelector('#filter-city option[value="411200"]', { state: "attached" });
    await page.selectOption("#filter-city", "411200");
    await page.waitForSelector('#filter-county option[value="411282"]', { state: "attached" });
    await page.click("#filter-submit");
    await page.waitForURL(/city=411200/);
    assert.match(await page.locator("#result-count").innerText(), /共 1 个/);
    assert.equal(await page.locator("#filter-city").inputValue(), "411200");
    await openFilters(page, size);
    await page.selectOption("#filter-county", "411282");
    await page.click("#filter-submit");
    await page.waitForURL(/county=411282/);
    assert.match(await page.locator("#result-count").innerText(), /共 1 个/);
    await shot(page, "02b-county");
    await page.click("#results a");
    await page.waitForSelector("#activity-name");
    assert.equal(await page.locator("#activity-name").innerText(), "应急避险科普体验日");
    assert.doesNotMatch(await page.content(), /0398-2812345/, "no phone number on a public page");
    assert.equal(await page.locator("#place-ground .point").count(), 1, "the place on a map");
    // 高德 is given the point in GCJ-02, a few hundred metres from the stored WGS-84 one.
    const amap = await page.locator("#open-amap").getAttribute("href");
    assert.match(amap, /^https:\/\/uri\.amap\.com\/marker\?position=110\.89\d{4},34\.51\d{4}&/);
    assert.doesNotMatch(amap, /position=110\.894200/);
    await shot(page, "03-activity");

    await page.goto(`${server.baseUrl}/`);
    await page.fill("#home-q", "应急");
    await page.click("#home-search");
    await page.waitForSelector("#results");
    const found = await page.locator("#results a").allInnerTexts();
    assert.deepEqual(found, ["应急避险科普体验日"]);
    await shot(page, "04-search");

    // Near me on the home page: the browser's location, the nearest activities in place.
    await page.goto(`${server.baseUrl}/`);
    await page.click("#home-locate");
    await page.waitForSelector("#near-results li");
    const nearHome = await page.locator("#near-results").innerText();
    assert.match(nearHome, /应急避险科普体验日/);
    assert.match(nearHome, /约\d+(\.\d)?公里/);
    assert.doesNotMatch(nearHome, /院士专家报告会/, "郑州 is far from 灵宝");
    await shot(page, "05-home-near");
    await page.click("#near-more");
    await page.waitForURL(/\/map\?.*near=110\.89/);
    assert.match(await page.locator("#map-results").innerText(), /应急避险科普体验日/);

    await page.goto(`${server.baseUrl}/map`);
    await page.click("#locate");
    await page.waitForURL(/near=110\.89/);
    const near = await page.locator("#map-results").innerText();
    assert.match(near, /应急避险科普体验日/);
    assert.match(near, /约\d+(\.\d)?公里/);
    assert.doesNotMatch(near, /院士专家报告会/, "郑州 is far from 灵宝");
    assert.equal(await page.locator("#map-ground .point").count(), 1);
    await shot(page, "06-map");

    // A chosen place, by name.
    await page.fill("#near", "郑州");
    await page.click("#map-form button[type=submit]");
    await page.waitForURL(/near=%E9%83%91%E5%B7%9E/);
    assert.match(await page.locator("#map-results").innerText(), /院士专家报告会/);
    assert.equal(await page.locator("#near").inputValue(), "郑州");
    await context.close();
  });
});

/** A tile provider on a free port: each tile an SVG naming its z/x/y; the paths it served. */
function tileServer() {
  const served = [];
  const server = createServer((request, response) => {
    served.push(request.url);
    const [z, x, y] = request.url.split("/").slice(1).map((p) => parseInt(p, 10));
    const shade = (x + y) % 2 ? "#dfe9f5" : "#e9f0e2";
    response.writeHead(200, { "Content-Type": "image/svg+xml" });
    response.end(`<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="${shade}" stroke="#9ab"/><text x="12" y="30" font-size="18" fill="#567">${z}/${x}/${y}</text></svg>`);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, served, port: server.address().port })));
}

test("the map over a configured tile provider", async () => {
  const tiles = await tileServer();
  const tiled = await startServer(
    {
      KEPU__MAP__TILE_URL: `http://127.0.0.1:${tiles.port}/{z}/{x}/{y}.svg`,
      KEPU__MAP__TILE_DATUM: "gcj02",
      KEPU__MAP__ATTRIBUTION: "测试底图 · 审图号：GS(2026)1号",
    },
    ["serve", "--demo"],
  );
  try {
    for (const size of viewports) {
      const context = await browser.newContext({ ...size, locale: "zh-CN" });
      const page = await context.newPage();
      await page.goto(`${tiled.baseUrl}/map?near=%E9%83%91%E5%B7%9E&within_km=30`);
      await page.waitForLoadState("networkidle");
      assert.ok((await page.locator("#map-ground image.tile").count()) >= 4, "the ground is covered");
      assert.ok(tiles.served.length >= 4, "the browser fetched the tiles");
      assert.ok(tiles.served.every((p) => /^\/\d+\/\d+\/\d+\.svg$/.test(p)), tiles.served.join(" "));
      assert.match(await page.locator("#map-ground").innerText(), /审图号：GS\(2026\)1号/);
      assert.equal(await page.locator("#map-ground .point").count(), 1);
      await screenshot(page, `${size.name}-portal-07-tiles`);
      await page.click("#map-results a");
      await page.waitForSelector("#place-ground image.tile");
      await screenshot(page, `${size.name}-portal-08-activity-tiles`);
      await context.close();
    }
  } finally {
    await tiled.stop();
    tiles.server.close();
  }
});
