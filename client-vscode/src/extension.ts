// Entry point: wires the language client to the roadmap view, status bar, toasts, walkthrough
// context keys and commands. The server owns all knowledge; this only renders it.
import * as vscode from 'vscode';
import { CheckpointPanel } from './checkpointPanel';
import { CoachClient } from './coachClient';
import { registerCommands } from './commands';
import { MilestoneToasts } from './milestones';
import { ReportPanel } from './reportPanel';
import { RoadmapView } from './roadmapView';
import { configChangeAction } from './settings';
import { RoadmapStatus } from './statusBar';
import { WalkthroughTicks } from './walkthrough';

let coach: CoachClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Roadmap Coach', { log: true });
  coach = new CoachClient(log);
  const view = new RoadmapView();
  const status = new RoadmapStatus();
  const report = new ReportPanel(coach, context.globalStorageUri);
  const pages = new CheckpointPanel(coach, log);
  const toasts = new MilestoneToasts(view, () => coach?.progress, (id) => pages.show(id));
  const walkthrough = new WalkthroughTicks(context.extension.id, log);

  context.subscriptions.push(
    log,
    view,
    status,
    report,
    pages,
    toasts,
    walkthrough,
    { dispose: () => void coach?.dispose() },
    coach.onProgress((progress) => {
      view.update(progress);
      status.setProgress(progress);
      report.progressChanged();
      void pages.progressChanged();
      walkthrough.update(progress);
    }),
    coach.onMilestone((milestone) => {
      toasts.accept(milestone);
      // The server follows with roadmapCoach/progress; asking too covers a server that does not.
      setTimeout(() => void coach?.refreshProgress(), 500);
    }),
    coach.onState((state) => {
      status.setState(state);
      if (state === 'missing' || state === 'failed') {
        view.setMessage('The roadmap-coach language server is not running. See the notification or “Show server log”.');
      }
    }),
    ...registerCommands({ context, coach, report, walkthrough, pages, log }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const action = configChangeAction((section) => e.affectsConfiguration(section));
      if (action === 'restart') {
        log.info('roadmapCoach.server.command changed: restarting the server');
        void coach?.restart();
      } else if (action === 'notify') {
        void coach?.settingsChanged();
      }
    }),
  );
  log.info(`Roadmap Coach ${context.extension.packageJSON.version} activated`);
  void coach.start();
}

export async function deactivate(): Promise<void> {
  await coach?.dispose();
  coach = undefined;
}
