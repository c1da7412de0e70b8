/** JAX-style namespaces, so `hk.jax.random` reads like `jax.random`. */
export * as random from "./random/index.js";
