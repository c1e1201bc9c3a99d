import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES } from "../src/domain/images";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";

// ---- real, small images built as bytes ----

const fromB64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
/** A 1×1 PNG. */
const PNG = fromB64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
/** A 1×1 baseline JPEG (a real one: uploads are decoded by the Images binding, not just sniffed). */
const JPEG = fromB64(
  "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABQb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCdAHrB/9k=",
);
/** A 1×1 lossless WebP: "RIFF" <size> "WEBP" "VP8L" ... */
const WEBP = fromB64("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
const GIF = fromB64("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");
const text = (s: string) => new TextEncoder().encode(s);

const CAPTION = "Hình 1: Đại biểu tham dự Hội nghị sơ kết học kì I năm học 2023 – 2024";

const uniq = () => crypto.randomUUID().slice(0, 8);
const file = (bytes: Uint8Array, name: string, type: string) => new File([bytes], name, { type });

function upload(token: string | undefined, reportId: string, f: File | null, caption?: string) {
  const form = new FormData();
  if (f) form.set("file", f);
  if (caption !== undefined) form.set("caption", caption);
  // No content-type: the runtime sets multipart/form-data with its boundary.
  return call(`/api/v1/reports/${reportId}/attachments`, { token, body: form, method: "POST" });
}

async function uploaded(token: string, reportId: string, f: File, caption = CAPTION) {
  const res = await upload(token, reportId, f, caption);
  const body = await res.text();
  expect(res.status, body).toBe(201);
  return JSON.parse(body);
}

const list = async (token: string, reportId: string) => {
  const res = await call(`/api/v1/reports/${reportId}/attachments`, { token });
  expect(res.status).toBe(200);
  return (await json(res)).items as any[];
};

const version = async (token: string, reportId: string): Promise<number> => (await json(await call(`/api/v1/reports/${reportId}`, { token }))).version;

const r2Keys = async (reportId: string) => (await env.BUCKET.list({ prefix: `uploads/${reportId}/` })).objects.map((o) => o.key);

// In review at the specialist's stage (review_reach 2): the specialist may read it.
const setStatus = (reportId: string, status: string) =>
  env.DB.prepare("UPDATE reports SET status = ?, review_reach = CASE WHEN ? = 'draft' THEN 0 ELSE 2 END WHERE id = ?").bind(status, status, reportId).run();

async function draft(author = USERS.quan6) {
  const token = await tokenFor(author);
  const report = await createReport(token, { title: `Hội nghị có hình ảnh ${uniq()}` });
  return { token, report, id: report.id as string };
}

describe("attachments: happy paths", () => {
  it("uploads a PNG with a Vietnamese caption: 201, stored in R2 under uploads/<reportId>/", async () => {
    const { token, id } = await draft();
    // Sent decomposed (NFD), kept composed (NFC).
    const att = await uploaded(token, id, file(PNG, "hinh-1.png", "image/png"), CAPTION.normalize("NFD"));
    expect(att).toMatchObject({ caption: CAPTION, contentType: "image/png", size: PNG.byteLength, position: 1, url: `/api/v1/reports/${id}/attachments/${att.id}/content` });

    const keys = await r2Keys(id);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^uploads/${id}/${att.id}\\.png$`));
    const object = await env.BUCKET.get(keys[0]!);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(PNG);
    expect(object!.httpMetadata?.contentType).toBe("image/png");
  });

  it("the content type is decided by the bytes, not by the file's name or declared type", async () => {
    const { token, id } = await draft();
    const jpeg = await uploaded(token, id, file(JPEG, "anh.png", "image/png"));
    expect(jpeg.contentType).toBe("image/jpeg");
    const webp = await uploaded(token, id, file(WEBP, "anh.jpg", "application/octet-stream"));
    expect(webp.contentType).toBe("image/webp");
    const png = await uploaded(token, id, file(PNG, "khong-co-duoi", "text/plain"));
    expect(png.contentType).toBe("image/png");
    expect((await r2Keys(id)).sort()).toEqual([`uploads/${id}/${jpeg.id}.jpg`, `uploads/${id}/${png.id}.png`, `uploads/${id}/${webp.id}.webp`].sort());
  });

  it("positions increase with each upload and the list is in that order", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, file(PNG, "a.png", "image/png"), "Hình 1: Khai mạc");
    const b = await uploaded(token, id, file(JPEG, "b.jpg", "image/jpeg"), "Hình 2: Phát biểu chỉ đạo");
    const c = await uploaded(token, id, file(WEBP, "c.webp", "image/webp"), "Hình 3: Văn nghệ chào mừng");
    expect(a.position).toBeLessThan(b.position);
    expect(b.position).toBeLessThan(c.position);
    const items = await list(token, id);
    expect(items.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(items.map((x) => x.caption)).toEqual(["Hình 1: Khai mạc", "Hình 2: Phát biểu chỉ đạo", "Hình 3: Văn nghệ chào mừng"]);
    // The report itself carries them in the same order.
    const report = await json(await call(`/api/v1/reports/${id}`, { token }));
    expect(report.attachments.map((x: any) => x.id)).toEqual([a.id, b.id, c.id]);
  });

  it("GET .../content returns the same bytes with the right content-type and nosniff", async () => {
    const { token, id } = await draft();
    for (const [bytes, type] of [
      [PNG, "image/png"],
      [JPEG, "image/jpeg"],
      [WEBP, "image/webp"],
    ] as const) {
      const att = await uploaded(token, id, file(bytes, "x.bin", "application/octet-stream"));
      const res = await call(att.url, { token });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    }
  });

  it("PUT .../attachments/order with a permutation reorders them", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, file(PNG, "a.png", "image/png"));
    const b = await uploaded(token, id, file(JPEG, "b.jpg", "image/jpeg"));
    const c = await uploaded(token, id, file(WEBP, "c.webp", "image/webp"));
    const res = await call(`/api/v1/reports/${id}/attachments/order`, { method: "PUT", token, json: { ids: [c.id, a.id, b.id] } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.items.map((x: any) => x.id)).toEqual([c.id, a.id, b.id]);
    expect(body.items.map((x: any) => x.position)).toEqual([1, 2, 3]);
    expect((await list(token, id)).map((x) => x.id)).toEqual([c.id, a.id, b.id]);
  });

  it("PATCH changes the caption", async () => {
    const { token, id } = await draft();
    const att = await uploaded(token, id, file(PNG, "a.png", "image/png"), "Hình 1: chú thích cũ");
    const res = await call(`/api/v1/reports/${id}/attachments/${att.id}`, { method: "PATCH", token, json: { caption: "  Hình 1: Toàn cảnh Hội nghị  " } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: att.id, caption: "Hình 1: Toàn cảnh Hội nghị", position: att.position });
    expect((await list(token, id))[0].caption).toBe("Hình 1: Toàn cảnh Hội nghị");
  });

  it("DELETE -> 204; the image is gone from the list, its content answers 404, later uploads come after", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, file(PNG, "a.png", "image/png"));
    const b = await uploaded(token, id, file(JPEG, "b.jpg", "image/jpeg"));
    const res = await call(`/api/v1/reports/${id}/attachments/${b.id}`, { method: "DELETE", token });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await list(token, id)).map((x) => x.id)).toEqual([a.id]);
    await expectProblem(await call(b.url, { token }), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments/${b.id}`, { method: "DELETE", token }), 404, "not-found");
    const c = await uploaded(token, id, file(WEBP, "c.webp", "image/webp"));
    expect((await list(token, id)).map((x) => x.id)).toEqual([a.id, c.id]);
  });

  it("each change (upload, caption, reorder, delete) bumps the report's version", async () => {
    const { token, id, report } = await draft();
    let v = report.version as number;
    expect(await version(token, id)).toBe(v);
    const a = await uploaded(token, id, file(PNG, "a.png", "image/png"));
    expect(await version(token, id)).toBe(++v);
    const b = await uploaded(token, id, file(JPEG, "b.jpg", "image/jpeg"));
    expect(await version(token, id)).toBe(++v);
    expect((await call(`/api/v1/reports/${id}/attachments/${a.id}`, { method: "PATCH", token, json: { caption: "Hình 1: chú thích mới" } })).status).toBe(200);
    expect(await version(token, id)).toBe(++v);
    expect((await call(`/api/v1/reports/${id}/attachments/order`, { method: "PUT", token, json: { ids: [b.id, a.id] } })).status).toBe(200);
    expect(await version(token, id)).toBe(++v);
    expect((await call(`/api/v1/reports/${id}/attachments/${a.id}`, { method: "DELETE", token })).status).toBe(204);
    expect(await version(token, id)).toBe(++v);
    // The ETag follows the version.
    expect((await call(`/api/v1/reports/${id}`, { token })).headers.get("etag")).toBe(`"${v}"`);
  });
});

describe("attachments: errors", () => {
  it("a script named evil.png declared image/png -> 415 naming file; nothing in R2, nothing in the list", async () => {
    const { token, id, report } = await draft();
    const res = await upload(token, id, file(text("<script>alert(1)</script>"), "evil.png", "image/png"), CAPTION);
    const problem = await expectProblem(res, 415, "unsupported-media-type");
    expect(problem.errors.map((e: any) => e.path)).toEqual(["file"]);
    expect(await r2Keys(id)).toEqual([]);
    expect(await list(token, id)).toEqual([]);
    expect(await version(token, id)).toBe(report.version);
  });

  it("HTML, SVG, GIF and an empty file are refused; nothing is stored", async () => {
    const { token, id } = await draft();
    const cases: [string, File, number, string][] = [
      ["html", file(text("<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"), "trang.html", "text/html"), 415, "unsupported-media-type"],
      ["html as .jpg", file(text("<html><script>alert(1)</script></html>"), "anh.jpg", "image/jpeg"), 415, "unsupported-media-type"],
      ["svg", file(text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "hinh.svg", "image/svg+xml"), 415, "unsupported-media-type"],
      ["gif", file(GIF, "hinh.gif", "image/gif"), 415, "unsupported-media-type"],
      ["empty", file(new Uint8Array(0), "rong.png", "image/png"), 422, "validation-failed"],
      // The signature cut short is not an image either.
      ["truncated png", file(PNG.subarray(0, 4), "cut.png", "image/png"), 415, "unsupported-media-type"],
    ];
    for (const [what, f, status, code] of cases) {
      const res = await upload(token, id, f, CAPTION);
      const body = await res.text();
      expect(res.status, `${what}: ${body}`).toBe(status);
      const problem = JSON.parse(body);
      expect(problem.type, what).toBe(`urn:sogd:problem:${code}`);
      expect(problem.errors?.map((e: any) => e.path), what).toContain("file");
    }
    expect(await r2Keys(id)).toEqual([]);
    expect(await list(token, id)).toEqual([]);
  });

  it("a missing, blank or over-long caption -> 422 naming caption; a missing file -> 422 naming file", async () => {
    const { token, id } = await draft();
    for (const caption of [undefined, "", "   ", "Hình ".repeat(101)]) {
      const problem = await expectProblem(await upload(token, id, file(PNG, "a.png", "image/png"), caption), 422, "validation-failed");
      expect(problem.errors.map((e: any) => e.path), JSON.stringify(caption)).toContain("caption");
    }
    const problem = await expectProblem(await upload(token, id, null, CAPTION), 422, "validation-failed");
    expect(problem.errors.map((e: any) => e.path)).toContain("file");
    expect(await r2Keys(id)).toEqual([]);
  });

  it("a file over 10 MiB -> 413 payload-too-large; nothing is stored", async () => {
    const { token, id } = await draft();
    for (const size of [MAX_IMAGE_BYTES + 1, MAX_IMAGE_BYTES + 1024 * 1024]) {
      const big = new Uint8Array(size);
      big.set(PNG);
      await expectProblem(await upload(token, id, file(big, "lon.png", "image/png"), CAPTION), 413, "payload-too-large");
    }
    expect(await r2Keys(id)).toEqual([]);
    expect(await list(token, id)).toEqual([]);
  });

  it("a JSON body to the upload route -> 415", async () => {
    const { token, id } = await draft();
    const res = await call(`/api/v1/reports/${id}/attachments`, { token, json: { file: btoa(String.fromCharCode(...PNG)), caption: CAPTION } });
    await expectProblem(res, 415, "unsupported-media-type");
    expect(await list(token, id)).toEqual([]);
  });

  it("PUT order with anything but a permutation of the live images -> 422 naming ids; the order stays", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, file(PNG, "a.png", "image/png"));
    const b = await uploaded(token, id, file(JPEG, "b.jpg", "image/jpeg"));
    const other = await draft();
    const foreign = await uploaded(other.token, other.id, file(PNG, "x.png", "image/png"));
    expect((await call(`/api/v1/reports/${id}/attachments/${b.id}`, { method: "DELETE", token })).status).toBe(204);
    const c = await uploaded(token, id, file(WEBP, "c.webp", "image/webp"));
    const before = await version(token, id);
    for (const ids of [[a.id], [a.id, a.id], [c.id, a.id, a.id], [c.id, foreign.id], [c.id, b.id], [c.id, a.id, b.id], []]) {
      const res = await call(`/api/v1/reports/${id}/attachments/order`, { method: "PUT", token, json: { ids } });
      const problem = await expectProblem(res, 422, "validation-failed");
      expect(problem.errors.map((e: any) => e.path), JSON.stringify(ids)).toEqual(["ids"]);
    }
    expect((await list(token, id)).map((x) => x.id)).toEqual([a.id, c.id]);
    expect(await version(token, id)).toBe(before);
  });

  it("unknown attachment ids -> 404 for caption, delete and content", async () => {
    const { token, id } = await draft();
    const path = `/api/v1/reports/${id}/attachments/00000000-0000-7000-8000-00000000beef`;
    await expectProblem(await call(path, { method: "PATCH", token, json: { caption: "Không có" } }), 404, "not-found");
    await expectProblem(await call(path, { method: "DELETE", token }), 404, "not-found");
    await expectProblem(await call(`${path}/content`, { token }), 404, "not-found");
  });
});

describe("attachments: security", () => {
  it("another unit's author gets 404 for upload, list, content, caption, reorder and delete", async () => {
    const { token, id } = await draft(USERS.quan6);
    const att = await uploaded(token, id, file(PNG, "a.png", "image/png"));
    const stranger = await tokenFor(USERS.tanPhu);
    await expectProblem(await upload(stranger, id, file(JPEG, "b.jpg", "image/jpeg"), CAPTION), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments`, { token: stranger }), 404, "not-found");
    await expectProblem(await call(att.url, { token: stranger }), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments/${att.id}`, { method: "PATCH", token: stranger, json: { caption: "Bị sửa" } }), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments/order`, { method: "PUT", token: stranger, json: { ids: [att.id] } }), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments/${att.id}`, { method: "DELETE", token: stranger }), 404, "not-found");
    expect(await list(token, id)).toEqual([expect.objectContaining({ id: att.id, caption: CAPTION })]);
    expect(await r2Keys(id)).toHaveLength(1);
  });

  it("an attachment cannot be reached through another report's path", async () => {
    const first = await draft();
    const second = await draft();
    const att = await uploaded(first.token, first.id, file(PNG, "a.png", "image/png"));
    const path = `/api/v1/reports/${second.id}/attachments/${att.id}`;
    await expectProblem(await call(`${path}/content`, { token: first.token }), 404, "not-found");
    await expectProblem(await call(path, { method: "PATCH", token: first.token, json: { caption: "Sai báo cáo" } }), 404, "not-found");
    await expectProblem(await call(path, { method: "DELETE", token: first.token }), 404, "not-found");
    expect(await list(first.token, first.id)).toEqual([expect.objectContaining({ id: att.id, caption: CAPTION })]);
  });

  it("a reviewer cannot upload to a draft: it is not theirs to see (404)", async () => {
    const { token, id } = await draft();
    const reviewer = await tokenFor(USERS.specialist);
    await expectProblem(await upload(reviewer, id, file(PNG, "a.png", "image/png"), CAPTION), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments`, { token: reviewer }), 404, "not-found");
    expect(await r2Keys(id)).toEqual([]);
    expect(await list(token, id)).toEqual([]);
  });

  it("under review: the reviewer sees the images but cannot add one (403)", async () => {
    const { token, id } = await draft();
    const att = await uploaded(token, id, file(JPEG, "a.jpg", "image/jpeg"));
    await setStatus(id, "in_review");
    const reviewer = await tokenFor(USERS.specialist);
    expect((await list(reviewer, id)).map((x) => x.id)).toEqual([att.id]);
    const content = await call(att.url, { token: reviewer });
    expect(content.status).toBe(200);
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(JPEG);
    await expectProblem(await upload(reviewer, id, file(PNG, "b.png", "image/png"), CAPTION), 403, "forbidden");
    expect(await r2Keys(id)).toHaveLength(1);
  });

  it("once the report is no longer draft or returned, the author's upload, caption, reorder and delete get 409", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, file(PNG, "a.png", "image/png"));
    const b = await uploaded(token, id, file(JPEG, "b.jpg", "image/jpeg"));
    await setStatus(id, "in_review");
    const before = await version(token, id);
    await expectProblem(await upload(token, id, file(WEBP, "c.webp", "image/webp"), CAPTION), 409, "conflict");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments/${a.id}`, { method: "PATCH", token, json: { caption: "Sửa lén" } }), 409, "conflict");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments/order`, { method: "PUT", token, json: { ids: [b.id, a.id] } }), 409, "conflict");
    await expectProblem(await call(`/api/v1/reports/${id}/attachments/${a.id}`, { method: "DELETE", token }), 409, "conflict");
    expect((await list(token, id)).map((x) => [x.id, x.caption])).toEqual([
      [a.id, CAPTION],
      [b.id, CAPTION],
    ]);
    expect(await r2Keys(id)).toHaveLength(2);
    expect(await version(token, id)).toBe(before);

    // Returned to the author, the report is editable again.
    await setStatus(id, "returned");
    await uploaded(token, id, file(WEBP, "c.webp", "image/webp"));
  });

  it("without a session: 401 for list, content and upload", async () => {
    const { token, id } = await draft();
    const att = await uploaded(token, id, file(PNG, "a.png", "image/png"));
    await expectProblem(await call(`/api/v1/reports/${id}/attachments`), 401, "unauthenticated");
    await expectProblem(await call(att.url), 401, "unauthenticated");
    await expectProblem(await upload(undefined, id, file(PNG, "b.png", "image/png"), CAPTION), 401, "unauthenticated");
    expect(await r2Keys(id)).toHaveLength(1);
  });
});
