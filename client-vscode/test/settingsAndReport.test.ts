import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultExportName, FORMATS, reportCsp, withCsp } from '../src/report';
import { configChangeAction, serverSettings } from '../src/settings';

test('the server gets its settings without the client-only launch and trace keys', () => {
  const section = {
    storePath: '/tmp/p.sqlite',
    learner: 'ada',
    hints: 'milestones',
    disabledLessons: ['RC901'],
    roadmapPaths: [],
    debounceMs: 200,
    server: { command: ['/x/roadmap-coach', 'serve'] },
    trace: { server: 'off' },
    futureSetting: true,
  };
  assert.deepEqual(serverSettings(section), {
    storePath: '/tmp/p.sqlite',
    learner: 'ada',
    hints: 'milestones',
    disabledLessons: ['RC901'],
    roadmapPaths: [],
    debounceMs: 200,
    futureSetting: true,
  });
  assert.deepEqual(serverSettings(null), {});
  assert.deepEqual(serverSettings(['a']), {});
});

test('a new server command restarts the server; other coach settings are announced to it', () => {
  const changed = (...sections: string[]) => (s: string) => sections.some((c) => c === s || c.startsWith(`${s}.`));
  assert.equal(configChangeAction(changed('roadmapCoach.server.command')), 'restart');
  assert.equal(configChangeAction(changed('roadmapCoach.server.command', 'roadmapCoach.hints')), 'restart');
  assert.equal(configChangeAction(changed('roadmapCoach.hints')), 'notify');
  assert.equal(configChangeAction(changed('roadmapCoach.disabledLessons')), 'notify');
  assert.equal(configChangeAction(changed('roadmapCoach.trace.server')), 'none');
  assert.equal(configChangeAction(changed('editor.fontSize')), 'none');
});

test('the report webview allows no script and no network', () => {
  const csp = reportCsp('https://webview.example');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-eval|script-src [^;]*unsafe-inline|https?:\/\/\*|\*;/);
});

test('the CSP meta goes first in <head>, before anything the report loads', () => {
  const html = '<!DOCTYPE html><html lang="en"><head><title>r</title><style>p{}</style></head><body><p>x</p></body></html>';
  const out = withCsp(html, "default-src 'none'");
  assert.ok(out.indexOf('Content-Security-Policy') < out.indexOf('<title>'));
  assert.ok(out.includes(`content="default-src 'none'"`));
  assert.ok(out.endsWith('<p>x</p></body></html>'));
});

test('a report without <head> still gets the CSP', () => {
  assert.match(withCsp('<html><body>x</body></html>', 'a'), /^<html><head><meta http-equiv="Content-Security-Policy" content="a"><\/head><body>/);
  assert.match(withCsp('<p>bare</p>', 'a'), /<head><meta [^>]+><\/head><body><p>bare<\/p><\/body>/);
});

test('a quote in the policy cannot break out of the attribute', () => {
  assert.ok(withCsp('<head></head>', 'a" onload="x').includes('content="a&quot; onload=&quot;x"'));
});

test('export offers html, md and jsonl with dated default file names', () => {
  assert.deepEqual(FORMATS.map((f) => f.format).sort(), ['html', 'jsonl', 'md']);
  const day = new Date('2025-11-27T10:00:00Z');
  assert.equal(defaultExportName('md', day), 'roadmap-progress-2025-11-27.md');
  assert.equal(defaultExportName('jsonl', day), 'roadmap-progress-2025-11-27.jsonl');
});
