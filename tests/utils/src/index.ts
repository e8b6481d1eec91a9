/**
 * @module Test helpers (private): validate every message pmcp emits against the official JSON Schema of its
 * MCP revision (spec/<revision>/schema.json).
 */
export {
  createSpecRecorder,
  type Direction,
  type RecordedMessage,
  type SpecRecorder,
  type SpecReport,
  type SpecValidatingTransport,
  type SpecValidationOptions,
  validateConversation,
  withSpecValidation,
} from './spec-recorder.ts';
export {
  isKnownRevision,
  type MessageSender,
  type ValidationHint,
  type ValidationResult,
  validateMessage,
} from './validate-message.ts';
