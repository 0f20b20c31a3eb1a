// Debian's Chromium driven by playwright-core: headless, no sandbox (CI runs as root), nothing fetched
// from the network but the hub, and a fresh profile (--user-data-dir) for every browser opened.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.MODELHUB_BASE_URL || 'http://127.0.0.1:8080';
export const ADMIN_KEY = process.env.MODELHUB_API_KEY;
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage'];

/**
 * A browser of its own (its own profile, so its own cookies): {page, context, errors, close}.
 * `errors` collects console errors, page errors and CSP violations, which a test may assert are absent.
 */
export async function openBrowser({ width = 1280, height = 860, mobile = false } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'modelhub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE, headless: true, args: ARGS, ignoreDefaultArgs: ['--headless=new'],
    viewport: { width, height }, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1,
    permissions: ['clipboard-read', 'clipboard-write'], baseURL: BASE, timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  // Any request to another host is a defect (the portal must work offline): record it and refuse it.
  await context.route((url) => !url.href.startsWith(BASE) && !url.href.startsWith('blob:') && !url.href.startsWith('data:'), (route) => {
    errors.push(`offsite request: ${route.request().url()}`);
    return route.abort();
  });
  return {
    page, context, errors,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Calls the hub's API directly (not through the browser). */
export async function api(method, path, { body, key = ADMIN_KEY, headers = {} } = {}) {
  const h = Object.assign({}, headers);
  if (key) h.Authorization = `Bearer ${key}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(BASE + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: res.status, json, text, headers: res.headers };
}

/** Saves a full-page screenshot under docs/portal/ when SCREENSHOTS is set (run.sh --screenshots). */
export async function screenshot(page, name, { fullPage = true } = {}) {
  const dir = process.env.SCREENSHOTS;
  if (!dir) return;
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}
