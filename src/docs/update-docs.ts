/** `npm run docs`: regenerates the documentation's tables from the code. */
import { readFileSync, writeFileSync } from "node:fs";
import { docSections, fillSections } from "./doc-sections.js";

for (const [file, sections] of Object.entries(docSections())) {
  writeFileSync(file, fillSections(readFileSync(file, "utf8"), sections));
  console.log(`updated ${file}`);
}
