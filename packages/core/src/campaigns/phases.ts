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
 * dates). The phases after it keep their order; the one opened keeps its planned end if that is
 * still ahead, otherwise it stays open until the next phase's start or for 30 days.
 */
export function openPhaseNow(phases: Phase[], name: PhaseName, now: Date): Phase[] {
  const nowIso = now.toISOString();
  const t = now.getTime();
  const target = phases.find((p) => p.name === name);
  const after = target ? phases.slice(phases.indexOf(target) + 1) : [];
  const nextStart = after.length > 0 ? Date.parse(after[0]!.opensAt) : undefined;
  const plannedEnd = target ? Date.parse(target.closesAt) : NaN;
  const closesAt =
    plannedEnd > t ? target!.closesAt : new Date(nextStart && nextStart > t ? nextStart : t + 30 * 86_400_000).toISOString();
  const before = phases
    .filter((p) => p.name !== name && !after.includes(p))
    .map((p) => (Date.parse(p.closesAt) > t ? { ...p, opensAt: Date.parse(p.opensAt) > t ? nowIso : p.opensAt, closesAt: nowIso } : p));
  const opened: Phase = { name, opensAt: nowIso, closesAt };
  const later = after.map((p) =>
    Date.parse(p.opensAt) < Date.parse(closesAt) ? { ...p, opensAt: closesAt, closesAt: Date.parse(p.closesAt) > Date.parse(closesAt) ? p.closesAt : closesAt } : p,
  );
  return [...before, opened, ...later].filter((p) => Date.parse(p.closesAt) > Date.parse(p.opensAt) || p === opened);
}
