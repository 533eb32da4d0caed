// The layering of DESIGN.md, checked from the syntax tree by dependency-cruiser
// (`npm run lint`). The layers of the core (src/main) are stated once, below,
// bottom first: a folder may import its own files and anything below it,
// never above, and no import may close a cycle.
/** @type {string[][]} bottom → top; folders on one line are peers and may not import each other */
const MAIN_LAYERS = [
  ['appRoot.ts'],
  ['py'],
  ['rules'],
  ['store'],
  ['generator'],
  ['ingest'],
  ['diff'],
  ['align'],
  ['triage', 'search'],
  ['report'],
  ['sessions'],
  ['service'],
  ['hosts'],
  ['cli', 'electron'],
  ['index.ts'],
];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const where = (names) => `^src/main/(${names.map(esc).join('|')})(/|$)`;

const layerRules = MAIN_LAYERS.flatMap((layer, level) => {
  const above = MAIN_LAYERS.slice(level + 1).flat();
  const peers = layer.length > 1 ? layer : [];
  return layer.flatMap((name) => {
    const forbidden = [...above, ...peers.filter((p) => p !== name)];
    if (forbidden.length === 0) return [];
    return [
      {
        name: `main-layer-${name.replace(/\W/g, '-')}`,
        comment: `src/main/${name} may import only the layers below it: ${MAIN_LAYERS.slice(0, level).flat().join(', ') || 'none'} (and src/shared)`,
        severity: 'error',
        // Tests beside the code may reach across layers (an integration test of diff renders a report).
        from: { path: where([name]), pathNot: '\\.test\\.ts$' },
        to: { path: where(forbidden) },
      },
    ];
  });
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle means two modules are one: move what both need one layer down.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-only-shared',
      comment:
        'src/shared is the contract: it imports nothing of ours but src/shared, no Node built-ins, no Electron, no Svelte; of libraries only markdown-it (plain JavaScript for both sides: notes look the same in the workbench and the HTML export).',
      severity: 'error',
      // Its tests may import the test runner.
      from: { path: '^src/shared/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: ['^src/shared/', '^node_modules/markdown-it/'] },
    },
    {
      name: 'shared-no-platform',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-only-renderer-and-shared',
      comment: 'The renderer codes against the contract only: src/renderer and src/shared, never the core or the preload.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(main|preload)/' },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer is a browser page: no Node built-ins.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-not-the-core',
      comment: 'The preload bridges IPC only: src/shared and electron, never the core or the renderer.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: '^src/(main|renderer)/' },
    },
    {
      name: 'electron-only-in-the-shell',
      comment: 'Only the Electron shell (src/main/electron, src/preload) may import electron: the core runs under plain Node.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main/electron|preload)/' },
      to: { path: ['^electron$', '(^|/)node_modules/electron/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'src-not-tests',
      comment: 'Nothing in src/ imports test code: it lives under tests/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(tests|e2e)/' },
    },
    {
      name: 'main-no-svelte',
      severity: 'error',
      from: { path: '^src/(main|shared|preload)/' },
      to: { path: '(^|/)node_modules/svelte/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.svelte', '.json'],
    },
  },
};
