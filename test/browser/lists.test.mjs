// Issue 15 points 3 and 8 in a real browser: the menu's counts ("Chờ thẩm định (n)", "Bị trả lại
// (n)"), the reports list's and inbox's search and filters used as a person would (labels and
// button names only), the empty result's "Xoá bộ lọc", dashboard tiles as links; axe-core at 1366
// and 390 px (zero serious or critical). Screenshots go to test/artifacts/lists-*.png.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startWorker } from "../../scripts/local-worker.mjs";
import { ARTIFACTS, assertNoSeriousAxe, launchBrowser, signIn } from "./harness.mjs";

const WIDTHS = [1366, 390];

let server;
let browser;

const signedIn = (email, width = 1366) => signIn(browser, server.base, email, { viewport: { width, height: 900 }, locale: "en-US", timezoneId: "Asia/Ho_Chi_Minh", bypassCSP: true });

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}lists-${name}.png`, fullPage: true });

const axe = assertNoSeriousAxe;

/** Creates and submits a report through the API, as the author's session. */
async function submitted(email, kind, title) {
  const page = await signedIn(email);
  const result = await page.evaluate(
    async ({ kind, title }) => {
      const create = await fetch("/api/v1/reports", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind, title, body: `${title}. Nội dung chi tiết.` }) });
      const r = await create.json();
      const sent = await fetch(`/api/v1/reports/${r.id}/submit`, { method: "POST" });
      return { id: r.id, status: sent.status };
    },
    { kind, title },
  );
  await page.context().close();
  assert.equal(result.status, 200, `submit ${title}`);
  return result.id;
}

const tableTitles = (page) => page.locator("main table tbody td[data-label='Tiêu đề'] a").allTextContents();

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startWorker(8792);
  browser = await launchBrowser("vi-VN");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("lists: counts and filters", () => {
  let returnedId;

  it("reports wait: the specialist's menu counts them, the author's menu counts what came back", async () => {
    await submitted("quan6@trungtam.example", "news", "Hội thảo đổi mới phương pháp dạy học");
    await submitted("quan6@trungtam.example", "event", "Hội nghị tổng kết năm học Quận 6");
    await submitted("tanphu@trungtam.example", "news", "Ngày hội đọc sách quận Tân Phú");
    returnedId = await submitted("quan6@trungtam.example", "news", "Tin cần bổ sung ảnh");

    const specialist = await signedIn("chuyenvien@sogd.example");
    await specialist.goto(`${server.base}/app/reports/${returnedId}`);
    // The decision form: "Trả lại" with a comment (its name may vary; the button is found by role).
    await specialist.locator("#comment").fill("Đề nghị bổ sung ảnh hoạt động.");
    await specialist.locator("button[name=action][value=return]").click();
    await specialist.waitForURL(/\/app\/inbox/);
    const menu = specialist.getByRole("navigation", { name: "Chức năng" });
    await assert.doesNotReject(menu.getByRole("link", { name: "Chờ thẩm định (3)" }).waitFor());
    await specialist.context().close();

    for (const width of WIDTHS) {
      const author = await signedIn("quan6@trungtam.example", width);
      const link = author.getByRole("navigation", { name: "Chức năng" }).getByRole("link", { name: "Bị trả lại (1)" });
      await link.click();
      await author.waitForURL(/status=returned/);
      assert.deepEqual(await tableTitles(author), ["Tin cần bổ sung ảnh"]);
      await axe(author, `author returned list at ${width}`);
      await shot(author, `author-returned-${width}`);
      await author.context().close();
    }
  });

  it("the specialist searches without diacritics and filters by unit, kind and date, at both widths", async () => {
    const today = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date());
    for (const width of WIDTHS) {
      const page = await signedIn("chuyenvien@sogd.example", width);
      await page.getByRole("navigation", { name: "Chức năng" }).getByRole("link", { name: /^Báo cáo$/ }).click();
      await page.getByLabel("Tìm kiếm", { exact: true }).fill("doi moi phuong phap");
      await page.getByRole("button", { name: "Lọc" }).click();
      await page.waitForURL(/q=doi/);
      assert.deepEqual(await tableTitles(page), ["Hội thảo đổi mới phương pháp dạy học"]);

      await page.getByLabel("Tìm kiếm", { exact: true }).fill("");
      // The unit is typed by name (accents optional); its field suggests the covered units' names.
      await page.getByLabel("Đơn vị", { exact: true }).fill("quan 6");
      await page.waitForFunction(() => [...document.querySelectorAll("#donvi-goi-y option")].some((o) => o.value === "Trung tâm GDNN-GDTX Quận 6"));
      await page.getByLabel("Loại báo cáo").selectOption({ label: "Hội nghị, sự kiện" });
      await page.getByLabel("Từ ngày").fill(today);
      await page.getByLabel("Đến ngày").fill(today);
      await page.getByRole("button", { name: "Lọc" }).click();
      await page.waitForURL(/kind=event/);
      assert.deepEqual(await tableTitles(page), ["Hội nghị tổng kết năm học Quận 6"]);
      assert.equal(await page.getByLabel("Từ ngày").inputValue(), today);
      assert.equal(await page.getByLabel("Đơn vị", { exact: true }).inputValue(), "Trung tâm GDNN-GDTX Quận 6");
      await axe(page, `reports list with filters at ${width}`);
      await shot(page, `reports-filtered-${width}`);

      // Nothing matches: said so, and "Xoá bộ lọc" brings everything back.
      await page.getByLabel("Tìm kiếm", { exact: true }).fill("khong co bao cao nay");
      await page.getByRole("button", { name: "Lọc" }).click();
      await page.waitForURL(/khong/);
      assert.match(await page.textContent("main"), /Không có báo cáo nào khớp với bộ lọc/);
      await axe(page, `empty result at ${width}`);
      await shot(page, `reports-empty-${width}`);
      await page.getByRole("link", { name: "Xoá bộ lọc" }).first().click();
      await page.waitForURL((url) => url.search === "");
      assert.ok((await tableTitles(page)).length >= 3);
      await page.context().close();
    }
  });

  it("the inbox: search, sort by newest, the scope kept; a wrong date is marked on its field", async () => {
    for (const width of WIDTHS) {
      const page = await signedIn("chuyenvien@sogd.example", width);
      await page.goto(`${server.base}/app/inbox`);
      await page.getByRole("link", { name: /^Tất cả \(\d+\)$/ }).click();
      await page.getByLabel("Tìm kiếm", { exact: true }).fill("hoi");
      await page.getByLabel("Sắp xếp").selectOption({ label: "Mới gửi nhất" });
      await page.getByRole("button", { name: "Lọc" }).click();
      await page.waitForURL(/sort=new/);
      assert.match(page.url(), /scope=all/);
      const newest = await tableTitles(page);
      assert.deepEqual(newest.slice(0, 2), ["Ngày hội đọc sách quận Tân Phú", "Hội nghị tổng kết năm học Quận 6"]);
      await page.getByLabel("Sắp xếp").selectOption({ label: "Hạn gần nhất" });
      await page.getByRole("button", { name: "Lọc" }).click();
      await page.waitForURL(/sort=due/);
      assert.deepEqual(await tableTitles(page), [...newest].reverse());
      await axe(page, `inbox with filters at ${width}`);
      await shot(page, `inbox-filtered-${width}`);

      await page.getByLabel("Từ ngày").fill("31/02/2024");
      await page.getByRole("button", { name: "Lọc" }).click();
      await page.waitForURL(/from=31/);
      assert.equal(await page.getByLabel("Từ ngày").getAttribute("aria-invalid"), "true");
      assert.match(await page.textContent("#from-error"), /\S/);
      await axe(page, `inbox with a wrong date at ${width}`);
      await page.context().close();
    }
  });

  it("the admin's dashboard tiles open the lists they count", async () => {
    for (const width of WIDTHS) {
      const page = await signedIn("admin@sogd.example", width);
      await page.goto(`${server.base}/app/dashboard`);
      await axe(page, `dashboard at ${width}`);
      await shot(page, `dashboard-${width}`);
      await page.locator("a.stat", { hasText: "Chuyên viên" }).click();
      await page.waitForURL(/status=in_review/);
      assert.ok((await tableTitles(page)).includes("Hội thảo đổi mới phương pháp dạy học"));
      await page.context().close();
    }
  });
});
