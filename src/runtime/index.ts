export { ready } from "./backend.js";
