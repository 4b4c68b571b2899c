// Copy the browser builds ckg serves into the package (gql/static/vendor/), with their licences.
// Run by `make vendor` after `npm ci`; the copies are committed, so nothing runs at serve time.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "gql", "static", "vendor");
const files = {
  react: ["umd/react.production.min.js", "LICENSE"],
  "react-dom": ["umd/react-dom.production.min.js", "LICENSE"],
  graphiql: ["graphiql.min.js", "graphiql.min.css", "LICENSE"],
  "@graphiql/plugin-explorer": ["dist/index.umd.js", "dist/style.css"],
  cytoscape: ["dist/cytoscape.min.js", "LICENSE"],
};

rmSync(out, { recursive: true, force: true });
const manifest = {};
for (const [pkg, paths] of Object.entries(files)) {
  const root = join(here, "node_modules", pkg);
  const { version, license } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const dest = join(out, pkg.replace("@", "").replace("/", "-"));
  mkdirSync(dest, { recursive: true });
  for (const p of paths) {
    copyFileSync(join(root, p), join(dest, p.split("/").pop()));
  }
  if (!existsSync(join(root, "LICENSE"))) {
    // Some packages ship no licence file: record the licence their package.json declares.
    writeFileSync(join(dest, "LICENSE"), `${pkg}@${version}: ${license} licence (declared in its package.json)\n`);
  }
  manifest[pkg] = { version, license };
}
writeFileSync(join(out, "versions.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`vendored into ${out}:`, manifest);
