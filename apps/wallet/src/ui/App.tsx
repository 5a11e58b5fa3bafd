import { randomBytes } from 'node:crypto';
import { formatCoins, hexToBytes, isPrivateKey, type NetworkName } from '@powcoin/core';
import { KeystoreError } from '@powcoin/keystore';
import type { AddressInfo } from '@powcoin/node-client';
import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeHistoryEntry } from '../historyEntry.js';
import {
  type Account,
  addAccount,
  createWallet,
  openWallet,
  validateLabel,
  type Wallet,
  walletExists,
} from '../keystore/walletFile.js';
import type { NodeApi } from '../nodeApi.js';
import { FilePendingRecord, pendingPathFor } from '../pendingSends.js';
import { WalletError } from '../walletError.js';
import {
  checkRecipient,
  DEFAULT_FEE,
  DEFAULT_MAX_FEE,
  type PreparedSend,
  WalletService,
} from '../walletService.js';
import { TextInput } from './TextInput.js';

export interface AppProps {
  readonly keystorePath: string;
  readonly node: NodeApi;
  /**
   * Network of a wallet created here (an existing wallet knows its own); undefined when neither
   * --network nor the node said: the first run then asks.
   */
  readonly network: NetworkName | undefined;
  readonly newKey?: () => Uint8Array;
}

type Tab = 'overview' | 'send' | 'receive' | 'history' | 'accounts';
const PAGE = 8;

function freshKey(): Uint8Array {
  for (;;) {
    const k = new Uint8Array(randomBytes(32));
    if (isPrivateKey(k)) return k;
  }
}

function keystoreMessage(err: unknown): string {
  if (err instanceof KeystoreError) {
    if (err.code === 'WRONG_PASSPHRASE')
      return 'Wrong passphrase (or the wallet file was altered). Try again.';
    return err.message;
  }
  return (err as Error).message;
}

/** The terminal wallet: first run (create or import), unlock, then the tabs. */
export function App({ keystorePath, node, network, newKey = freshKey }: AppProps) {
  const [wallet, setWallet] = useState<Wallet | undefined>();
  const [passphrase, setPassphrase] = useState('');
  return wallet ? (
    <Main
      wallet={wallet}
      setWallet={setWallet}
      passphrase={passphrase}
      keystorePath={keystorePath}
      node={node}
      newKey={newKey}
    />
  ) : walletExists(keystorePath) ? (
    <Unlock keystorePath={keystorePath} onOpen={(w, p) => (setPassphrase(p), setWallet(w))} />
  ) : (
    <FirstRun
      keystorePath={keystorePath}
      network={network}
      nodeUrl={node.baseUrl}
      newKey={newKey}
      onOpen={(w, p) => (setPassphrase(p), setWallet(w))}
    />
  );
}

function Unlock({
  keystorePath,
  onOpen,
}: {
  keystorePath: string;
  onOpen: (w: Wallet, passphrase: string) => void;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const { exit } = useApp();
  useInput((_i, key) => key.escape && exit());
  const submit = async (p: string) => {
    setBusy(true);
    try {
      onOpen(await openWallet(keystorePath, p), p);
    } catch (err) {
      setError(keystoreMessage(err));
      setValue('');
      setBusy(false);
    }
  };
  return (
    <Box flexDirection="column" padding={1}>
      <Text bold>powcoin wallet</Text>
      <Text dimColor>{keystorePath}</Text>
      <Box marginTop={1}>
        <Text>Passphrase: </Text>
        <TextInput value={value} onChange={setValue} onSubmit={(p) => void submit(p)} mask focus={!busy} />
      </Box>
      {busy ? <Text dimColor>unlocking…</Text> : null}
      {error ? <Text color="red">{error}</Text> : null}
      <HelpBar keys="Enter unlock · Esc quit" />
    </Box>
  );
}

function FirstRun(props: {
  keystorePath: string;
  network: NetworkName | undefined;
  nodeUrl: string;
  newKey: () => Uint8Array;
  onOpen: (w: Wallet, p: string) => void;
}) {
  const { exit } = useApp();
  const [network, setNetwork] = useState<NetworkName | undefined>(props.network);
  const [step, setStep] = useState<'network' | 'choose' | 'key' | 'label' | 'pass1' | 'pass2'>(
    props.network ? 'choose' : 'network',
  );
  useInput(
    (input, k) => {
      const chosen = input === 'r' ? 'regtest' : input === 'd' ? 'devnet' : undefined;
      if (chosen) {
        setNetwork(chosen);
        setStep('choose');
      } else if (k.escape || input === 'q') exit();
    },
    { isActive: step === 'network' },
  );
  const [importing, setImporting] = useState(false);
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('main');
  const [pass1, setPass1] = useState('');
  const [pass2, setPass2] = useState('');
  const [error, setError] = useState('');
  useInput(
    (input, k) => {
      if (input === 'c') setStep('label');
      else if (input === 'i') setImporting(true), setStep('key');
      else if (k.escape || input === 'q') exit();
    },
    { isActive: step === 'choose' },
  );
  const finish = async () => {
    if (pass1 !== pass2) {
      setError('The passphrases differ. Type it again.');
      setPass1('');
      setPass2('');
      setStep('pass1');
      return;
    }
    try {
      const privateKey = importing ? hexToBytes(key.trim(), 32) : props.newKey();
      const w = await createWallet(
        props.keystorePath,
        pass1,
        network as NetworkName,
        label.trim() || 'main',
        privateKey,
      );
      props.onOpen(w, pass1);
    } catch (err) {
      setError(keystoreMessage(err));
      setStep(importing ? 'key' : 'label');
    }
  };
  return (
    <Box flexDirection="column" padding={1}>
      <Text bold>powcoin wallet: first run ({network ?? 'network unknown'})</Text>
      <Text dimColor>No wallet at {props.keystorePath}</Text>
      {step === 'network' ? (
        <>
          <Text color="yellow">
            The node at {props.nodeUrl} cannot be reached to learn its network, and no --network was given.
          </Text>
          <Text>
            Press <Text bold>r</Text> for regtest or <Text bold>d</Text> for devnet (the network of the node
            you will use), or q to quit.
          </Text>
        </>
      ) : null}
      {step === 'choose' ? (
        <Text>
          Press <Text bold>c</Text> to create a new key, or <Text bold>i</Text> to import one.
        </Text>
      ) : null}
      {step === 'key' ? (
        <Box>
          <Text>Private key (64 hex digits): </Text>
          <TextInput
            value={key}
            onChange={setKey}
            mask
            onSubmit={(v) => {
              try {
                if (!isPrivateKey(hexToBytes(v.trim(), 32))) throw new Error('not a valid secp256k1 key');
                setError('');
                setStep('label');
              } catch {
                setError('That is not a private key: 64 hex digits, a number from 1 to n-1.');
              }
            }}
          />
        </Box>
      ) : null}
      {step === 'label' ? (
        <Box>
          <Text>Account label: </Text>
          <TextInput
            value={label}
            onChange={setLabel}
            onSubmit={(v) => {
              try {
                validateLabel(v.trim() || 'main');
                setError('');
                setStep('pass1');
              } catch (err) {
                setError((err as Error).message);
              }
            }}
            maxLength={32}
          />
        </Box>
      ) : null}
      {step === 'pass1' ? (
        <Box>
          <Text>New passphrase (8+ characters): </Text>
          <TextInput
            value={pass1}
            onChange={setPass1}
            mask
            onSubmit={(v) =>
              v.length < 8 ? setError('At least 8 characters.') : (setError(''), setStep('pass2'))
            }
          />
        </Box>
      ) : null}
      {step === 'pass2' ? (
        <Box>
          <Text>Repeat passphrase: </Text>
          <TextInput value={pass2} onChange={setPass2} mask onSubmit={() => void finish()} />
        </Box>
      ) : null}
      {error ? <Text color="red">{error}</Text> : null}
      <HelpBar
        keys={
          step === 'network'
            ? 'r regtest · d devnet · q quit'
            : step === 'choose'
              ? 'c create · i import · q quit'
              : 'Enter next'
        }
      />
    </Box>
  );
}

interface NodeState {
  readonly up: boolean;
  readonly height: number | undefined;
  readonly message: string | undefined;
}

function Main(props: {
  wallet: Wallet;
  setWallet: (w: Wallet) => void;
  passphrase: string;
  keystorePath: string;
  node: NodeApi;
  newKey: () => Uint8Array;
}) {
  const { wallet, node } = props;
  // the record of pending sends beside the keystore, shared with the CLI and other windows
  const record = () => new FilePendingRecord(pendingPathFor(props.keystorePath));
  const service = useRef(new WalletService(node, wallet, record()));
  service.current =
    service.current.wallet === wallet ? service.current : new WalletService(node, wallet, record());
  const [tab, setTab] = useState<Tab>('overview');
  const [accountIndex, setAccountIndex] = useState(0);
  const [info, setInfo] = useState<AddressInfo | undefined>();
  const [offset, setOffset] = useState(0);
  const [nodeState, setNodeState] = useState<NodeState>({
    up: false,
    height: undefined,
    message: 'connecting…',
  });
  const [editing, setEditing] = useState(false);
  const [tick, setTick] = useState(0);
  const account = wallet.accounts[accountIndex] as Account;
  const { exit } = useApp();

  // answers can arrive out of order (a page flipped while the last one loads): only the newest counts
  const lastRequest = useRef(0);
  const refresh = useCallback(async () => {
    const request = ++lastRequest.current;
    try {
      const { height } = await service.current.checkNetwork();
      const next = await service.current.info(account, PAGE, offset);
      if (request !== lastRequest.current) return;
      setInfo(next);
      setNodeState({ up: true, height, message: undefined });
    } catch (err) {
      if (request !== lastRequest.current) return;
      const message = err instanceof WalletError ? err.message : (err as Error).message;
      setNodeState((s) => ({ up: false, height: s.height, message }));
    }
    setTick((t) => t + 1);
  }, [account, offset]);
  // the subscription and the timer live as long as the node client; they call the latest refresh
  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const onChange = () => void latestRefresh.current();
    node.on('tip', onChange);
    node.on('tx', onChange);
    node.subscribe();
    // the node going down is a banner and a retry: poll while the WebSocket cannot tell us
    const timer = setInterval(onChange, 2000);
    return () => {
      clearInterval(timer);
      node.off('tip', onChange);
      node.off('tx', onChange);
      node.unsubscribe();
    };
  }, [node]);

  useInput(
    (input, key) => {
      const tabs: Record<string, Tab> = {
        o: 'overview',
        s: 'send',
        r: 'receive',
        h: 'history',
        a: 'accounts',
      };
      if (tabs[input]) setTab(tabs[input]);
      else if (key.escape) setTab('overview');
      else if (input === 'q') {
        node.close();
        exit();
      }
    },
    { isActive: !editing },
  );

  return (
    <Box flexDirection="column" width={80}>
      <Box justifyContent="space-between">
        <Text bold>powcoin wallet · {wallet.network}</Text>
        <Text>
          {account.label} ·{' '}
          {nodeState.up ? (
            <Text color="green">node height {nodeState.height}</Text>
          ) : (
            <Text color="red">node down</Text>
          )}
        </Text>
      </Box>
      {!nodeState.up ? (
        <Box borderStyle="round" borderColor="red" paddingX={1}>
          <Text color="red">{nodeState.message} · retrying every 2 s</Text>
        </Box>
      ) : null}
      <Box flexDirection="column" minHeight={17} paddingX={1}>
        {tab === 'overview' ? <Overview account={account} info={info} /> : null}
        {tab === 'send' ? (
          <Send
            service={service.current}
            account={account}
            setEditing={setEditing}
            tick={tick}
            leave={() => setTab('overview')}
          />
        ) : null}
        {tab === 'receive' ? <Receive account={account} /> : null}
        {tab === 'history' ? (
          <History account={account} info={info} offset={offset} setOffset={setOffset} />
        ) : null}
        {tab === 'accounts' ? (
          <Accounts
            wallet={wallet}
            index={accountIndex}
            setIndex={(i) => (setAccountIndex(i), setOffset(0), setInfo(undefined))}
            setEditing={setEditing}
            add={async (label) => {
              const w = await addAccount(props.keystorePath, props.passphrase, label, props.newKey());
              props.setWallet(w);
            }}
          />
        ) : null}
      </Box>
      <HelpBar keys="o overview · s send · r receive · h history · a accounts · Esc back · q quit" />
    </Box>
  );
}

function Overview({ account, info }: { account: Account; info: AddressInfo | undefined }) {
  return (
    <Box flexDirection="column">
      <Text>
        Account <Text bold>{account.label}</Text> <Text dimColor>{account.address}</Text>
      </Text>
      <Box flexDirection="column" marginTop={1}>
        <Text>
          Confirmed <Text bold>{info ? formatCoins(info.balance) : '…'}</Text>
        </Text>
        <Text>Pending {info ? (info.pending > 0n ? `-${formatCoins(info.pending)}` : '0') : '…'}</Text>
        <Text>Immature {info ? formatCoins(info.immature) : '…'}</Text>
        <Text>Next nonce {info ? info.nextNonce : '…'}</Text>
      </Box>
    </Box>
  );
}

function Receive({ account }: { account: Account }) {
  const [copied, setCopied] = useState(false);
  useInput((input) => {
    if (input === 'c') {
      // OSC 52: terminals that support it put the address on the clipboard
      process.stdout.write(`\u001b]52;c;${Buffer.from(account.address).toString('base64')}\u0007`);
      setCopied(true);
    }
  });
  return (
    <Box flexDirection="column">
      <Text>Your address ({account.label}):</Text>
      <Box borderStyle="single" paddingX={1} marginY={1}>
        <Text bold>{account.address}</Text>
      </Box>
      <Text dimColor>
        Select it with the mouse, or press c to copy it (terminals with OSC 52).{copied ? ' Copied.' : ''}
      </Text>
    </Box>
  );
}

/** The width of a screen's content: 80 columns less the padding. */
const CONTENT_WIDTH = 78;

/** Shortens text to `width` with … in the middle (both ends of an address stay recognisable). */
function fitMiddle(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}

/**
 * One history row on one line of the content width: amount, fee and confirmations keep their full
 * digits (the longest amount, -20999999.99999999, fits) and the counterparty gets what is left.
 */
function historyLine(dir: string, other: string, amount: string, fee: string, conf: string): string {
  const right = `${amount.padStart(18)} ${fee.padStart(10)} ${conf.padStart(6)}`;
  const room = Math.max(8, CONTENT_WIDTH - 8 - right.length);
  return `${dir.padEnd(6)} ${fitMiddle(other, room)} ${right}`;
}

function History(props: {
  account: Account;
  info: AddressInfo | undefined;
  offset: number;
  setOffset: (n: number) => void;
}) {
  const { info, account, offset } = props;
  useInput((input) => {
    if (input === 'n' && info && info.history.length === PAGE) props.setOffset(offset + PAGE);
    if (input === 'p' && offset > 0) props.setOffset(Math.max(0, offset - PAGE));
  });
  if (!info) return <Text dimColor>loading…</Text>;
  const rows = info.history.map((h) => describeHistoryEntry(account.address, h));
  return (
    <Box flexDirection="column">
      <Text bold>History (newest first) · page {offset / PAGE + 1}</Text>
      <Text dimColor>{historyLine('dir', 'counterparty', 'amount', 'fee', 'conf')}</Text>
      {rows.length === 0 ? <Text dimColor>no transactions yet</Text> : null}
      {rows.map((r) => (
        <Text key={r.txid} wrap="truncate">
          {historyLine(
            r.direction,
            r.counterparty ?? 'coinbase',
            r.amountText,
            r.fee === undefined ? '' : formatCoins(r.fee),
            String(r.confirmations),
          )}
        </Text>
      ))}
      <Text dimColor>n next page · p previous page</Text>
    </Box>
  );
}

function Send(props: {
  service: WalletService;
  account: Account;
  setEditing: (e: boolean) => void;
  tick: number;
  leave: () => void;
}) {
  const { service, account } = props;
  const [step, setStep] = useState<'to' | 'amount' | 'fee' | 'pending' | 'confirm' | 'sending' | 'sent'>(
    'to',
  );
  const [pendingWarning, setPendingWarning] = useState('');
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [fee, setFee] = useState(DEFAULT_FEE);
  const [error, setError] = useState('');
  const [prepared, setPrepared] = useState<PreparedSend | undefined>();
  const [txStatus, setTxStatus] = useState('');
  // a second y can arrive before React has drawn the 'sending' step: this ref, not the step, says
  // whether the transaction is already on its way
  const submitting = useRef(false);
  const [unknownOutcome, setUnknownOutcome] = useState(false);
  const editing = step === 'to' || step === 'amount' || step === 'fee';
  const highFee = prepared !== undefined && prepared.fee > DEFAULT_MAX_FEE;
  useEffect(() => props.setEditing(editing), [editing, props.setEditing]);
  useEffect(() => () => props.setEditing(false), [props.setEditing]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` changes at every refresh: the status is asked again then
  useEffect(() => {
    if (step !== 'sent' || !prepared) return;
    void service.node.txStatus(prepared.txid).then(
      (s) =>
        setTxStatus(
          s.status === 'confirmed'
            ? `confirmed (${s.confirmations ?? 1} confirmation${s.confirmations === 1 ? '' : 's'}, block ${s.height})`
            : s.status === 'pending'
              ? 'pending: waiting for a block'
              : 'the node does not have it (not accepted, or dropped)',
        ),
      () => setTxStatus('node unreachable: status unknown'),
    );
  }, [props.tick, step, prepared, service]);

  const prepare = async (allowPending = false) => {
    try {
      setPrepared(await service.prepareSend(account, to, amount, fee, undefined, allowPending));
      setError('');
      setStep('confirm');
    } catch (err) {
      if (err instanceof WalletError && err.code === 'PENDING_SEND') {
        // an earlier send may still go out: the user decides, nothing is signed yet
        setPendingWarning(err.message);
        setError('');
        setStep('pending');
        return;
      }
      setError((err as Error).message);
      const code = (err as WalletError).code;
      setStep(code === 'BAD_ADDRESS' ? 'to' : code === 'BAD_FEE' ? 'fee' : 'amount');
    }
  };
  useInput(
    (input, key) => {
      // a fee above the limit is sent only on a capital Y, never on y or Enter
      const confirmed = highFee ? input === 'Y' : input === 'y' || key.return;
      if (step === 'confirm' && confirmed && prepared) {
        if (submitting.current) return;
        submitting.current = true;
        setStep('sending');
        service.send(prepared).then(
          () => {
            setUnknownOutcome(false);
            setStep('sent');
            setTxStatus('sent: pending');
          },
          (err: Error) => {
            if (err instanceof WalletError && err.code === 'SUBMIT_UNKNOWN') {
              // it may be on the node: follow its status and keep it from being sent again
              setUnknownOutcome(true);
              setStep('sent');
              setTxStatus('no answer yet');
              return;
            }
            submitting.current = false;
            setError(err.message);
            setStep('amount');
          },
        );
      } else if (step === 'confirm' && (input === 'n' || key.escape)) setStep('amount');
      else if (step === 'pending' && input === 'y') void prepare(true);
      else if (step === 'pending' && (input === 'n' || key.escape)) setStep('amount');
      else if (step === 'sent' && input === 'x') {
        submitting.current = false;
        setTo('');
        setAmount('');
        setPrepared(undefined);
        setStep('to');
      }
    },
    { isActive: step === 'confirm' || step === 'sent' || step === 'pending' },
  );
  // Esc while typing leaves the form (the tab keys are off while a field has the focus)
  useInput((_i, key) => key.escape && (props.setEditing(false), props.leave()), { isActive: editing });

  const recipientError = checkRecipient(service.params, to);
  return (
    <Box flexDirection="column">
      <Text bold>Send from {account.label}</Text>
      <Box>
        <Text>To: </Text>
        <TextInput
          value={to}
          onChange={setTo}
          focus={step === 'to'}
          maxLength={64}
          onSubmit={(v) => {
            const problem = v.trim() === '' ? 'enter an address' : checkRecipient(service.params, v);
            if (problem) setError(problem);
            else {
              setError('');
              setStep('amount');
            }
          }}
        />
      </Box>
      {to && recipientError ? <Text color="yellow"> {recipientError}</Text> : null}
      <Box>
        <Text>{step === 'amount' ? '› ' : '  '}Amount: </Text>
        <TextInput
          value={amount}
          onChange={setAmount}
          focus={step === 'amount'}
          maxLength={20}
          placeholder="coins, e.g. 12.5"
          onSubmit={() => setStep('fee')}
        />
      </Box>
      <Box>
        <Text>Fee: </Text>
        <TextInput
          value={fee}
          onChange={setFee}
          focus={step === 'fee'}
          maxLength={20}
          onSubmit={() => void prepare(false)}
        />
      </Box>
      {step === 'pending' ? (
        <Box flexDirection="column" borderStyle="round" paddingX={1} marginTop={1}>
          <Text color="yellow" bold>
            An earlier send is not confirmed yet: paying again may pay twice.
          </Text>
          <Text>{pendingWarning}</Text>
          <Text>Press y to make a second payment anyway, n to go back.</Text>
        </Box>
      ) : null}
      {step === 'confirm' && prepared ? (
        <Box flexDirection="column" borderStyle="round" paddingX={1} marginTop={1}>
          <Text>
            Send <Text bold>{formatCoins(prepared.amount)}</Text> to {prepared.to}
          </Text>
          <Text>
            Fee {formatCoins(prepared.fee)} · Total <Text bold>{formatCoins(prepared.total)}</Text>
          </Text>
          {highFee ? (
            <>
              <Text color="red" bold>
                The fee is more than {formatCoins(DEFAULT_MAX_FEE)} coin: is it a typo?
              </Text>
              <Text>Press Y (capital) to pay this fee anyway, n to change it.</Text>
            </>
          ) : (
            <Text>Press y to send, n to change.</Text>
          )}
        </Box>
      ) : null}
      {step === 'sending' ? <Text>sending…</Text> : null}
      {step === 'sent' && prepared ? (
        <Box flexDirection="column" marginTop={1}>
          {unknownOutcome ? (
            <>
              <Text color="yellow">Submitted, outcome unknown: the node did not answer.</Text>
              <Text color="yellow">txid {prepared.txid}</Text>
              <Text dimColor>
                Do not send it again until the status below says the node does not have it.
              </Text>
            </>
          ) : (
            <Text color="green">Sent. txid {prepared.txid}</Text>
          )}
          <Text>Status: {txStatus}</Text>
          <Text dimColor>x new send</Text>
        </Box>
      ) : null}
      {error ? <Text color="red">{error}</Text> : null}
    </Box>
  );
}

/** Accounts listed at once: with the title, the "more" lines and the prompt, 15 of the 17 content rows. */
const ACCOUNT_ROWS = 10;

function Accounts(props: {
  wallet: Wallet;
  index: number;
  setIndex: (i: number) => void;
  setEditing: (e: boolean) => void;
  add: (label: string) => Promise<void>;
}) {
  const [cursor, setCursor] = useState(props.index);
  const accounts = props.wallet.accounts;
  // a window of the list around the cursor, so that any number of accounts fits 80×24
  const first = Math.max(0, Math.min(cursor - Math.floor(ACCOUNT_ROWS / 2), accounts.length - ACCOUNT_ROWS));
  const [adding, setAdding] = useState(false);
  const [label, setLabel] = useState('');
  const [error, setError] = useState('');
  useEffect(() => props.setEditing(adding), [adding, props.setEditing]);
  useEffect(() => () => props.setEditing(false), [props.setEditing]);
  useInput(
    (input, key) => {
      if (key.upArrow) setCursor((c) => Math.max(0, c - 1));
      else if (key.downArrow) setCursor((c) => Math.min(props.wallet.accounts.length - 1, c + 1));
      else if (key.return) props.setIndex(cursor);
      else if (input === 'n') setAdding(true);
    },
    { isActive: !adding },
  );
  return (
    <Box flexDirection="column">
      <Text bold>Accounts ({accounts.length})</Text>
      {first > 0 ? <Text dimColor>↑ {first} more</Text> : null}
      {accounts.slice(first, first + ACCOUNT_ROWS).map((a, i) => (
        <Text key={a.address} inverse={first + i === cursor} wrap="truncate">
          {first + i === props.index ? '● ' : '  '}
          {a.label.padEnd(32)} {a.address}
        </Text>
      ))}
      {first + ACCOUNT_ROWS < accounts.length ? (
        <Text dimColor>↓ {accounts.length - first - ACCOUNT_ROWS} more</Text>
      ) : null}
      {adding ? (
        <Box>
          <Text>New account label: </Text>
          <TextInput
            value={label}
            onChange={setLabel}
            maxLength={32}
            onSubmit={(v) =>
              void props.add(v.trim()).then(
                () => (setAdding(false), setLabel(''), setError('')),
                (err: Error) => setError(err.message),
              )
            }
          />
        </Box>
      ) : (
        <Text dimColor>↑↓ choose · Enter use · n new account</Text>
      )}
      {error ? <Text color="red">{error}</Text> : null}
    </Box>
  );
}

function HelpBar({ keys }: { keys: string }) {
  return (
    <Box borderStyle="single" borderTop borderBottom={false} borderLeft={false} borderRight={false}>
      <Text dimColor>{keys}</Text>
    </Box>
  );
}
