/**
 * The passphrase for scripted subcommands: `WALLET_PASSPHRASE`, or a prompt on the terminal with
 * the typed characters hidden. Never logged, never sent anywhere.
 */
export async function readPassphrase(prompt: string): Promise<string> {
  const fromEnv = process.env.WALLET_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new Error('no terminal to ask for the passphrase: set WALLET_PASSPHRASE');
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') {
          done();
          resolve(value);
          return;
        }
        if (c === '\u0003') {
          done();
          reject(new Error('cancelled'));
          return;
        }
        if (c === '\u007f' || c === '\b') value = value.slice(0, -1);
        else if (c >= ' ') value += c;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/** Reads all of standard input (for `create --import` from a pipe). */
export async function readStdin(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data;
}
