// Before anything is published (a fresh installation: `npm start`, then the portal's address), the
// portal's front page is an empty listing, not a "page not found": its object is written with the
// first publication, and until then the route makes it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers/api";

describe("the portal before its first publication", () => {
  it("/portal/ is an empty front page, and the site's root leads there", async () => {
    expect(await env.BUCKET.head("portal/index.html")).toBeNull();
    const res = await call("/portal/");
    const text = await res.text();
    expect(res.status, text.slice(0, 200)).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    // Not kept by a cache past the first publication, which writes the real front page.
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(text).toContain('<html lang="vi"');
    expect(text).toContain("<h1>Tin tức</h1>");
    expect(text).toContain("Chưa có tin bài.");
    expect(text).not.toContain("Không tìm thấy trang");

    const root = await call("/");
    expect([301, 302, 303, 307, 308]).toContain(root.status);
    expect(new URL(root.headers.get("location")!, "http://x").pathname).toBe("/portal/");
    // Pages under the portal that nothing wrote are still a 404.
    expect((await call("/portal/bai-viet/chua-co/")).status).toBe(404);
  });
});
