// Lint for what the compiler does not catch: `any` that escapes review, value imports used only
// as types (they would keep modules alive in bundles), and the usual mistakes of eslint's
// recommended set.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "docs/api/", ".doctest/", "coverage/", "**/dist/", "bench/results/", "test/bundling/out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { args: "none", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // `let [params, state] = ...` where only one is reassigned is the usual training-loop shape.
      "prefer-const": ["error", { destructuring: "all" }],
    },
  },
  {
    // Expected console output is clearest with its spaces written out.
    files: ["test/**/*.ts"],
    rules: { "no-regex-spaces": "off" },
  },
);
