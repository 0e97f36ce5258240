import { scanInputs } from '/work/main/.tmp-report-dist/core/scan.js';
import { toMarkdown } from '/work/main/.tmp-report-dist/core/report/markdown.js';
import { toSarif } from '/work/main/.tmp-report-dist/core/report/sarif.js';
import { toCbom } from '/work/main/.tmp-report-dist/core/report/cbom.js';
const r = await scanInputs([process.argv[2]]);
const fmt = process.argv[3];
if (fmt === 'md') console.log(toMarkdown(r));
if (fmt === 'sarif') console.log(toSarif(r));
if (fmt === 'cbom') console.log(toCbom(r, { specVersion: process.argv[4] ?? '1.6' }));
