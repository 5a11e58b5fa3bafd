import { WalletError } from './walletError.js';

// What was typed after Enter in the same chunk (a paste of several lines): the next prompt's.
let typedAhead = '';

/**
 * Reads one line from the terminal with the typed characters hidden (raw mode, nothing echoed).
 * Ctrl-C cancels; standard input ending first is an error, never a wait for ever.
 */
export async function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new Error('no terminal to ask on: set WALLET_PASSPHRASE');
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string) => {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i] as string;
        if (c === '\r' || c === '\n') {
          typedAhead = chunk.slice(i + 1).replace(/^\n/, '');
          done();
          resolve(value);
          return;
        }
        if (c === '\u0003' || c === '\u0004') {
          done();
          reject(new Error('cancelled'));
          return;
        }
        if (c === '\u007f' || c === '\b') value = value.slice(0, -1);
        else if (c >= ' ') value += c;
      }
    };
    const onEnd = () => {
      done();
      reject(new Error('standard input ended before a line was typed'));
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
    if (typedAhead) {
      const ahead = typedAhead;
      typedAhead = '';
      onData(ahead);
    }
  });
}

/**
 * The passphrase for scripted subcommands: `WALLET_PASSPHRASE`, or a prompt on the terminal with
 * the typed characters hidden. Never logged, never sent anywhere.
 */
export async function readPassphrase(prompt: string): Promise<string> {
  const fromEnv = process.env.WALLET_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  return readHidden(prompt);
}

/**
 * The passphrase of a new wallet file: `WALLET_PASSPHRASE`, or typed twice on the terminal
 * (`PASSPHRASE_MISMATCH` when the two differ: a typo would lock the keys away for good).
 */
export async function readNewPassphrase(): Promise<string> {
  const fromEnv = process.env.WALLET_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  const first = await readHidden('New passphrase (8+ characters): ');
  const second = await readHidden('Repeat passphrase: ');
  if (first !== second)
    throw new WalletError('PASSPHRASE_MISMATCH', 'the two passphrases differ; nothing was written');
  return first;
}

/**
 * The private key for `create --import`: on a terminal, one line at a hidden prompt (standard
 * input stays open for the passphrase prompts after it); from a pipe or a file, all of it.
 */
export async function readImportedKey(): Promise<string> {
  if (process.stdin.isTTY) return readHidden('Private key (64 hex digits): ');
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data;
}
