// Copies the browser files EtlWeb serves, with their licences, from node_modules into src/EtlWeb/wwwroot/lib, where
// they are committed: the build needs no Node.js. To update one, change its version in package.json, then run
// `npm install && npm run build` here and commit package-lock.json and the changed files in src/EtlWeb/wwwroot/lib.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "src", "EtlWeb", "wwwroot", "lib");
const files = [
  ["@xterm/xterm/lib/xterm.js", "xterm/xterm.js"],
  ["@xterm/xterm/css/xterm.css", "xterm/xterm.css"],
  ["@xterm/addon-fit/lib/addon-fit.js", "xterm/addon-fit.js"],
  ["@xterm/addon-search/lib/addon-search.js", "xterm/addon-search.js"],
  ["@xterm/xterm/LICENSE", "xterm/LICENSE.txt"],
  ["cronstrue/dist/cronstrue.min.js", "cronstrue/cronstrue.min.js"],
  ["cronstrue/LICENSE", "cronstrue/LICENSE.txt"],
];
for (const [from, to] of files) {
  mkdirSync(dirname(join(target, to)), { recursive: true });
  cpSync(join(here, "node_modules", from), join(target, to));
}
console.log(`copied ${files.length} files to ${target}`);
