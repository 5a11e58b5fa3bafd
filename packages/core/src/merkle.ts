import { concatBytes } from './bytes.js';
import { type Hash32, sha256d, ZERO_HASH } from './hash.js';

/**
 * Bitcoin's merkle root: sha256d of each pair, the last hash of an odd level paired with itself.
 * Leaves and result are in internal byte order. An empty list gives the zero hash.
 */
export function merkleRoot(leaves: readonly Hash32[]): Hash32 {
  if (leaves.length === 0) return ZERO_HASH;
  let level: Hash32[] = [...leaves];
  while (level.length > 1) level = nextLevel(level);
  return level[0] as Hash32;
}

function nextLevel(level: readonly Hash32[]): Hash32[] {
  const next: Hash32[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i] as Hash32;
    const right = level[i + 1] ?? left;
    next.push(sha256d(concatBytes(left, right)));
  }
  return next;
}

/**
 * The sibling hashes on the path from leaf `index` to the root, bottom first.
 * For the coinbase (index 0) these are exactly Stratum's `merkle_branch`: every sibling is on the right.
 */
export function merkleBranch(leaves: readonly Hash32[], index: number): Hash32[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} outside 0..${leaves.length - 1}`);
  }
  const branch: Hash32[] = [];
  let level: Hash32[] = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? (level[i + 1] ?? level[i]) : level[i - 1];
    branch.push(sibling as Hash32);
    level = nextLevel(level);
    i = Math.floor(i / 2);
  }
  return branch;
}

/** Folds a branch from a leaf at `index` back up to the root. */
export function merkleRootFromBranch(leaf: Hash32, branch: readonly Hash32[], index: number): Hash32 {
  let node = leaf;
  let i = index;
  for (const sibling of branch) {
    node = i % 2 === 0 ? sha256d(concatBytes(node, sibling)) : sha256d(concatBytes(sibling, node));
    i = Math.floor(i / 2);
  }
  return node;
}

/**
 * Stratum's merkle branch for a block template: the branch of the coinbase (leaf 0) given the
 * txids of the other transactions in block order. The coinbase's own txid does not enter it.
 */
export function coinbaseMerkleBranch(otherTxids: readonly Hash32[]): Hash32[] {
  return merkleBranch([ZERO_HASH, ...otherTxids], 0);
}
