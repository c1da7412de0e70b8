/**
 * JAX-style namespaces, so `hk.jax.random` reads like `jax.random`.
 *
 * @module
 * @category Random numbers
 */
export * as random from "./random/index.js";
