// Bundles the compiled CLI (dist/cli/main.js, tsc's output) into
// dist/bin/fleet-sim.js, the package's `bin`, and the chunks it loads
// lazily. Node's ESM loader costs about a millisecond per module and a run
// loaded some 270 of them (zod alone 95); bundled, a quickstart run starts
// in about three quarters of the time, and `--version` loads one small file.
//
// Every module keeps the URL it has in dist/: a bundled module's
// `import.meta.url` would otherwise be the bundle's, and the worker threads
// load dist/engine/threads/partition-host.js and the model by such URLs.
// piscina stays outside: it starts its own worker file from its __dirname.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = resolve(root, "dist");
const outdir = resolve(dist, "bin");

const ownModuleUrls = {
  name: "own-module-urls",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + sep)) return undefined;
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const path = relative(outdir, args.path).split(sep).join("/");
      const own = `new URL(${JSON.stringify(path)}, import.meta.url).href`;
      return {
        contents: text.replaceAll("import.meta.url", own),
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
  },
};

const result = await build({
  entryPoints: {
    "fleet-sim": resolve(dist, "cli", "main.js"),
    // The experiment pool's worker entry (experiment.ts workerModuleUrl): each thread of a set,
    // sweep or replications loads it in about 40 ms instead of some 60 modules in about 100.
    "replication-worker": resolve(dist, "experiment", "replication-worker.js"),
  },
  outdir,
  // What main.js imports lazily stays lazy: `--version` parses no more than it needs.
  // Chunks sit beside the entry, so one relative URL per module serves them all.
  splitting: true,
  chunkNames: "[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // bullmq loads ioredis with require() when a queue is used (--queue, worker): both stay packages.
  external: ["piscina", "bullmq", "ioredis"],
  // CommonJS packages inside an ES module bundle still call require().
  banner: {
    js: 'import { createRequire as createRequireForBundle } from "node:module";\nconst require = createRequireForBundle(import.meta.url);',
  },
  sourcemap: true,
  plugins: [ownModuleUrls],
  logLevel: "warning",
  write: false,
});

// Tests build while others run the CLI: each file is replaced whole, the
// entry last, and only then are chunks of an earlier build removed.
const entry = resolve(outdir, "fleet-sim.js");
const files = [...result.outputFiles].sort((a, b) => (a.path === entry) - (b.path === entry));
mkdirSync(outdir, { recursive: true });
for (const f of files) {
  const temp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(temp, f.contents, { mode: f.path === entry ? 0o755 : 0o644 });
  renameSync(temp, f.path);
}
const written = new Set(files.map((f) => basename(f.path)));
for (const name of readdirSync(outdir))
  if (!written.has(name) && !name.endsWith(".tmp")) rmSync(resolve(outdir, name), { force: true });
