// The national administrator's SMS watch, in the browser: codes asked for one block of
// numbers raise an alarm, and the administrator, logged in through the login page, sees it
// in /admin/sms on a phone and on a desktop; a province administrator has no link to it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn } from "./helpers.mjs";

let server;
let browser;

// One national administrator per screen size: a phone gets one login code a minute.
const nationalPhones = ["13900000401", "13900000402"];
const province = "13900000403";

before(async () => {
  server = await startServer({ KEPU__LOGIN__ALARM_PREFIX_CODES_PER_HOUR: "3" });
  browser = await launchBrowser();
  for (const [i, phone] of nationalPhones.entries()) {
    await server.run(["user", "add", "--phone", phone, "--name", `全国管理员${i + 1}`, "--role", "national_admin"]);
  }
  await server.run(["user", "add", "--phone", province, "--name", "河南省管理员", "--role", "province_admin", "--region", "410000"]);
  for (let n = 0; n < 5; n++) {
    const response = await fetch(`${server.baseUrl}/api/v1/auth/sms-codes`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ phone: `1703456000${n}` }),
    });
    assert.equal(response.status, 202);
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the national administrator sees the SMS alarms on a phone and a desktop", async () => {
  for (const [i, size] of viewports.entries()) {
    const context = await browser.newContext(size);
    const page = await context.newPage();
    await logIn(page, server, nationalPhones[i], `全国管理员${i + 1}`);
    await page.click("#sms-link");
    await page.waitForURL(`${server.baseUrl}/admin/sms`);
    const table = page.getByRole("table", { name: "最近的短信告警（最多200条）" });
    await table.waitFor();
    const row = table.getByRole("row").filter({ hasText: "号段集中获取" });
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), /1703456/);
    assert.match(await page.locator("#sent-today").innerText(), /\/ 200000 条/);
    // Nothing spills sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await screenshot(page, `sms-watch-${size.name}`);
    await context.close();
  }
});

test("a province administrator has no SMS watch", async () => {
  const context = await browser.newContext(viewports[1]);
  const page = await context.newPage();
  await logIn(page, server, province, "河南省管理员");
  assert.equal(await page.locator("#sms-link").count(), 0);
  const response = await page.goto(`${server.baseUrl}/admin/sms`);
  assert.equal(response.status(), 403);
  assert.match(await page.locator("main").innerText(), /仅全国管理员可以执行此操作/);
  await context.close();
});
