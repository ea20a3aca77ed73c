// ESLint for the leaders' page scripts (static/js): `make test` runs it (`npm run lint`).
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      // a failure is handled or logged (RatingQueue.logged), never swallowed
      "no-empty": ["error", { allowEmptyCatch: false }],
      "no-empty-function": "error",
      "no-unused-vars": ["error", { args: "none" }],
      strict: ["error", "global"],
      eqeqeq: "error",
    },
  },
  {
    files: ["static/js/sw.js"],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
];
