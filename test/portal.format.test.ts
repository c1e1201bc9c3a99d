import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { viDate, viDateTime, viNumber, viPercent } from "../src/portal/format";
import { renderMarkdown } from "../src/portal/markdown";
import { Article } from "../src/portal/views/article";
import { toDocument } from "../src/portal/views/layout";

describe("Vietnamese formats", () => {
  it.each([
    [13184, 0, "13.184"],
    [13001, 0, "13.001"],
    [1234567, 0, "1.234.567"],
    [98.6, 1, "98,6"],
    [0, 0, "0"],
  ])("%d -> %s", (n, digits, out) => expect(viNumber(n, digits)).toBe(out));

  it("percentages and dates", () => {
    expect(viPercent(98.6)).toBe("98,6%");
    expect(viPercent(100)).toBe("100%");
    expect(viDate("2024-01-23")).toBe("23/01/2024");
    // 17:30 UTC is 00:30 the next day in Vietnam.
    expect(viDate("2024-01-22T17:30:00.000Z")).toBe("23/01/2024");
    expect(viDateTime("2024-01-22T17:30:00.000Z")).toBe("23/01/2024 00:30");
  });

  it("agrees with the Asia/Ho_Chi_Minh time zone database for any moment from 1976 to 2100", () => {
    const date = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
    const time = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hour12: false });
    const moments = fc.integer({ min: Date.UTC(1976, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(moments, (d) => {
        const iso = d.toISOString();
        expect(viDate(iso)).toBe(date.format(d));
        expect(viDateTime(iso)).toBe(`${date.format(d)} ${time.format(d)}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("Markdown on the portal", () => {
  it("renders Markdown and escapes raw HTML", () => {
    const html = renderMarkdown("**Đậm** và <b onclick=x>thẻ</b>\n\n- một\n- hai");
    expect(html).toContain("<strong>Đậm</strong>");
    expect(html).toContain("&lt;b onclick=x&gt;");
    expect(html).toContain("<li>một</li>");
  });

  it("refuses unsafe link targets and hot-linked images; outside links open safely", () => {
    expect(renderMarkdown("[a](javascript:alert(1))")).not.toContain("href");
    expect(renderMarkdown("[a](data:text/html;base64,xx)")).not.toContain("href");
    expect(renderMarkdown("![x](https://evil.example/x.png)")).not.toContain("<img");
    expect(renderMarkdown("[Sở](https://hcm.edu.vn)")).toContain('rel="noopener noreferrer nofollow"');
  });

  it("a periodic report's figures read as Vietnamese numbers on its page", async () => {
    const html = await toDocument(
      Article({
        title: "Báo cáo",
        summary: null,
        bodyHtml: "",
        eventDate: null,
        location: null,
        unitName: "Trung tâm GDNN-GDTX Quận 6",
        attendees: [],
        figures: [],
        results: { period: "Học kì I", enrolled: 13184, completed: 13001, rate: 98.6 },
        sourceUrl: null,
        approvals: [],
        publishedAt: "2024-01-25T02:00:00.000Z",
        updatedAt: null,
        canonical: "http://127.0.0.1:8787/portal/x/",
      }),
    );
    expect(html).toContain("13.184 học viên tham gia, 13.001 hoàn thành, đạt tỷ lệ 98,6%");
    expect(html.startsWith("<!doctype html><html lang=\"vi\">")).toBe(true);
  });
});
