import { formatBytes, type DeletePlan, type MachineView } from '../api';
import { terminalSafe, terminalSafeLines } from './terminal-safe';

/** A table in columns two spaces apart, the header first: one line a row, no trailing spaces. */
export function tableLines(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The STATE column: the phase's id, but in words where the id would mislead or puzzle. */
function stateWords(phase: MachineView['status']['phase']): string {
  if (phase === 'unknown') return 'engine not reachable';
  if (phase === 'running-iso') return 'running from ISO';
  return phase;
}

/** `porthole machines`: a table a person can read. */
export function formatMachines(machines: MachineView[]): string {
  if (machines.length === 0) return 'No machines yet. Create one with: porthole create --name "Windows 11"\n';
  const rows = machines.map((m) => [
    m.id,
    terminalSafe(m.name),
    stateWords(m.status.phase),
    `${m.ramGiB} GB`,
    `${m.cpuCores} CPU`,
    `${m.diskGiB} GB`,
  ]);
  const header = ['ID', 'NAME', 'STATE', 'RAM', 'CPUS', 'DISK'];
  // A failed machine's cause and remedy under the table: "failed" alone sends the user to --json.
  const failures = machines.flatMap((m) =>
    // The cause may quote the container's log: shown escaped.
    m.status.phase === 'failed' && m.status.failure
      ? [
          `\n${m.id} failed: ${terminalSafeLines(m.status.failure.cause)}\n  ${terminalSafeLines(m.status.failure.remedy)}\n` +
            // The fix Porthole applies itself, as the command that applies it.
            (m.status.failure.fix
              ? `  Fix it: porthole fix ${m.id} ${m.status.failure.fix}${m.status.failure.fix === 'choose-iso' ? ' --iso /path/to/file.iso' : ''}\n`
              : ''),
        ]
      : [],
  );
  const table = tableLines(header, rows).join('\n') + '\n' + failures.join('');
  return machines.some((m) => m.status.phase === 'unknown')
    ? `${table}\nThe container engine is not reachable, so these states are unknown. "porthole check" says why.\n`
    : table;
}

/** `porthole rm ID --delete-disk`: exactly what "delete the disk" removes (or removed) and what stays. */
export function formatDeletePlan(plan: DeletePlan, done: boolean): string {
  const size = `${formatBytes(plan.allocatedBytes)} on disk`;
  // On a remote engine the folder is on the engine's computer.
  const path = plan.host ? `${plan.path} on ${plan.host}` : plan.path;
  switch (plan.kind) {
    case 'folder':
      return `${done ? 'Deleted' : 'Deletes'} the folder ${path} and everything in it (${size}).\n`;
    case 'files': {
      const kept =
        plan.keep.length > 0
          ? `\nKept: the folder and ${plan.keep.join(', ')} (not the machine's).`
          : '\nKept: the folder.';
      const removed = plan.remove.length > 0 ? plan.remove.join(', ') : 'nothing (no Windows disk files are there)';
      return `${done ? 'Deleted' : 'Deletes'} the Windows disk files in ${path}: ${removed} (${size}).${kept}\n`;
    }
    case 'missing':
      return `The storage folder ${path} does not exist: there was no disk to delete.\n`;
    case 'refused':
      return `${plan.reason ?? `Porthole deletes nothing in ${plan.path}.`}\n`;
  }
}
