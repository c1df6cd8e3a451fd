/** `npm run docs`: regenerates the README's tables from the code. */
import { readFileSync, writeFileSync } from "node:fs";
import { fillSections, readmeSections } from "./readme-sections.js";

const file = process.argv[2] ?? "README.md";
writeFileSync(file, fillSections(readFileSync(file, "utf8"), readmeSections()));
console.log(`updated ${file}`);
