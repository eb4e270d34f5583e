// @ts-check
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * serverless-esbuild's settings for every service with functions, in one place (serverless.common.yml points each
 * service's `custom.esbuild.config` here). A function, not yml, because these settings depend on the command:
 *
 * - Source maps only under `sls offline`: a deployment package carries none (a map is 4 to 5 times its bundle), and
 *   nothing on Lambda would read one (Node applies maps only with --enable-source-maps). Locally the bundle links its
 *   map in .esbuild/, and `npm start` runs serverless offline under `node --enable-source-maps`, so stack traces name
 *   src/*.ts lines.
 * - Every packaged bundle's esbuild metafile is kept in .serverless/metafiles/ (what `npm run package:sizes` reads):
 *   not in the build folder, whose files serverless-esbuild zips.
 * - Packaging builds in a folder of its own, .esbuild-package/ (removed once the zips are written), never in the one a
 *   running `sls offline` serves from and leaves behind (.esbuild/): serverless-esbuild zips every file of its build
 *   folder, and would ship the offline build's source maps.
 *
 * @param {{ processedInput: { commands: string[] }, serviceDir: string }} serverless
 */
function esbuildConfig(serverless) {
  const offline = serverless.processedInput.commands[0] === 'offline';
  return {
    bundle: true,
    minify: true,
    target: 'node22',
    platform: 'node',
    sourcemap: offline ? 'linked' : false,
    // The nodejs22.x runtime provides the AWS SDK v3 (every client the services import is in it).
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included
    exclude: ['@aws-sdk/*'],
    packager: 'npm',
    outputWorkFolder: offline ? '.esbuild' : '.esbuild-package',
    plugins: offline ? [] : [keepMetafiles(serverless.serviceDir)],
    // `sls offline` rebuilds on edits to this service or the shared libraries, and reloads the handlers.
    watch: { pattern: ['src/**/*.ts', '../../libs/*/src/**/*.ts'] },
  };
}

/** The folder, under a service, that holds one metafile per function entry (`src/functions/x.ts` → `src/functions/x.json`). */
const METAFILES_DIR = '.serverless/metafiles';

/**
 * An esbuild plugin that asks for the metafile itself (serverless-esbuild's own `metafile` option would write it into
 * the build folder, and so into every zip) and writes it under the service's .serverless/.
 *
 * @param {string} serviceDir
 * @returns {import('esbuild').Plugin}
 */
function keepMetafiles(serviceDir) {
  return {
    name: 'keep-metafiles',
    setup(build) {
      build.initialOptions.metafile = true;
      const entries = /** @type {string[]} */ (build.initialOptions.entryPoints);
      build.onEnd((result) => {
        if (!result.metafile) return;
        for (const entry of entries) {
          const file = path.join(serviceDir, METAFILES_DIR, entry.replace(/\.[cm]?[jt]s$/, '.json'));
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, JSON.stringify(result.metafile));
        }
      });
    },
  };
}

module.exports = Object.assign(esbuildConfig, { METAFILES_DIR });
