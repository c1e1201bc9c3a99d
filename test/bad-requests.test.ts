// Bad requests get a 4xx, never a 5xx or a dropped connection: the web pages (/app) and the API
// (/api/v1), with malformed bodies, oversized and chunked bodies, odd headers and paths. Private
// answers are never cached. An Idempotency-Key on a multipart upload survives a new boundary.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES } from "../src/domain/images";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { PNG } from "./helpers/publish";
import { submittedReport } from "./helpers/review";
import { DEMO_PASSWORD } from "./helpers/seed";
import { csrfOf, formPost, ORIGIN, signIn } from "./helpers/web";

const uniq = () => crypto.randomUUID().slice(0, 8);




/** A body sent as a stream, so without Content-Length (chunked); counts what the Worker read of it. */
function counted(total: number, chunk = 64 * 1024) {
  const state = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (state.pulled >= total) return ctrl.close();
      const n = Math.min(chunk, total - state.pulled);
      state.pulled += n;
      ctrl.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
  return { body, state };
}

const reportCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>())!.n;

describe("web: bad requests are 4xx", () => {
  it("an unauthenticated POST with a relative, unparsable or foreign Referer goes to sign-in", async () => {
    const cases: [string, string][] = [
      ["/app/x", "/app/login?next=%2Fapp%2Fx"],
      ["::not a url::", "/app/login?next=%2Fapp"],
      ["https://evil.example/app/reports", "/app/login?next=%2Fapp"],
    ];
    for (const [referer, location] of cases) {
      const res = await call("/app/reports/new", { body: "a=b", headers: { "content-type": "application/x-www-form-urlencoded", referer } });
      expect(res.status, referer).toBe(303);
      expect(res.headers.get("location")).toBe(location);
    }
  });

  it("a malformed multipart body on the sign-in form is a 400", async () => {
    const bodies: [string, string][] = [
      ["multipart/form-data; boundary=zzz", "garbage"],
      ["multipart/form-data", "garbage"],
      ["multipart/form-data; boundary=zzz", '--zzz\r\nContent-Disposition: form-data; name="email"\r\n\r\nquan6@trungtam.example'],
    ];
    for (const [type, body] of bodies) {
      const res = await call("/app/login", { body, headers: { "content-type": type, "cf-connecting-ip": "10.60.0.1" } });
      await expectProblem(res, 400, "malformed-request");
    }
  });

  it("a malformed multipart body on a signed-in form is a 400 and writes nothing", async () => {
    const cookie = await signIn(USERS.quan6, "10.60.0.2");
    const before = await reportCount();
    const res = await call("/app/reports/new", { body: "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx", headers: { cookie, origin: ORIGIN, "content-type": "multipart/form-data; boundary=b" } });
    await expectProblem(res, 400, "malformed-request");
    expect(await reportCount()).toBe(before);
  });

  it("a 600 KB stage on the decision form is refused, and nothing of it reaches a header", async () => {
    const id = await submittedReport({ title: `Bước quá dài ${uniq()}` });
    const cookie = await signIn(USERS.specialist, "10.60.0.3");
    const csrf = await csrfOf(cookie, `/app/reports/${id}`);
    const huge = await call(`/app/reports/${id}/decide`, formPost(cookie, { _csrf: csrf, action: "approve", stage: "x".repeat(600_000) }));
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(huge.headers.get("location")).toBeNull();
    // A stage the schema refuses is named in the notice, never echoed.
    const odd = await call(`/app/reports/${id}/decide`, formPost(cookie, { _csrf: csrf, action: "approve", stage: `specialist\r\nX-Injected: 1${"y".repeat(5000)}` }));
    expect(odd.status).toBe(303);
    const location = odd.headers.get("location")!;
    expect(location.length).toBeLessThan(500);
    expect(decodeURIComponent(location)).not.toContain("yyyy");
    expect(decodeURIComponent(location)).toContain("Mã bước không hợp lệ");
    const row = await env.DB.prepare("SELECT stage FROM reports WHERE id = ?").bind(id).first<{ stage: string }>();
    expect(row!.stage).toBe("specialist");
  });

  it("every web form field is bounded before a page sees it", async () => {
    const cookie = await signIn(USERS.quan6, "10.60.0.4");
    const csrf = await csrfOf(cookie, "/app/reports/new?kind=news");
    const res = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, kind: "x".repeat(50_000), title: "Tiêu đề", body: "Nội dung" }));
    const body = await expectProblem(res, 422, "validation-failed");
    expect(body.errors[0].path).toBe("kind");
    // `next` after sign-in is a redirect target: a long one is not used.
    const login = await call("/app/login", { body: new URLSearchParams({ email: USERS.tanPhu, password: DEMO_PASSWORD, next: `/app/${"a".repeat(5000)}` }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "10.60.0.5" } });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/app");
  });

  it("a path that cannot be ours (CR/LF, NUL) is a 404 page, not a broken redirect", async () => {
    const cookie = await signIn(USERS.director, "10.60.0.6");
    const csrf = await csrfOf(cookie, "/app/inbox");
    for (const path of ["/app/reports/%0d%0aX-Injected:%201/unpublish", "/app/reports/%00/unpublish", "/app/reports/%0a/images/x"]) {
      const res = await call(path, formPost(cookie, { _csrf: csrf, reason: "x", action: "caption", caption: "" }));
      expect(res.status, path).toBe(404);
      expect(res.headers.get("x-injected")).toBeNull();
    }
    expect((await call("/app/reports/%0d%0a/edit", { headers: { cookie } })).status).toBe(404);
  });

  it("a chunked form body over the limit is a 413, read to its end first (no reset)", async () => {
    const cookie = await signIn(USERS.quan6, "10.60.0.7");
    const { body, state } = counted(3 * 1024 * 1024);
    const res = await call("/app/reports/new", { body, method: "POST", headers: { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" } });
    await expectProblem(res, 413, "payload-too-large");
    expect(state.pulled).toBe(3 * 1024 * 1024);
    // Sign-in has no session yet: bounded all the same.
    const login = counted(2 * 1024 * 1024);
    await expectProblem(await call("/app/login", { body: login.body, method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }), 413, "payload-too-large");
  });

  it("the image upload form has the image limit, chunked or not", async () => {
    const cookie = await signIn(USERS.quan6, "10.60.0.8");
    const r = await createReport(await tokenFor(USERS.quan6), { title: `Ảnh quá lớn ${uniq()}` });
    const { body, state } = counted(MAX_IMAGE_BYTES + 512 * 1024);
    const res = await call(`/app/reports/${r.id}/images`, { body, method: "POST", headers: { cookie, origin: ORIGIN, "content-type": "multipart/form-data; boundary=b" } });
    await expectProblem(res, 413, "payload-too-large");
    expect(state.pulled).toBe(MAX_IMAGE_BYTES + 512 * 1024);
  });
});

describe("api: bad requests are 4xx", () => {
  it("a chunked JSON body over the limit is a 413, read to its end first (no reset)", async () => {
    const token = await tokenFor(USERS.quan6);
    const { body, state } = counted(1024 * 1024);
    const res = await call("/api/v1/reports", { token, body, method: "POST", headers: { "content-type": "application/json" } });
    await expectProblem(res, 413, "payload-too-large");
    expect(state.pulled).toBe(1024 * 1024);
  });

  it("a chunked body under the limit is read whole and works", async () => {
    const token = await tokenFor(USERS.quan6);
    const bytes = new TextEncoder().encode(JSON.stringify({ kind: "news", title: `Gửi theo khối ${uniq()}`, body: "Nội dung" }));
    const body = new ReadableStream<Uint8Array>({
      start(ctrl) {
        ctrl.enqueue(bytes.subarray(0, 10));
        ctrl.enqueue(bytes.subarray(10));
        ctrl.close();
      },
    });
    const res = await call("/api/v1/reports", { token, body, method: "POST", headers: { "content-type": "application/json" } });
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("DELETE with a malformed JSON body is a 400 and deletes nothing", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Xoá ảnh ${uniq()}` });
    const form = new FormData();
    form.set("file", new File([PNG], "a.png", { type: "image/png" }));
    form.set("caption", "Hình 1");
    const img = await json(await call(`/api/v1/reports/${r.id}/attachments`, { token, body: form }));
    const res = await call(`/api/v1/reports/${r.id}/attachments/${img.id}`, { method: "DELETE", token, body: "{bad", headers: { "content-type": "application/json" } });
    await expectProblem(res, 400, "malformed-request");
    const list = await json(await call(`/api/v1/reports/${r.id}/attachments`, { token }));
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([img.id]);
    // An empty JSON body, or none, is still fine.
    expect((await call(`/api/v1/reports/${r.id}/attachments/${img.id}`, { method: "DELETE", token })).status).toBe(204);
  });

  it("malformed JSON, wrong media types, bad cursors, limits and paths are all 4xx", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Yêu cầu hỏng ${uniq()}` });
    await expectProblem(await call("/api/v1/reports", { token, body: "{bad", headers: { "content-type": "application/json" } }), 400, "malformed-request");
    await expectProblem(await call(`/api/v1/reports/${r.id}/withdraw`, { token, body: "{bad", headers: { "content-type": "application/json" } }), 400, "malformed-request");
    await expectProblem(await call("/api/v1/reports", { token, body: "{}", headers: { "content-type": "text/plain" } }), 415, "unsupported-media-type");
    await expectProblem(await call(`/api/v1/reports/${r.id}/attachments`, { token, body: "x", headers: { "content-type": "multipart/form-data; boundary=zzz" } }), 400, "malformed-request");
    await expectProblem(await call(`/api/v1/reports/${r.id}/attachments`, { token, body: "x", headers: { "content-type": "multipart/form-data" } }), 400, "malformed-request");
    await expectProblem(await call(`/api/v1/reports/${r.id}/attachments`, { token, body: "x", headers: { "content-type": "multipart/form-data; boundary=zzz", "idempotency-key": `k-${uniq()}-multipart` } }), 400, "malformed-request");
    for (const q of ["cursor=%%%", `cursor=${"A".repeat(400)}`, "limit=abc", "limit=0"]) {
      await expectProblem(await call(`/api/v1/reports?${q}`, { token }), 422, "validation-failed");
    }
    for (const path of ["/api/v1/reports/%E0%A4%A", "/api/v1/reports/%ff", "/api/v1/reports/%0d%0a", `/api/v1/reports/${"x".repeat(100)}`]) {
      const res = await call(path, { token });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    const bigHeader = await call("/api/v1/reports", { token, headers: { "x-filler": "a".repeat(32 * 1024), "if-match": "x".repeat(1000) } });
    expect(bigHeader.status).toBe(200);
  });
});

describe("private answers are never cached", () => {
  it("every /api/v1 answer but the public description says no-store, errors and redirects too", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Không lưu đệm ${uniq()}` });
    const form = new FormData();
    form.set("file", new File([PNG], "a.png", { type: "image/png" }));
    form.set("caption", "Hình 1");
    const img = await json(await call(`/api/v1/reports/${r.id}/attachments`, { token, body: form }));
    const privateAnswers = [
      await call("/api/v1/me", { token }),
      await call(`/api/v1/reports/${r.id}`, { token }),
      await call("/api/v1/reports", { token }),
      await call(`/api/v1/reports/${r.id}/attachments/${img.id}/content`, { token }),
      await call("/api/v1/me"),
      await call("/api/v1/reports/khong-co", { token }),
      await call("/api/v1/khong-co"),
      await call("/api/v1/reports", { token, json: {} }),
    ];
    for (const res of privateAnswers) expect(res.headers.get("cache-control"), res.url).toBe("no-store");
    for (const path of ["/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/assets/init.js"]) {
      expect((await call(path)).headers.get("cache-control") ?? "", path).not.toMatch(/no-store/);
    }
  });

  it("every /app page says no-store, the sign-in page and redirects included; static assets and the portal do not", async () => {
    const cookie = await signIn(USERS.quan6, "10.60.1.1");
    for (const [path, headers] of [
      ["/app/login", {}],
      ["/app", {}],
      ["/app/reports", { cookie }],
      ["/app/khong-co", { cookie }],
    ] as const) {
      expect((await call(path, { headers })).headers.get("cache-control"), path).toBe("no-store");
    }
    const r = await createReport(await tokenFor(USERS.quan6), { title: `Ảnh trên trang ${uniq()}` });
    const form = new FormData();
    form.set("file", new File([PNG], "a.png", { type: "image/png" }));
    form.set("caption", "Hình 1");
    const img = await json(await call(`/api/v1/reports/${r.id}/attachments`, { token: await tokenFor(USERS.quan6), body: form }));
    expect((await call(`/app/reports/${r.id}/images/${img.id}`, { headers: { cookie } })).headers.get("cache-control")).toBe("no-store");
    expect((await call("/portal/")).headers.get("cache-control") ?? "").not.toMatch(/no-store/);
  });
});

describe("idempotency: a multipart upload", () => {
  const multipart = (boundary: string, file: Uint8Array, caption: string) => {
    const enc = new TextEncoder();
    const head = enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n${caption}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="anh.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const tail = enc.encode(`\r\n--${boundary}--\r\n`);
    const out = new Uint8Array(head.length + file.length + tail.length);
    out.set(head, 0);
    out.set(file, head.length);
    out.set(tail, head.length + file.length);
    return { body: out, type: `multipart/form-data; boundary=${boundary}` };
  };

  it("sent again with another boundary gets the first answer back; one image is stored", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Tải lại ảnh ${uniq()}` });
    const key = `upload-${uniq()}-${uniq()}`;
    const send = (boundary: string, caption = "Hình 1: Hội nghị") => {
      const m = multipart(boundary, PNG, caption);
      return call(`/api/v1/reports/${r.id}/attachments`, { token, body: m.body, headers: { "content-type": m.type, "idempotency-key": key } });
    };
    const first = await send(`----a${uniq()}`);
    expect(first.status, await first.clone().text()).toBe(201);
    const firstBody = await json(first);
    const again = await send(`----b${uniq()}`);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await json(again)).id).toBe(firstBody.id);
    const list = await json(await call(`/api/v1/reports/${r.id}/attachments`, { token }));
    expect(list.items).toHaveLength(1);
    // Another caption with the same key is another request.
    await expectProblem(await send(`----c${uniq()}`, "Hình 2: khác"), 422, "idempotency-key-reused");
  });
});
