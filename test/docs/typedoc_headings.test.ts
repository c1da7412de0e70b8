// The guides' headings are often code ("## `hk.remat(fn)`"); typedoc 0.28 alone gives such a
// heading the anchor "_" and an empty "On this page" entry. tools/typedoc/heading_code.mjs (loaded
// by typedoc.json) keeps the code text; this renders a small project with it, as `npm run docs` does.
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Application, TSConfigReader } from "typedoc";
import { afterAll, describe, expect, it } from "vitest";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "haiku-tfjs-typedoc-")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function renderGuide(markdown: string): Promise<string> {
  writeFileSync(join(dir, "index.ts"), "/** A value. */\nexport const value = 1;\n");
  writeFileSync(join(dir, "guide.md"), markdown);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "nodenext" }, files: ["index.ts"] }),
  );
  const out = join(dir, "out");
  const app = await Application.bootstrapWithPlugins(
    {
      entryPoints: [join(dir, "index.ts")],
      tsconfig: join(dir, "tsconfig.json"),
      projectDocuments: [join(dir, "guide.md")],
      plugin: [resolve("tools/typedoc/heading_code.mjs")],
      name: "headings",
      readme: "none",
      disableSources: true,
      logLevel: "Error",
      out,
    },
    [new TSConfigReader()],
  );
  const project = await app.convert();
  expect(project).toBeDefined();
  await app.generateDocs(project!, out);
  const [page] = readdirSync(join(out, "documents"));
  return readFileSync(join(out, "documents", page!), "utf8");
}

describe("typedoc headings (tools/typedoc/heading_code.mjs)", () => {
  it("a heading's code text is in its anchor and in the page's table of contents, and stays code", async () => {
    const html = await renderGuide(
      "---\ntitle: Guide\n---\n# Guide\n\n## `hk.remat(fn)`\n\nText.\n\n## Saving with `saveParams`\n\nMore.\n",
    );
    expect(html).toContain('<h2 id="hkrematfn"');
    expect(html).toContain('<h2 id="saving-with-saveparams"');
    expect(html).toContain("<code>hk.remat(fn)</code>");
    const toc = [...html.matchAll(/<li><a href="#([^"]+)"><span>(.*?)<\/span><\/a><\/li>/g)].map(([, id, text]) => [
      id,
      text!.replace(/<wbr\/>/g, ""),
    ]);
    expect(toc).toContainEqual(["hkrematfn", "hk.remat(fn)"]);
    expect(toc).toContainEqual(["saving-with-saveparams", "Saving with saveParams"]);
  }, 60_000);
});
