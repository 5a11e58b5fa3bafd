/**
 * A peer given as a node's base URL (`http://host:5000`, the classic form) or its WebSocket
 * endpoint (`ws://host:5000/p2p`), normalised to the latter. Anything else is refused.
 */
export function normalizePeerUrl(raw: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 256)
    throw new RangeError('a peer URL is required');
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new RangeError(`"${raw.slice(0, 80)}" is not a URL`);
  }
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol];
  if (!scheme || !url.hostname || url.username || url.password || url.search || url.hash) {
    throw new RangeError(`"${raw.slice(0, 80)}" is not a node URL (http://host:port or ws://host:port/p2p)`);
  }
  const path = url.pathname === '/' || url.pathname === '' ? '/p2p' : url.pathname;
  if (path !== '/p2p') throw new RangeError(`peer URL path must be /p2p, got ${path}`);
  return `${scheme}//${url.host}${path}`;
}
