export {
  equalBytes,
  fromBase64,
  keyId,
  leafHash,
  parseVerifierKey,
  toBase64,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type VerifierKey,
} from './verify.ts';
export {
  acceptCheckpoint,
  judgeCheckpoint,
  parseState,
  stateFileName,
  type MonitorState,
  type Verdict,
} from './monitor.ts';
