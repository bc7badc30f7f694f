import type { Campaign, CurrentPhase, Phase, PhaseName } from "./model.ts";

/** The phase whose window holds `now`; "upcoming" before the first, "closed" after the last. */
export function currentPhase(phases: Phase[], now: Date): CurrentPhase {
  const t = now.getTime();
  const open = phases.find((p) => Date.parse(p.opensAt) <= t && t < Date.parse(p.closesAt));
  if (open) return open.name;
  const first = phases.reduce<number>((min, p) => Math.min(min, Date.parse(p.opensAt)), Infinity);
  return t < first ? "upcoming" : "closed";
}

export const isOpen = (c: Pick<Campaign, "phases">, phase: PhaseName, now: Date) => currentPhase(c.phases, now) === phase;

/**
 * Opens `name` now and closes whatever is open (organisers move phases by hand as often as by
 * dates). Phases before it that have not begun are skipped (dropped); the opened one keeps its
 * planned end if that is still ahead, else gets its planned length from now; the phases after
 * it keep their order and length, pushed back only as far as they would overlap.
 */
export function openPhaseNow(phases: Phase[], name: PhaseName, now: Date): Phase[] {
  const t = now.getTime();
  const at = (ms: number) => new Date(ms).toISOString();
  const index = phases.findIndex((p) => p.name === name);
  if (index < 0) return phases;
  const before = phases
    .slice(0, index)
    .filter((p) => Date.parse(p.opensAt) <= t)
    .map((p) => (Date.parse(p.closesAt) > t ? { ...p, closesAt: at(t) } : p));
  const target = phases[index]!;
  const plannedEnd = Date.parse(target.closesAt);
  const opened: Phase = {
    name,
    opensAt: at(t),
    closesAt: plannedEnd > t ? target.closesAt : at(t + (plannedEnd - Date.parse(target.opensAt))),
  };
  let cursor = Date.parse(opened.closesAt);
  const after = phases.slice(index + 1).map((p) => {
    const opens = Date.parse(p.opensAt);
    const length = Date.parse(p.closesAt) - opens;
    const shifted = opens >= cursor ? p : { ...p, opensAt: at(cursor), closesAt: at(cursor + length) };
    cursor = Date.parse(shifted.closesAt);
    return shifted;
  });
  return [...before, opened, ...after];
}
