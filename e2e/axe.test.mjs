// Accessibility: axe-core (WCAG 2.2 AA rules) over every page, at phone and desktop size,
// logged out, as a host and as administrators, on the demo campaign. A page passes with no
// violation of serious or critical impact; each one found is printed with its nodes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, logIn, screenshot, axeViolations } from "./helpers.mjs";

/** The serious and critical violations on the page now. */
const violations = axeViolations;

let server;
let browser;
let ids;

before(async () => {
  server = await startServer({}, ["serve", "--demo"]);
  browser = await launchBrowser();
  // The demo's ids, read as any client reads them.
  const list = await (await fetch(`${server.baseUrl}/api/v1/activities?per_page=10`)).json();
  ids = { approved: list.items[0].id, org: list.items[0].hosts[0] };
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A file name for a page's screenshot. */
const slug = (path) => path.replace(/^\//, "").replace(/[^\w\u4e00-\u9fa5]+/g, "-").replace(/-+$/, "") || "home";

async function check(page, who, path, found) {
  for (const size of viewports) {
    await page.setViewportSize(size.viewport);
    const response = await page.goto(`${server.baseUrl}${path}`);
    assert.ok(response.status() < 500, `${path}: ${response.status()}`);
    await page.waitForLoadState("load");
    for (const line of await violations(page)) found.push(`${who} ${size.name} ${path}: ${line}`);
    // Every page at both sizes, to be looked at.
    await screenshot(page, `${size.name}-page-${who}-${slug(path)}`);
  }
}

/** The page as it stands now (after a click), at both sizes. */
async function checkHere(page, who, what, found) {
  for (const size of viewports) {
    await page.setViewportSize(size.viewport);
    for (const line of await violations(page)) found.push(`${who} ${size.name} ${what}: ${line}`);
    await screenshot(page, `${size.name}-page-${who}-${what}`);
  }
}

const anonymous = () => ["/", "/activities", `/activities/${ids.approved}`, "/map", "/map?near=郑州&within_km=30", `/orgs/${ids.org}`, "/login", "/activities?q=科普&province=410000", "/no-such-page"];
const host = () => ["/my/activities", "/my/import", "/notifications", "/account/profile"];
const admin = () => ["/review", "/nominations", "/dashboard", "/dashboard?region=410000", "/admin/audit", "/notifications"];

// One login per person (a code per phone), each page then looked at in a phone-sized and
// a desktop-sized window.
test("no serious or critical accessibility violation on any page, at phone and desktop size", async () => {
  const found = [];
  const context = async () => (await browser.newContext({ ...viewports[1], locale: "zh-CN" })).newPage();

  const visitor = await context();
  for (const path of anonymous()) await check(visitor, "anonymous", path, found);

  // A host: the list, a draft's form (blank, then with its errors shown), its supplement.
  const person = await context();
  person.on("dialog", (d) => d.accept());
  await logIn(person, server, "13800000000", "活动发布者（演示）");
  for (const path of host()) await check(person, "host", path, found);
  await person.goto(`${server.baseUrl}/my/activities`);
  const supplement = await person.locator(".supplement-link").first().getAttribute("href");
  await check(person, "host", supplement, found);
  // The import page with a preview: the template itself, uploaded back.
  const template = Buffer.from(await (await fetch(`${server.baseUrl}/api/v1/imports/activities-template.xlsx`)).arrayBuffer());
  await person.goto(`${server.baseUrl}/my/import`);
  await person.setInputFiles("#import-file", { name: "活动导入模板.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: template });
  await person.click("#import-preview");
  await person.waitForSelector("#preview-rows");
  await checkHere(person, "host", "import-preview", found);
  await person.goto(`${server.baseUrl}/my/activities`);
  await person.click("#new-activity");
  await person.waitForSelector("#activity-form");
  await checkHere(person, "host", "new-form", found);
  await person.click("#submit-activity");
  await person.waitForSelector("#form-errors");
  await checkHere(person, "host", "form-with-errors", found);

  // Administrators: the national one sees every list; the province one its queue item and
  // a nomination's form.
  const national = await context();
  await logIn(national, server, "13900000000", "全国管理员（演示）");
  for (const path of [...admin(), "/admin/sms"]) await check(national, "national", path, found);
  const province = await context();
  await logIn(province, server, "13900000001", "河南省管理员（演示）");
  for (const path of admin()) await check(province, "province", path, found);
  await province.goto(`${server.baseUrl}/review`);
  await check(province, "province", await province.locator(".activity-item a").first().getAttribute("href"), found);
  await province.goto(`${server.baseUrl}/nominations`);
  if (await province.locator("#candidates a").count()) {
    await check(province, "province", await province.locator("#candidates a").first().getAttribute("href"), found);
  }

  assert.deepEqual(found, [], `accessibility violations:\n${found.join("\n")}`);
});
