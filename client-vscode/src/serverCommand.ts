// How the extension finds the language server. Pure: every look at the machine (PATH, the
// Python extension, "can this interpreter import roadmap_coach?") is passed in, so the order
// of preference is unit-tested without spawning anything.
import * as path from 'path';

export type LaunchSource = 'setting' | 'python-extension' | 'path' | 'python3';

export interface ServerLaunch {
  command: string;
  args: string[];
  source: LaunchSource;
}

export interface LaunchFailure {
  /** What went wrong, for the notification. */
  message: string;
  /** Every candidate looked at, for the log. */
  tried: string[];
  /** The configured command was unusable: the fix is in the setting, not an install. */
  settingProblem: boolean;
}

export interface LaunchProbes {
  /** Absolute path of an executable found on PATH (or the path itself when it is one). */
  which(name: string): Promise<string | undefined>;
  /** The Python extension's interpreter command for the workspace (e.g. `['/venv/bin/python']`),
   * or undefined when that extension is absent or has no interpreter. */
  pythonExtensionInterpreter(): Promise<string[] | undefined>;
  /** True when `python -c "import roadmap_coach"` succeeds with this interpreter command. */
  canImportServer(python: string[]): Promise<boolean>;
}

export const INSTALL_HINT = 'pipx install .'; // in a clone of the roadmap-coach repository

function show(cmd: string[]): string {
  return cmd.map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(' ');
}

/** The setting as a clean argv: blanks dropped; empty means "not set". */
export function normalizeSetting(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v.length > 0);
}

/**
 * setting > the Python extension's interpreter (when roadmap_coach imports there) >
 * `roadmap-coach` on PATH > `python3 -m roadmap_coach`.
 *
 * A configured command is the user's explicit choice: when its program cannot be found the
 * result is a failure pointing at the setting rather than a silent fallback to another server.
 */
/** `~` and `${workspaceFolder}` in the setting, as users write them in other tools' settings. */
export function expandSetting(argv: string[], vars: { home: string; workspaceFolder?: string }): string[] {
  return argv.map((part) => {
    let out = part;
    if (vars.workspaceFolder !== undefined) {
      out = out.split('${workspaceFolder}').join(vars.workspaceFolder);
    }
    if (out === '~' || out.startsWith('~/')) {
      out = vars.home + out.slice(1);
    }
    return out;
  });
}

export async function resolveServerCommand(
  setting: unknown,
  probes: LaunchProbes,
): Promise<ServerLaunch | LaunchFailure> {
  const tried: string[] = [];
  const configured = normalizeSetting(setting);
  if (configured.length > 0) {
    tried.push(`setting roadmapCoach.server.command: ${show(configured)}`);
    const program = await probes.which(configured[0]);
    if (!program) {
      return {
        message: `The command in the setting roadmapCoach.server.command was not found: ${configured[0]}`,
        tried,
        settingProblem: true,
      };
    }
    return { command: program, args: configured.slice(1), source: 'setting' };
  }

  const interpreter = await probes.pythonExtensionInterpreter();
  if (interpreter && interpreter.length > 0) {
    tried.push(`Python extension interpreter: ${show(interpreter)} -m roadmap_coach`);
    if (await probes.canImportServer(interpreter)) {
      return { command: interpreter[0], args: [...interpreter.slice(1), '-P', '-m', 'roadmap_coach', 'serve'], source: 'python-extension' };
    }
  }

  tried.push('roadmap-coach on PATH');
  const onPath = await probes.which('roadmap-coach');
  if (onPath) {
    return { command: onPath, args: ['serve'], source: 'path' };
  }

  tried.push('python3 -m roadmap_coach');
  const python3 = await probes.which('python3');
  if (python3 && (await probes.canImportServer([python3]))) {
    return { command: python3, args: ['-P', '-m', 'roadmap_coach', 'serve'], source: 'python3' };
  }

  return {
    message: `The roadmap-coach language server is not installed. Install it from a clone of the roadmap-coach repository with \`${INSTALL_HINT}\` (or \`pip install .\` into your project's interpreter), or set roadmapCoach.server.command.`,
    tried,
    settingProblem: false,
  };
}

export function isLaunch(result: ServerLaunch | LaunchFailure): result is ServerLaunch {
  return (result as ServerLaunch).command !== undefined;
}

/**
 * Minimal `which`: a name with a path separator is checked as is (relative to `cwd`), a bare
 * name is looked up in each PATH entry. `isExecutable` is injected for the tests.
 */
export async function which(
  name: string,
  env: { PATH?: string; cwd?: string },
  isExecutable: (file: string) => Promise<boolean>,
): Promise<string | undefined> {
  if (name.includes('/') || name.includes(path.sep)) {
    const file = path.resolve(env.cwd ?? '/', name);
    return (await isExecutable(file)) ? file : undefined;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const file = path.join(dir, name);
    if (await isExecutable(file)) {
      return file;
    }
  }
  return undefined;
}
