// The publicity resource library in a browser: the national administrator creates a logo
// resource on /resources, is told in Chinese beside the form that an SVG carrying a script
// is refused, uploads a clean one, publishes it; a visitor on a phone and on a desktop finds
// it, reads the usage note and downloads the file under its Chinese name.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, axeViolations } from "./helpers.mjs";

let server;
let browser;
const national = "13900000701";

const clean = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" fill="#1a56db"/><text x="8" y="26" fill="#fff">全国科普日</text></svg>',
);
const scripted = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><rect width="1" height="1"/></svg>');

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.run(["user", "add", "--phone", national, "--name", "中国科协科普部", "--role", "national_admin"]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the national administrator publishes a logo, refused first with a script in it", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  await logIn(page, server, national, "中国科协科普部");
  await page.goto(`${server.baseUrl}/resources`);
  await page.selectOption("#resource-kind", "logo");
  await page.fill("#resource-title", "标");
  await page.fill("#resource-usage", "请勿改变标识的比例和颜色");
  await Promise.all([page.waitForNavigation(), page.click("#resource-submit")]);
  assert.equal(await page.locator("#resource-title-error").innerText(), "标题至少2个字");
  assert.equal(await page.locator("#resource-usage").inputValue(), "请勿改变标识的比例和颜色", "nothing typed is lost");
  await page.fill("#resource-title", "全国科普日标识");
  await page.fill("#resource-tags", "标识，2026");
  await Promise.all([page.waitForNavigation(), page.click("#resource-submit")]);
  assert.match(await page.locator("#resource-notice").innerText(), /草稿/);
  const card = page.locator(".resource", { hasText: "全国科普日标识" });
  await card.locator("summary").click();
  await card.locator('input[type="file"]').setInputFiles({ name: "标识.svg", mimeType: "image/svg+xml", buffer: scripted });
  await Promise.all([page.waitForNavigation(), card.locator(".upload-form button").click()]);
  assert.match(
    await page.locator("#resource-problem").innerText(),
    /文件未上传：SVG 文件含有事件处理属性（onload），存在安全风险/,
  );
  await screenshot(page, "desktop-resources-01-refused");
  const again = page.locator(".resource", { hasText: "全国科普日标识" });
  await again.locator("summary").click();
  await again.locator('input[type="file"]').setInputFiles({ name: "全国科普日标识.svg", mimeType: "image/svg+xml", buffer: clean });
  await Promise.all([page.waitForNavigation(), again.locator(".upload-form button").click()]);
  assert.match(await page.locator("#resource-notice").innerText(), /文件已上传/);
  const uploaded = page.locator(".resource", { hasText: "全国科普日标识" });
  await uploaded.locator("summary").click();
  await Promise.all([page.waitForNavigation(), uploaded.locator('button:has-text("发布")').click()]);
  assert.match(await page.locator("#resource-notice").innerText(), /已发布/);
  assert.deepEqual(await axeViolations(page), [], "the page passes axe");
  await screenshot(page, "desktop-resources-02-published");
  // The same administrator's page on a phone, the management form open.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator(".resource", { hasText: "全国科普日标识" }).locator("summary").click();
  assert.deepEqual(await axeViolations(page), [], "the phone page passes axe");
  await screenshot(page, "phone-resources-02-manage");
  await context.close();
});

for (const size of viewports) {
  test(`a visitor downloads the logo under its Chinese name (${size.name})`, async () => {
    const context = await browser.newContext({ ...size, locale: "zh-CN", acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await Promise.all([page.waitForNavigation(), page.click("#resources-link")]);
    await page.fill("#resource-q", "标识");
    await Promise.all([page.waitForNavigation(), page.click('form[role="search"] button')]);
    assert.match(await page.locator("#resource-count").innerText(), /共 1 项资源/);
    assert.match(await page.locator("#resource-list").innerText(), /使用规范：请勿改变标识的比例和颜色/);
    assert.equal(await page.locator("text=新建资源").count(), 0, "the public sees no management form");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(".download-link")]);
    assert.equal(download.suggestedFilename(), "全国科普日标识.svg");
    const chunks = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk);
    assert.deepEqual(Buffer.concat(chunks), clean, "the file as uploaded");
    assert.deepEqual(await axeViolations(page), [], "the page passes axe");
    await screenshot(page, `${size.name}-resources-03-public`);
    await context.close();
  });
}
