/**
 * The part of the store port about files: upload records, their media details,
 * and which messages refer to them. Kept in its own file so the Store interface
 * only gains one `extends`.
 */
import type { FileKind, Message } from '@parley/protocol';

export type FileStatus = 'uploading' | 'ready';

export interface FileRecord {
  id: string;
  ownerId: string;
  status: FileStatus;
  /** The sender's file name (display only; never used as a path). */
  name: string;
  /** Bytes: as declared while uploading, as stored once ready. */
  size: number;
  /** While uploading: the client's declared type; once ready: sniffed from the bytes. */
  mime: string;
  kind: FileKind;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  placeholder: string | null;
  waveform: number[] | null;
  blobKey: string;
  thumbKey: string | null;
  createdAt: number;
  completedAt: number | null;
}

export type NewFile = Pick<FileRecord, 'id' | 'ownerId' | 'name' | 'size' | 'mime' | 'kind' | 'blobKey' | 'createdAt'>;

/** What processing a finished upload learned; turns the record `ready`. */
export type FileCompletion = Pick<
  FileRecord,
  'size' | 'mime' | 'kind' | 'width' | 'height' | 'durationMs' | 'placeholder' | 'waveform' | 'thumbKey' | 'completedAt'
>;

export interface ConversationFilesRange {
  kinds: readonly FileKind[];
  before?: number | undefined;
  limit: number;
}

export interface FileRecords {
  createFile(file: NewFile): Promise<FileRecord>;
  getFile(id: string): Promise<FileRecord | undefined>;
  /** Marks an uploading file ready; undefined when it does not exist (or is already ready). */
  completeFile(id: string, completion: FileCompletion): Promise<FileRecord | undefined>;
  /** Deletes the record and its refs; true when it existed. */
  deleteFile(id: string): Promise<boolean>;
  /** Bytes the user's files take (uploads in progress count their declared size). */
  sumFileBytes(ownerId: string): Promise<number>;
  /**
   * The conversations with a message that carries the file (distinct). Whoever is a member
   * of one may download it: the file service checks with getMemberRecord, never a member list.
   */
  listFileConversations(fileId: string): Promise<string[]>;
  /** Records that a message carries a file (idempotent). appendMessage does this for `file` content itself. */
  addFileRef(fileId: string, messageId: string, conversationId: string): Promise<void>;
  /** Removes the message's refs; returns the ids of files that no message refers to any more. */
  releaseFileRefs(messageId: string): Promise<string[]>;
  /**
   * The conversation's messages that carry a file of one of `kinds` (tombstones never do),
   * newest first by seq, those with seq < `before` when given: the "media and files" gallery.
   */
  listConversationFiles(conversationId: string, range: ConversationFilesRange): Promise<Message[]>;
  /** Files no message refers to, created before `createdBefore` (oldest first). */
  listUnreferencedFiles(options: { createdBefore: number; limit: number }): Promise<FileRecord[]>;
}
