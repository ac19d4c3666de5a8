/** One record to archive: the SQS messageId it came from and its archive line (JSON plus `\n`). */
export interface ArchiveEntry {
  id: string;
  line: Buffer;
}

/**
 * One Firehose record as the processor sends it: `data` is the GZIP of whole archive lines of one
 * batch, in order, and `ids` the SQS messageIds of those lines, in the same order. When the
 * record is not stored, every one of them failed.
 */
export interface PackedRecord {
  ids: string[];
  data: Buffer;
}

/** What one archive write did: the ids whose lines are not stored (each with a reason). */
export interface ArchiveWriteResult {
  failed: Map<string, string>;
}

/**
 * Where the processor archives each batch before its handlers run: Firehose in AWS
 * (`createFirehoseArchiveWriter`), a folder locally (`local/archive.ts`). `write` resolves once
 * every entry not listed in `failed` is stored; it never rejects.
 */
export interface ArchiveWriter {
  /** The Firehose stream written to, for a writer that writes to one (checked against the environment's). */
  readonly deliveryStreamName?: string;
  write(entries: readonly ArchiveEntry[]): Promise<ArchiveWriteResult>;
}

/** What the archive step decided for one batch. */
export interface ArchiveOutcome {
  /** messageId to the reason its archive failed: these records fail without running a handler. */
  failed: Map<string, string>;
  /** Records written to the archive. */
  archived: number;
}
