/** Why a peer URL was refused: `BAD_PEER` (not a node URL, ourselves, banned), `PEER_LIMIT` (no room). */
export type PeerErrorCode = 'BAD_PEER' | 'PEER_LIMIT' | 'UNKNOWN_PEER';

export class PeerError extends Error {
  constructor(
    readonly code: PeerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PeerError';
  }
}
