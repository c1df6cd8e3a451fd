/**
 * Writes the scenario JSON Schema, generated from the zod definition, for
 * editors and other tools: `node dist/scenario/write-schema.js OUT`.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import * as z from "zod";
import { scenarioSchema } from "./schema.js";

/** The JSON Schema of a scenario file as text, exactly as schema/scenario.schema.json holds it. */
export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: "input", target: "draft-2020-12" });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (out === undefined) {
    process.stderr.write("usage: node dist/scenario/write-schema.js OUT\n");
    process.exit(2);
  }
  writeFileSync(out, scenarioJsonSchemaText());
}
