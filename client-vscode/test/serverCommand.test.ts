import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandSetting, isLaunch, LaunchProbes, normalizeSetting, resolveServerCommand, which } from '../src/serverCommand';

/** A pretend machine: which executables exist, what the Python extension says, which
 * interpreters can import roadmap_coach. Records what was probed. */
function machine(opts: { executables?: string[]; pythonExt?: string[]; importable?: string[] }) {
  const calls: string[] = [];
  const exes = new Set(opts.executables ?? []);
  const probes: LaunchProbes = {
    which: async (name) => {
      calls.push(`which ${name}`);
      if (name.startsWith('/')) {
        return exes.has(name) ? name : undefined;
      }
      return [...exes].find((e) => e.endsWith(`/${name}`));
    },
    pythonExtensionInterpreter: async () => {
      calls.push('python-extension');
      return opts.pythonExt;
    },
    canImportServer: async (python) => {
      calls.push(`import with ${python.join(' ')}`);
      return (opts.importable ?? []).includes(python[0]);
    },
  };
  return { probes, calls };
}

test('the setting wins over everything else', async () => {
  const m = machine({ executables: ['/repo/.venv/bin/roadmap-coach', '/usr/bin/roadmap-coach'], pythonExt: ['/py'], importable: ['/py'] });
  const r = await resolveServerCommand(['/repo/.venv/bin/roadmap-coach', 'serve'], m.probes);
  assert.ok(isLaunch(r));
  assert.deepEqual([r.command, r.args, r.source], ['/repo/.venv/bin/roadmap-coach', ['serve'], 'setting']);
  assert.ok(!m.calls.includes('python-extension'), 'nothing else is probed');
});

test('a setting whose program is missing is reported as a setting problem, not bypassed', async () => {
  const m = machine({ executables: ['/usr/bin/roadmap-coach'] });
  const r = await resolveServerCommand(['/nowhere/roadmap-coach', 'serve'], m.probes);
  assert.ok(!isLaunch(r));
  assert.equal(r.settingProblem, true);
  assert.match(r.message, /\/nowhere\/roadmap-coach/);
});

test('a bare program name in the setting is looked up on PATH', async () => {
  const m = machine({ executables: ['/usr/local/bin/python3.12'] });
  const r = await resolveServerCommand(['python3.12', '-m', 'roadmap_coach', 'serve'], m.probes);
  assert.ok(isLaunch(r));
  assert.deepEqual([r.command, r.args], ['/usr/local/bin/python3.12', ['-m', 'roadmap_coach', 'serve']]);
});

test('an empty or blank setting counts as not set', async () => {
  assert.deepEqual(normalizeSetting(['  ', '']), []);
  assert.deepEqual(normalizeSetting('roadmap-coach serve'), [], 'a string is not an argv');
  const m = machine({ executables: ['/usr/bin/roadmap-coach'] });
  const r = await resolveServerCommand([' '], m.probes);
  assert.ok(isLaunch(r));
  assert.equal(r.source, 'path');
});

test('the Python extension interpreter is used when roadmap_coach imports there', async () => {
  const m = machine({ executables: ['/usr/bin/roadmap-coach'], pythonExt: ['/proj/.venv/bin/python'], importable: ['/proj/.venv/bin/python'] });
  const r = await resolveServerCommand([], m.probes);
  assert.ok(isLaunch(r));
  assert.deepEqual([r.command, r.args, r.source], ['/proj/.venv/bin/python', ['-P', '-m', 'roadmap_coach', 'serve'], 'python-extension']);
});

test('an interpreter without roadmap_coach falls through to PATH', async () => {
  const m = machine({ executables: ['/usr/bin/roadmap-coach'], pythonExt: ['/proj/.venv/bin/python'], importable: [] });
  const r = await resolveServerCommand(undefined, m.probes);
  assert.ok(isLaunch(r));
  assert.deepEqual([r.command, r.args, r.source], ['/usr/bin/roadmap-coach', ['serve'], 'path']);
  assert.ok(m.calls.includes('import with /proj/.venv/bin/python'));
});

test('without Python extension or console script, python3 -m roadmap_coach is tried', async () => {
  const m = machine({ executables: ['/usr/bin/python3'], importable: ['/usr/bin/python3'] });
  const r = await resolveServerCommand([], m.probes);
  assert.ok(isLaunch(r));
  assert.deepEqual([r.command, r.args, r.source], ['/usr/bin/python3', ['-P', '-m', 'roadmap_coach', 'serve'], 'python3']);
});

test('when nothing works the failure says how to install and lists what was tried', async () => {
  const m = machine({ executables: ['/usr/bin/python3'], pythonExt: ['/py'], importable: [] });
  const r = await resolveServerCommand([], m.probes);
  assert.ok(!isLaunch(r));
  assert.equal(r.settingProblem, false);
  assert.match(r.message, /from a clone of the roadmap-coach repository with `pipx install \.`/);
  assert.equal(r.tried.length, 3);
});

test('~ and ${workspaceFolder} are expanded in the setting', () => {
  assert.deepEqual(expandSetting(['~/bin/rc', '${workspaceFolder}/.venv/bin/roadmap-coach', 'serve', 'a~b'], { home: '/home/me', workspaceFolder: '/proj' }), [
    '/home/me/bin/rc',
    '/proj/.venv/bin/roadmap-coach',
    'serve',
    'a~b',
  ]);
});

test('which finds the first executable on PATH and checks paths as given', async () => {
  const exists = new Set(['/b/tool', '/c/tool', '/proj/.venv/bin/tool']);
  const isExe = async (f: string) => exists.has(f);
  assert.equal(await which('tool', { PATH: '/a::/b:/c' }, isExe), '/b/tool');
  assert.equal(await which('tool', { PATH: '' }, isExe), undefined);
  assert.equal(await which('.venv/bin/tool', { PATH: '/b', cwd: '/proj' }, isExe), '/proj/.venv/bin/tool');
  assert.equal(await which('/nope/tool', { PATH: '/b' }, isExe), undefined);
});
