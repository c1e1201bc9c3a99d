// The dashboard's "Thời gian xử lý" section (/app/dashboard): the period chosen in dd/mm/yyyy, the
// grouping switch, the figures in Vietnamese number format in a responsive table, the download
// links for the same choice, and a wrong date shown beside its field.
import { beforeAll, describe, expect, it } from "vitest";
import { call, USERS } from "./helpers/api";
import { makeFixtures, TH_USERS } from "./helpers/metrics-fixtures";
import { signIn } from "./helpers/web";

let director: string;
beforeAll(async () => {
  await makeFixtures();
  director = await signIn(USERS.director, "10.77.0.1");
});

async function dashboard(cookie: string, query: string) {
  const res = await call(`/app/dashboard?${query}`, { headers: { cookie } });
  return { status: res.status, html: await res.text() };
}

/** The section's table rows as the cells' text, keyed by data-label. */
function rowsOf(html: string): Record<string, string>[] {
  const section = html.slice(html.indexOf('id="thoi-gian-xu-ly"'), html.indexOf('aria-label="Năm học"'));
  const body = section.slice(section.indexOf("<tbody>"), section.indexOf("</tbody>"));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((tr) => Object.fromEntries([...tr[1]!.matchAll(/<td[^>]*data-label="([^"]+)"[^>]*>(.*?)<\/td>/gs)].map((m) => [m[1]!, m[2]!.trim()])));
}

describe("/app/dashboard, Thời gian xử lý", () => {
  it("by stage for the chosen period, figures as Vietnamese numbers, the director's reports only", async () => {
    const { status, html } = await dashboard(director, "tu=20/01/2025&den=28/02/2025");
    expect(status).toBe(200);
    expect(html).toContain("Thời gian xử lý (giờ làm việc)");
    expect(html).toMatch(/<input id="tu" name="tu" type="text"[^>]*value="20\/01\/2025"/);
    expect(html).toMatch(/<input id="den" name="den" type="text"[^>]*value="28\/02\/2025"/);
    expect(html).toContain("Theo bước, từ 20/01/2025 đến 28/02/2025: 3 quyết định.");
    // A alone (test/metrics.test.ts): 12, 5.5 and 29.5 working hours.
    expect(rowsOf(html)).toEqual([
      { Bước: "Chuyên viên", "Số quyết định": "1", "Trung vị (giờ làm việc)": "12,0", "P90 (giờ làm việc)": "12,0", "Đúng hạn": "100,0%", "Trả lại": "0,0%" },
      { Bước: "Phó Trưởng phòng", "Số quyết định": "1", "Trung vị (giờ làm việc)": "5,5", "P90 (giờ làm việc)": "5,5", "Đúng hạn": "100,0%", "Trả lại": "0,0%" },
      { Bước: "Trưởng phòng", "Số quyết định": "1", "Trung vị (giờ làm việc)": "29,5", "P90 (giờ làm việc)": "29,5", "Đúng hạn": "0,0%", "Trả lại": "0,0%" },
    ]);
    expect(html).toContain('<a href="/app/dashboard?tu=20%2F01%2F2025&amp;den=28%2F02%2F2025&amp;theo=buoc#thoi-gian-xu-ly" aria-current="page">Theo bước</a>');
    expect(html).toContain('href="/api/v1/metrics/export?format=xlsx&amp;groupBy=stage&amp;from=2025-01-20&amp;to=2025-02-28"');
    expect(html).toContain('href="/api/v1/metrics/export?format=csv&amp;groupBy=stage&amp;from=2025-01-20&amp;to=2025-02-28"');
    expect(html).not.toMatch(/Minh Khai|Đỗ Văn Trung/);
  });

  it("by reviewer and by unit; the download links follow the choice and give the same file as the API", async () => {
    const reviewers = await dashboard(director, "tu=20/01/2025&den=28/02/2025&theo=nguoi-tham-dinh");
    expect(rowsOf(reviewers.html).map((r) => r["Người thẩm định"])).toEqual(["Cao Minh Quý", "Phạm Phương Bình", "Trần Thị Kim Thanh"]);
    const link = /href="(\/api\/v1\/metrics\/export\?format=csv[^"]*)"/.exec(reviewers.html)![1]!.replace(/&amp;/g, "&");
    expect(link).toContain("groupBy=reviewer");
    const file = await call(link, { headers: { cookie: director } });
    expect(file.status).toBe(200);
    expect(await file.text()).toContain("Phạm Phương Bình,1,12,12,100,0");
    const units = await dashboard(director, "tu=1/2/2025&den=28/2/2025&theo=don-vi");
    // 1 February on: A's three decisions (4 and 10 February).
    expect(rowsOf(units.html)).toEqual([{ "Đơn vị": "Trung tâm GDNN-GDTX Quận 6", "Số quyết định": "3", "Trung vị (giờ làm việc)": "12,0", "P90 (giờ làm việc)": "26,0", "Đúng hạn": "66,7%", "Trả lại": "0,0%" }]);
    expect(units.html).toMatch(/value="01\/02\/2025"/);
  });

  it("without a choice: the last 30 days filled in, computed only once asked (the landing page does not read every decision)", async () => {
    const { status, html } = await dashboard(director, "");
    expect(status).toBe(200);
    expect(html).toMatch(/<input id="tu"[^>]*value="\d{2}\/\d{2}\/\d{4}"/);
    expect(html).toContain("Chọn khoảng thời gian rồi bấm “Xem” để tính thời gian xử lý");
    expect(html).not.toContain("Không có quyết định nào trong khoảng thời gian này");
    expect(html).not.toContain("Tải về Excel");
    // No grouping is shown as current while nothing is computed.
    expect(html).not.toMatch(/#thoi-gian-xu-ly" aria-current="page"/);
    const tu = html.match(/<input id="tu"[^>]*value="([^"]+)"/)![1]!;
    const den = html.match(/<input id="den"[^>]*value="([^"]+)"/)![1]!;
    const asked = await dashboard(director, `tu=${encodeURIComponent(tu)}&den=${encodeURIComponent(den)}`);
    expect(asked.status).toBe(200);
    expect(asked.html).toContain("Không có quyết định nào trong khoảng thời gian này ở các báo cáo bạn được xem.");
  });

  it("a wrong date: 422, the message beside the field, no figures", async () => {
    const bad = await dashboard(director, "tu=31/02/2025&den=28/02/2025");
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/<p class="error" id="tu-error" role="alert">Ngày không hợp lệ \(dạng dd\/mm\/yyyy\)<\/p>/);
    expect(bad.html).toMatch(/<input id="tu"[^>]*value="31\/02\/2025"[^>]*aria-invalid="true"/);
    expect(bad.html).not.toContain("/api/v1/metrics/export");
    const notDates = await dashboard(director, "tu=hôm qua&den=2025-02-10T10:00");
    expect(notDates.status).toBe(422);
    expect(notDates.html).toMatch(/<p class="error" id="tu-error" role="alert">Ngày không hợp lệ \(dạng dd\/mm\/yyyy\)<\/p>/);
    expect(notDates.html).toMatch(/<p class="error" id="den-error" role="alert">Ngày không hợp lệ \(dạng dd\/mm\/yyyy\)<\/p>/);
    const reversed = await dashboard(director, "tu=28/02/2025&den=01/02/2025");
    expect(reversed.status).toBe(422);
    expect(reversed.html).toContain("Ngày bắt đầu phải trước ngày kết thúc");
  });

  it("the other division's director sees their own division's figures", async () => {
    const th = await signIn(TH_USERS.director.email, "10.77.0.2");
    const { html } = await dashboard(th, "tu=20/01/2025&den=28/02/2025&theo=don-vi");
    expect(rowsOf(html).map((r) => r["Đơn vị"])).toEqual(["Trường THPT Nguyễn Thị Minh Khai"]);
  });

  it("the school year chosen above is kept by the section's links and form", async () => {
    const { html } = await dashboard(director, "nam-hoc=2024&tu=20/01/2025&den=28/02/2025");
    expect(html).toContain('<input type="hidden" name="nam-hoc" value="2024"/>');
    expect(html).toContain("/app/dashboard?nam-hoc=2024&amp;tu=20%2F01%2F2025&amp;den=28%2F02%2F2025&amp;theo=don-vi#thoi-gian-xu-ly");
  });
});
