// The audit trail in the browser: a province administrator sees the grants of the province's
// roles (made by the command line, in the province), gets the reason next to the form for a
// wrong filter, filters by action and outcome, and downloads the CSV with the same filters.
// (Logins lie in no area: only national administrators read them.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn } from "./helpers.mjs";

let server;
let browser;
// One administrator per screen size: a phone gets one login code a minute.
const admins = { phone: "13900000401", desktop: "13900000402" };

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const phone of Object.values(admins)) {
    await server.run(["user", "add", "--phone", phone, "--name", "河南省管理员", "--role", "province_admin", "--region", "410000"]);
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const v of viewports) {
  test(`the audit trail on a ${v.name}`, async () => {
    const context = await browser.newContext({ ...v, locale: "zh-CN" });
    const page = await context.newPage();
    await logIn(page, server, admins[v.name], "河南省管理员");
    await page.goto(`${server.baseUrl}/admin/audit`);
    await assert.doesNotReject(page.locator("#audit-table").waitFor());
    const first = page.locator("#audit-table tbody tr").first();
    // In words, not codes: the action, the role, the division by name (issue 18).
    assert.match(await first.innerText(), /授予角色[\s\S]*河南省[\s\S]*成功/);
    await screenshot(page, `audit-log-${v.name}`);

    // A filter that does not read: the reason, next to the form; the input kept.
    await page.fill("input[name=actor]", "张三");
    await page.click("#audit-filters button[type=submit]");
    await page.waitForLoadState("load");
    assert.equal(await page.locator("#audit-error").innerText(), "操作人编号须为数字，收到“张三”");
    assert.equal(await page.inputValue("input[name=actor]"), "张三");

    // By action and outcome.
    await page.fill("input[name=actor]", "");
    await page.selectOption("select[name=action]", "user.");
    await page.selectOption("select[name=outcome]", "ok");
    await page.click("#audit-filters button[type=submit]");
    await page.waitForLoadState("load");
    const rows = await page.locator("#audit-table tbody tr").allInnerTexts();
    assert.ok(rows.length >= 1);
    for (const row of rows) assert.match(row, /授予角色[\s\S]*成功/);

    // The download carries the same filters and opens as CSV with a byte-order mark.
    const href = await page.getAttribute("#audit-download", "href");
    assert.match(href, /action=user\./);
    const csv = await page.evaluate(async (url) => {
      const r = await fetch(url);
      const bytes = new Uint8Array(await r.arrayBuffer());
      return { type: r.headers.get("content-type"), bom: [...bytes.slice(0, 3)], text: new TextDecoder().decode(bytes) };
    }, href);
    assert.equal(csv.type, "text/csv; charset=utf-8");
    assert.deepEqual(csv.bom, [0xef, 0xbb, 0xbf]);
    assert.match(csv.text, /编号,时间\(UTC\),操作人/);
    assert.match(csv.text, /user\.grant/);
    await context.close();
  });
}
