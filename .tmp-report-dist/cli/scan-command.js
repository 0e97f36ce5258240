/**
 * The scan command: inputs → engine → reports (table / json, several --format/--out pairs in
 * one run) → optional DuckDB store → exit code from --fail-on.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { ScanSession } from '../core/scan.js';
import { renderTable } from '../core/report/table.js';
import { openStore } from '../core/store/index.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { loadPolicy, PolicyError } from '../core/risk/policy.js';
import { writeReportSignature } from '../core/sign/files.js';
function policyFrom(path) {
    if (path === undefined)
        return undefined;
    try {
        return loadPolicy(path);
    }
    catch (e) {
        if (e instanceof PolicyError)
            throw new UsageError(e.message);
        throw e;
    }
}
const LEVEL_RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
/** Pair each --format with the --out given after it; a lone --out takes json. */
export function pairOutputs(formats, outs) {
    if (formats.length === 0 && outs.length === 0)
        return [{ format: 'table', out: null }];
    if (outs.length > formats.length && formats.length > 1)
        throw new UsageError('more --out than --format options: give each --out its own --format');
    if (formats.length === 0)
        return outs.map((o) => ({ format: 'json', out: o }));
    return formats.map((f, i) => ({ format: f, out: outs[i] ?? null }));
}
function render(report, format, toTty) {
    switch (format) {
        case 'json':
            return `${JSON.stringify(report, null, 2)}\n`;
        case 'table':
        default: {
            const color = toTty && !process.env['NO_COLOR'];
            const width = toTty ? (process.stdout.columns ?? 120) : 160;
            return renderTable(report, { color, width });
        }
    }
}
/** Highest risk level among the report's flows (flows without a risk count as none). */
export function worstLevel(report) {
    let worst = 'none';
    for (const f of report.flows) {
        const l = f.risk?.level;
        if (l && LEVEL_RANK[l] > LEVEL_RANK[worst])
            worst = l;
    }
    return worst;
}
export async function runScan(inputs, opts) {
    if (inputs.length === 0)
        throw new UsageError('no capture given: hndl-scan [options] <capture|->... (see --help)');
    if (inputs.filter((i) => i === '-').length > 1)
        throw new UsageError('standard input (-) can be read only once');
    for (const i of inputs) {
        if (i === '-')
            continue;
        if (!existsSync(i))
            throw new UsageError(`${i}: no such file`);
        if (statSync(i).isDirectory())
            throw new UsageError(`${i}: is a directory (give capture files)`);
    }
    const outputs = pairOutputs(opts.format, opts.out);
    if (opts.sign !== undefined) {
        if (!existsSync(opts.sign))
            throw new UsageError(`${opts.sign}: no such key file (make one with: hndl-scan keygen)`);
        if (outputs.some((o) => o.out === null))
            throw new UsageError('--sign needs every report written to a file: give each --format its --out');
    }
    const stdoutOutputs = outputs.filter((o) => o.out === null);
    if (stdoutOutputs.length > 1)
        throw new UsageError('only one format can go to standard output: give the others --out FILE');
    const policy = policyFrom(opts.policy);
    const session = new ScanSession({ streamBytes: opts.streamBytes, maxFlows: opts.maxFlows, hash: opts.db !== undefined, ...(policy ? { policy } : {}) });
    for (const input of inputs) {
        const res = await session.addInput(input);
        if (!opts.quiet && (res.truncated || res.error)) {
            process.stderr.write(`hndl-scan: warning: ${res.path}: ${res.error ?? 'the file ends inside a record'}; scanned everything before it\n`);
        }
    }
    const report = session.finish();
    // Store first: a report is only as good as the scan it describes.
    if (opts.db) {
        const store = await openStore(opts.db);
        try {
            await store.writeScan(report);
        }
        finally {
            await store.close();
        }
    }
    for (const o of outputs) {
        const text = render(report, o.format, o.out === null && process.stdout.isTTY === true);
        if (o.out === null)
            process.stdout.write(text);
        else {
            try {
                writeFileSync(o.out, text);
            }
            catch (e) {
                throw new UsageError(`cannot write ${o.out}: ${e instanceof Error ? e.message : String(e)}`);
            }
            if (opts.sign !== undefined)
                writeReportSignature(o.out, Buffer.from(text, 'utf8'), opts.sign);
        }
    }
    if (opts.failOn === 'none')
        return EXIT_OK;
    return LEVEL_RANK[worstLevel(report)] >= LEVEL_RANK[opts.failOn] ? EXIT_FINDINGS : EXIT_OK;
}
//# sourceMappingURL=scan-command.js.map