// The video contest in a browser: an entrant on a phone and on a desktop logs in by SMS,
// opens the contest, starts the 报名表 and fills it through the form alone; a 4:3 video is
// refused next to its field with the reason, a good one uploads with a progress bar and
// shows its measured size and length; the signed form is uploaded; submitting with a field
// left empty says so beside it, with nothing typed lost; then the entry is submitted. The
// printable form carries what was typed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, viewports, screenshot, logIn, axeViolations, mp4File, pdfFile, chinaDay, apiCaller } from "./helpers.mjs";

let server;
const api = apiCaller(() => server);
let browser;
let contestId;
const admin = "13900000701";
const entrants = { phone: "13800138701", desktop: "13800138702" };

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.run(["user", "add", "--phone", admin, "--name", "三门峡市科协", "--role", "city_admin", "--region", "411200"]);
  const token = await server.run(["token", "issue", "--phone", admin]);
  const contest = await api(token, "POST", "/api/v1/contests", {
    name: "三门峡市科普视频征集与展播",
    region_code: "411200",
    submit_from: chinaDay(-1),
    submit_to: chinaDay(14),
  });
  contestId = contest.id;
  await api(token, "POST", `/api/v1/contests/${contestId}/status`, { status: "open" });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const titles = { phone: "黄河湿地的冬候鸟", desktop: "天鹅湖的冬天" };

viewports.forEach((size, index) => {
  test(`an entrant fills the 报名表, is told why a 4:3 video is refused, and submits (${size.name})`, async () => {
    const shot = (page, step) => screenshot(page, `${size.name}-contest-${step}`);
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    await logIn(page, server, entrants[size.name], "刘莎");

    await page.goto(`${server.baseUrl}/contests/${contestId}`);
    assert.equal(await page.locator("#contest-name").innerText().then((t) => t.startsWith("三门峡市科普视频征集与展播")), true);
    assert.match(await page.locator("#file-rules").innerText(), /16:9，1080p 及以上，时长 180—300 秒，不超过 300 MB/);
    assert.deepEqual(await axeViolations(page), [], "the contest page passes axe");
    await shot(page, "01-rules");
    await Promise.all([page.waitForNavigation(), page.click("#new-entry")]);
    assert.match(page.url(), /\/contests\/\d+\/entries\/\d+$/);
    assert.equal(await page.locator("#entry-status").innerText(), "草稿");

    // The form, typed as a person would.
    await page.fill("#title", titles[size.name]);
    await page.selectOption("#field", "生态保护");
    await page.check('input[name=entry_mode][value=self]');
    await page.fill("#person_name", "刘莎");
    await page.selectOption("#region_code", "411202");
    await page.fill("#authors", "刘莎，三门峡市广播电视台\n王强");
    await page.fill("#contact_name", "刘莎");
    await page.fill("#contact_phone", "0398-2977619");
    await page.fill("#introduction", "白天鹅为何选择三门峡越冬：湿地、水温与食物。");
    await page.fill("#innovation", "航拍与动画结合");
    // 传播效果 left empty for now.

    // A 4:3 video: refused beside the field, with the reason.
    await page.setInputFiles("#video-file", mp4File(240, 1440, 1080, { created: new Date("2025-06-01T00:00:00Z"), name: "四比三.mp4" }));
    await page.waitForFunction(() => document.querySelector("#video-file-error").textContent.length > 0);
    assert.equal(await page.locator("#video-file-error").innerText(), "画幅比例须为 16:9（此视频显示为 1440×1080）");
    assert.equal(await page.locator("#video-file").getAttribute("aria-invalid"), "true");
    await shot(page, "02-refused");
    // A good one, with its progress bar.
    await page.setInputFiles("#video-file", mp4File(240, 1920, 1080, { created: new Date("2025-06-01T00:00:00Z"), payload: 2_000_000 + index }));
    await page.waitForFunction(() => document.querySelector("#video-file-done").textContent.startsWith("已上传"));
    assert.equal(await page.locator("#video-file-done").innerText(), "已上传：1920×1080，4分0秒（保存后生效）");
    assert.equal(await page.locator("#video-file-progress").getAttribute("value"), "100");
    assert.equal(await page.locator("#video-file-error").innerText(), "");
    await page.setInputFiles("#signed_form-file", pdfFile());
    await page.waitForFunction(() => document.querySelector("#signed_form-file-done").textContent.startsWith("已上传"));
    await shot(page, "03-uploaded");

    // Submitting without the pledge and 传播效果: each said beside its field, nothing lost.
    await Promise.all([page.waitForNavigation(), page.click("#submit-entry")]);
    assert.equal(await page.locator("#reach-error").innerText(), "请填写传播效果");
    assert.equal(await page.locator("#pledge-error").innerText(), "请阅读并确认作者承诺");
    assert.equal(await page.locator("#title").inputValue(), titles[size.name]);
    assert.equal(await page.locator("#authors").inputValue(), "刘莎，三门峡市广播电视台\n王强");
    assert.equal(await page.locator("#entry-status").innerText(), "草稿");
    assert.match(await page.locator("#video-file-done").innerText(), /1920×1080/, "the video stayed named");
    assert.deepEqual(await axeViolations(page), [], "the form with its errors passes axe");
    await shot(page, "04-problems");

    await page.fill("#reach", "抖音播放十万次");
    await page.check("#pledge");
    await Promise.all([page.waitForNavigation(), page.click("#submit-entry")]);
    assert.equal(await page.locator("#entry-status").innerText(), "已提交", await page.content());
    assert.equal(await page.locator("#form-notice").innerText(), "已提交报名，请等待形式审查");
    assert.equal(await page.locator("#submit-entry").count(), 0, "a submitted entry is no longer edited");
    await shot(page, "05-submitted");

    await page.click("#print-link");
    await page.waitForSelector("#form-title");
    assert.equal(await page.locator("#form-title").innerText(), titles[size.name]);
    assert.equal(await page.locator("#form-duration").innerText(), "240 秒");
    await shot(page, "06-print");
    await context.close();
  });
});

test("a unit's member enters in unit mode, naming the producing units through the form (desktop)", async () => {
  const size = viewports.find((v) => v.name === "desktop");
  const shot = (page, step) => screenshot(page, `${size.name}-contest-unit-${step}`);
  // The member's unit of 陕州区 and a studio that co-produced the work, both registered.
  const member = "13800138703";
  await server.run(["user", "add", "--phone", member, "--name", "王强"]);
  const memberToken = await server.run(["token", "issue", "--phone", member]);
  await api(memberToken, "POST", "/api/v1/orgs", { name: "陕州区融媒体中心", kind: "other", region_code: "411203" });
  await server.run(["user", "add", "--phone", "13800138704", "--name", "周制"]);
  const studioToken = await server.run(["token", "issue", "--phone", "13800138704"]);
  await api(studioToken, "POST", "/api/v1/orgs", { name: "三门峡黄河动画工作室", kind: "other", region_code: "411202" });

  const context = await browser.newContext({ ...size, locale: "zh-CN" });
  const page = await context.newPage();
  await logIn(page, server, member, "王强");
  await page.goto(`${server.baseUrl}/contests/${contestId}`);
  await Promise.all([page.waitForNavigation(), page.click("#new-entry")]);
  await page.fill("#title", "地坑院的秘密");
  await page.selectOption("#field", "生态保护");
  await page.check('input[name=entry_mode][value=unit]');
  await page.selectOption("#unit_id", { label: "陕州区融媒体中心" });
  await page.fill("#authors", "王强，陕州区融媒体中心\n周制，三门峡黄河动画工作室");
  // An unknown unit is refused beside the field, with nothing typed lost.
  await page.fill("#producing_units", "陕州区融媒体中心\n不存在的工作室");
  await Promise.all([page.waitForNavigation(), page.click("#save-entry")]);
  assert.equal(await page.locator("#producing_units-error").innerText(), "单位库中没有“不存在的工作室”；请核对名称");
  assert.equal(await page.locator("#producing_units").inputValue(), "陕州区融媒体中心\n不存在的工作室");
  assert.equal(await page.locator("#title").inputValue(), "地坑院的秘密");
  // The studio first: the first producing unit must be the recommending one (at submit).
  await page.fill("#producing_units", "三门峡黄河动画工作室\n陕州区融媒体中心");
  await page.fill("#contact_name", "王强");
  await page.fill("#contact_phone", "13800138703");
  await page.fill("#introduction", "地坑院冬暖夏凉的物理原理。");
  await page.fill("#innovation", "三维动画剖面");
  await page.fill("#reach", "快手播放五万次");
  await page.check("#pledge");
  await page.setInputFiles("#video-file", mp4File(240, 1920, 1080, { created: new Date("2025-06-01T00:00:00Z"), payload: 3_000_000 }));
  await page.waitForFunction(() => document.querySelector("#video-file-done").textContent.startsWith("已上传"));
  await page.setInputFiles("#signed_form-file", pdfFile());
  await page.waitForFunction(() => document.querySelector("#signed_form-file-done").textContent.startsWith("已上传"));
  await Promise.all([page.waitForNavigation(), page.click("#submit-entry")]);
  assert.equal(await page.locator("#producing_units-error").innerText(), "多家单位共同制作的作品只能由第一制作单位推荐：第一制作单位须为推荐单位");
  assert.equal(await page.locator("#entry-status").innerText(), "草稿");
  assert.deepEqual(await axeViolations(page), [], "the unit form with its error passes axe");
  await shot(page, "01-first-unit");
  await page.fill("#producing_units", "陕州区融媒体中心\n三门峡黄河动画工作室");
  await Promise.all([page.waitForNavigation(), page.click("#submit-entry")]);
  assert.equal(await page.locator("#entry-status").innerText(), "已提交", await page.locator("main").innerText());
  await shot(page, "02-submitted");
  await page.click("#print-link");
  await page.waitForSelector("#form-title");
  assert.match(await page.locator("body").innerText(), /制作单位\s*陕州区融媒体中心\s*三门峡黄河动画工作室/);
  await shot(page, "03-print");
  await context.close();
});
