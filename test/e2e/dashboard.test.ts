/**
 * End to end in a real browser (Debian's Chromium through playwright-core) against
 * startServer() on 127.0.0.1:0 serving the built dashboard (dist/web; `npm test` builds first):
 * upload samples/mixed.pcapng and watch the progress, open the overview, see the heatmap, click
 * a cell, open a flow; a STARTTLS flow's upgrade card; the MCP inventory and the comparison; and a capture built here whose SNI
 * is markup renders as text (no dialog, no element). One screenshot per main page in /tmp.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { startServer } from '../../server/main.js';
import type { RunningServer } from '../../server/main.js';
import { hostilePcap } from './hostile-pcap.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_ROOT = join(process.cwd(), 'dist', 'web');
const EVIL = '<img src=x onerror=alert(1)>';
const SHOTS = '/tmp';
const ready = existsSync(CHROMIUM) && existsSync(join(WEB_ROOT, 'index.html')) && existsSync('dist/core/worker/scan-worker.js');

let dir: string;
let server: RunningServer;
let browser: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];

async function uploadThroughUi(file: string): Promise<string> {
  await page.goto(`${server.url}/#/upload`);
  await page.getByLabel('Capture files').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and scan' }).click();
  const bar = page.locator('#upload-progress');
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 30_000 }).toBe(1);
  const open = page.getByRole('link', { name: 'Open the scan' });
  await open.waitFor({ timeout: 30_000 });
  const link = (await open.getAttribute('href')) ?? '';
  const m = /#\/scans\/([^/?]+)/.exec(link);
  expect(m).not.toBeNull();
  return decodeURIComponent(m?.[1] ?? '');
}

// CI installs Debian's chromium (.ci/run): there a missing browser is a failure, not a skip
it.runIf(process.env['CI'] !== undefined)('CI has Chromium and the built dashboard', () => {
  expect(ready).toBe(true);
});

describe.skipIf(!ready)('dashboard in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hndl-e2e-'));
    server = await startServer({ dbPath: join(dir, 'scans.duckdb'), host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, uploadDir: join(dir, 'up') });
    // a fresh profile directory per run (launchPersistentContext passes it as --user-data-dir)
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1366, height: 900 },
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads mixed.pcapng with progress, then overview → heatmap cell → flows → flow detail', async () => {
    await page.goto(`${server.url}/#/upload`);
    await page.getByLabel('Capture files').setInputFiles('samples/mixed.pcapng');
    await page.getByRole('button', { name: 'Upload and scan' }).click();
    await page.getByText('Done: 10 flows').waitFor({ timeout: 30_000 });
    expect(Number(await page.locator('#upload-progress').getAttribute('value'))).toBe(1);
    await page.screenshot({ path: `${SHOTS}/hndl-upload.png`, fullPage: true });

    await page.getByRole('link', { name: 'Open the scan' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('client ready, server not').waitFor();
    await page.getByRole('heading', { name: 'Most exposed servers' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/hndl-overview.png`, fullPage: true });

    await page.getByRole('navigation', { name: 'Scan pages' }).getByRole('link', { name: 'Heatmaps' }).click();
    const cells = page.locator('table.heat a.cell');
    await cells.first().waitFor();
    expect(await cells.count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/hndl-heatmaps.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${SHOTS}/hndl-heatmaps-dark.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    const first = cells.first();
    const expected = Number(await first.textContent());
    await first.click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    expect(page.url()).toMatch(/\/flows\?label=/);
    await page.getByText(`of ${expected}`, { exact: false }).waitFor();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(expected);
    await page.screenshot({ path: `${SHOTS}/hndl-flows-filtered.png`, fullPage: true });

    // remove the heatmap filter: all 10 flows
    await page.getByRole('button', { name: 'Remove filter label' }).click();
    await page.getByText('1–10 of 10').waitFor();
    await page.screenshot({ path: `${SHOTS}/hndl-flows.png`, fullPage: true });
    await page.getByRole('link', { name: 'api.hybrid.test' }).first().click();
    await page.getByRole('heading', { name: 'TLS handshake' }).waitFor();
    await page.getByText('X25519MLKEM768 (0x11ec)').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/hndl-flow-detail.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('keyboard: the first heatmap cell is reachable and opens with Enter', async () => {
    await page.goto(`${server.url}/#/`);
    const scanLink = page.locator('tbody a').first();
    await scanLink.click();
    await page.getByRole('link', { name: 'Heatmaps' }).click();
    const cell = page.locator('table.heat a.cell').first();
    await cell.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
  });

  it('renders a hostile SNI as text: no dialog, no injected element', async () => {
    const file = join(dir, 'hostile.pcap');
    writeFileSync(file, hostilePcap(EVIL));
    const scanId = await uploadThroughUi(file);
    await page.goto(`${server.url}/#/scans/${encodeURIComponent(scanId)}/flows`);
    const cell = page.getByRole('link', { name: EVIL, exact: true });
    await cell.waitFor();
    expect(await cell.textContent()).toBe(EVIL);
    await page.goto(`${server.url}/#/scans/${encodeURIComponent(scanId)}/heatmaps`);
    await page.getByRole('rowheader', { name: EVIL }).first().waitFor();
    await page.goto(`${server.url}/#/scans/${encodeURIComponent(scanId)}/flows/0`);
    await page.getByRole('heading', { name: `Flow 0: ${EVIL}` }).waitFor();
    await page.getByText(EVIL, { exact: true }).first().waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('shows how a session upgraded in-band: the PostgreSQL SSLRequest sample', async () => {
    const scanId = await uploadThroughUi(join(process.cwd(), 'samples', 'starttls', 'postgresql-ssl.pcap'));
    await page.goto(`${server.url}/#/scans/${encodeURIComponent(scanId)}/flows/0`);
    await page.getByRole('heading', { name: 'In-band upgrade' }).waitFor();
    const card = page.locator('.card', { has: page.getByRole('heading', { name: 'In-band upgrade' }) });
    expect(await card.textContent()).toMatch(/Protocol\s*postgresql.*Request\s*SSLRequest.*Answer\s*accepted.*Upgraded to TLS\s*yes/s);
    expect(pageErrors).toEqual([]);
  });

  it('shows an HTTP CONNECT flow\'s tunnel: target, the proxy\'s final answer, the retry', async () => {
    const scanId = await uploadThroughUi(join(process.cwd(), 'samples', 'starttls', 'http-connect.pcap'));
    await page.goto(`${server.url}/#/scans/${encodeURIComponent(scanId)}/flows/0`);
    await page.getByRole('heading', { name: 'Proxy tunnel' }).waitFor();
    const card = page.locator('.card', { has: page.getByRole('heading', { name: 'Proxy tunnel' }) });
    expect(await card.textContent()).toMatch(/Target\s*127\.0\.0\.1:4443.*Proxy answer\s*200.*CONNECT requests\s*2/s);
    expect(pageErrors).toEqual([]);
  });

  it('shows the MCP inventory and compares two scans', async () => {
    const mcpScan = await uploadThroughUi('samples/mcp-streamable-json.pcap');
    await page.goto(`${server.url}/#/scans/${encodeURIComponent(mcpScan)}/mcp`);
    await page.getByRole('heading', { name: 'Tools called' }).waitFor();
    await page.getByText('lookup_customer').first().waitFor();
    await page.getByText('hndl-sample-server', { exact: false }).first().waitFor();
    await page.screenshot({ path: `${SHOTS}/hndl-mcp.png`, fullPage: true });

    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: 'Compare with previous' }).first().click();
    await page.getByText(/Post-quantum \(hybrid or PQ\) share of flows/).waitFor();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/hndl-compare.png`, fullPage: true });
    await page.goto(`${server.url}/#/`);
    await page.screenshot({ path: `${SHOTS}/hndl-scans.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
