// D1 Sessions API through the Worker's real fetch handler: every answer that used D1 carries the
// session's bookmark (header; cookie for browsers), a client's bookmark is honoured, garbage is
// ignored, and a read with the bookmark of a write sees that write.
import { describe, expect, it } from "vitest";
import { BOOKMARK_COOKIE, BOOKMARK_HEADER } from "../src/middleware/d1-session";
import { call, json, sampleReport, tokenFor, USERS } from "./helpers/api";
import { signIn } from "./helpers/web";

const SHAPE = /^[0-9a-f]{8}(?:-[0-9a-f]{8,64}){1,7}$/;

function bookmarkOf(res: Response): string {
  const b = res.headers.get(BOOKMARK_HEADER);
  expect(b, "x-d1-bookmark").toMatch(SHAPE);
  return b!;
}

/** The `sogd_d1` cookie a response sets, or null. */
function bookmarkCookie(res: Response): string | null {
  const cookie = res.headers.getSetCookie().find((v) => v.startsWith(`${BOOKMARK_COOKIE}=`));
  return cookie ?? null;
}

describe("D1 sessions: bookmarks", () => {
  it("an API answer carries the bookmark in a header, and a bearer client gets no cookie", async () => {
    const token = await tokenFor(USERS.specialist);
    const res = await call("/api/v1/me", { token });
    expect(res.status).toBe(200);
    bookmarkOf(res);
    expect(bookmarkCookie(res)).toBeNull();
  });

  it("pages carry it in an HttpOnly, SameSite=Lax cookie on path / (Secure only over https)", async () => {
    const session = await signIn(USERS.quan6, "10.77.0.1");
    const res = await call("/app/reports", { headers: { cookie: session } });
    expect(res.status).toBe(200);
    const b = bookmarkOf(res);
    const cookie = bookmarkCookie(res);
    expect(cookie).toContain(`${BOOKMARK_COOKIE}=${b}`);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // the tests run over http

    // Carried back, it is honoured; the answer's bookmark is never older than the client's.
    const again = await call("/app/reports", { headers: { cookie: `${session}; ${BOOKMARK_COOKIE}=${b}` } });
    expect(again.status).toBe(200);
    expect(bookmarkOf(again) >= b).toBe(true);
  });

  it("over https the cookie is Secure", async () => {
    const session = await signIn(USERS.tanPhu, "10.77.0.2");
    // call() always uses http; build the https request by hand.
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(new Request("https://127.0.0.1:8787/app/reports", { headers: { cookie: session }, redirect: "manual" }));
    expect(res.status).toBe(200);
    expect(bookmarkCookie(res)).toMatch(/; Secure/);
  });

  it("the sign-in that sets the session cookie also sets the bookmark cookie; a refused one sets none", async () => {
    const ok = await call("/api/v1/auth/login", { json: { email: USERS.director, password: "demo-password" }, headers: { "cf-connecting-ip": "10.77.0.3" } });
    expect(ok.status).toBe(200);
    const cookies = ok.headers.getSetCookie();
    expect(cookies[0]).toMatch(/^sogd_session=/);
    expect(cookies.some((c) => c.startsWith(`${BOOKMARK_COOKIE}=`))).toBe(true);
    const refused = await call("/api/v1/auth/login", { json: { email: USERS.director, password: "wrong-password" }, headers: { "cf-connecting-ip": "10.77.0.4" } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("set-cookie")).toBeNull();
    bookmarkOf(refused); // the attempt was counted in D1
  });

  it("a request with a valid bookmark works and returns an equal or later one", async () => {
    const token = await tokenFor(USERS.specialist);
    const first = bookmarkOf(await call("/api/v1/inbox", { token }));
    const res = await call("/api/v1/inbox", { token, headers: { [BOOKMARK_HEADER]: first } });
    expect(res.status).toBe(200);
    expect(bookmarkOf(res) >= first).toBe(true);
  });

  it("a malformed or oversized bookmark is ignored, never a 500", async () => {
    const token = await tokenFor(USERS.specialist);
    const session = await signIn(USERS.quan6, "10.77.0.5");
    for (const bad of [
      "garbage",
      "first-primary",
      "x".repeat(5000),
      `00000000-${"0".repeat(200)}`,
      "0000000G-00000000-00000000-00000000000000000000000000000000",
      "0000000A-00000000-00000000-00000000000000000000000000000000", // upper case would not sort with the rest
      "",
    ]) {
      const api = await call("/api/v1/me", { token, headers: { [BOOKMARK_HEADER]: bad } });
      expect(api.status, bad.slice(0, 30)).toBe(200);
      expect(bookmarkOf(api)).not.toBe(bad);
      const page = await call("/app/reports", { headers: { cookie: `${session}; ${BOOKMARK_COOKIE}=${encodeURIComponent(bad)}` } });
      expect(page.status, bad.slice(0, 30)).toBe(200);
      expect(bookmarkOf(page)).not.toBe(bad);
    }
  });

  it("a write followed by a read with the returned bookmark sees the write", async () => {
    const token = await tokenFor(USERS.quan6);
    const created = await call("/api/v1/reports", { token, json: { ...sampleReport, title: "Bài viết kiểm tra phiên D1" } });
    expect(created.status).toBe(201);
    const written = bookmarkOf(created);
    const { id } = await json<{ id: string }>(created);

    const read = await call(`/api/v1/reports/${id}`, { token, headers: { [BOOKMARK_HEADER]: written } });
    expect(read.status).toBe(200);
    expect((await json(read)).title).toBe("Bài viết kiểm tra phiên D1");
    expect(bookmarkOf(read) >= written).toBe(true);

    const listed = await call("/api/v1/reports?status=draft", { token, headers: { [BOOKMARK_HEADER]: written } });
    expect((await json<{ items: { id: string }[] }>(listed)).items.map((r) => r.id)).toContain(id);
  });

  it("answers that do not touch D1 (portal, API description) carry no bookmark, even when the client sends one", async () => {
    const token = await tokenFor(USERS.specialist);
    const b = bookmarkOf(await call("/api/v1/me", { token }));
    for (const path of ["/api/v1/openapi.json", "/portal/", "/healthz"]) {
      const res = await call(path, { headers: { cookie: `${BOOKMARK_COOKIE}=${b}`, [BOOKMARK_HEADER]: b } });
      expect(res.headers.get(BOOKMARK_HEADER), path).toBeNull();
      expect(bookmarkCookie(res), path).toBeNull();
    }
  });
});

describe("D1 sessions: review transitions", () => {
  it("a decision's answer carries a newer bookmark, and another client reading with it sees the decision", async () => {
    const { submittedReport } = await import("./helpers/review");
    const id = await submittedReport();
    const specialist = await tokenFor(USERS.specialist);
    const before = bookmarkOf(await call("/api/v1/me", { token: specialist }));
    const res = await call(`/api/v1/reports/${id}/decisions`, { method: "POST", token: specialist, json: { action: "approve", stage: "specialist" } });
    expect(res.status).toBe(200);
    const after = bookmarkOf(res);
    // Locally every query moves the bookmark on, so this shows the plumbing, not replica routing:
    // the route hands on the later of its session's bookmark and the ReportFlow projection's.
    expect(after > before).toBe(true);
    const deputy = await tokenFor(USERS.deputy);
    const read = await call(`/api/v1/reports/${id}`, { token: deputy, headers: { [BOOKMARK_HEADER]: after } });
    expect(read.status).toBe(200);
    expect((await json(read)).stage).toBe("deputy_head");
  });
});
