// Upload limits a phone photo passes: JPEG, PNG or WebP up to 20 MB and 36 megapixels, read by the
// Images binding (the real one, run locally by miniflare with sharp). Anything else gets a clear
// 413/415/422 naming `file`, never a 5xx, and leaves nothing in R2 or D1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES } from "../src/domain/images";
import { call, createReport, expectProblem, tokenFor, USERS } from "./helpers/api";
import { PNG } from "./helpers/publish";
import { csrfOf, ORIGIN, signIn } from "./helpers/web";

const stream = (b: Uint8Array) => new Blob([b]).stream();
const bytesOf = async (s: ReadableStream) => new Uint8Array(await new Response(s).arrayBuffer());

/** A real image of the given size and format, made by the Images binding from a 1×1 PNG. */
async function picture(width: number, height: number, format: "image/jpeg" | "image/png" | "image/webp" = "image/jpeg"): Promise<Uint8Array> {
  // "squeeze" stretches to exactly width × height (the other fits never enlarge).
  const out = await env.IMAGES.input(stream(PNG)).transform({ width, height, fit: "squeeze" }).output({ format });
  return bytesOf(out.image());
}

async function draft() {
  const token = await tokenFor(USERS.quan6);
  const report = await createReport(token, { kind: "news", title: `Ảnh điện thoại ${crypto.randomUUID().slice(0, 8)}` });
  return { token, id: report.id as string };
}

function upload(token: string, id: string, bytes: Uint8Array, name = "IMG_0001.jpg", type = "image/jpeg") {
  const form = new FormData();
  form.set("file", new File([bytes], name, { type }));
  form.set("caption", "Toàn cảnh hội nghị");
  return call(`/api/v1/reports/${id}/attachments`, { token, body: form });
}

const stored = async (id: string) => ({
  r2: (await env.BUCKET.list({ prefix: `uploads/${id}/` })).objects.length,
  d1: (await env.DB.prepare("SELECT count(*) AS n FROM attachments WHERE report_id = ?").bind(id).first<{ n: number }>())!.n,
});

describe("the Images binding runs in tests", () => {
  it("reads the size of the test PNG and resizes a bigger generated image", async () => {
    expect(await env.IMAGES.info(stream(PNG))).toMatchObject({ format: "image/png", width: 1, height: 1 });
    const big = await picture(3000, 2000);
    expect(await env.IMAGES.info(stream(big))).toMatchObject({ format: "image/jpeg", width: 3000, height: 2000 });
    const small = await env.IMAGES.input(stream(big)).transform({ width: 960, fit: "scale-down" }).output({ format: "image/webp" });
    expect(await env.IMAGES.info(stream(await bytesOf(small.image())))).toMatchObject({ format: "image/webp", width: 960, height: 640 });
  });
});

describe("upload limits", () => {
  it("a phone photo passes: 12 MP JPEG (4032×3024), PNG and WebP; its size rides with the stored object", async () => {
    const { token, id } = await draft();
    const res = await upload(token, id, await picture(4032, 3024));
    expect(res.status, await res.clone().text()).toBe(201);
    const { id: attId } = await res.json<{ id: string }>();
    const row = await env.DB.prepare("SELECT r2_key, content_type FROM attachments WHERE id = ?").bind(attId).first<{ r2_key: string; content_type: string }>();
    expect(row!.content_type).toBe("image/jpeg");
    expect((await env.BUCKET.head(row!.r2_key))?.customMetadata).toMatchObject({ width: "4032", height: "3024" });

    expect((await upload(token, id, await picture(3000, 4000, "image/png"), "a.png", "image/png")).status).toBe(201);
    expect((await upload(token, id, await picture(1600, 1200, "image/webp"), "a.webp", "image/webp")).status).toBe(201);
  });

  it("exactly 36 megapixels (6000×6000) passes", async () => {
    const { token, id } = await draft();
    const res = await upload(token, id, await picture(6000, 6000));
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("a photo of 15 MB passes (the old 10 MiB limit would refuse it)", async () => {
    const { token, id } = await draft();
    const photo = await picture(4000, 3000);
    // A JPEG with 15 MB of application data after its end: still one image to every decoder.
    const big = new Uint8Array(15 * 1024 * 1024);
    big.set(photo);
    const res = await upload(token, id, big);
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("40 megapixels (8000×5000) is refused with 422 naming file, in Vietnamese; nothing is stored", async () => {
    const { token, id } = await draft();
    const body = await expectProblem(await upload(token, id, await picture(8000, 5000, "image/png"), "big.png", "image/png"), 422, "validation-failed");
    expect(body.errors).toEqual([{ path: "file", in: "form", message: "Ảnh quá lớn: 40,0 triệu điểm ảnh, tối đa 36 triệu" }]);
    expect(body.detail).toBe("Ảnh quá lớn: 40,0 triệu điểm ảnh, tối đa 36 triệu");
    expect(await stored(id)).toEqual({ r2: 0, d1: 0 });
  });

  it("just over 36 MP reads as over (36,1), not as the limit", async () => {
    const { token, id } = await draft();
    const body = await expectProblem(await upload(token, id, await picture(6001, 6000)), 422, "validation-failed");
    expect(body.errors[0].message).toBe("Ảnh quá lớn: 36,1 triệu điểm ảnh, tối đa 36 triệu");
  });

  it("not an image: text 415, a forged JPEG header 422, both naming file; nothing is stored", async () => {
    const { token, id } = await draft();
    const text = await expectProblem(await upload(token, id, new TextEncoder().encode("Không phải ảnh"), "a.jpg"), 415, "unsupported-media-type");
    expect(text.errors[0]).toMatchObject({ path: "file" });
    const forged = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode("<script>alert(1)</script>".repeat(40))]);
    const bad = await expectProblem(await upload(token, id, forged), 422, "validation-failed");
    expect(bad.errors).toEqual([{ path: "file", in: "form", message: "Không đọc được ảnh: tệp bị hỏng hoặc không phải ảnh JPEG, PNG hoặc WebP" }]);
    // A PNG cut in half: its header says PNG, its pixels are missing.
    const png = await picture(800, 600, "image/png");
    const cut = await upload(token, id, png.subarray(0, 20), "cut.png", "image/png");
    expect([415, 422]).toContain(cut.status);
    expect(await stored(id)).toEqual({ r2: 0, d1: 0 });
  });

  it("over 20 MB: 413 before anything is read", async () => {
    const { token, id } = await draft();
    const body = await expectProblem(await upload(token, id, new Uint8Array(MAX_IMAGE_BYTES + 1)), 413, "payload-too-large");
    expect(body.detail).toBe("Ảnh tối đa 20 MB");
    expect(await stored(id)).toEqual({ r2: 0, d1: 0 });
  });

  it("the web form: a 40 MP photo comes back to the page with the message, not an error page", async () => {
    const { id } = await draft();
    const cookie = await signIn(USERS.quan6, "10.7.7.7");
    const csrf = await csrfOf(cookie, `/app/reports/${id}`);
    expect(csrf).toBeTruthy();
    const form = new FormData();
    form.set("_csrf", csrf);
    form.set("caption", "Ảnh quá lớn");
    form.set("file", new File([await picture(8000, 5000, "image/png")], "big.png", { type: "image/png" }));
    const res = await call(`/app/reports/${id}/images`, { body: form, headers: { cookie, origin: ORIGIN } });
    expect(res.status).toBe(303);
    const location = decodeURIComponent(res.headers.get("location") ?? "");
    expect(location).toContain("Ảnh quá lớn: 40,0 triệu điểm ảnh, tối đa 36 triệu");
    expect(await stored(id)).toEqual({ r2: 0, d1: 0 });
  });
});
