/**
 * Hash-based routing for the dashboard: `#/path/segments?query`. The current route is a rune
 * ($state) that components read; links are plain `href="#/…"` anchors (keyboard and
 * middle-click work) and navigate() is for code.
 *   #/                               scans          #/upload   upload     #/compare?a=&b=
 *   #/scans/:id                      overview       #/scans/:id/heatmaps
 *   #/scans/:id/flows?filters        flows          #/scans/:id/flows/:flowId   flow detail
 *   #/scans/:id/mcp                  MCP inventory  #/scans/:id/findings
 */
export interface Route {
  segments: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '') };
}

export const route = $state<{ current: Route }>({ current: parse(location.hash) });

window.addEventListener('hashchange', () => {
  route.current = parse(location.hash);
});

/** build a hash link from path segments (each encoded) and query values (empty ones dropped) */
export function href(segments: (string | number)[], query: Record<string, string | undefined> = {}): string {
  const path = segments.map((s) => encodeURIComponent(String(s))).join('/');
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  const qs = params.toString();
  return `#/${path}${qs !== '' ? `?${qs}` : ''}`;
}

export function navigate(link: string): void {
  if (location.hash === link) route.current = parse(link);
  else location.hash = link;
}
