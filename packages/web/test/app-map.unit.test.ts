import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { messageAreas, messages } from "@jinguo/core/messages";
import {
  areasByFile,
  entryFile,
  isParticipantRoute,
  missingKeys,
  participantFiles,
  readRoutes,
  readSourceGraph,
  srcDir,
} from "../app-map.ts";

const routes = readRoutes();
const graph = readSourceGraph();
const allKeys = new Set(Object.keys(messages));
const areaKeys = Object.fromEntries(Object.entries(messageAreas).map(([area, table]) => [area, new Set(Object.keys(table))]));
const page = (name: string) => join(srcDir, "pages", name);

describe("routes (routes.ts, read as the build reads them)", () => {
  it("has the participant's, judge's, organiser's and door's routes, each page with its areas", () => {
    const byPath = new Map(routes.map((r) => [r.path, r]));
    for (const path of ["/", "/campaigns/:id", "/entries/:id", "/signin", "/me/registrations", "/me/entries", "/me/tickets/:registrationId"]) {
      expect(byPath.get(path)?.areas, path).toEqual([]);
    }
    expect(byPath.get("/me/tickets/:registrationId")?.page).toBe(page("Ticket.tsx"));
    expect(byPath.get("/organiser/door")?.page).toBe(page("Door.tsx"));
    expect(byPath.get("/organiser/door/:campaignId/:sessionId")?.page).toBe(page("CheckIn.tsx"));
    expect(byPath.get("/organiser/checkin")?.page).toBe(page("CheckIn.tsx"));
    for (const r of routes) {
      if (r.path.startsWith("/organiser")) expect(r.areas, r.path).toContain("organiser");
      if (r.path.startsWith("/organiser/door") || r.path === "/organiser/checkin") expect(r.areas, r.path).toContain("desk");
      if (r.path.startsWith("/judge")) expect(r.areas, r.path).toContain("judge");
    }
  });
});

describe("message areas", () => {
  it("hold every key of the table once, text messages (SMS) in none", () => {
    const seen = new Map<string, string>();
    for (const [area, keys] of Object.entries(areaKeys)) {
      for (const key of keys) {
        expect(seen.get(key), `${key} is in ${seen.get(key)} and ${area}`).toBeUndefined();
        seen.set(key, area);
      }
    }
    const expected = [...allKeys].filter((k) => !k.startsWith("notice.")).sort();
    expect([...seen.keys()].sort()).toEqual(expected);
    expect([...seen.keys()].some((k) => k.startsWith("notice."))).toBe(false);
  });
});

describe("no page can show a raw key", () => {
  const areas = areasByFile(routes, graph);

  it("every key a participant's file names is in the common area, which it loads", () => {
    const files = new Map([...areas].filter(([file]) => participantFiles(routes, graph).has(file)));
    expect(files.has(entryFile)).toBe(true);
    expect(files.has(page("Home.tsx"))).toBe(true);
    for (const set of files.values()) expect([...set]).toEqual(["common"]);
    expect(missingKeys(files, areaKeys, allKeys)).toEqual([]);
  });

  it("every key an organiser's, judge's or desk file names is in the areas its pages load", () => {
    expect(missingKeys(areas, areaKeys, allKeys)).toEqual([]);
  });

  // Negative control: the check sees a literal key, a key in a Record and a built key that are
  // not in the area the file loads.
  const dir = mkdtempSync(join(tmpdir(), "app-map-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("(control) a participant's file naming organiser or desk words is caught", () => {
    const file = join(dir, "Leaky.tsx");
    writeFileSync(
      file,
      [
        `import { tr } from "../i18n.ts";`,
        `const labels = { a: "checkin.title" } as const;`,
        `export const A = (s: string) => tr("organiser.notAllowed") + tr(labels.a) + tr(\`organiser.reg.\${s}\`);`,
        `export const B = () => tr("home.title") + tr(\`kind.\${"x"}\`);`,
      ].join("\n"),
    );
    const problems = missingKeys(new Map([[file, new Set(["common"])]]), areaKeys, allKeys);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain(`"checkin.title"`);
    expect(problems[1]).toContain(`"organiser.notAllowed"`);
    expect(problems[2]).toContain("organiser.reg.");
    // the same file, loading those areas, is fine
    expect(missingKeys(new Map([[file, new Set(["common", "organiser", "desk"])]]), areaKeys, allKeys)).toEqual([]);
  });
});

describe("a participant's visit runs no organiser, judge or desk page", () => {
  const restrictedPages = (g = graph) => {
    const reached = participantFiles(routes, g);
    return routes.filter((r) => !isParticipantRoute(r) && reached.has(r.page)).map((r) => r.page);
  };

  it("from the entry and every participant page, no import leads to one", () => {
    expect(restrictedPages()).toEqual([]);
  });

  it("(control) a participant page importing an organiser page is caught", () => {
    const leaky = new Map(graph);
    const home = leaky.get(page("Home.tsx"))!;
    leaky.set(home.file, { ...home, imports: [...home.imports, page("OrganiserCampaign.tsx")] });
    expect(restrictedPages(leaky)).toEqual([page("OrganiserCampaign.tsx")]);
  });
});
