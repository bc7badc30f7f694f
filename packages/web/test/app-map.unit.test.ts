import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { errorMessages, fieldMessages, messageAreas, messages, type MessageArea } from "@jinguo/core/messages";
import {
  SHELL,
  entryFile,
  isParticipantRoute,
  keysNamedIn,
  missingKeys,
  pageTableOf,
  participantFiles,
  readRoutes,
  readSourceGraph,
  srcDir,
  visitsOf,
  wordTables,
  type Visit,
} from "../app-map.ts";

const routes = readRoutes();
const graph = readSourceGraph();
const allKeys = new Set(Object.keys(messages));
const areaKeys = Object.fromEntries(Object.entries(messageAreas).map(([area, table]) => [area, new Set(Object.keys(table))])) as Record<
  MessageArea,
  Set<string>
>;
const page = (name: string) => join(srcDir, "pages", name);
/** The tables the build makes (vite.config.ts makes its chunks from the same call). */
const cut = wordTables(routes, areaKeys, allKeys, graph);
const tableKeys: Record<string, Set<string>> = { ...areaKeys, ...Object.fromEntries(Object.entries(cut).map(([t, keys]) => [t, new Set(keys)])) };
/** What a visit can show as a raw key: its files checked against the tables it loads. */
const missingIn = (visit: Visit, keys = tableKeys) =>
  missingKeys(new Map([...visit.files].map((file) => [file, new Set(visit.tables)])), keys, allKeys);
const visits = visitsOf(routes, graph);
const visitOf = (path: string) => visits.find((v) => v.route?.path === path)!;

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
      if (!isParticipantRoute(r)) expect(r.areas, `${r.path} loads the common area whole`).toContain("common");
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

describe("words per page: the common area cut into the shell's and each participant page's own", () => {
  it("the shell holds what the entry's modules name, every error code among it (the error panel), and not the pages' words", () => {
    const shell = tableKeys[SHELL]!;
    for (const key of Object.keys(errorMessages)) expect(shell.has(key), key).toBe(true);
    // a form's reasons come with the pages that have forms, a page's own words with that page
    for (const key of Object.keys(fieldMessages)) expect(shell.has(key), key).toBe(false);
    expect(shell.has("home.title")).toBe(false);
    expect(tableKeys["pages/Home"]?.has("home.title")).toBe(true);
    expect(shell.size).toBeLessThan(areaKeys.common.size / 2);
  });

  it("each page's own table holds common words only, none of the shell's, and the forms' pages every field's reason", () => {
    for (const [table, keys] of Object.entries(cut)) {
      if (table === SHELL) continue;
      expect(table).toMatch(/^pages\//);
      for (const key of keys) {
        expect(areaKeys.common.has(key), `${table}: ${key}`).toBe(true);
        expect(tableKeys[SHELL]!.has(key), `${table}: ${key} is the shell's`).toBe(false);
      }
    }
    // Campaign.tsx shows a registration form, which shows the server's reason for a field
    for (const key of Object.keys(fieldMessages)) expect(tableKeys["pages/Campaign"]?.has(key), key).toBe(true);
    expect(tableKeys["pages/Home"]?.has("FIELD_REQUIRED")).toBe(false);
  });

  it("only participant pages have a table of their own (an organiser's page loads the common area whole)", () => {
    const own = new Set(Object.keys(cut).filter((t) => t !== SHELL));
    for (const r of routes) if (!isParticipantRoute(r)) expect(own.has(pageTableOf(r.page)), r.path).toBe(false);
    for (const path of ["/", "/campaigns/:id", "/entries/:id", "/signin", "/me/registrations", "/me/entries", "/me/tickets/:registrationId"]) {
      const r = routes.find((x) => x.path === path)!;
      expect(own.has(pageTableOf(r.page)), path).toBe(true);
    }
  });
});

describe("no page can show a raw key", () => {
  it("the entry's files name only the shell's words, which it loads before it draws", () => {
    const entry = visits.find((v) => v.start === entryFile)!;
    expect(entry.tables).toEqual([SHELL]);
    expect(entry.files.has(join(srcDir, "components", "Layout.tsx"))).toBe(true);
    expect(missingIn(entry)).toEqual([]);
  });

  it("every key a participant page's files name is in the shell's words or the page's own, which it loads", () => {
    const participant = visits.filter((v) => v.route && isParticipantRoute(v.route));
    expect(participant.map((v) => v.route!.path)).toContain("/");
    for (const visit of participant) {
      expect(visit.tables, visit.route!.path).toEqual([SHELL, pageTableOf(visit.start)]);
      expect(missingIn(visit), visit.route!.path).toEqual([]);
    }
    expect(visitOf("/").files.has(page("Home.tsx"))).toBe(true);
  });

  it("every key an organiser's, judge's or desk file names is in the areas its pages load", () => {
    for (const visit of visits.filter((v) => v.route && !isParticipantRoute(v.route))) expect(missingIn(visit), visit.route!.path).toEqual([]);
  });

  // Negative controls: the check sees a literal key, a key in a Record and a built key that are
  // not in the tables a page loads; another page's words count as missing too.
  const dir = mkdtempSync(join(tmpdir(), "app-map-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ticketOnly = [...tableKeys["pages/Ticket"]!].find((k) => !tableKeys["pages/Home"]!.has(k))!;

  it("(control) a participant's file naming organiser, desk or another page's words is caught", () => {
    const file = join(dir, "Leaky.tsx");
    writeFileSync(
      file,
      [
        `import { tr } from "../i18n.ts";`,
        `const labels = { a: "checkin.title" } as const;`,
        `export const A = (s: string) => tr("organiser.notAllowed") + tr(labels.a) + tr(\`organiser.reg.\${s}\`);`,
        `export const B = () => tr("home.title") + tr(${JSON.stringify(ticketOnly)});`,
      ].join("\n"),
    );
    const problems = missingKeys(new Map([[file, new Set([SHELL, "pages/Home"])]]), tableKeys, allKeys);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain(`"checkin.title"`);
    expect(problems[1]).toContain(`"organiser.notAllowed"`);
    expect(problems[2]).toContain(JSON.stringify(ticketOnly));
    expect(problems[3]).toContain("organiser.reg.");
    // the same file, loading those tables, is fine
    expect(missingKeys(new Map([[file, new Set([SHELL, "pages/Home", "pages/Ticket", "organiser", "desk"])]]), tableKeys, allKeys)).toEqual([]);
  });

  it("(control) a page's table follows its modules: a file it comes to import brings its words along", () => {
    const file = join(dir, "Extra.tsx");
    writeFileSync(file, [`import { fieldErrorText, tr } from "../i18n.ts";`, `export const C = (r: string) => tr(${JSON.stringify(ticketOnly)}) + fieldErrorText(r);`].join("\n"));
    expect(keysNamedIn(file, allKeys).patterns.map((p) => p.pattern)).toEqual(["fieldErrorText(…)"]);
    const grown = new Map(graph);
    const home = grown.get(page("Home.tsx"))!;
    grown.set(home.file, { ...home, imports: [...home.imports, file] });
    grown.set(file, { file, imports: [], dynamicImports: [] });
    const tables = wordTables(routes, areaKeys, allKeys, grown);
    expect(tables["pages/Home"]).toContain(ticketOnly);
    for (const key of Object.keys(fieldMessages)) expect(tables["pages/Home"], key).toContain(key);
    // with the old cut, Home's visit now misses them: the check above would fail
    const homeVisit = visitsOf(routes, grown).find((v) => v.start === page("Home.tsx"))!;
    expect(missingIn(homeVisit).length).toBeGreaterThan(0);
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
