// What every browser test shares: the Debian chromium, signing in through the login page, and
// axe-core's serious and critical violations (axe is injected, so contexts that run it set
// `bypassCSP`: the pages' own CSP forbids injected scripts).
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;
const AXE = new URL("../../node_modules/axe-core/axe.min.js", import.meta.url).pathname;
export const PASSWORD = "demo-password";

/** Chromium as this machine has it (never a downloaded one), its interface in `lang`. */
export function launchBrowser(lang) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--lang=${lang}`],
  });
}

/**
 * A new context signed in as `email` through the login page, by its labels and button name as a
 * person would; `context`: playwright's options.
 */
export async function signIn(browser, base, email, context) {
  const page = await (await browser.newContext(context)).newPage();
  await page.goto(`${base}/app/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
  return page;
}

/** axe-core's violations on the page as it is, each with its impact and where (first nodes). */
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) })),
  );
}

/** No serious or critical axe-core violation on the page. */
export async function assertNoSeriousAxe(page, label) {
  const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious, [], `${label}: ${JSON.stringify(serious)}`);
}
