import { ready } from "../src/runtime/index.js";

await ready();
