/**
 * The Keras side of haiku-tfjs: `JaxLayer`, a `@tensorflow/tfjs-layers` Layer that runs a
 * Haiku transform.
 *
 * @packageDocumentation
 */
export {};
