// Lets a plain `node` child process load the project's TypeScript: `node -r ./tests/helpers/registerTs.js x.ts`.
// Transpile only (no type check), CommonJS, like ts-jest with isolatedModules. Tests use it to run real project
// code in a second process (ts-node is not installed).
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  });
  module._compile(outputText, filename);
};
