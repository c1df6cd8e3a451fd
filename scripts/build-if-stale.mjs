// `prepare`: builds dist/ unless it is newer than every input of the build.
// npm runs `prepare` on `npm ci` (dist/ missing: it builds) and also each time
// `npx fleet-sim` links this checkout into npx's cache; without this check
// that first `npx fleet-sim` spent about 10 s rebuilding an up-to-date dist/.
import { execSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
/** The bundle entry is written last by scripts/bundle-cli.mjs: its time is the build's. */
const output = join(root, "dist/bin/fleet-sim.js");
const inputs = ["src", "scripts/bundle-cli.mjs", "tsconfig.json", "tsconfig.build.json", "package.json"];

function newestMs(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMs(join(path, name)));
  return newest;
}

let builtMs = -1;
try {
  builtMs = statSync(output).mtimeMs;
} catch {
  // Not built yet.
}
const inputsMs = Math.max(...inputs.map((p) => newestMs(join(root, p))));
if (builtMs > inputsMs) {
  console.log("dist/ is up to date (npm run build rebuilds it)");
} else {
  execSync("npm run build", { cwd: root, stdio: "inherit" });
}
