import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { WORKFLOWS } from "../workflows";
import { call, createReport, json, sampleReport, tokenFor, USERS } from "./helpers/api";
import { GOOD_FIGURES, openPeriod } from "./helpers/periods";

/** A word no other test in this file uses, so searches and filters see only what one test made. */
const marker = (() => {
  let n = 0;
  return (prefix: string) => `${prefix}${Date.now().toString(36)}x${(n++).toString(36)}z`;
})();

const periodicFigures = GOOD_FIGURES;

const tick = () => new Promise((r) => setTimeout(r, 3));

async function patch(token: string, id: string, version: number | string, body: unknown) {
  return call(`/api/v1/reports/${id}`, { method: "PATCH", token, json: body, headers: { "if-match": `"${version}"` } });
}

async function list(token: string, query: Record<string, string | number> = {}) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  const res = await call(`/api/v1/reports${qs ? `?${qs}` : ""}`, { token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as { items: any[]; nextCursor: string | null };
}

/** Every id a query yields, following nextCursor to the end. */
async function listAll(token: string, query: Record<string, string | number> = {}) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await list(token, cursor ? { ...query, cursor } : query);
    ids.push(...res.items.map((r) => r.id));
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

describe("reports: create and read back", () => {
  it("creates an event draft for the author's unit and returns it with ETag and Location", async () => {
    const token = await tokenFor(USERS.quan6);
    const res = await call("/api/v1/reports", { token, json: sampleReport });
    expect(res.status).toBe(201);
    const r = await json(res);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("location")).toBe(`/api/v1/reports/${r.id}`);
    expect(r).toMatchObject({
      kind: "event",
      unitId: DEMO_UNITS.quan6,
      title: sampleReport.title,
      slug: "hoi-nghi-so-ket-hoc-ki-i-va-trien-khai-nhiem-vu-hoc-ki-ii-nam-hoc-2023-2024",
      summary: sampleReport.summary,
      body: sampleReport.body,
      eventDate: "2024-01-23",
      location: sampleReport.location,
      attendees: sampleReport.attendees,
      sourceUrl: sampleReport.sourceUrl,
      figures: null,
      status: "draft",
      stage: null,
      version: 1,
      revision: 0,
      attachments: [],
    });
    expect(r.workflowVersion).toBe(WORKFLOWS.event.version);
  });

  it("creates a news draft with only the required fields; optional ones default to null/empty", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { kind: "news", title: "Tin ngắn", body: "Nội dung.", summary: undefined, eventDate: undefined, location: undefined, attendees: undefined, sourceUrl: undefined });
    expect(r).toMatchObject({ kind: "news", title: "Tin ngắn", summary: null, eventDate: null, location: null, attendees: [], sourceUrl: null, figures: null, status: "draft" });
  });

  it("creates a periodic draft with figures that agree (13.184 / 13.001 = 98,6%)", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const periodId = await openPeriod();
    const r = await createReport(token, { kind: "periodic", title: "Báo cáo kết quả học kì I", periodId, figures: periodicFigures });
    expect(r.kind).toBe("periodic");
    expect(r.unitId).toBe(DEMO_UNITS.tanPhu);
    expect(r.periodId).toBe(periodId);
    expect(r.figures).toEqual(periodicFigures);
    const back = await json(await call(`/api/v1/reports/${r.id}`, { token }));
    expect(back.figures).toEqual(periodicFigures);
  });

  it("GET returns the stored report with ETag \"<version>\" and no caching", async () => {
    const token = await tokenFor(USERS.quan6);
    const created = await createReport(token, { title: `Đọc lại ${marker("read")}` });
    const res = await call(`/api/v1/reports/${created.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("cache-control")).toBe("no-store");
    const r = await json(res);
    expect(r).toEqual({ ...created, attachments: [] });
  });
});

describe("reports: editing a draft", () => {
  it("PATCH with If-Match bumps the version, updates the ETag, and the slug follows the title", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: "Tiêu đề ban đầu" });
    expect(r.slug).toBe("tieu-de-ban-dau");
    const res = await patch(token, r.id, 1, { title: "Đại hội Đoàn trường" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"2"');
    const updated = await json(res);
    expect(updated).toMatchObject({ id: r.id, title: "Đại hội Đoàn trường", slug: "dai-hoi-doan-truong", version: 2, body: r.body });
    expect(updated.updatedAt >= r.updatedAt).toBe(true);
    expect(updated.createdAt).toBe(r.createdAt);

    const again = await call(`/api/v1/reports/${r.id}`, { token });
    expect(again.headers.get("etag")).toBe('"2"');
    expect((await json(again)).title).toBe("Đại hội Đoàn trường");
  });

  it("consecutive edits each need the latest version and each bump it by one", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    const a = await json(await patch(token, r.id, 1, { summary: "Một" }));
    expect(a.version).toBe(2);
    const b = await json(await patch(token, r.id, 2, { location: "Hai" }));
    expect(b).toMatchObject({ version: 3, summary: "Một", location: "Hai" });
  });

  it("If-Match is accepted bare, quoted and weak", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    for (const [i, header] of ["1", '"2"', 'W/"3"'].entries()) {
      const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token, json: { summary: `s${i}` }, headers: { "if-match": header } });
      expect(res.status, header).toBe(200);
      expect((await json(res)).version).toBe(i + 2);
    }
  });

  it("null clears optional fields; fields not sent stay as they were", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    const res = await patch(token, r.id, 1, { summary: null, eventDate: null, location: null, sourceUrl: null });
    expect(res.status).toBe(200);
    const back = await json(await call(`/api/v1/reports/${r.id}`, { token }));
    expect(back).toMatchObject({ summary: null, eventDate: null, location: null, sourceUrl: null, title: r.title, body: r.body, attendees: r.attendees });
  });

  it("PATCH replaces attendees and figures as a whole", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const r = await createReport(token, { kind: "periodic", title: "Báo cáo năm", periodId: await openPeriod(), figures: periodicFigures });
    // adultLearners left out: the whole object replaces the old one, optional figures included.
    const figures = { classes: 8, enrolled: 200, completed: 150, completionRate: 75, dropouts: 12, teachers: 14 };
    const res = await patch(token, r.id, 1, { figures, attendees: [{ name: "Bà Lê Thị A" }] });
    expect(res.status).toBe(200);
    const back = await json(await call(`/api/v1/reports/${r.id}`, { token }));
    expect(back.figures).toEqual(figures);
    expect(back.attendees).toEqual([{ name: "Bà Lê Thị A", title: "" }]);
  });
});

describe("reports: lists", () => {
  it("lists newest first", async () => {
    const token = await tokenFor(USERS.quan6);
    const m = marker("order");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await createReport(token, { title: `Thứ tự ${m} ${i}` })).id);
      await tick();
    }
    const { items } = await list(token, { q: m });
    expect(items.map((r) => r.id)).toEqual([...ids].reverse());
    const all = await listAll(token);
    const positions = ids.map((id) => all.indexOf(id));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
  });

  it("list items carry no body, attendees or figures", async () => {
    const token = await tokenFor(USERS.quan6);
    const m = marker("shape");
    await createReport(token, { title: `Rút gọn ${m}` });
    const { items } = await list(token, { q: m });
    expect(items).toHaveLength(1);
    expect(items[0]).not.toHaveProperty("body");
    expect(items[0]).not.toHaveProperty("attendees");
    expect(items[0]).not.toHaveProperty("figures");
    expect(items[0]).toMatchObject({ title: `Rút gọn ${m}`, status: "draft", version: 1 });
  });

  it("filters by kind", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const m = marker("kind");
    const news = await createReport(token, { kind: "news", title: `Tin ${m}` });
    const event = await createReport(token, { kind: "event", title: `Sự kiện ${m}` });
    const periodic = await createReport(token, { kind: "periodic", title: `Định kỳ ${m}`, periodId: await openPeriod(), figures: periodicFigures });
    expect((await list(token, { q: m, kind: "news" })).items.map((r) => r.id)).toEqual([news.id]);
    expect((await list(token, { q: m, kind: "event" })).items.map((r) => r.id)).toEqual([event.id]);
    expect((await list(token, { q: m, kind: "periodic" })).items.map((r) => r.id)).toEqual([periodic.id]);
    const everyPeriodic = await list(token, { kind: "periodic", limit: 100 });
    expect(everyPeriodic.items.every((r) => r.kind === "periodic")).toBe(true);
  });

  it("filters by status", async () => {
    const token = await tokenFor(USERS.quan6);
    const m = marker("status");
    const a = await createReport(token, { title: `Trạng thái ${m} a` });
    const b = await createReport(token, { title: `Trạng thái ${m} b` });
    await env.DB.prepare("UPDATE reports SET status = 'returned' WHERE id = ?").bind(b.id).run();
    expect((await list(token, { q: m, status: "draft" })).items.map((r) => r.id)).toEqual([a.id]);
    expect((await list(token, { q: m, status: "returned" })).items.map((r) => r.id)).toEqual([b.id]);
    expect((await list(token, { q: m, status: "published" })).items).toEqual([]);
  });

  it("filters by unit (the caller's own unit)", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Đơn vị ${marker("unitf")}` });
    const mine = await listAll(token, { unit: DEMO_UNITS.quan6, limit: 100 });
    expect(mine).toContain(r.id);
    const { items } = await list(token, { unit: DEMO_UNITS.quan6, limit: 100 });
    expect(items.every((x) => x.unitId === DEMO_UNITS.quan6)).toBe(true);
  });

  it("keyset pagination walks every page with no duplicates and no gaps", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const m = marker("page");
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await createReport(token, { kind: "news", title: `Trang ${m} ${i}` })).id);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: { items: any[]; nextCursor: string | null } = await list(token, cursor ? { q: m, limit: 3, cursor } : { q: m, limit: 3 });
      pageSizes.push(res.items.length);
      seen.push(...res.items.map((r) => r.id));
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...created].sort());
    // Same order as one big page.
    expect(seen).toEqual((await list(token, { q: m, limit: 100 })).items.map((r) => r.id));
  });

  it("the last page has nextCursor null, also when it is exactly full", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const m = marker("full");
    for (let i = 0; i < 4; i++) await createReport(token, { kind: "news", title: `Đầy ${m} ${i}` });
    const first = await list(token, { q: m, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(token, { q: m, limit: 2, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });

  it("pagination over the whole unbounded list has no duplicates and includes new reports", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Toàn bộ ${marker("all")}` });
    const ids = await listAll(token, { limit: 2 });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(r.id);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE unit_id = ?").bind(DEMO_UNITS.quan6).first<{ n: number }>();
    expect(ids.length).toBe(count!.n);
  });
});

describe("reports: Vietnamese text", () => {
  it("q matches with and without diacritics", async () => {
    const token = await tokenFor(USERS.quan6);
    const m = marker("hn");
    const r = await createReport(token, { kind: "news", title: `Hội nghị sơ kết ${m}`, body: "Nội dung." });
    for (const q of [`hoi nghi ${m}`, `Hội nghị ${m}`, `HOI NGHI SO KET ${m}`, `hội ${m}`, `so ket ${m}`]) {
      const ids = (await list(token, { q })).items.map((x) => x.id);
      expect(ids, q).toEqual([r.id]);
    }
    expect((await list(token, { q: `hoi thao ${m}` })).items).toEqual([]);
  });

  it("q folds đ/Đ: \"Đào tạo\" is found by \"dao tao\", \"đào\" and \"ĐÀO TẠO\"", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const m = marker("dt");
    const r = await createReport(token, { kind: "news", title: `Đào tạo nghề ${m}`, body: "Nội dung." });
    for (const q of [`dao tao ${m}`, `đào ${m}`, `ĐÀO TẠO ${m}`, `Dao ${m}`]) {
      expect((await list(token, { q })).items.map((x) => x.id), q).toEqual([r.id]);
    }
  });

  it("q matches the summary, body and location too, and a decomposed query", async () => {
    const token = await tokenFor(USERS.quan6);
    const m = marker("fld");
    const r = await createReport(token, { kind: "news", title: `Tin ${m}`, summary: "Khai giảng lớp bồi dưỡng", body: "Học viên được cấp chứng chỉ.", location: "Quận Bình Tân" });
    for (const q of ["boi duong", "chung chi", "binh tan", "bồi dưỡng".normalize("NFD")]) {
      expect((await list(token, { q: `${q} ${m}` })).items.map((x) => x.id), q).toEqual([r.id]);
    }
  });

  it("search follows an edited title", async () => {
    const token = await tokenFor(USERS.quan6);
    const m = marker("ed");
    const r = await createReport(token, { kind: "news", title: `Khai giảng ${m}`, body: "Nội dung." });
    expect((await patch(token, r.id, 1, { title: `Bế giảng ${m}` })).status).toBe(200);
    expect((await list(token, { q: `khai giang ${m}` })).items).toEqual([]);
    expect((await list(token, { q: `be giang ${m}` })).items.map((x) => x.id)).toEqual([r.id]);
  });

  it("decomposed (NFD) input is stored NFC", async () => {
    const token = await tokenFor(USERS.quan6);
    const title = "Hội nghị tổng kết năm học";
    const r = await createReport(token, {
      title: title.normalize("NFD"),
      summary: "Sơ kết học kì".normalize("NFD"),
      body: "Đào tạo nghề".normalize("NFD"),
      location: "Quận Sáu".normalize("NFD"),
      attendees: [{ name: "Ông Dương Trí Dũng".normalize("NFD"), title: "Phó Giám đốc".normalize("NFD") }],
    });
    expect(title.normalize("NFD")).not.toBe(title);
    expect(r.title).toBe(title);
    expect(r.slug).toBe("hoi-nghi-tong-ket-nam-hoc");
    const row = await env.DB.prepare("SELECT title, summary, body, location, attendees FROM reports WHERE id = ?").bind(r.id).first<any>();
    expect(row.title).toBe(title);
    expect(row.summary).toBe("Sơ kết học kì");
    expect(row.body).toBe("Đào tạo nghề");
    expect(row.location).toBe("Quận Sáu");
    expect(JSON.parse(row.attendees)).toEqual([{ name: "Ông Dương Trí Dũng", title: "Phó Giám đốc" }]);
  });

  it("a PATCH with decomposed text is stored NFC too", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    const res = await patch(token, r.id, 1, { title: "Hội nghị".normalize("NFD") + " chuyên đề", body: "Bồi dưỡng".normalize("NFD") });
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("SELECT title, body, slug FROM reports WHERE id = ?").bind(r.id).first<any>();
    expect(row).toEqual({ title: "Hội nghị chuyên đề", body: "Bồi dưỡng", slug: "hoi-nghi-chuyen-de" });
  });

  it("a 300-character title in NFD (more code units) is accepted: limits count composed text", async () => {
    const token = await tokenFor(USERS.quan6);
    const title = "ộ".repeat(300);
    const r = await createReport(token, { title: title.normalize("NFD") });
    expect(r.title).toBe(title);
  });

  it("slugs drop diacritics, fold đ/Đ to d and keep only [a-z0-9-]", async () => {
    const token = await tokenFor(USERS.tanPhu);
    for (const [title, slug] of [
      ["Đại hội Đoàn", "dai-hoi-doan"],
      ["Hội nghị sơ kết học kì I", "hoi-nghi-so-ket-hoc-ki-i"],
      ["  Tuyển sinh năm 2024 – 2025!  ", "tuyen-sinh-nam-2024-2025"],
      ["ĐỒNG HÀNH CÙNG HỌC VIÊN", "dong-hanh-cung-hoc-vien"],
    ]) {
      const r = await createReport(token, { kind: "news", title });
      expect(r.slug, title).toBe(slug);
      expect(r.title).toBe(title!.trim());
    }
  });
});

describe("workflows", () => {
  it("GET /api/v1/workflows lists the three kinds with their chains", async () => {
    const token = await tokenFor(USERS.quan6);
    const res = await call("/api/v1/workflows", { token });
    expect(res.status).toBe(200);
    const { items } = await json(res);
    expect(items.map((w: any) => w.kind).sort()).toEqual(["event", "news", "periodic"]);
    const byKind = Object.fromEntries(items.map((w: any) => [w.kind, w]));
    expect(byKind.news.stages.map((s: any) => s.role)).toEqual(["specialist", "deputy_head", "director"]);
    expect(byKind.periodic.stages.map((s: any) => s.role)).toEqual(["centre_head", "specialist", "deputy_head", "director"]);
    expect(byKind.periodic.requiresFigures).toBe(true);
    expect(byKind.news.requiresFigures).toBe(false);
    for (const w of items) expect(w.stages.every((s: any) => typeof s.label === "string" && s.label.length > 0)).toBe(true);
  });

  it("GET /api/v1/workflows needs a session", async () => {
    expect((await call("/api/v1/workflows")).status).toBe(401);
  });
});
