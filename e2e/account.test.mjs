// Closing one's account (注销) in the browser, on a phone: from the name in the header to
// "我的账号", a wrong confirmation word answered next to the field, then the words, the
// browser's own "are you sure", and a page that says it is done, signed out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn } from "./helpers.mjs";

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

test("a person closes their account from their page", async () => {
  const phone = viewports.find((v) => v.name === "phone");
  const context = await browser.newContext({ ...phone, locale: "zh-CN" });
  const page = await context.newPage();
  await logIn(page, server, "13800138501", "刘老师");
  await page.click("#current-user");
  await page.waitForURL(`${server.baseUrl}/account/profile`);
  await assert.doesNotReject(page.locator("#close-account").waitFor());
  await screenshot(page, "account-close-phone");

  // A wrong word: the page says why, next to the field; still signed in.
  page.once("dialog", (d) => d.accept());
  await page.fill("#confirm", "注销");
  await page.click("#close-submit");
  await page.waitForLoadState("load");
  assert.equal(await page.locator("#confirm-error").innerText(), "请输入“注销账号”以确认注销");
  assert.equal(await page.locator("#current-user").innerText(), "刘老师");

  // Dismissing the browser's question changes nothing.
  page.once("dialog", (d) => d.dismiss());
  await page.fill("#confirm", "注销账号");
  await page.click("#close-submit");
  assert.equal(await page.locator("#current-user").innerText(), "刘老师");

  // The words and a yes: done, and signed out.
  page.once("dialog", (d) => d.accept());
  await page.click("#close-submit");
  await page.waitForLoadState("load");
  assert.match(await page.locator("main").innerText(), /账号已注销/);
  await screenshot(page, "account-closed-phone");
  await page.goto(`${server.baseUrl}/my/activities`);
  assert.match(page.url(), /\/login/);
  await context.close();
});
