/**
 * CPU and memory of the bench process and of the DynamoDB Local JVMs it started, from /proc
 * (Linux; elsewhere these figures are simply left out).
 */
import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ on Linux

/** The pid of the java process whose command line names this data directory. */
export function findJava(dataDir: string): number | undefined {
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
        if (cmdline[0]?.endsWith("java") && cmdline.includes(dataDir)) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

/** user + system CPU seconds of a process, all its threads. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Resident set size now, and its peak since start (VmHWM), in MB. */
export function memoryMb(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
    return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples the RSS of this process and of the given pids while a phase runs; returns peaks (MB). */
export function sampleMemory(pids: Record<string, number | undefined>, everyMs = 50) {
  const peaks: Record<string, number> = { bench: 0 };
  const take = () => {
    peaks.bench = Math.max(peaks.bench ?? 0, process.memoryUsage.rss() / 1048576);
    for (const [name, pid] of Object.entries(pids)) {
      const m = memoryMb(pid);
      if (m) peaks[name] = Math.max(peaks[name] ?? 0, m.rss);
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peaks;
    },
  };
}

/** CPU seconds the whole machine has spent busy (all cores), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
