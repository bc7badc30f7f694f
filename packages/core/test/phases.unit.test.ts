import { describe, it, expect } from "vitest";
import { currentPhase, openPhaseNow, presetPhases, presets, kinds, type Phase } from "@jinguo/core/campaigns";

const DAY = 86_400_000;
const t0 = new Date("2026-03-01T01:00:00.000Z");
const at = (days: number) => new Date(t0.getTime() + days * DAY);
const iso = (days: number) => at(days).toISOString();

/** registration 0..10, review 10..20, judging 20..30, closed 30..60 (days from t0) */
const phases: Phase[] = [
  { name: "registration", opensAt: iso(0), closesAt: iso(10) },
  { name: "review", opensAt: iso(10), closesAt: iso(20) },
  { name: "judging", opensAt: iso(20), closesAt: iso(30) },
  { name: "closed", opensAt: iso(30), closesAt: iso(60) },
];

describe("currentPhase", () => {
  it("is upcoming before the first window and closed after the last", () => {
    expect(currentPhase(phases, at(-1))).toBe("upcoming");
    expect(currentPhase(phases, new Date(t0.getTime() - 1))).toBe("upcoming");
    expect(currentPhase(phases, at(60))).toBe("closed");
    expect(currentPhase(phases, at(365))).toBe("closed");
  });

  it("opens at opensAt (inclusive) and closes at closesAt (exclusive)", () => {
    expect(currentPhase(phases, at(0))).toBe("registration");
    expect(currentPhase(phases, new Date(at(10).getTime() - 1))).toBe("registration");
    expect(currentPhase(phases, at(10))).toBe("review");
    expect(currentPhase(phases, at(25))).toBe("judging");
    expect(currentPhase(phases, at(45))).toBe("closed");
  });

  it("reads times with an offset as the same instant", () => {
    const china: Phase[] = [{ name: "registration", opensAt: "2026-03-01T09:00:00+08:00", closesAt: "2026-03-02T09:00:00+08:00" }];
    expect(currentPhase(china, new Date("2026-03-01T00:59:59Z"))).toBe("upcoming");
    expect(currentPhase(china, new Date("2026-03-01T01:00:00Z"))).toBe("registration");
    expect(currentPhase(china, new Date("2026-03-02T01:00:00Z"))).toBe("closed");
  });
});

describe("openPhaseNow", () => {
  it("opens the named phase now and closes the one that was open", () => {
    const now = at(5); // registration is open
    const next = openPhaseNow(phases, "review", now);
    expect(currentPhase(next, now)).toBe("review");
    expect(next.map((p) => p.name)).toEqual(["registration", "review", "judging", "closed"]);
    expect(next[0]).toEqual({ name: "registration", opensAt: iso(0), closesAt: now.toISOString() });
    // The review keeps its planned end, which is still ahead; what follows is untouched.
    expect(next[1]).toEqual({ name: "review", opensAt: now.toISOString(), closesAt: iso(20) });
    expect(next.slice(2)).toEqual(phases.slice(2));
    expect(currentPhase(next, at(20))).toBe("judging");
  });

  it("skipping ahead drops the windows that never opened, and keeps the rest in order", () => {
    const now = at(5);
    const next = openPhaseNow(phases, "judging", now);
    expect(currentPhase(next, now)).toBe("judging");
    expect(next.map((p) => p.name)).toEqual(["registration", "judging", "closed"]);
    expect(next[1]!.closesAt).toBe(iso(30));
  });

  it("reopening a past phase gives it its planned length again and pushes the later ones back, keeping theirs", () => {
    const now = at(15); // review is open
    const next = openPhaseNow(phases, "registration", now);
    expect(currentPhase(next, now)).toBe("registration");
    expect(next.map((p) => p.name)).toEqual(["registration", "review", "judging", "closed"]);
    expect(next[0]).toEqual({ name: "registration", opensAt: iso(15), closesAt: iso(25) });
    expect(next[1]).toEqual({ name: "review", opensAt: iso(25), closesAt: iso(35) });
    expect(next[2]).toEqual({ name: "judging", opensAt: iso(35), closesAt: iso(45) });
    expect(next[3]).toEqual({ name: "closed", opensAt: iso(45), closesAt: iso(75) });
  });

  it("leaves the phases alone when the campaign has no such phase", () => {
    expect(openPhaseNow(phases, "voting", at(5))).toEqual(phases);
  });

  it("does not change the input", () => {
    const copy = structuredClone(phases);
    openPhaseNow(phases, "judging", at(5));
    expect(phases).toEqual(copy);
  });

  describe("for every preset, phase and moment", () => {
    const moments = [-5, 0, 1, 15, 29.5, 35, 45, 60, 75, 100, 140];
    for (const kind of kinds) {
      const planned = presetPhases(kind, t0);
      for (const { name } of presets[kind].phases) {
        it(`${kind}: opening ${name}`, () => {
          for (const d of moments) {
            const now = at(d);
            const next = openPhaseNow(planned, name, now);
            const label = `${kind} ${name} at day ${d}`;
            // It is open now.
            expect(currentPhase(next, now), label).toBe(name);
            // Windows are in order and never overlap.
            for (let i = 1; i < next.length; i++) {
              expect(Date.parse(next[i]!.opensAt), label).toBeGreaterThanOrEqual(Date.parse(next[i - 1]!.closesAt));
            }
            // The phases keep their planned order (some may be dropped, none reordered).
            const order = planned.map((p) => p.name);
            const positions = next.map((p) => order.indexOf(p.name));
            expect(positions, label).toEqual([...positions].sort((a, b) => a - b));
            // Earlier phases that had closed are history and stay as they were. (Phases planned
            // after the one opened must come after it, so reopening an early phase moves them.)
            const earlier = planned.slice(0, order.indexOf(name));
            for (const p of earlier.filter((p) => Date.parse(p.closesAt) <= now.getTime())) {
              expect(next, label).toContainEqual(p);
            }
          }
        });
      }
    }
  });
});
