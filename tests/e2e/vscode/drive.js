// Drives real VS Code (code-server) in headless Chromium with playwright-core and checks what a
// learner sees. Usage: node drive.js PORT   (run.sh sets E2E_* and NODE_PATH)
// Each check is named for the promise it verifies; the run ends with "N passed, N failed".
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const PORT = process.argv[2];
const WS = process.env.E2E_WS;
const RUN = process.env.E2E_RUN;
const ART = process.env.E2E_ART;
const REPO = process.env.E2E_REPO;
const SHOTS = process.env.E2E_SCREENSHOTS === '1'; // also keep screenshots of passing checks
const T = Number(process.env.E2E_TIMEOUT_MS || 60000);

const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const results = [];
let page;
let shotNo = 0;

async function shot(name) {
  fs.mkdirSync(ART, { recursive: true });
  const file = path.join(ART, `${String(++shotNo).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  return file;
}

/** Runs one named check; a failure is recorded with a screenshot and the run goes on, unless
 * later checks cannot mean anything without this one (`critical`). */
async function check(name, fn, { critical = false } = {}) {
  const start = Date.now();
  try {
    // Start each check from a quiet workbench: no open menu, palette or peek.
    for (let i = 0; i < 2; i++) await page.keyboard.press('Escape').catch(() => {});
    const detail = await fn();
    results.push({ name, ok: true });
    log(`PASS ${name}${detail ? ` (${detail})` : ''} [${((Date.now() - start) / 1000).toFixed(1)}s]`);
    if (SHOTS) await shot(`ok-${name}`);
    return true;
  } catch (err) {
    const file = await shot(`FAIL-${name}`);
    results.push({ name, ok: false });
    const lines = String(err && err.message ? err.message : err).split('\n');
    const what = lines.find((l) => /waiting for/.test(l));
    log(`FAIL ${name}: ${lines[0]}${what ? ` — ${what.trim()}` : ''} (screenshot ${path.relative(REPO, file)})`);
    if (critical) throw new Error(`critical check failed: ${name}`);
    return false;
  }
}

// --- workbench helpers ------------------------------------------------------------------------
const statusBar = () => page.locator('.part.statusbar');
const toasts = () => page.locator('.notifications-toasts');
const quickInput = () => page.locator('.quick-input-widget input');

async function closeQuickInput() {
  if (await quickInput().isVisible().catch(() => false)) await page.keyboard.press('Escape');
}

async function runCommand(title) {
  await closeQuickInput();
  await page.keyboard.press('F1');
  const opened = await quickInput().waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
  if (!opened) {
    // A focused webview (the report) keeps F1 to itself: go through the command center.
    await page.locator('.command-center').first().click();
    await quickInput().waitFor({ state: 'visible', timeout: 20000 });
  }
  // One value for either way in: ">" is the command palette's prefix.
  await quickInput().fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20000 });
  await page.keyboard.press('Enter');
}

async function openFile(name) {
  const tab = page.locator(`.tab.active[data-resource-name="${name}"]`);
  for (let attempt = 1; ; attempt++) {
    await closeQuickInput();
    await page.keyboard.press('Control+P');
    await quickInput().waitFor({ state: 'visible', timeout: 20000 });
    await page.keyboard.type(name);
    // Enter only once the filtered list has our file focused (not a recent file from before).
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 20000 });
    await page.keyboard.press('Enter');
    const opened = await tab.waitFor({ timeout: 10000 }).then(() => true, () => false);
    if (opened) break;
    if (attempt === 3) throw new Error(`${name} did not open`);
  }
  await activeEditor().locator('.view-lines').click();
}

const activeEditor = () => page.locator('.editor-group-container.active .monaco-editor').first();

/** What the active editor shows (Monaco renders spaces as no-break spaces). */
async function editorText() {
  const text = await activeEditor().locator('.view-lines').innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** Types code line by line at the end of the active editor (editor settings keep it literal). */
async function typeAtEnd(lines) {
  await page.keyboard.press('Control+End');
  for (const line of lines) {
    await page.keyboard.press('Enter');
    if (line) await page.keyboard.type(line, { delay: 5 });
  }
}

async function waitFor(what, predicate, timeout = T) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await predicate();
    if (last) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function statusCount() {
  const text = await statusBar().innerText().catch(() => '');
  const m = /Roadmap (\d+)\/(\d+)/.exec(text);
  return m ? { achieved: Number(m[1]), total: Number(m[2]) } : undefined;
}

/** The checkpoint's title as the shipped roadmap TOML spells it, so the test names the row
 * the learner sees without hard-coding server wording. */
function checkpointTitle(id) {
  const dir = path.join(REPO, 'checkpoints');
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!file.endsWith('.toml')) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const at = text.search(new RegExp(`^id\\s*=\\s*"${id.replace(/\./g, '\\.')}"`, 'm'));
    if (at < 0) continue;
    const m = /^title\s*=\s*"([^"]+)"/m.exec(text.slice(at).split(/^\[\[/m)[0]);
    if (m) return m[1];
  }
  return undefined;
}

const roadmapPane = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Roadmap' }) }).first();
const treeRows = () => roadmapPane().locator('.monaco-list-row');

async function showRoadmapView() {
  await statusBar().locator('.statusbar-item', { hasText: /Roadmap/ }).first().click();
  await roadmapPane().waitFor({ timeout: 20000 });
  const header = roadmapPane().locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

async function expandStep(label) {
  const row = treeRows().filter({ hasText: label }).first();
  await row.waitFor({ timeout: 20000 });
  // A reveal from the toast may be expanding it right now: only click a row that stays collapsed.
  await waitFor(`"${label}" expanded`, async () => {
    if ((await row.getAttribute('aria-expanded')) === 'true') return true;
    await page.waitForTimeout(500);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    return false;
  }, 15000);
  return row;
}

// --- the scenario -----------------------------------------------------------------------------
async function scenario() {
  let before;

  await check('VS Code opens the Python workspace', async () => {
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${WS}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: 120000 });
    await statusBar().waitFor({ timeout: 60000 });
  }, { critical: true });

  await check('the extension activates on a Python workspace (status-bar item appears)', async () => {
    await statusBar().getByText(/Roadmap/).first().waitFor({ timeout: 90000 });
    return (await statusBar().locator('.statusbar-item', { hasText: /Roadmap/ }).first().innerText()).trim();
  }, { critical: true });

  await check('the status bar shows the roadmap count "Roadmap N/M"', async () => {
    before = await waitFor('Roadmap N/M in the status bar', statusCount);
    if (before.total < 11) throw new Error(`implausible total ${before.total}`);
    return `Roadmap ${before.achieved}/${before.total}`;
  });

  await check('clicking the status bar opens the Roadmap view with the 11 steps', async () => {
    await showRoadmapView();
    await waitFor('11 step rows', async () => (await roadmapPane().locator('.monaco-list-row[aria-level="1"]').count()) === 11, 30000);
    await roadmapPane().locator('.monaco-list-row[aria-level="1"]', { hasText: 'Choose a web framework' }).waitFor({ timeout: 5000 });
  });

  const routeTitle = checkpointTitle('web.flask-route');
  let toastText = '';
  let routeToast;
  await check('typing a Flask route in the editor brings a milestone toast with "What next?"', async () => {
    await openFile('app.py');
    await typeAtEnd(['', '', '@app.route("/")', 'def index():', '    return "Hello, roadmap!"', '']);
    await page.keyboard.press('Control+S');
    // The first scan may toast other milestones (requirements.txt) meanwhile: wait for ours.
    routeToast = toasts().locator('.notification-toast', { hasText: routeTitle || 'Milestone' }).first();
    await routeToast.waitFor({ timeout: T });
    toastText = (await routeToast.locator('.notification-list-item-message').innerText()).trim();
    if (!/[Mm]ilestone/.test(toastText)) throw new Error(`toast "${toastText}" is not a milestone`);
    await routeToast.getByRole('button', { name: 'What next?' }).waitFor({ timeout: 5000 });
    await routeToast.getByRole('button', { name: 'Show roadmap' }).waitFor({ timeout: 5000 });
    return toastText;
  });

  await check('the Roadmap view ticks the Flask route checkpoint and the count goes up', async () => {
    const show = routeToast && routeToast.getByRole('button', { name: 'Show roadmap' });
    if (show && (await show.isVisible().catch(() => false))) await show.click();
    else await showRoadmapView();
    await expandStep('Choose a web framework');
    const label = routeTitle || 'Flask';
    const row = treeRows().filter({ hasText: label }).first();
    await row.waitFor({ timeout: 20000 });
    await waitFor(`a ✓ on "${label}"`, async () => (await row.innerText()).includes('✓'), 20000);
    if ((await row.locator('.codicon-pass-filled').count()) === 0) throw new Error('no tick icon on the row');
    const after = await waitFor('a higher count', async () => {
      const c = await statusCount();
      return c && before && c.achieved > before.achieved ? c : undefined;
    }, 20000);
    return `${(await row.innerText()).replace(/\s+/g, ' ')}; Roadmap ${after.achieved}/${after.total}`;
  });

  await check('clicking the ticked checkpoint opens the code that earned it', async () => {
    await openFile('db.py'); // somewhere else first
    await treeRows().filter({ hasText: routeTitle || 'Flask' }).first().click();
    await page.locator('.tab.active[data-resource-name="app.py"]').waitFor({ timeout: 15000 });
    const saved = fs.readFileSync(path.join(WS, 'app.py'), 'utf8').split('\n');
    const wanted = saved.map((l, i) => (/@app\.route|def index/.test(l) ? i + 1 : 0)).filter(Boolean);
    const ln = await waitFor(`the cursor on line ${wanted.join(' or ')}`, async () => {
      const m = /Ln (\d+)/.exec(await statusBar().innerText());
      return m && wanted.includes(Number(m[1])) ? Number(m[1]) : undefined;
    }, 15000);
    return `app.py Ln ${ln}: ${saved[ln - 1].trim()}`;
  });

  await check('the line that earned the milestone carries a "✓ Milestone" code lens', async () => {
    await openFile('app.py');
    const lens = activeEditor().locator('.codelens-decoration', { hasText: 'Milestone' }).first();
    await lens.waitFor({ timeout: T });
    return (await lens.innerText()).trim();
  });

  let squiggle = false;
  await check('an f-string SQL query gets a warning squiggle (RC301)', async () => {
    await openFile('db.py');
    await typeAtEnd([
      'import sqlite3',
      '',
      '',
      'def find_user(name):',
      '    conn = sqlite3.connect("app.db")',
      '    return conn.execute(f"SELECT * FROM users WHERE name = \'{name}\'").fetchall()',
      '',
    ]);
    await page.keyboard.press('Control+S');
    await activeEditor().locator('.squiggly-warning').first().waitFor({ timeout: T });
    squiggle = true;
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').getByText('RC301').first().waitFor({ timeout: 20000 });
    const problem = (await page.locator('.markers-panel .monaco-list-row', { hasText: 'RC301' }).first().innerText()).replace(/\s+/g, ' ');
    await page.keyboard.press('Control+Shift+M'); // hide the panel again
    return problem.slice(0, 120);
  });

  await check('the quick fix from the lightbulb rewrites the query with placeholders', async () => {
    if (!squiggle) throw new Error('no squiggle to fix');
    // Put the cursor on the squiggle, as a learner would, so the lightbulb offers its fix.
    // Code lenses arriving meanwhile shift lines down: click where the squiggle is *now*.
    const squiggly = activeEditor().locator('.squiggly-warning').first();
    const bulb = page.locator('.lightBulbWidget').first();
    for (let attempt = 1; ; attempt++) {
      let box = await squiggly.boundingBox();
      for (let settled = 0; settled < 5; settled++) {
        await page.waitForTimeout(400);
        const again = await squiggly.boundingBox();
        if (again && box && again.y === box.y && again.x === box.x) break;
        box = again;
      }
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      if (await bulb.waitFor({ state: 'visible', timeout: 8000 }).then(() => true, () => false)) break;
      if (attempt === 3) throw new Error('no lightbulb on the squiggle');
    }
    await bulb.click();
    const items = page.locator('.action-widget .monaco-list-row.action');
    await items.first().waitFor({ state: 'visible', timeout: 10000 });
    const titles = (await items.allInnerTexts()).map((s) => s.trim()).filter(Boolean);
    const fix = items.filter({ hasText: /placeholder|parameter|param/i }).first();
    if (await fix.count()) await fix.click();
    else await items.first().click();
    const text = await waitFor('the f-string to be gone', async () => {
      const t = await editorText();
      return !t.includes('f"SELECT') && t.includes('conn.execute') ? t : undefined;
    }, 20000);
    const fixed = text.split('\n').find((l) => l.includes('conn.execute')).trim();
    return `menu: ${titles.join(' | ')} -> ${fixed}`;
  });

  await check('Export progress writes the file chosen in the save dialog', async () => {
    await page.keyboard.press('Control+S');
    const target = path.join(WS, 'exported-progress.md');
    await runCommand('Roadmap Coach: Export progress');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Markdown' }).first().waitFor({ timeout: 20000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Markdown' }).first().click();
    // code-server's save dialog is VS Code's simple file dialog: a path in the quick input.
    await waitFor('the save dialog', async () => /\.md$/.test(await quickInput().inputValue().catch(() => '')), 20000);
    await quickInput().fill(target);
    await page.keyboard.press('Enter');
    await toasts().getByText('progress exported to').first().waitFor({ timeout: T });
    const size = await waitFor(`${target} on disk`, async () => fs.existsSync(target) && fs.statSync(target).size, 10000);
    return `${path.basename(target)}: ${size} bytes`;
  });

  await check('Open progress report shows the HTML export in a webview', async () => {
    await runCommand('Roadmap Coach: Open progress report');
    await page.locator('.tab', { hasText: 'Roadmap progress' }).waitFor({ timeout: 20000 });
    // The report is the inner document of the webview's iframes; find it by its CSP meta.
    const report = await waitFor('the report document', async () => {
      for (const frame of page.frames()) {
        const doc = await frame.evaluate(() => ({
          csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') || '',
          text: document.body ? document.body.innerText : '',
        })).catch(() => undefined);
        if (doc && doc.csp.includes("script-src 'none'") && doc.text.trim()) return doc;
      }
      return undefined;
    }, 30000);
    if (report.text.includes('could not be made')) throw new Error(report.text.trim());
    if (!/default-src 'none'/.test(report.csp)) throw new Error(`weak CSP: ${report.csp}`);
    // Back to the code: a focused webview keeps keyboard shortcuts (F1) to itself.
    await page.locator('.tab[data-resource-name="app.py"]').click();
    await page.locator('.tab.active[data-resource-name="app.py"]').waitFor({ timeout: 10000 });
    return report.text.replace(/\s+/g, ' ').slice(0, 80);
  });

  await check('the walkthrough step for web frameworks shows as done', async () => {
    await runCommand('Roadmap Coach: Open walkthrough');
    const stepBox = page.locator('[data-done-step-id$="#web-frameworks"]').first();
    await stepBox.waitFor({ timeout: 30000 });
    await waitFor('a ticked web-frameworks step', async () => (await stepBox.getAttribute('aria-checked')) === 'true', 20000);
    // requirements.txt earned a dependencies milestone in the first scan, before VS Code had
    // built its walkthrough service: that step must be ticked too.
    const deps = page.locator('[data-done-step-id$="#dependencies"]').first();
    await waitFor('a ticked dependencies step', async () => (await deps.getAttribute('aria-checked')) === 'true', 20000);
    const ticked = await page.locator('[data-done-step-id][aria-checked="true"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-done-step-id').split('#').pop()));
    return `ticked: ${ticked.join(', ')}`;
  });

  await check('a file created from the integrated terminal becomes a tick in the Roadmap view', async () => {
    // entrypoint.sh is a kind VS Code's file watching used to miss (the server now asks for
    // every kind it reads); deploy.app-server is earned by no other file here.
    const title = checkpointTitle('deploy.app-server') || 'application server';
    await runCommand('Terminal: Create New Terminal');
    const terminal = page.locator('.terminal-wrapper.active .xterm').first();
    await terminal.waitFor({ timeout: 30000 });
    // xterm draws on a canvas: no prompt text to wait for, so type until the file appears
    const file = path.join(WS, 'entrypoint.sh');
    for (let attempt = 1; !fs.existsSync(file); attempt++) {
      if (attempt > 3) throw new Error('the terminal did not run the command');
      await page.waitForTimeout(1000 * attempt);
      await terminal.click();
      if (attempt > 1) await page.keyboard.press('Control+C'); // a half-typed line from before
      await page.keyboard.type("printf 'exec gunicorn app:app\\n' > entrypoint.sh", { delay: 5 });
      await page.keyboard.press('Enter');
      await waitFor('entrypoint.sh on disk', async () => fs.existsSync(file), 10000).catch(() => {});
    }
    const made = Date.now();
    await showRoadmapView();
    await expandStep(checkpointTitle('deployment') || 'Deploy');
    const row = treeRows().filter({ hasText: title }).first();
    await row.waitFor({ timeout: 20000 });
    await waitFor(`a ✓ on "${title}"`, async () => (await row.innerText()).includes('✓'), 20000);
    if ((await row.locator('.codicon-pass-filled').count()) === 0) throw new Error('no tick icon on the row');
    return `${(await row.innerText()).replace(/\s+/g, ' ')}; ticked ${((Date.now() - made) / 1000).toFixed(1)}s after the file appeared`;
  });

  await check('Recheck workspace runs on the server', async () => {
    await runCommand('Roadmap Coach: Recheck workspace');
    await statusBar().getByText('workspace rechecked').waitFor({ timeout: T });
  });

  await check('Reset progress asks in a modal dialog, then resets on the server', async () => {
    await runCommand('Roadmap Coach: Reset progress');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15000 });
    const question = (await dialog.locator('.dialog-message-text').innerText()).trim();
    await dialog.getByRole('button', { name: 'Reset progress' }).click();
    await toasts().getByText('progress reset').first().waitFor({ timeout: T });
    const after = await statusCount();
    return `"${question}" -> ${after ? `Roadmap ${after.achieved}/${after.total}` : 'no count'}`;
  });

  await check('a lesson silenced in the settings disappears from the editor (settings reach the server)', async () => {
    await openFile('db.py');
    await typeAtEnd(['', 'def delete_user(conn, name):', '    conn.execute(f"DELETE FROM users WHERE name = \'{name}\'")', '']);
    const squiggles = activeEditor().locator('.squiggly-warning');
    await squiggles.first().waitFor({ timeout: T });
    const file = path.join(RUN, 'ud', 'Machine', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    settings['roadmapCoach.disabledLessons'] = ['RC301'];
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));
    await waitFor('the RC301 squiggle to go', async () => (await squiggles.count()) === 0, T);
  });

  await check('a server command that does not exist: one notification pointing at the setting', async () => {
    // Remote (code-server) windows read machine-scoped settings from the Machine profile;
    // the extension restarts the server when this setting changes.
    const file = path.join(RUN, 'ud', 'Machine', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    settings['roadmapCoach.server.command'] = [path.join(RUN, 'no-such-dir', 'roadmap-coach'), 'serve'];
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));
    const toast = toasts().locator('.notification-toast', { hasText: 'was not found' }).first();
    await toast.waitFor({ timeout: T });
    await toast.getByRole('button', { name: 'Open setting' }).waitFor({ timeout: 5000 });
    await statusBar().locator('.statusbar-item', { hasText: /Roadmap/ }).locator('.codicon-warning').first().waitFor({ timeout: 10000 });
    return (await toast.locator('.notification-list-item-message').innerText()).trim().slice(0, 100);
  });
}

(async () => {
  const udd = fs.mkdtempSync(path.join(RUN, 'chrome-'));
  const browser = await chromium.launchPersistentContext(udd, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = browser.pages()[0] || (await browser.newPage());
  page.on('pageerror', (e) => log('pageerror', e.message.split('\n')[0]));
  try {
    await scenario();
  } catch (err) {
    log(String(err.message || err));
  } finally {
    await browser.close().catch(() => {});
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}`).join('\n'));
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
})();
