/**
 * Dashboard read queries over the store (schema in schema.ts): a scan's overview, the
 * servers × data-category and servers × time heatmaps, the MCP inventory, the findings list,
 * one flow's detail and the comparison of two scans. Every aggregation runs in DuckDB SQL with
 * named parameters; only the final row shaping happens here. Sensitivity / risk columns may be
 * NULL ("not assessed"): the queries keep those flows and label them.
 */
import type { KexClass, RiskLevel } from './dashboard-types.js';
import type {
  CategoryHeatmap, CompareResult, FindingRow, FlowDetail, McpInventoryView, Overview, TimeHeatmap,
} from './dashboard-types.js';
import { FLOW_SELECT, flowFromRow, iso, num, str } from './read.js';
import { SERVER_LABEL_SQL } from './query.js';
import { StoreError } from './types.js';
import type { QueryFn, QueryRow, Store } from './types.js';

export * from './dashboard-types.js';

export const NOT_ASSESSED = 'not assessed';
const CLASSES: readonly KexClass[] = ['plaintext', 'classical', 'unknown', 'hybrid', 'pq'];
const LEVELS: readonly RiskLevel[] = ['critical', 'high', 'medium', 'low', 'none'];

/** exposure rank of a class: lower = more exposed (min() gives the worst class) */
const CLASS_RANK = `CASE kex_negotiated WHEN 'plaintext' THEN 0 WHEN 'classical' THEN 1 WHEN 'unknown' THEN 2 WHEN 'hybrid' THEN 3 WHEN 'pq' THEN 4 ELSE 2 END`;
const RANK_CLASS: readonly KexClass[] = ['plaintext', 'classical', 'unknown', 'hybrid', 'pq'];
const LEVEL_RANK = (col: string): string =>
  `CASE ${col} WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 WHEN 'none' THEN 0 ELSE NULL END`;
const RANK_LEVEL: readonly RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];
const BYTES = '(bytes_c2s + bytes_s2c)';
const EXPOSED = `kex_negotiated IN ('plaintext', 'classical')`;

/** the findings of a scan as rows: f = one finding (JSON) */
/**
 * A scan's findings as JSON objects `f`, from the findings table (one row each, schema 2). Only a
 * scan stored before schema 2 has no rows there: its findings come from the scans.findings JSON
 * array. Unpacking that array for every query ran DuckDB out of memory on a scan with 250 k
 * findings (77 MB of JSON; found by fuzzing the API), where the table answers in milliseconds.
 */
const FINDINGS_CTE = `fnd AS (
  SELECT idx, json_object('ruleId', rule_id, 'level', level, 'message', message, 'server', server, 'client', client,
                          'recommendation', recommendation, 'flowIds', to_json(flow_ids)) AS f
    FROM findings WHERE scan_id = $scan
  UNION ALL
  SELECT generate_subscripts(arr, 1) - 1 AS idx, unnest(arr) AS f
    FROM (SELECT from_json(findings, '["JSON"]') AS arr FROM scans
           WHERE scan_id = $scan AND json_type(findings) = 'ARRAY'
             AND NOT EXISTS (SELECT 1 FROM findings WHERE scan_id = $scan)))`;

/**
 * A query parameter as the BIGINT DuckDB binds; a number that is not a safe integer is the
 * caller's mistake (Ajv's type coercion turns a query string "Infinity" or "1e400" into a number
 * that can pass `integer` and minimum / maximum; BigInt(Infinity) throws a RangeError).
 */
function whole(v: number, name: string): bigint {
  if (!Number.isSafeInteger(v)) throw new StoreError('BAD_QUERY', `${name} must be a whole number`);
  return BigInt(v);
}

function n(v: QueryRow[string] | undefined): number {
  return num(v) ?? 0;
}

function classOfRank(v: QueryRow[string] | undefined): KexClass {
  return RANK_CLASS[n(v)] ?? 'unknown';
}

function levelOfRank(v: QueryRow[string] | undefined): RiskLevel | null {
  const r = num(v);
  return r === null ? null : (RANK_LEVEL[r] ?? null);
}

function strList(v: QueryRow[string] | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

async function scanExists(q: QueryFn, scan: string): Promise<boolean> {
  return (await q('SELECT 1 AS x FROM scans WHERE scan_id = $scan', { scan })).length > 0;
}

/** the overview of one scan; null when it does not exist */
export function scanOverview(store: Store, scan: string, topN = 10): Promise<Overview | null> {
  return store.read(async (q) => {
    const head = await q(
      `SELECT scan_id, epoch_us(started_at) AS started_us, epoch_us(finished_at) AS finished_us, duration_ms,
              packets, (SELECT count(*) FROM inputs i WHERE i.scan_id = s.scan_id) AS n_inputs
         FROM scans s WHERE scan_id = $scan`,
      { scan },
    );
    const h = head[0];
    if (h === undefined) return null;
    const totals = (
      await q(
        `SELECT count(*) AS flows, coalesce(sum(${BYTES}), 0) AS bytes,
                coalesce(sum(${BYTES}) FILTER (WHERE ${EXPOSED}), 0) AS bytes_exposed,
                count(*) FILTER (WHERE ${EXPOSED}) AS flows_exposed,
                coalesce(sum(${BYTES}) FILTER (WHERE kex_negotiated = 'unknown'), 0) AS bytes_unknown,
                count(*) FILTER (WHERE kex_offered IN ('hybrid', 'pq') AND kex_negotiated = 'classical') AS ready_not_served,
                count(*) FILTER (WHERE mcp IS NOT NULL) AS mcp_flows,
                count(*) FILTER (WHERE mcp IS NOT NULL AND kex_negotiated = 'plaintext') AS mcp_plaintext,
                count(*) FILTER (WHERE risk_level IS NOT NULL) AS assessed,
                coalesce(sum(${BYTES}) FILTER (WHERE risk_level IN ('high', 'critical')), 0) AS bytes_high,
                count(DISTINCT ${SERVER_LABEL_SQL}) AS servers,
                count(DISTINCT client_ip) AS clients
           FROM flows WHERE scan_id = $scan`,
        { scan },
      )
    )[0];
    const classRows = await q(
      `SELECT kex_negotiated AS cls, count(*) AS flows, coalesce(sum(${BYTES}), 0) AS bytes
         FROM flows WHERE scan_id = $scan GROUP BY kex_negotiated`,
      { scan },
    );
    const offeredRows = await q(
      `SELECT kex_offered AS cls, count(*) AS flows FROM flows WHERE scan_id = $scan GROUP BY kex_offered`,
      { scan },
    );
    const levelRows = await q(
      `SELECT risk_level AS level, count(*) AS flows, coalesce(sum(${BYTES}), 0) AS bytes
         FROM flows WHERE scan_id = $scan AND risk_level IS NOT NULL GROUP BY risk_level`,
      { scan },
    );
    const findingRows = await q(
      `WITH ${FINDINGS_CTE}
       SELECT json_extract_string(f, '$.ruleId') AS rule_id, max(${LEVEL_RANK(`json_extract_string(f, '$.level')`)}) AS level_rank, count(*) AS findings,
              first(json_extract_string(f, '$.message') ORDER BY idx) AS message,
              first(json_extract_string(f, '$.recommendation') ORDER BY idx) FILTER (WHERE json_extract_string(f, '$.recommendation') IS NOT NULL) AS recommendation,
              list(DISTINCT json_extract_string(f, '$.server') ORDER BY json_extract_string(f, '$.server')) FILTER (WHERE json_extract_string(f, '$.server') IS NOT NULL) AS servers,
              coalesce(sum(json_array_length(json_extract(f, '$.flowIds'))), 0) AS flow_refs
         FROM fnd WHERE json_extract_string(f, '$.ruleId') IS NOT NULL
        GROUP BY rule_id ORDER BY level_rank DESC NULLS LAST, findings DESC, rule_id LIMIT $top`,
      { scan, top: whole(topN, 'top') },
    );
    const serverRows = await q(
      `SELECT ${SERVER_LABEL_SQL} AS server, count(*) AS flows, sum(${BYTES}) AS bytes,
              coalesce(sum(${BYTES}) FILTER (WHERE ${EXPOSED}), 0) AS bytes_exposed,
              min(${CLASS_RANK}) AS worst, max(risk_score) AS max_score, max(${LEVEL_RANK('risk_level')}) AS level_rank
         FROM flows WHERE scan_id = $scan GROUP BY server
        ORDER BY max_score DESC NULLS LAST, bytes_exposed DESC, bytes DESC, server LIMIT $top`,
      { scan, top: whole(topN, 'top') },
    );
    const flows = n(totals?.['flows']);
    const bytes = n(totals?.['bytes']);
    const byClass = new Map(classRows.map((r) => [str(r['cls']) ?? '', r]));
    const byOffered = new Map(offeredRows.map((r) => [str(r['cls']) ?? '', n(r['flows'])]));
    const byLevel = new Map(levelRows.map((r) => [str(r['level']) ?? '', r]));
    const assessed = n(totals?.['assessed']);
    return {
      scan: {
        id: scan,
        startedAt: iso(h['started_us']),
        finishedAt: iso(h['finished_us']),
        durationMs: num(h['duration_ms']),
        packets: n(h['packets']),
        inputs: n(h['n_inputs']),
      },
      flows,
      bytes,
      servers: n(totals?.['servers']),
      clients: n(totals?.['clients']),
      classes: CLASSES.map((cls) => {
        const r = byClass.get(cls);
        const f = n(r?.['flows']);
        const b = n(r?.['bytes']);
        return {
          class: cls,
          flows: f,
          bytes: b,
          flowShare: flows === 0 ? 0 : f / flows,
          byteShare: bytes === 0 ? 0 : b / bytes,
          offered: byOffered.get(cls) ?? 0,
        };
      }),
      bytesAtRisk: n(totals?.['bytes_exposed']),
      flowsAtRisk: n(totals?.['flows_exposed']),
      bytesUnknown: n(totals?.['bytes_unknown']),
      bytesHighRisk: n(totals?.['bytes_high']),
      offeredHybridNegotiatedClassical: n(totals?.['ready_not_served']),
      mcpFlows: n(totals?.['mcp_flows']),
      mcpPlaintextFlows: n(totals?.['mcp_plaintext']),
      risk: {
        assessed,
        notAssessed: flows - assessed,
        levels: LEVELS.map((level) => ({ level, flows: n(byLevel.get(level)?.['flows']), bytes: n(byLevel.get(level)?.['bytes']) })),
      },
      topFindings: findingRows.map((r) => ({
        ruleId: str(r['rule_id']) ?? '',
        level: levelOfRank(r['level_rank']),
        findings: n(r['findings']),
        flows: n(r['flow_refs']),
        message: str(r['message']),
        recommendation: str(r['recommendation']),
        servers: strList(r['servers']).slice(0, 10),
      })),
      topServers: serverRows.map((r) => ({
        server: str(r['server']) ?? '',
        flows: n(r['flows']),
        bytes: n(r['bytes']),
        bytesAtRisk: n(r['bytes_exposed']),
        worstClass: classOfRank(r['worst']),
        maxScore: num(r['max_score']),
        level: levelOfRank(r['level_rank']),
      })),
    };
  });
}

/** the top `maxServers` servers (most at risk first) as a CTE `top(server, ord)` over CTE `f` */
const TOP_SERVERS = `top AS (
  SELECT server, row_number() OVER (ORDER BY max(risk_score) DESC NULLS LAST,
           sum(b) FILTER (WHERE worst_rank <= 1) DESC NULLS LAST, sum(b) DESC, server) AS ord
    FROM f GROUP BY server ORDER BY ord LIMIT $max)`;
const FLOW_CTE = `f AS (
  SELECT ${SERVER_LABEL_SQL} AS server, coalesce(sensitivity_category, '${NOT_ASSESSED}') AS category,
         risk_score, risk_level, ${CLASS_RANK} AS worst_rank, ${BYTES} AS b, epoch_us(first_seen) AS t
    FROM flows WHERE scan_id = $scan)`;

/** servers × data category: flows, bytes, max risk score, worst level and class per cell */
export function categoryHeatmap(store: Store, scan: string, maxServers = 40): Promise<CategoryHeatmap | null> {
  return store.read(async (q) => {
    if (!(await scanExists(q, scan))) return null;
    const total = await q(`SELECT count(DISTINCT ${SERVER_LABEL_SQL}) AS n FROM flows WHERE scan_id = $scan`, { scan });
    const rows = await q(
      `WITH ${FLOW_CTE}, ${TOP_SERVERS}
       SELECT f.server, top.ord, category, count(*) AS flows, sum(b) AS bytes, max(risk_score) AS max_score,
              max(${LEVEL_RANK('risk_level')}) AS level_rank, min(worst_rank) AS worst
         FROM f JOIN top USING (server)
        GROUP BY f.server, top.ord, category ORDER BY top.ord, category`,
      { scan, max: whole(maxServers, 'servers') },
    );
    const servers: string[] = [];
    const categories = new Set<string>();
    for (const r of rows) {
      const s = str(r['server']) ?? '';
      if (servers[servers.length - 1] !== s) servers.push(s);
      categories.add(str(r['category']) ?? NOT_ASSESSED);
    }
    const cats = [...categories].sort((a, b) => (a === NOT_ASSESSED ? 1 : b === NOT_ASSESSED ? -1 : a.localeCompare(b)));
    return {
      servers,
      categories: cats,
      totalServers: n(total[0]?.['n']),
      cells: rows.map((r) => ({
        server: str(r['server']) ?? '',
        category: str(r['category']) ?? NOT_ASSESSED,
        flows: n(r['flows']),
        bytes: n(r['bytes']),
        maxScore: num(r['max_score']),
        level: levelOfRank(r['level_rank']),
        worstClass: classOfRank(r['worst']),
      })),
    };
  });
}

/** servers × time buckets over the scan's first/last flow start */
export function timeHeatmap(store: Store, scan: string, buckets = 24, maxServers = 40): Promise<TimeHeatmap | null> {
  return store.read(async (q) => {
    if (!(await scanExists(q, scan))) return null;
    const span = await q(
      `SELECT min(epoch_us(first_seen)) AS lo, max(epoch_us(first_seen)) AS hi, count(DISTINCT ${SERVER_LABEL_SQL}) AS n
         FROM flows WHERE scan_id = $scan`,
      { scan },
    );
    const lo = span[0]?.['lo'];
    const hi = span[0]?.['hi'];
    if (typeof lo !== 'bigint' || typeof hi !== 'bigint') {
      return { start: null, end: null, bucketMicros: 0, buckets: [], servers: [], totalServers: 0, cells: [] };
    }
    const nb = BigInt(Math.max(1, Number(whole(buckets, 'buckets'))));
    let width = (hi - lo + 1n + nb - 1n) / nb;
    if (width < 1n) width = 1n;
    const count = Number((hi - lo) / width) + 1;
    const rows = await q(
      `WITH ${FLOW_CTE}, ${TOP_SERVERS}
       SELECT f.server, top.ord, ((t - $lo) // $width)::BIGINT AS bucket, count(*) AS flows, sum(b) AS bytes,
              max(risk_score) AS max_score, max(${LEVEL_RANK('risk_level')}) AS level_rank, min(worst_rank) AS worst
         FROM f JOIN top USING (server) WHERE t IS NOT NULL
        GROUP BY f.server, top.ord, bucket ORDER BY top.ord, bucket`,
      { scan, max: whole(maxServers, 'servers'), lo, width },
    );
    const servers: string[] = [];
    for (const r of rows) {
      const s = str(r['server']) ?? '';
      if (servers[servers.length - 1] !== s) servers.push(s);
    }
    const bucketList = Array.from({ length: count }, (_, i) => ({
      index: i,
      start: iso(lo + BigInt(i) * width) ?? '',
      end: iso(lo + BigInt(i + 1) * width) ?? '',
    }));
    return {
      start: iso(lo),
      end: iso(hi),
      bucketMicros: Number(width),
      buckets: bucketList,
      servers,
      totalServers: n(span[0]?.['n']),
      cells: rows.map((r) => ({
        server: str(r['server']) ?? '',
        bucket: n(r['bucket']),
        flows: n(r['flows']),
        bytes: n(r['bytes']),
        maxScore: num(r['max_score']),
        level: levelOfRank(r['level_rank']),
        worstClass: classOfRank(r['worst']),
      })),
    };
  });
}

/** MCP servers, clients and tools from the flows' mcp JSON; shadow / registered when known */
export function mcpInventory(store: Store, scan: string, limit = 500): Promise<McpInventoryView | null> {
  return store.read(async (q) => {
    if (!(await scanExists(q, scan))) return null;
    const mcpFlows = `m AS (
      SELECT ${SERVER_LABEL_SQL} AS server, client_ip, mcp, ${CLASS_RANK} AS worst_rank, ${BYTES} AS b,
             TRY_CAST(json_extract_string(mcp, '$.registered') AS BOOLEAN) AS registered
        FROM flows WHERE scan_id = $scan AND mcp IS NOT NULL)`;
    const status = `st AS (
      SELECT json_extract_string(f, '$.server') AS server,
             bool_or(json_extract_string(f, '$.ruleId') = 'HNDL007') AS shadow, bool_or(json_extract_string(f, '$.ruleId') = 'HNDL008') AS registered
        FROM fnd WHERE json_extract_string(f, '$.server') IS NOT NULL GROUP BY 1)`;
    const servers = await q(
      `WITH ${FINDINGS_CTE}, ${mcpFlows}, ${status}
       SELECT m.server, count(*) AS flows, sum(b) AS bytes, count(DISTINCT client_ip) AS clients,
              min(worst_rank) AS worst,
              list(DISTINCT json_extract_string(mcp, '$.server.name')) FILTER (WHERE json_extract_string(mcp, '$.server.name') IS NOT NULL) AS names,
              list(DISTINCT json_extract_string(mcp, '$.server.version')) FILTER (WHERE json_extract_string(mcp, '$.server.version') IS NOT NULL) AS versions,
              list(DISTINCT json_extract_string(mcp, '$.transport')) FILTER (WHERE json_extract_string(mcp, '$.transport') IS NOT NULL) AS transports,
              list(DISTINCT json_extract_string(mcp, '$.protocolVersion')) FILTER (WHERE json_extract_string(mcp, '$.protocolVersion') IS NOT NULL) AS protocols,
              bool_or(m.registered) AS reg_flag, bool_or(NOT m.registered) AS shadow_flag,
              bool_or(st.registered) AS reg_finding, bool_or(st.shadow) AS shadow_finding
         FROM m LEFT JOIN st USING (server)
        GROUP BY m.server ORDER BY worst, flows DESC, m.server LIMIT $limit`,
      { scan, limit: whole(limit, 'limit') },
    );
    const clients = await q(
      `WITH ${mcpFlows}
       SELECT client_ip, count(*) AS flows, count(DISTINCT server) AS servers,
              list(DISTINCT json_extract_string(mcp, '$.client.name')) FILTER (WHERE json_extract_string(mcp, '$.client.name') IS NOT NULL) AS names,
              list(DISTINCT json_extract_string(mcp, '$.client.version')) FILTER (WHERE json_extract_string(mcp, '$.client.version') IS NOT NULL) AS versions,
              min(worst_rank) AS worst
         FROM m GROUP BY client_ip ORDER BY flows DESC, client_ip LIMIT $limit`,
      { scan, limit: whole(limit, 'limit') },
    );
    const tools = await q(
      `WITH ${mcpFlows},
       calls AS (
         SELECT server, client_ip, worst_rank, json_extract_string(u.msg, '$.tool') AS tool
           FROM m, unnest(from_json(coalesce(json_extract(mcp, '$.messages'), '[]'), '["JSON"]')) AS u(msg)
          WHERE json_extract_string(u.msg, '$.method') = 'tools/call' AND json_extract_string(u.msg, '$.kind') = 'request' AND json_extract_string(u.msg, '$.tool') IS NOT NULL),
       named AS (
         SELECT server, client_ip, worst_rank, u.tool
           FROM m, unnest(from_json(coalesce(json_extract(mcp, '$.toolsCalled'), json_extract(mcp, '$.tools'), '[]'), '["VARCHAR"]')) AS u(tool)),
       counted AS (SELECT server, tool, count(*) AS calls FROM calls GROUP BY ALL),
       seen AS (
         SELECT server, tool, count(*) AS flows, count(DISTINCT client_ip) AS clients, min(worst_rank) AS worst
           FROM named WHERE tool IS NOT NULL GROUP BY ALL)
       SELECT seen.server, seen.tool, seen.flows, seen.clients, seen.worst, coalesce(counted.calls, 0) AS calls
         FROM seen LEFT JOIN counted USING (server, tool)
        ORDER BY calls DESC, seen.flows DESC, seen.server, seen.tool LIMIT $limit`,
      { scan, limit: whole(limit, 'limit') },
    );
    return {
      servers: servers.map((r) => {
        const reg = r['reg_flag'] === true || r['reg_finding'] === true;
        const shadow = r['shadow_flag'] === true || r['shadow_finding'] === true;
        return {
          server: str(r['server']) ?? '',
          names: strList(r['names']),
          versions: strList(r['versions']),
          transports: strList(r['transports']),
          protocolVersions: strList(r['protocols']),
          flows: n(r['flows']),
          bytes: n(r['bytes']),
          clients: n(r['clients']),
          worstClass: classOfRank(r['worst']),
          status: shadow ? ('shadow' as const) : reg ? ('registered' as const) : ('unknown' as const),
        };
      }),
      clients: clients.map((r) => ({
        client: str(r['client_ip']) ?? '',
        names: strList(r['names']),
        versions: strList(r['versions']),
        flows: n(r['flows']),
        servers: n(r['servers']),
        worstClass: classOfRank(r['worst']),
      })),
      tools: tools.map((r) => ({
        server: str(r['server']) ?? '',
        tool: str(r['tool']) ?? '',
        calls: n(r['calls']),
        flows: n(r['flows']),
        clients: n(r['clients']),
        worstClass: classOfRank(r['worst']),
      })),
    };
  });
}

function findingFromRow(r: QueryRow): FindingRow {
  const ids = r['flow_ids'];
  return {
    ruleId: str(r['rule_id']) ?? '',
    level: (str(r['level']) as RiskLevel | null) ?? null,
    message: str(r['message']) ?? '',
    server: str(r['server']),
    client: str(r['client']),
    flowIds: Array.isArray(ids) ? ids.map((x) => num(x)).filter((x): x is number => x !== null) : [],
    recommendation: str(r['recommendation']),
  };
}

const FINDING_COLS = `json_extract_string(f, '$.ruleId') AS rule_id, json_extract_string(f, '$.level') AS level, json_extract_string(f, '$.message') AS message,
  json_extract_string(f, '$.server') AS server, json_extract_string(f, '$.client') AS client, json_extract_string(f, '$.recommendation') AS recommendation,
  from_json(coalesce(json_extract(f, '$.flowIds'), '[]'), '["BIGINT"]') AS flow_ids`;

/** a scan's findings, most severe first; null when the scan does not exist */
export function listFindings(
  store: Store,
  scan: string,
  opts: { level?: RiskLevel; ruleId?: string; limit?: number } = {},
): Promise<{ total: number; findings: FindingRow[] } | null> {
  return store.read(async (q) => {
    if (!(await scanExists(q, scan))) return null;
    const params = { scan, level: opts.level ?? null, rule: opts.ruleId ?? null };
    const where = `json_extract_string(f, '$.ruleId') IS NOT NULL AND ($level IS NULL OR json_extract_string(f, '$.level') = $level) AND ($rule IS NULL OR json_extract_string(f, '$.ruleId') = $rule)`;
    const total = await q(`WITH ${FINDINGS_CTE} SELECT count(*) AS n FROM fnd WHERE ${where}`, params);
    const rows = await q(
      `WITH ${FINDINGS_CTE} SELECT ${FINDING_COLS} FROM fnd WHERE ${where}
        ORDER BY ${LEVEL_RANK(`json_extract_string(f, '$.level')`)} DESC NULLS LAST, rule_id, server NULLS LAST, idx LIMIT $limit`,
      { ...params, limit: whole(opts.limit ?? 1000, 'limit') },
    );
    return { total: n(total[0]?.['n']), findings: rows.map(findingFromRow) };
  });
}

/** one flow with every stored field and the findings that cite it */
export function flowDetail(store: Store, scan: string, flowId: number): Promise<FlowDetail | null> {
  return store.read(async (q) => {
    const rows = await q(
      `SELECT ${FLOW_SELECT}, ${SERVER_LABEL_SQL} AS server_label FROM flows WHERE scan_id = $scan AND flow_id = $flow`,
      { scan, flow: whole(flowId, 'flow id') },
    );
    const r = rows[0];
    if (r === undefined) return null;
    const findings = await q(
      `WITH ${FINDINGS_CTE} SELECT ${FINDING_COLS} FROM fnd
        WHERE list_contains(from_json(coalesce(json_extract(f, '$.flowIds'), '[]'), '["BIGINT"]'), $flow)
        ORDER BY ${LEVEL_RANK(`json_extract_string(f, '$.level')`)} DESC NULLS LAST, rule_id, idx`,
      { scan, flow: whole(flowId, 'flow id') },
    );
    return { flow: flowFromRow(r), serverLabel: str(r['server_label']) ?? '', findings: findings.map(findingFromRow) };
  });
}

/** two scans side by side: per class counts and per server PQ adoption; null when one is missing */
export function compareScans(store: Store, a: string, b: string, limit = 500): Promise<CompareResult | null> {
  return store.read(async (q) => {
    if (!(await scanExists(q, a)) || !(await scanExists(q, b))) return null;
    const classes = await q(
      `SELECT kex_negotiated AS cls, count(*) FILTER (WHERE scan_id = $a) AS fa, count(*) FILTER (WHERE scan_id = $b) AS fb,
              coalesce(sum(${BYTES}) FILTER (WHERE scan_id = $a), 0) AS ba, coalesce(sum(${BYTES}) FILTER (WHERE scan_id = $b), 0) AS bb
         FROM flows WHERE scan_id IN ($a, $b) GROUP BY kex_negotiated`,
      { a, b },
    );
    const per = (id: string): string => `SELECT ${SERVER_LABEL_SQL} AS server, count(*) AS flows,
        count(*) FILTER (WHERE kex_negotiated IN ('hybrid', 'pq')) AS pq, min(${CLASS_RANK}) AS worst
        FROM flows WHERE scan_id = ${id} GROUP BY 1`;
    const servers = await q(
      `WITH sa AS (${per('$a')}), sb AS (${per('$b')}),
       j AS (
         SELECT server, sa.flows AS fa, sb.flows AS fb, sa.pq AS pa, sb.pq AS pb, sa.worst AS wa, sb.worst AS wb,
                CASE WHEN sa.flows IS NULL THEN 'new' WHEN sb.flows IS NULL THEN 'gone'
                     WHEN sb.pq / sb.flows > sa.pq / sa.flows OR sb.worst > sa.worst THEN 'improved'
                     WHEN sb.pq / sb.flows < sa.pq / sa.flows OR sb.worst < sa.worst THEN 'regressed'
                     ELSE 'same' END AS change
           FROM sa FULL OUTER JOIN sb USING (server))
       SELECT *, count(*) OVER (PARTITION BY change) AS per_change FROM j
        ORDER BY CASE change WHEN 'regressed' THEN 0 WHEN 'improved' THEN 1 WHEN 'new' THEN 2 WHEN 'gone' THEN 3 ELSE 4 END,
                 coalesce(fb, 0) + coalesce(fa, 0) DESC, server LIMIT $limit`,
      { a, b, limit: whole(limit, 'limit') },
    );
    const counts = await q(
      `WITH sa AS (${per('$a')}), sb AS (${per('$b')})
       SELECT count(*) AS n,
              count(*) FILTER (WHERE sa.flows IS NULL) AS new, count(*) FILTER (WHERE sb.flows IS NULL) AS gone,
              count(*) FILTER (WHERE sa.flows IS NOT NULL AND sb.flows IS NOT NULL
                AND (sb.pq / sb.flows > sa.pq / sa.flows OR sb.worst > sa.worst)) AS improved,
              count(*) FILTER (WHERE sa.flows IS NOT NULL AND sb.flows IS NOT NULL
                AND NOT (sb.pq / sb.flows > sa.pq / sa.flows OR sb.worst > sa.worst)
                AND (sb.pq / sb.flows < sa.pq / sa.flows OR sb.worst < sa.worst)) AS regressed
         FROM sa FULL OUTER JOIN sb USING (server)`,
      { a, b },
    );
    const byClass = new Map(classes.map((r) => [str(r['cls']) ?? '', r]));
    const sum = (k: 'fa' | 'fb'): number => classes.reduce((s, r) => s + n(r[k]), 0);
    const totalA = sum('fa');
    const totalB = sum('fb');
    const pqOf = (k: 'fa' | 'fb'): number => n(byClass.get('hybrid')?.[k]) + n(byClass.get('pq')?.[k]);
    const shareA = totalA === 0 ? 0 : pqOf('fa') / totalA;
    const shareB = totalB === 0 ? 0 : pqOf('fb') / totalB;
    const c = counts[0];
    return {
      a,
      b,
      flows: { a: totalA, b: totalB },
      pqShare: { a: shareA, b: shareB, delta: shareB - shareA },
      pqAdoptionUp: shareB > shareA,
      classes: CLASSES.map((cls) => {
        const r = byClass.get(cls);
        return { class: cls, a: n(r?.['fa']), b: n(r?.['fb']), bytesA: n(r?.['ba']), bytesB: n(r?.['bb']) };
      }),
      serverChanges: {
        servers: n(c?.['n']),
        improved: n(c?.['improved']),
        regressed: n(c?.['regressed']),
        new: n(c?.['new']),
        gone: n(c?.['gone']),
      },
      servers: servers.map((r) => ({
        server: str(r['server']) ?? '',
        change: (str(r['change']) ?? 'same') as CompareResult['servers'][number]['change'],
        a: num(r['fa']) === null ? null : { flows: n(r['fa']), pqFlows: n(r['pa']), worstClass: classOfRank(r['wa']) },
        b: num(r['fb']) === null ? null : { flows: n(r['fb']), pqFlows: n(r['pb']), worstClass: classOfRank(r['wb']) },
      })),
    };
  });
}
