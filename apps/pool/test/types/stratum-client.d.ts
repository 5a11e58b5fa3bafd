/** Types for the untyped npm package `stratum-client` 1.1.0, as far as the interop test uses it. */
declare module 'stratum-client' {
  interface Work {
    extraNonce1: string;
    extraNonce2Size: number;
    miningDiff: number;
    jobId: string;
    prevhash: string;
    coinb1: string;
    coinb2: string;
    merkle_branch: string[];
    version: string;
    nbits: string;
    ntime: string;
    clean_jobs: boolean;
  }
  interface Options {
    server: string;
    port: number;
    worker: string;
    password?: string;
    autoReconnectOnError?: boolean;
    onConnect?: () => void;
    onClose?: () => void;
    onError?: (error: Error) => void;
    onAuthorizeSuccess?: (error: unknown, result: unknown) => void;
    onAuthorizeFail?: (error: unknown, result: unknown) => void;
    onNewDifficulty?: (difficulty: number) => void;
    onSubscribe?: (data: { extraNonce1: string; extraNonce2Size: number }) => void;
    onNewMiningWork?: (work: Work) => void;
    onSubmitWorkSuccess?: (error: unknown, result: unknown) => void;
    onSubmitWorkFail?: (error: unknown, result: unknown) => void;
  }
  interface Submission {
    worker_name: string;
    job_id: string;
    extranonce2: string;
    ntime: string;
    nonce: string;
  }
  interface Connection {
    submit(submission: Submission): void;
    shutdown(): void;
  }
  // biome-ignore lint/style/noDefaultExport: the package is CommonJS (module.exports = function)
  export default function stratumClient(options: Options): Connection;
}
