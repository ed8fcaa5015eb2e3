import type { MachineView } from '../api';

/** `porthole machines`: a table a person can read. */
export function formatMachines(machines: MachineView[]): string {
  if (machines.length === 0) return 'No machines yet. Create one with: porthole create --name "Windows 11"\n';
  const rows = machines.map((m) => [m.id, m.name, m.status.phase === 'unknown' ? 'engine not reachable' : m.status.phase, `${m.ramGiB} GB`, `${m.cpuCores} CPU`, `${m.diskGiB} GB`]);
  const header = ['ID', 'NAME', 'STATE', 'RAM', 'CPUS', 'DISK'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const table = [line(header), ...rows.map(line)].join('\n') + '\n';
  return machines.some((m) => m.status.phase === 'unknown')
    ? `${table}\nThe container engine is not reachable, so these states are unknown. "porthole check" says why.\n`
    : table;
}
