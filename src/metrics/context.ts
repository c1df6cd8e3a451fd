/**
 * The exporters' run context now lives with the measure catalogue
 * (src/measures/context.ts), which the families read; this re-export keeps
 * the CLI's imports working until they name the new path.
 */
export * from "../measures/context.js";
