import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './data.js';

/** The parts of V8's `.cpuprofile` JSON that self time needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  top: ProfileEntry[];
  /** Self time grouped by where the code lives: a package, a src/ folder, Node, V8. */
  byArea: ProfileEntry[];
}

/**
 * Sums self time per function (name + file) and per area, from the largest profile in `dir`:
 * Node writes one per thread, and tsx's loader thread leaves a small second one beside the main one.
 */
export async function summarizeMainProfile(dir: string, topN = 15): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const sized = await Promise.all(
    files.map(async (f) => ({ f, size: (await stat(path.join(dir, f))).size })),
  );
  const largest = sized.sort((a, b) => b.size - a.size)[0];
  if (!largest) throw new Error(`no .cpuprofile in ${dir}`);
  const file = path.join(dir, largest.f);
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  return summarize(profile, file, topN);
}

export function summarize(profile: CpuProfile, file: string, topN: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const perFunction = new Map<string, { name: string; where: string; us: number }>();
  const perArea = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample: it belongs to sample i.
    const us = Math.max(0, profile.timeDeltas[i] ?? 0);
    const frame = nodes.get(id);
    if (!frame) return;
    totalUs += us;
    // Transpiled TypeScript (tsx) reports line 0 for everything; a line is only shown when it means something.
    const line = frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : '';
    const where = frame.url ? `${shortUrl(frame.url)}${line}` : '';
    const key = `${frame.functionName}\u0000${where}`;
    const entry = perFunction.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    perFunction.set(key, entry);
    const area = areaOf(frame.url, frame.functionName);
    perArea.set(area, (perArea.get(area) ?? 0) + us);
  });
  const entry = (name: string, where: string, us: number): ProfileEntry => ({
    name,
    where,
    selfMs: us / 1000,
    percent: totalUs ? (100 * us) / totalUs : 0,
  });
  return {
    file,
    totalMs: totalUs / 1000,
    top: [...perFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => entry(e.name, e.where, e.us)),
    byArea: [...perArea.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => entry(area, '', us)),
  };
}

function shortUrl(url: string): string {
  const p = url.replace(/^file:\/\//, '');
  return p.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, p) : p;
}

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const p = shortUrl(url);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1];
  if (pkg) return `node_modules/${pkg}`;
  const src = /^(src\/[^/]+)\//.exec(p)?.[1];
  return src ?? p;
}
