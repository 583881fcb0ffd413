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
