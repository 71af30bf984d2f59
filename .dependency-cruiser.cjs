// demerge's layers, checked by `npm run lint:deps` (scripts/test.sh runs it after the type check).
// Imports only point down this list; modules of the same row are peers and do not import each
// other. A row is one layer or, for peers that stand in an order of their own, one step of it.
//
//   L1  src/index.ts                            the entry point (bin/demerge.js runs it)
//       cli                                     the commands' words and exit statuses
//   L2  run, setup (report)                     the commands' work
//       checks, dashboard                       what that work uses
//   L3  transport                               the run's connections to the nodes
//       ssh, run-env, emerge, history
//   L4  config -> hosts; portage -> distcc      two chains, unrelated to each other
//   L5  system
//       messages -> errors

/** The groups of modules, each a set of paths under src/ (a folder ends with /). */
const GROUPS = {
  index: ['index.ts'],
  cli: ['cli/'],
  run: ['run/'],
  setup: ['setup/'],
  report: ['report/'],
  checks: ['checks/'],
  dashboard: ['dashboard/'],
  transport: ['transport/'],
  ssh: ['ssh/'],
  'run-env': ['run-env/'],
  emerge: ['emerge/'],
  history: ['history/'],
  config: ['config/'],
  hosts: ['hosts/'],
  portage: ['portage/'],
  distcc: ['distcc/'],
  system: ['system/'],
  messages: ['messages.ts', 'messages/'],
  errors: ['errors.ts'],
};

/** Rows top to bottom; each row lists peer groups. */
const ROWS = [
  ['index'],
  ['cli'],
  ['run', 'setup', 'report'],
  ['checks', 'dashboard'],
  ['transport'],
  ['ssh', 'run-env', 'emerge', 'history'],
  ['config', 'portage'],
  ['hosts', 'distcc'],
  ['system'],
  ['messages'],
  ['errors'],
];

// The two chains of L4 share rows but not imports.
const APART = [[['config', 'hosts'], ['portage', 'distcc']]];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pathOf = (part) => (part.endsWith('/') ? `^src/${escape(part)}` : `^src/${escape(part)}$`);
const anyOf = (groups) => `(${groups.flatMap((group) => GROUPS[group]).map(pathOf).join('|')})`;

const layerRules = ROWS.flatMap((row, index) => {
  const above = ROWS.slice(0, index).flat();
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `upward-from-${row.join('+')}`,
      comment: `${row.join(', ')} must not import the layers above: ${above.join(', ')}`,
      severity: 'error',
      from: { path: anyOf(row) },
      to: { path: anyOf(above) },
    });
  }
  for (const group of row) {
    const peers = row.filter((other) => other !== group);
    if (peers.length === 0) continue;
    rules.push({
      name: `sideways-from-${group}`,
      comment: `${group} must not import its peers: ${peers.join(', ')}`,
      severity: 'error',
      from: { path: anyOf([group]) },
      to: { path: anyOf(peers) },
    });
  }
  return rules;
});

const apartRules = APART.flatMap(([left, right]) => [
  { name: `apart-${left.join('+')}`, from: left, to: right },
  { name: `apart-${right.join('+')}`, from: right, to: left },
].map(({ name, from, to }) => ({
  name,
  comment: `${from.join(', ')} must not import ${to.join(', ')}`,
  severity: 'error',
  from: { path: anyOf(from) },
  to: { path: anyOf(to) },
})));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    ...apartRules,
    {
      name: 'in-a-layer',
      comment: `every module under src/ belongs to a group of the layers above (${Object.keys(GROUPS).join(', ')})`,
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(Object.keys(GROUPS)) },
      to: {},
    },
    {
      name: 'to-a-layer',
      comment: 'every module imported from src/ belongs to a group of the layers above',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: anyOf(Object.keys(GROUPS)) },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only imports included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'every relative import resolves to a file',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code (src/index.ts is the entry point)',
      severity: 'warn',
      from: { orphan: true, path: '^src/', pathNot: '^src/index\\.ts$' },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a layer must not know an upper layer's types.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
