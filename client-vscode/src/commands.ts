// The extension's own UI commands (`roadmapCoach.ui.*`). They wrap the server's
// `workspace/executeCommand` commands (`roadmapCoach.exportProgress`, …), whose ids
// vscode-languageclient registers by itself, with the UI a person needs around them.
import * as os from 'os';
import * as vscode from 'vscode';
import type { CoachClient } from './coachClient';
import type { CheckpointPanel } from './checkpointPanel';
import { checkpointIdOf, evidenceLineOf, OPEN_CHECKPOINT_UI } from './checkpointPage';
import { pickNext } from './milestones';
import { Evidence, SERVER_COMMAND_EXPORT, SERVER_COMMAND_RECHECK, SERVER_COMMAND_RESET } from './protocol';
import { defaultExportName, FORMATS } from './report';
import type { ReportPanel } from './reportPanel';
import { CheckpointRow, whatNext } from './roadmapModel';
import { OPEN_EVIDENCE, openEvidence, VIEW_ID } from './roadmapView';
import type { WalkthroughTicks } from './walkthrough';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  coach: CoachClient;
  report: ReportPanel;
  walkthrough: WalkthroughTicks;
  pages: CheckpointPanel;
  log: vscode.LogOutputChannel;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function exportProgress({ coach, log }: CommandDeps): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    FORMATS.map((f) => ({ label: f.label, detail: f.detail, choice: f })),
    { title: 'Export progress', placeHolder: 'Choose a format' },
  );
  if (!picked) {
    return;
  }
  const { choice } = picked;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({
    title: 'Export progress',
    saveLabel: 'Export',
    defaultUri: vscode.Uri.joinPath(folder, defaultExportName(choice.format)),
    filters: { [choice.filterName]: [choice.extension] },
  });
  if (!target) {
    return;
  }
  try {
    const written = await coach.executeServerCommand<string>(SERVER_COMMAND_EXPORT, [{ format: choice.format, path: target.fsPath }]);
    const where = typeof written === 'string' && written ? written : target.fsPath;
    log.info(`Progress exported (${choice.format}) to ${where}`);
    const open = await vscode.window.showInformationMessage(`Roadmap Coach: progress exported to ${where}`, 'Open');
    if (open) {
      await vscode.window.showTextDocument(vscode.Uri.file(where));
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`Roadmap Coach: export failed: ${errorText(err)}`);
  }
}

async function recheck({ coach }: CommandDeps): Promise<void> {
  try {
    await coach.executeServerCommand(SERVER_COMMAND_RECHECK, []);
    await coach.refreshProgress();
    vscode.window.setStatusBarMessage('$(check) Roadmap Coach: workspace rechecked', 4000);
  } catch (err) {
    void vscode.window.showErrorMessage(`Roadmap Coach: recheck failed: ${errorText(err)}`);
  }
}

async function reset({ coach }: CommandDeps): Promise<void> {
  const confirm = 'Reset progress';
  const answer = await vscode.window.showWarningMessage(
    'Reset all roadmap progress?',
    {
      modal: true,
      detail: 'Every recorded milestone is removed from the progress store. Milestones your code still shows are found again on the next check, with today\'s date. Export your progress first if a mentor needs the history.',
    },
    confirm,
  );
  if (answer !== confirm) {
    return;
  }
  try {
    await coach.executeServerCommand(SERVER_COMMAND_RESET, [{ confirm: true }]);
    await coach.refreshProgress();
    void vscode.window.showInformationMessage('Roadmap Coach: progress reset.');
  } catch (err) {
    void vscode.window.showErrorMessage(`Roadmap Coach: reset failed: ${errorText(err)}`);
  }
}

function evidenceOf(arg: unknown): Evidence | undefined {
  if (!arg || typeof arg !== 'object') {
    return undefined;
  }
  const row = arg as Partial<CheckpointRow> & Partial<Evidence>;
  if (row.evidence) {
    return row.evidence;
  }
  return typeof row.uri === 'string' && row.range ? (row as Evidence) : undefined;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { context, coach, report, walkthrough, pages, log } = deps;
  const openPage = (id: string) => pages.show(id);
  return [
    vscode.commands.registerCommand('roadmapCoach.ui.showRoadmap', () => vscode.commands.executeCommand(`${VIEW_ID}.focus`)),
    vscode.commands.registerCommand('roadmapCoach.ui.export', () => exportProgress(deps)),
    vscode.commands.registerCommand('roadmapCoach.ui.openReport', () => report.show()),
    vscode.commands.registerCommand('roadmapCoach.ui.recheck', () => recheck(deps)),
    vscode.commands.registerCommand('roadmapCoach.ui.reset', () => reset(deps)),
    vscode.commands.registerCommand('roadmapCoach.ui.restart', () => coach.restart()),
    vscode.commands.registerCommand('roadmapCoach.ui.showLog', () => log.show(true)),
    vscode.commands.registerCommand('roadmapCoach.ui.whatNext', () => pickNext(whatNext(coach.progress), openPage)),
    // A lens, a hover link, a tree row or a link on a page: the checkpoint's (or lesson's) page.
    // A lens passes (id, path, 0-based line): the page then speaks of what that line shows.
    vscode.commands.registerCommand(OPEN_CHECKPOINT_UI, async (arg: unknown, path?: unknown, line?: unknown) => {
      const id = checkpointIdOf(arg);
      if (id) {
        await pages.show(id, evidenceLineOf(path, line));
      }
    }),
    vscode.commands.registerCommand('roadmapCoach.ui.openWalkthrough', async () => {
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#roadmap`, false);
      await walkthrough.tickPending();
    }),
    vscode.commands.registerCommand(OPEN_EVIDENCE, async (arg: unknown) => {
      const evidence = evidenceOf(arg);
      if (evidence) {
        await openEvidence(evidence);
      }
    }),
  ];
}
