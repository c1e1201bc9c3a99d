import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { DEMO_PASSWORD } from "./seed";

export const BASE = "http://127.0.0.1:8787";

export type Call = {
  method?: string;
  token?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
};

/** One request through the Worker's real fetch handler. */
export function call(path: string, opts: Call = {}): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  // Redirects are answers to check, not to follow.
  return exports.default.fetch(new Request(`${BASE}${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" }));
}

export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

const tokens = new Map<string, Promise<string>>();

/**
 * A bearer token for a demo user (one sign-in per user per test file). Callers racing for the same
 * user share the one sign-in: parallel sign-ins of one account count against its lock-out.
 */
export function tokenFor(email: string): Promise<string> {
  const cached = tokens.get(email);
  if (cached) return cached;
  const signIn = (async () => {
    const res = await call("/api/v1/auth/login", { json: { email, password: DEMO_PASSWORD }, headers: { "cf-connecting-ip": `10.9.${tokens.size}.1` } });
    expect(res.status, `sign-in as ${email}`).toBe(200);
    const { token } = await json<{ token: string }>(res);
    return token;
  })();
  tokens.set(email, signIn);
  signIn.catch(() => tokens.delete(email));
  return signIn;
}

export const USERS = {
  admin: "admin@sogd.example",
  specialist: "chuyenvien@sogd.example",
  deputy: "photruongphong@sogd.example",
  director: "truongphong@sogd.example",
  quan6: "quan6@trungtam.example",
  tanPhu: "tanphu@trungtam.example",
  centreHead: "giamdoc.quan6@trungtam.example",
  minhKhai: "minhkhai@truong.example",
} as const;

/** Asserts an RFC 9457 problem with this status and type suffix; returns its body. */
export async function expectProblem(res: Response, status: number, code: string): Promise<any> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text);
  expect(body.type).toBe(`urn:sogd:problem:${code}`);
  expect(typeof body.title).toBe("string");
  expect(body.status).toBe(status);
  expect(text).not.toMatch(/at \w+ \(|\.ts:\d+/); // no stack trace
  return body;
}

export const sampleReport = {
  kind: "event",
  title: "Hội nghị sơ kết học kì I và triển khai nhiệm vụ học kì II năm học 2023 – 2024",
  summary: "Sở Giáo dục và Đào tạo tổ chức Hội nghị sơ kết học kì I đối với Giáo dục thường xuyên.",
  body: "Ngày 23 tháng 01 năm 2024 tại Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh, Sở Giáo dục và Đào tạo đã tổ chức Hội nghị.\n\nTham dự Hội nghị gồm có các đại biểu.",
  eventDate: "2024-01-23",
  location: "Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh",
  attendees: [
    { name: "Ông Dương Trí Dũng", title: "Phó Giám đốc Sở Giáo dục và Đào tạo" },
    { name: "Bà Trần Thị Kim Thanh", title: "Phó Trưởng phòng GDTX-CN&ĐH" },
  ],
  sourceUrl: "https://hcm.edu.vn/hoi-nghi-so-ket-hk1-gdtx",
};

export async function createReport(token: string, overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await call("/api/v1/reports", { token, json: { ...sampleReport, ...overrides } });
  const body = await res.text();
  expect(res.status, body).toBe(201);
  return JSON.parse(body);
}
