import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The documentation examples import the package by name, as users do (tsconfig.json's paths).
  resolve: {
    alias: [
      { find: /^haiku-tfjs\/keras$/, replacement: src("keras/index.ts") },
      { find: /^haiku-tfjs$/, replacement: src("index.ts") },
    ],
  },
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
