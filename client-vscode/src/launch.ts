// The machine-facing side of server resolution: PATH look-ups, the Python extension's
// interpreter, and a short `python -c "import roadmap_coach"` probe.
import { execFile } from 'child_process';
import { promises as fs, constants as fsConstants } from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import { expandSetting, LaunchFailure, LaunchProbes, resolveServerCommand, ServerLaunch, which } from './serverCommand';

const PROBE_TIMEOUT_MS = 15000;

async function isExecutable(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) {
      return false;
    }
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function canImport(python: string[], cwd: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      python[0],
      [...python.slice(1), '-P', '-c', 'import roadmap_coach'],
      { timeout: PROBE_TIMEOUT_MS, cwd, windowsHide: true },
      (error) => resolve(!error),
    );
  });
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
  };
}

/** The interpreter the Python extension uses for this workspace; undefined when it is absent
 * (it is, offline and in code-server) or answers nothing usable. */
async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<string[] | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) {
    return undefined;
  }
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envPath = api?.environments?.getActiveEnvironmentPath?.(resource);
    if (envPath) {
      const env = await api.environments?.resolveEnvironment?.(envPath);
      const exe = env?.executable?.uri?.fsPath ?? envPath.path;
      if (exe) {
        return [exe];
      }
    }
    const details = api?.settings?.getExecutionDetails?.(resource);
    if (details?.execCommand && details.execCommand.length > 0) {
      return details.execCommand;
    }
  } catch (err) {
    log.warn(`Python extension did not give an interpreter: ${String(err)}`);
  }
  return undefined;
}

export async function findServer(log: vscode.LogOutputChannel): Promise<ServerLaunch | LaunchFailure> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const cwd = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  const setting = vscode.workspace.getConfiguration('roadmapCoach', folder?.uri).get<unknown>('server.command');
  const expanded = Array.isArray(setting)
    ? expandSetting(setting.filter((v): v is string => typeof v === 'string'), { home: os.homedir(), workspaceFolder: cwd })
    : setting;
  const probes: LaunchProbes = {
    which: (name) => which(name, { PATH: process.env.PATH, cwd }, isExecutable),
    pythonExtensionInterpreter: () => pythonExtensionInterpreter(folder?.uri, log),
    canImportServer: (python) => canImport(python, cwd),
  };
  return resolveServerCommand(expanded, probes);
}
