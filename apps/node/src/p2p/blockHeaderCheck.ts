import {
  type ChainParams,
  checkProofOfWork,
  decodeHeader,
  hashToHex,
  headerHash,
  hexToBytes,
} from '@powcoin/core';

export type HeaderVerdict = 'ok' | 'bad-pow' | 'unconnected';

/**
 * The cheap checks of a block a peer sent, on its first 80 bytes only: the header's own proof of
 * work against its bits and the network's limit (sha256d of 80 bytes), and whether its parent is
 * known. A body is decoded only after both pass, so a stream of megabyte blocks without work, or
 * off an unknown parent, costs microseconds each. Anything that does not even hold a header is
 * left to the full decode, which refuses it.
 */
export function checkBlockHeader(
  hex: string,
  params: ChainParams,
  isKnown: (hash: string) => boolean,
): HeaderVerdict {
  if (hex.length < 160) return 'ok';
  let header: ReturnType<typeof decodeHeader>;
  try {
    header = decodeHeader(hexToBytes(hex.slice(0, 160)));
  } catch {
    return 'ok';
  }
  if (!checkProofOfWork(headerHash(header), header.bits, params.powLimit)) return 'bad-pow';
  return isKnown(hashToHex(header.prevHash)) ? 'ok' : 'unconnected';
}
