// Security headers on every kind of answer: pages, API, errors, the portal.
import { describe, expect, it } from "vitest";
import { call, createReport, tokenFor, USERS } from "./helpers/api";

describe("security headers", () => {
  it.each([
    ["portal 404 page", "/portal/khong-co"],
    ["portal redirect", "/portal"],
    ["app sign-in page", "/app/login"],
    ["API reference page", "/api/v1/docs"],
    ["OpenAPI document", "/api/v1/openapi.json"],
    ["API error", "/api/v1/me"],
    ["unknown route", "/khong-co"],
  ])("%s carries CSP (no inline scripts), nosniff, Referrer-Policy and frame-ancestors", async (_what, path) => {
    const res = await call(path);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
    // Styles come from our static files only: an injected <style> or style attribute is not applied.
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("signed-in pages carry them too, and are not cached", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: "Tiêu đề kiểm tra tiêu đề HTTP" });
    const res = await call(`/api/v1/reports/${r.id}`, { token });
    expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("pages link the stylesheet and carry no inline style (the CSP would drop it)", async () => {
    const { signIn } = await import("./helpers/web");
    const admin = await signIn(USERS.admin, "10.8.0.1");
    const director = await signIn(USERS.director, "10.8.0.2");
    const author = await signIn(USERS.quan6, "10.8.0.3");
    const pages: [string, string | undefined][] = [
      ["/app/login", undefined],
      ["/portal/khong-co", undefined],
      ["/app/dashboard", director],
      ["/app/reports", author],
      ["/app/reports/new", author],
      ["/app/inbox", director],
      ["/app/users", admin],
      ["/app/units", admin],
      ["/app/admin/calendar", admin],
      ["/app/notifications", admin],
    ];
    for (const [path, cookie] of pages) {
      const res = await call(path, cookie ? { headers: { cookie } } : {});
      expect(res.status, path).toBeLessThan(500);
      const html = await res.text();
      expect(html, path).toMatch(/<link rel="stylesheet" href="\/(app|portal)\/assets\/(app|portal)\.css\?v=[0-9a-f]{12}"/);
      expect(html, path).not.toMatch(/<style[\s>]/i);
      expect(html, path).not.toMatch(/\sstyle=/i);
    }
  });

  it("no page under /app or /portal carries an inline script", async () => {
    for (const path of ["/app/login", "/portal/khong-co"]) {
      const html = await (await call(path)).text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });
});
