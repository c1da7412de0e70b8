import { ready } from "../src/runtime/index.js";
// Tests take gradients with tf.grad directly too; the library registers them where it takes them.
import "../src/runtime/training.js";

await ready();
