/**
 * `file://` model I/O for Node without `@tensorflow/tfjs-node`: `model.save("file://./cnn")` and
 * `tf.loadLayersModel("file://./cnn/model.json")`, in tfjs-node's layout (a directory with
 * `model.json` and `weights.bin`, tfjs-node/src/io/file_system.ts), so either package reads
 * what the other wrote. `node:fs` is imported lazily through a computed specifier, so browser
 * bundles never pull it in; the routers are registered only when running in Node.
 *
 * @module
 */
import type * as FsPromises from "node:fs/promises";
import type * as NodePath from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { describe } from "../util/describe.js";
import { CheckpointError, InvalidArgumentError } from "../util/errors.js";

const WHERE = "haiku-tfjs/keras fileSystem";
const SCHEME = "file://";
const MODEL_JSON = "model.json";
const WEIGHTS_BIN = "weights.bin";
const FS_MODULE = "node:fs/promises";
const PATH_MODULE = "node:path";

interface Node {
  fs: typeof FsPromises;
  path: typeof NodePath;
}

async function node(): Promise<Node> {
  try {
    const [fs, path] = await Promise.all([
      import(/* @vite-ignore */ FS_MODULE) as Promise<typeof FsPromises>,
      import(/* @vite-ignore */ PATH_MODULE) as Promise<typeof NodePath>,
    ]);
    return { fs, path };
  } catch {
    throw new CheckpointError(
      WHERE,
      "needs Node's fs (not available here)",
      'in a browser save to "indexeddb://..." or "downloads://...".',
    );
  }
}

function failure(action: string, target: string, e: unknown): CheckpointError {
  const detail = e instanceof Error ? e.message : String(e);
  return new CheckpointError(
    WHERE,
    `could not ${action} ${JSON.stringify(target)} (${detail})`,
    "check the path and its permissions.",
    { cause: e },
  );
}

async function statOrNull(
  fs: typeof FsPromises,
  p: string,
): Promise<Awaited<ReturnType<typeof FsPromises.stat>> | null> {
  try {
    return await fs.stat(p);
  } catch (e) {
    if ((e as { code?: unknown }).code === "ENOENT") return null;
    throw failure("inspect", p, e);
  }
}

/** The model.json of tfjs-core's `getModelJSONForModelArtifacts` (tfjs-core/src/io/io_utils.ts). */
function modelJson(artifacts: tf.io.ModelArtifacts, manifest: tf.io.WeightsManifestConfig): tf.io.ModelJSON {
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: manifest,
  };
  if (artifacts.signature != null) json.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) json.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) json.initializerSignature = artifacts.initializerSignature;
  if (artifacts.trainingConfig != null) json.trainingConfig = artifacts.trainingConfig;
  return json;
}

/** A weights file named in model.json, which must stay inside the model's directory. */
function weightsFile(path: typeof NodePath, dir: string, name: unknown, modelPath: string): string {
  const ok =
    typeof name === "string" &&
    name.length > 0 &&
    !path.isAbsolute(name) &&
    !name.includes("\0") &&
    !name.split(/[\\/]/).includes("..");
  if (!ok) {
    throw new CheckpointError(
      WHERE,
      `${JSON.stringify(modelPath)} names the weights file ${JSON.stringify(name)}; weights files must be ` +
        'relative paths inside the model\'s directory (no "..", not absolute)',
      "fix the weightsManifest paths.",
    );
  }
  return path.join(dir, name as string);
}

class NodeFileSystem implements tf.io.IOHandler {
  constructor(private readonly target: string) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new CheckpointError(
        WHERE,
        "saving a binary (GraphDef) topology is not supported",
        "save a tfjs-layers model.",
      );
    }
    const { fs, path } = await node();
    const dir = this.target;
    const existing = await statOrNull(fs, dir);
    if (existing !== null && !existing.isDirectory()) {
      throw new CheckpointError(
        WHERE,
        `cannot save to ${JSON.stringify(dir)}: it exists and is not a directory (a model is saved as a directory holding ${MODEL_JSON} and ${WEIGHTS_BIN})`,
        "pass a new or existing directory path.",
      );
    }
    const json = modelJson(artifacts, [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }]);
    const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
    const text = JSON.stringify(json);
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      throw failure("create the directory", dir, e);
    }
    // Weights first: a model.json on disk always has its weights next to it.
    const weightsPath = path.join(dir, WEIGHTS_BIN);
    const jsonPath = path.join(dir, MODEL_JSON);
    try {
      await fs.writeFile(weightsPath, weights);
    } catch (e) {
      throw failure("write", weightsPath, e);
    }
    try {
      await fs.writeFile(jsonPath, text, "utf8");
    } catch (e) {
      throw failure("write", jsonPath, e);
    }
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: "JSON",
        modelTopologyBytes: new TextEncoder().encode(JSON.stringify(artifacts.modelTopology)).length,
        weightSpecsBytes: new TextEncoder().encode(JSON.stringify(artifacts.weightSpecs ?? [])).length,
        weightDataBytes: weights.byteLength,
      },
    };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const { fs, path } = await node();
    const info = await statOrNull(fs, this.target);
    if (info === null) {
      throw new CheckpointError(
        WHERE,
        `${JSON.stringify(this.target)} does not exist`,
        `pass the path of a saved model's ${MODEL_JSON} (or its directory).`,
      );
    }
    const jsonPath = info.isDirectory() ? path.join(this.target, MODEL_JSON) : this.target;
    let json: tf.io.ModelJSON;
    try {
      json = JSON.parse(await fs.readFile(jsonPath, "utf8")) as tf.io.ModelJSON;
    } catch (e) {
      throw failure("read the model JSON", jsonPath, e);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new CheckpointError(
        WHERE,
        `${JSON.stringify(jsonPath)} is not a model JSON object (tfjs' model.json format)`,
        "load a model.json written by model.save.",
      );
    }
    const dir = path.dirname(jsonPath);
    return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      if (!Array.isArray(manifest)) {
        throw new CheckpointError(
          WHERE,
          `${JSON.stringify(jsonPath)} has a weightsManifest that is not an array`,
          "load a model.json written by model.save.",
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of manifest) {
        if (
          group === null ||
          typeof group !== "object" ||
          !Array.isArray(group.paths) ||
          !Array.isArray(group.weights)
        ) {
          throw new CheckpointError(
            WHERE,
            `${JSON.stringify(jsonPath)} has a weightsManifest entry without \`paths\` and \`weights\` arrays`,
            "load a model.json written by model.save.",
          );
        }
        specs.push(...group.weights);
        for (const name of group.paths) {
          const file = weightsFile(path, dir, name, jsonPath);
          let bytes: Uint8Array;
          try {
            bytes = await fs.readFile(file);
          } catch (e) {
            throw failure("read the weights file", file, e);
          }
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
      }
      return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
    });
  }
}

/**
 * An IOHandler that saves a model to, and loads it from, a directory on the local file system
 * (Node only), in `@tensorflow/tfjs-node`'s layout: `model.json` plus `weights.bin`. Importing
 * `haiku-tfjs/keras` in Node also registers it for `file://` URLs (unless tfjs-node, which has
 * its own, is loaded), so `model.save("file://./cnn")` and
 * `tf.loadLayersModel("file://./cnn/model.json")` work directly.
 *
 * @param path - The model's directory (created if missing) for saving; its `model.json` (or the
 *   directory) for loading.
 *
 * @example
 * ```ts
 * await model.save(fileSystem("./cnn"));                      // or model.save("file://./cnn")
 * const again = await tfl.loadLayersModel(fileSystem("./cnn/model.json"));
 * ```
 *
 * @category Keras
 */
export function fileSystem(path: string): tf.io.IOHandler {
  if (typeof path !== "string" || path.length === 0) {
    throw new InvalidArgumentError(
      WHERE,
      `\`path\` must be a non-empty string (a directory or a model.json path), got ${describe(path)}`,
      'pass e.g. "models/mlp".',
    );
  }
  return new NodeFileSystem(path);
}

function runningInNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === "string";
}

function fileRouter(url: string | string[]): tf.io.IOHandler | null {
  // tfjs-node registers its own file:// handler; two matching handlers make tfjs refuse to save.
  if (tf.findBackendFactory("tensorflow") != null) return null;
  const u = Array.isArray(url) ? (url.length === 1 ? url[0] : undefined) : url;
  if (typeof u !== "string" || !u.startsWith(SCHEME)) return null;
  return fileSystem(u.slice(SCHEME.length));
}

const REGISTERED = Symbol.for("haiku-tfjs.keras.fileRouter");
type IORouter = Parameters<typeof tf.io.registerSaveRouter>[0];

/**
 * Registers the `file://` save and load routers when running in Node, once per tfjs-core copy
 * (the mark is on its engine, so two copies of this package do not register two handlers, which
 * would make tfjs refuse to save).
 *
 * @internal
 */
export function registerFileRouter(): void {
  const engine = tf.engine() as unknown as Record<symbol, boolean>;
  if (!runningInNode() || engine[REGISTERED]) return;
  tf.io.registerSaveRouter(fileRouter as IORouter);
  tf.io.registerLoadRouter(fileRouter as IORouter);
  engine[REGISTERED] = true;
}
