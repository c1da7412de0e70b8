import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("README", () => {
  it("shows examples/quickstart.ts verbatim as its quick start (CI runs that file)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = /<!-- section:quickstart -->[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const example = readFileSync(new URL("../examples/quickstart.ts", import.meta.url), "utf8");
    expect(block).toBe(example.split("\n").slice(1).join("\n"));
  });
  it("gives the two set-up commands", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });
});
