// A new person logs in through the browser with the code from the SMS outbox — no
// injected cookie — gives their name at the first login, and sees it on the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, readSmsCode, launchBrowser, viewports, screenshot } from "./helpers.mjs";

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

viewports.forEach((size, i) => {
  test(`first login through the browser (${size.name})`, async () => {
    const phone = `1380013800${i + 1}`;
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    assert.match(await page.locator("#theme").innerText(), /提升全民科学素质/);
    await screenshot(page, `${size.name}-01-home`);

    await page.click("#login-link");
    await page.waitForURL("**/login");
    await page.fill("#phone", phone);
    await page.click("#send-code");
    await page.waitForFunction(() => document.querySelector("#send-code").textContent.includes("秒"));
    assert.equal(await page.locator("#send-code").isDisabled(), true, "the button counts down, disabled");
    await screenshot(page, `${size.name}-02-code-sent`);

    // A wrong code first: the error is shown next to the code field, in Chinese.
    await page.fill("#code", "000000");
    await page.click("#login-submit");
    assert.match(await page.locator("#login-error").innerText(), /验证码/);
    assert.equal(await page.inputValue("#phone"), phone, "the phone typed is kept");
    await screenshot(page, `${size.name}-03-wrong-code`);

    const code = await readSmsCode(server.dataDir, phone);
    await page.fill("#code", code);
    await page.click("#login-submit");
    await page.waitForSelector("#name");
    await screenshot(page, `${size.name}-04-name`);
    await page.fill("#name", "张科普");
    await page.click("#save-name");
    await page.waitForURL(`${server.baseUrl}/`);
    assert.equal(await page.locator("#current-user").innerText(), "张科普");
    await screenshot(page, `${size.name}-05-logged-in`);

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "kepu_session");
    assert.ok(session?.httpOnly, "the session cookie is HttpOnly");
    assert.equal(session.sameSite, "Lax");
    await context.close();
  });
});
