// Dependency rules for src/, checked by `npm run lint:layers` (part of `npm run lint`)
// with dependency-cruiser. This file is their one source; docs/architecture.md
// ("Layers") explains them. Tests, bench and scripts are outside the rules.
//
// Layers, lowest first. A file may import its own folder and any folder of a lower
// rank. Folders of the same rank are siblings and may not import each other.
const LAYERS = [
  { folder: "engine", rank: 0 },
  { folder: "trace", rank: 0 },
  { folder: "model", rank: 1 },
  { folder: "measures", rank: 2 },
  { folder: "scenario", rank: 3 },
  { folder: "report", rank: 4 },
  { folder: "metrics", rank: 4 },
  { folder: "experiment", rank: 5 },
  { folder: "serve", rank: 5 },
  { folder: "import", rank: 5 },
  { folder: "cli", rank: 6 },
  { folder: "docs", rank: 6 },
];

const ENGINE = ["engine"];
// The trace readers are pure Node: whatever reads a trace imports them, they import nothing of src/.
const TRACE = ["trace"];

const KNOWN_FOLDERS = [...LAYERS.map((layer) => layer.folder), ...ENGINE];
const inFolders = (folders) => `^src/(${folders.join("|")})/`;
const ORDER =
  "{engine, trace} <- model <- measures <- scenario <- {report, metrics} <- {experiment, serve, import} <- {cli, docs}";

// One rule per layer above the engine: it may not import a higher layer or a sibling.
function layerRule({ folder, rank }) {
  const below = LAYERS.filter((other) => other.rank < rank).map((other) => other.folder);
  const siblings = LAYERS.filter((other) => other.rank === rank && other.folder !== folder);
  const forbidden = LAYERS.filter((other) => other.rank >= rank && other.folder !== folder);
  const siblingNote =
    siblings.length > 0 ? `; ${siblings.map((s) => s.folder).join(", ")} is a sibling, not below` : "";
  return {
    name: `layer-${folder}`,
    severity: "error",
    comment:
      `src/${folder}/ may import only itself and the layers below it ` +
      `(${below.reverse().join(", ")})${siblingNote}. Layers: ${ORDER}.`,
    from: { path: `^src/${folder}/` },
    to: { path: inFolders(forbidden.map((other) => other.folder)) },
  };
}

const UNLAYERED =
  "Every folder under src/ belongs to a layer: add it to LAYERS in .dependency-cruiser.mjs " +
  "and to docs/architecture.md.";

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-cycle",
      severity: "error",
      comment:
        "Import cycle (type-only imports count too): move what both files need into a module " +
        "of its own, or into the lower of the two.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "engine-imports-only-engine",
      severity: "error",
      comment:
        "src/engine/ knows nothing about Lambda: it imports only itself, node built-ins and npm packages.",
      from: { path: inFolders(ENGINE) },
      to: { pathNot: [inFolders(ENGINE), "^node_modules/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "trace-imports-only-trace",
      severity: "error",
      comment:
        "src/trace/ reads trace files and nothing else: it imports only itself, node built-ins and npm packages.",
      from: { path: inFolders(TRACE) },
      to: { pathNot: [inFolders(TRACE), "^node_modules/"], dependencyTypesNot: ["core"] },
    },
    ...LAYERS.filter((layer) => layer.rank > 0).map(layerRule),
    // A folder outside LAYERS would be checked by nothing above, so neither end of
    // an import may be in one.
    {
      name: "unlayered-folder",
      severity: "error",
      comment: UNLAYERED,
      from: { path: "^src/", pathNot: inFolders(KNOWN_FOLDERS) },
      to: {},
    },
    {
      name: "import-of-unlayered-folder",
      severity: "error",
      comment: UNLAYERED,
      from: { path: "^src/" },
      to: { path: "^src/", pathNot: inFolders(KNOWN_FOLDERS) },
    },
    // An import the checker cannot resolve is an edge it cannot check.
    {
      name: "unresolvable-import",
      severity: "error",
      comment: "dependency-cruiser could not resolve this import, so no rule could check it.",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "^node_modules/" },
    // Read the TypeScript before compilation, so `import type` edges (which tsc
    // erases) count: no cycles, not even of types.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      // dependency-cruiser maps NodeNext's "./x.js" specifiers to the "./x.ts" sources itself.
      extensions: [".ts", ".js", ".mjs", ".json"],
      // How Node resolves our ESM imports of packages with an "exports" map.
      exportsFields: ["exports"],
      conditionNames: ["import", "node", "default"],
    },
  },
};
