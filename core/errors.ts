/**
 * Error classes of the core, one per failure kind a caller may act on.
 *
 * @example
 * ```ts
 * import { adapt, ConfigError, tf } from "@quadranet/core";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * try {
 *   adapt(model, { rank: 0 });
 * } catch (e) {
 *   if (e instanceof ConfigError) console.error(e.message);
 * }
 * ```
 * @module
 */

/** Base class of every error the project throws on purpose. */
export class QuadraNetError extends Error {
  /** See the class description for the fields. */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An adapter config value is invalid; `field` names the config key. */
export class ConfigError extends QuadraNetError {
  /** See the class description for the fields. */
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** `targets`, `exclude` or `modulesToSave` selected nothing or the wrong layers. */
export class TargetError extends QuadraNetError {}

/** A layer kind that cannot carry a quadratic term was asked for. */
export class UnsupportedLayerError extends QuadraNetError {
  /** See the class description for the fields. */
  constructor(readonly layerName: string, readonly className: string, message: string) {
    super(message);
  }
}

/** A name was looked up in the plugin registry and is not there. */
export class UnknownPluginError extends QuadraNetError {
  /** See the class description for the fields. */
  constructor(readonly kind: string, readonly pluginName: string, readonly known: string[]) {
    super(
      `Unknown ${kind} "${pluginName}"; registered ${kind}s: ${
        known.length ? known.join(", ") : "(none)"
      }. Import the plugin that provides it or pass --plugin <path>.`,
    );
  }
}

/** A second, different definition was registered under an existing name. */
export class DuplicatePluginError extends QuadraNetError {}

/** A plugin module could not be imported. */
export class PluginLoadError extends QuadraNetError {}

/** A quadratic term was asked to merge into linear weights. */
export class MergeUnsupportedError extends QuadraNetError {}

/** A checkpoint or saved model is missing, malformed or of another format. */
export class CheckpointError extends QuadraNetError {}

/** An adapter checkpoint was loaded onto a base model it was not made from. */
export class BaseMismatchError extends CheckpointError {}

/** A compute backend could not be initialised; `hint` says what to install. */
export class BackendUnavailableError extends QuadraNetError {
  /** See the class description for the fields. */
  constructor(readonly backend: string, readonly reason: string, readonly hint: string) {
    super(`Backend "${backend}" is unavailable: ${reason}. ${hint}`);
  }
}

/** The loss became NaN or infinite; the run stops, its last good checkpoint kept. */
export class NonFiniteLossError extends QuadraNetError {
  /** See the class description for the fields. */
  constructor(readonly step: number, readonly lastCheckpoint: string | undefined, detail: string) {
    super(
      `Loss is not finite (${detail}) at step ${step}; training stopped. ` +
        (lastCheckpoint
          ? `The last good checkpoint is ${lastCheckpoint}. `
          : "No checkpoint was written before it. ") +
        "Lower the learning rate (--lr), enable gradient clipping (--clip-norm) or add warmup.",
    );
  }
}

/** A run-record file (summary, config, metrics) does not match its schema. */
export class RecordError extends QuadraNetError {
  /** See the class description for the fields. */
  constructor(readonly file: string, readonly field: string, readonly detail: string) {
    super(
      `${file}: ${detail}; fix or remove the file (records are written by \`deno task train\`)`,
    );
  }
}
