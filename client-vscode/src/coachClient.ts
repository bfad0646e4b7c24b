// Owns the LanguageClient: finds the server, starts, restarts and stops it, and turns the
// custom notifications into events for the UI.
import * as vscode from 'vscode';
import {
  ClientCapabilities,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  StaticFeature,
} from 'vscode-languageclient/node';
import { findServer } from './launch';
import {
  CLIENT_COMMAND_OPEN_CHECKPOINT,
  EXPERIMENTAL_CAPABILITY,
  ExplainPage,
  METHOD_EXPLAIN,
  METHOD_GET_PROGRESS,
  METHOD_MILESTONE,
  METHOD_PROGRESS,
  MilestoneParams,
  Progress,
  SERVER_COMMAND_EXPLAIN,
  SERVER_COMMAND_EXPLAIN_MILESTONE,
} from './protocol';
import { isLaunch, LaunchFailure } from './serverCommand';
import { serverSettings } from './settings';

export type CoachState = 'starting' | 'running' | 'stopped' | 'missing' | 'failed';

/** Declares `experimental.roadmapCoach.milestoneNotifications`, so the server sends the rich
 * `roadmapCoach/milestone` notification instead of a plain `window/showMessage`. */
class MilestoneCapability implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), ...EXPERIMENTAL_CAPABILITY };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

const DOCUMENTS = [
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'toml' },
  { scheme: 'file', language: 'pip-requirements' },
  { scheme: 'file', pattern: '**/requirements*.txt' },
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'file', pattern: '**/{compose,docker-compose}*.{yml,yaml}' },
  { scheme: 'file', pattern: '**/.github/workflows/*.{yml,yaml}' },
];

export class CoachClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private _state: CoachState = 'stopped';
  private _progress: Progress | undefined;
  private readonly progressEmitter = new vscode.EventEmitter<Progress>();
  private readonly milestoneEmitter = new vscode.EventEmitter<MilestoneParams>();
  private readonly stateEmitter = new vscode.EventEmitter<CoachState>();
  readonly onProgress = this.progressEmitter.event;
  readonly onMilestone = this.milestoneEmitter.event;
  readonly onState = this.stateEmitter.event;
  private startQueue: Promise<void> = Promise.resolve();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get state(): CoachState {
    return this._state;
  }

  get progress(): Progress | undefined {
    return this._progress;
  }

  private setState(state: CoachState): void {
    this._state = state;
    this.stateEmitter.fire(state);
  }

  /** Start (or restart) one at a time: a restart clicked during a start waits for it. */
  start(): Promise<void> {
    this.startQueue = this.startQueue.then(() => this.doStart()).catch((err) => this.log.error(String(err)));
    return this.startQueue;
  }

  restart(): Promise<void> {
    this.startQueue = this.startQueue
      .then(() => this.doStop())
      .then(() => this.doStart())
      .catch((err) => this.log.error(String(err)));
    return this.startQueue;
  }

  private async doStart(): Promise<void> {
    this.setState('starting');
    const found = await findServer(this.log);
    if (!isLaunch(found)) {
      this.reportMissing(found);
      return;
    }
    this.log.info(`Starting the server (${found.source}): ${found.command} ${found.args.join(' ')}`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const serverOptions: ServerOptions = {
      command: found.command,
      args: found.args,
      options: { cwd: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined, env: { ...process.env } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENTS,
      outputChannel: this.log,
      traceOutputChannel: this.log,
      initializationOptions: serverSettings(vscode.workspace.getConfiguration().get('roadmapCoach')),
      // Hovers may link a checkpoint's page; no other command runs from server markdown.
      markdown: { isTrusted: { enabledCommands: [CLIENT_COMMAND_OPEN_CHECKPOINT] }, supportHtml: false },
      middleware: {
        // A lens opens the checkpoint's page. The server sends the client command once it has
        // seen `checkpointPages`; an older server's `explain…` command showed the page's
        // markdown source in a one-line notification, so it is pointed at the page too.
        provideCodeLenses: async (document, token, next) => {
          const lenses = await next(document, token);
          for (const lens of lenses ?? []) {
            const cmd = lens.command;
            if (cmd && (cmd.command === SERVER_COMMAND_EXPLAIN || cmd.command === SERVER_COMMAND_EXPLAIN_MILESTONE)) {
              lens.command = { ...cmd, command: CLIENT_COMMAND_OPEN_CHECKPOINT };
            }
          }
          return lenses;
        },
        // Settings changes are announced by settingsChanged() alone: the client's own sync (on
        // when the server registers for it) would also fire for a changed server command and
        // try to start the client that restart() is stopping.
        workspace: {
          didChangeConfiguration: async () => undefined,
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, i) => (params.items[i]?.section === 'roadmapCoach' ? serverSettings(value) : value));
          },
        },
      },
    };
    const client = new LanguageClient('roadmapCoach', 'Roadmap Coach', serverOptions, clientOptions);
    client.registerFeature(new MilestoneCapability());
    client.onNotification(METHOD_MILESTONE, (params: MilestoneParams) => this.milestoneEmitter.fire(params));
    client.onNotification(METHOD_PROGRESS, (params: Progress) => this.acceptProgress(params));
    client.onDidChangeState((e) => {
      if (this.client !== client) {
        return; // an old client being stopped by restart()
      }
      if (e.newState === State.Running) {
        this.setState('running');
        void this.refreshProgress();
      } else if (e.newState === State.Starting) {
        this.setState('starting');
      } else if (e.newState === State.Stopped) {
        // Not asked for (doStop forgets the client first): the server died and the client gave up.
        this.setState('failed');
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      // vscode-languageclient has already shown its own notification with "Go to output".
      this.setState('failed');
      this.log.error(`The server did not start (${found.command}): ${String(err)}`);
    }
  }

  private reportMissing(failure: LaunchFailure): void {
    this.setState('missing');
    this.log.error(`${failure.message}\nTried:\n  ${failure.tried.join('\n  ')}`);
    void vscode.window.showErrorMessage(`Roadmap Coach: ${failure.message}`, 'Open setting', 'Show log').then((choice) => this.onProblemChoice(choice));
  }

  private onProblemChoice(choice: string | undefined): void {
    if (choice === 'Open setting') {
      // The setting is machine-scoped: in a remote window (SSH, WSL, code-server) it lives in
      // the remote settings, where the server runs.
      const query = '@id:roadmapCoach.server.command';
      void (vscode.env.remoteName
        ? vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query })
        : vscode.commands.executeCommand('workbench.action.openSettings', query));
    } else if (choice === 'Show log') {
      this.log.show(true);
    }
  }

  private acceptProgress(progress: Progress): void {
    if (!progress || !Array.isArray(progress.steps)) {
      this.log.warn('Ignoring a malformed progress payload from the server');
      return;
    }
    this._progress = progress;
    this.progressEmitter.fire(progress);
  }

  async refreshProgress(): Promise<Progress | undefined> {
    if (!this.client || this._state !== 'running') {
      return undefined;
    }
    try {
      const progress = await this.client.sendRequest<Progress>(METHOD_GET_PROGRESS, {});
      this.acceptProgress(progress);
      return progress;
    } catch (err) {
      this.log.warn(`${METHOD_GET_PROGRESS} failed: ${String(err)}`);
      return undefined;
    }
  }

  /** A checkpoint's or a lesson's page (`roadmapCoach/explain`). */
  async explain(id: string, where?: { path: string; line: number }): Promise<ExplainPage | undefined> {
    if (!this.client || this._state !== 'running') {
      return undefined;
    }
    return this.client.sendRequest<ExplainPage>(METHOD_EXPLAIN, where ? { id, path: where.path, line: where.line } : { id });
  }

  /** Announces changed settings. Sent by hand rather than through the client's `synchronize`
   * option, which would also fire (and try to start a stopped client) while a changed server
   * command is restarting it. The server may read the payload or pull `workspace/configuration`. */
  async settingsChanged(): Promise<void> {
    if (!this.client || this._state !== 'running') {
      return;
    }
    const settings = { roadmapCoach: serverSettings(vscode.workspace.getConfiguration().get('roadmapCoach')) };
    try {
      await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings });
    } catch (err) {
      this.log.warn(`workspace/didChangeConfiguration: ${String(err)}`);
    }
  }

  /** Runs one of the server's `workspace/executeCommand` commands and returns its result. */
  async executeServerCommand<T>(command: string, args: unknown[] = []): Promise<T> {
    if (!this.client || this._state !== 'running') {
      throw new Error('the language server is not running');
    }
    return this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }) as Promise<T>;
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (err) {
        this.log.warn(`Stopping the server: ${String(err)}`);
      }
      await client.dispose().catch(() => undefined);
    }
    this.setState('stopped');
  }

  async dispose(): Promise<void> {
    await this.doStop();
    this.progressEmitter.dispose();
    this.milestoneEmitter.dispose();
    this.stateEmitter.dispose();
  }
}
