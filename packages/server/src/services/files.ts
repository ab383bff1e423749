/**
 * Files (issue 5): the upload lifecycle, sending, downloads and cleanup. Every
 * rule about files lives here, for every way in (tus uploads, the HTTP download
 * routes, `message.send` with file content):
 * - checkUpload refuses an upload before any byte arrives: size, quota, type;
 * - only the owner may continue, resume or cancel an upload, and send the file;
 * - downloads need membership of a conversation whose message carries the file
 *   (or ownership), or a signed link made for such a member;
 * - a file is deleted once no message carries it (releaseForMessage), and the
 *   periodic cleanup removes expired uploads, unsent files and stray blobs.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { FileContent, FileSendContent, FileVariant } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { avatarImage } from '../media/image';
import { servableInline, SNIFF_BYTES, sniffType, typeAllowed } from '../media/sniff';
import type { BlobStore, ByteRange } from '../ports/blob-store';
import type { FileRecord } from '../ports/file-records';
import type { UploadStaging } from '../ports/upload-staging';
import type { AuthContext } from './accounts';
import type { ServiceDeps } from './deps';
import type { FileLinkSigner } from './file-links';
import { analyze, bodyOf, cleanFileName, readHints, type UploadMetadata } from './file-upload';

export interface FileLimits {
  maxFileBytes: number;
  userQuotaBytes: number;
  /** Patterns as in PARLEY_FILE_TYPES: `*`, `image/*`, `application/pdf`. */
  allowedTypes: readonly string[];
  stripImageMetadata: boolean;
  imageMaxProcessBytes: number;
  /** Unfinished uploads and unsent files older than this are deleted. */
  uploadExpiryMs: number;
}

export interface FileDeps {
  blobs: BlobStore;
  staging: UploadStaging;
  /** This node (PARLEY_NODE_ID): uploads in progress are staged on the node that created them. */
  nodeId: string;
  links: FileLinkSigner;
  limits: FileLimits;
}

export interface Download {
  file: FileRecord;
  key: string;
  size: number;
  mime: string;
  /** False: serve as an attachment (Content-Disposition: attachment). */
  inline: boolean;
  name: string;
}

/** The largest avatar accepted as bytes (vCard PHOTO): 128 KiB, a 512x512 JPEG or a good PNG. */
export const AVATAR_MAX_BYTES = 128 * 1024;
/** The largest image accepted by `PUT /v1/me/avatar` before it is made a small square: 5 MiB. */
export const AVATAR_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
const AVATAR_TYPES = new Map([
  ['image/png', 'png'],
  ['image/jpeg', 'jpeg'],
  ['image/gif', 'gif'],
  ['image/webp', 'webp'],
]);

/** A staged upload without an `uploading` record is removed once idle this long. */
const STAGING_GRACE_MS = 10 * 60 * 1000;

const blobKeyOf = (id: string) => `files/${id}`;
const thumbKeyOf = (id: string) => `thumbs/${id}.webp`;
const idOfKey = (key: string) => /^(?:files|thumbs)\/([A-Za-z0-9_-]+)(?:\.webp)?$/.exec(key)?.[1];

export class FileService {
  /** XEP-0363 slots whose PUT is in progress on this node (a second PUT is refused). */
  private readonly putting = new Set<string>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileDeps,
  ) {}

  get limits(): FileLimits {
    return this.files.limits;
  }

  /** The node whose disk stages the uploads this one receives (their URLs name it). */
  get nodeId(): string {
    return this.files.nodeId;
  }

  /** Size, quota and declared type: refused before a byte is stored. */
  async checkUpload(auth: AuthContext, size: number | undefined, declaredType: string | undefined): Promise<void> {
    const { maxFileBytes, userQuotaBytes, allowedTypes } = this.files.limits;
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new AppError('bad_request', 'Give the upload size in Upload-Length (deferred lengths are not accepted).');
    }
    if (size > maxFileBytes) {
      throw new AppError('file_too_large', `The file has ${size} bytes; the limit is ${maxFileBytes}.`, {
        details: { size, maxFileBytes },
      });
    }
    const used = await this.deps.store.sumFileBytes(auth.user.id);
    if (used + size > userQuotaBytes) {
      throw new AppError('quota_exceeded', `This upload needs ${size} bytes; ${userQuotaBytes - used} are left.`, {
        details: { size, usedBytes: used, quotaBytes: userQuotaBytes },
      });
    }
    const declared = declaredType?.trim().toLowerCase() || 'application/octet-stream';
    // A media type is printable ASCII (RFC 6838); it is stored until the sniffed type replaces it.
    if (!/^[\x21-\x7e][\x20-\x7e]{0,254}$/.test(declared)) {
      throw new AppError(
        'bad_request',
        'The declared file type is not a media type (printable ASCII, like image/png).',
      );
    }
    if (!typeAllowed(declared, allowedTypes)) {
      throw new AppError('file_type_not_allowed', `Files of type ${declared} are not accepted here.`, {
        details: { type: declared, allowed: allowedTypes },
      });
    }
  }

  /** Creates the record of a new upload (status `uploading`); its size counts against the quota at once. */
  async createUpload(auth: AuthContext, size: number | undefined, meta: UploadMetadata): Promise<FileRecord> {
    const name = cleanFileName(meta.filename);
    await this.checkUpload(auth, size, meta.filetype ?? undefined);
    const now = this.deps.clock.now();
    const id = newId('f', now);
    return this.deps.store.createFile({
      id,
      ownerId: auth.user.id,
      name,
      size: size ?? 0,
      mime: meta.filetype ?? 'application/octet-stream',
      kind: 'file',
      blobKey: blobKeyOf(id),
      createdAt: now,
    });
  }

  /**
   * Only the owner may write to, resume or cancel an upload in progress. An upload
   * is staged on the node that created it (`stagedOn`, from its URL). A request for
   * it that reaches another node which cannot see its bytes (that node is gone, or
   * the load balancer does not route uploads back to it) cannot go on: the record
   * is dropped, so its size leaves the quota, and the client is told to start again.
   */
  async authorizeUpload(auth: AuthContext, fileId: string, stagedOn?: string): Promise<void> {
    const file = await this.deps.store.getFile(fileId);
    if (!file || file.ownerId !== auth.user.id) throw new AppError('not_found', 'No such upload.');
    if (stagedOn === undefined || stagedOn === this.files.nodeId || file.status !== 'uploading') return;
    if (await this.files.staging.info(fileId)) return; // the nodes share one staging folder
    await this.deps.store.deleteFile(fileId);
    this.deps.logger.warn(
      { fileId, stagedOn, node: this.files.nodeId },
      `an upload staged on node ${stagedOn} reached this node, which cannot see it: dropped (route /v1/uploads/${stagedOn}/ to that node while it runs)`,
    );
    throw new AppError(
      'upload_unavailable',
      `This upload is kept by node ${stagedOn}, which this request could not reach: start the upload again.`,
      { details: { node: stagedOn } },
    );
  }

  /**
   * Called once the last byte has arrived: sniffs, processes and stores the file,
   * then removes the staged upload. A type refused after sniffing deletes everything.
   */
  async finishUpload(fileId: string, meta: UploadMetadata): Promise<FileRecord> {
    const file = await this.deps.store.getFile(fileId);
    if (!file || file.status !== 'uploading') throw new AppError('not_found', 'No such upload.');
    return this.storeUpload(file, meta, () => this.files.staging.read(fileId));
  }

  private async storeUpload(
    file: FileRecord,
    meta: UploadMetadata,
    open: () => Promise<Readable>,
  ): Promise<FileRecord> {
    const fileId = file.id;
    const { staging, blobs, limits } = this.files;
    const hints = readHints(meta);
    const analysis = await analyze(open, file.size, hints, {
      stripMetadata: limits.stripImageMetadata,
      imageMaxProcessBytes: limits.imageMaxProcessBytes,
      logger: this.deps.logger,
    });
    if (!typeAllowed(analysis.mime, limits.allowedTypes)) {
      await this.deleteEverywhere(file);
      throw new AppError('file_type_not_allowed', `The content is ${analysis.mime}, which is not accepted here.`, {
        details: { type: analysis.mime, allowed: limits.allowedTypes },
      });
    }
    const size = await blobs.put(file.blobKey, await bodyOf(analysis, open));
    const image = analysis.image;
    if (image) await blobs.put(thumbKeyOf(fileId), image.thumbnail);
    const media = analysis.kind === 'video' || analysis.kind === 'audio' || analysis.kind === 'voice';
    const completed = await this.deps.store.completeFile(fileId, {
      size,
      mime: analysis.mime,
      kind: analysis.kind,
      width: image?.width ?? (analysis.kind === 'video' ? hints.width : null),
      height: image?.height ?? (analysis.kind === 'video' ? hints.height : null),
      durationMs: media ? hints.durationMs : null,
      placeholder: image?.placeholder ?? null,
      waveform: analysis.kind === 'voice' || analysis.kind === 'audio' ? hints.waveform : null,
      thumbKey: image ? thumbKeyOf(fileId) : null,
      completedAt: this.deps.clock.now(),
    });
    await staging.remove(fileId);
    if (completed) return completed;
    // Finished meanwhile by a concurrent call (the tus PATCH and a send), or cancelled.
    const now = await this.deps.store.getFile(fileId);
    if (now?.status === 'ready') return now;
    throw new AppError('not_found', 'The upload was cancelled.');
  }

  /**
   * XEP-0363 (XMPP HTTP upload): a slot for one file, checked like any upload (size,
   * quota, declared type) and recorded at once as `uploading` (so its size counts against
   * the quota, and cleanup removes it when no bytes come). Returns paths, no host:
   * the PUT path carries a token valid `slotTtlMs`, the GET path a capability.
   */
  async requestSlot(
    auth: AuthContext,
    slot: { filename: string; size: number; contentType: string | undefined },
    slotTtlMs: number,
  ): Promise<{ fileId: string; putPath: string; getPath: string }> {
    const file = await this.createUpload(auth, slot.size, {
      filename: slot.filename,
      filetype: slot.contentType ?? null,
    });
    const token = this.files.links.slotToken(file.id, this.deps.clock.now() + slotTtlMs);
    const name = encodeURIComponent(file.name);
    return {
      fileId: file.id,
      putPath: `/v1/xmpp-upload/${file.id}/${token}/${name}`,
      getPath: this.capabilityPathOf(file),
    };
  }

  private capabilityPathOf(file: FileRecord): string {
    return `/v1/xmpp-files/${file.id}/${this.files.links.capability(file.id)}/${encodeURIComponent(file.name)}`;
  }

  /**
   * The PUT of a XEP-0363 slot: the token must be valid and unexpired, the file still
   * `uploading` (one-shot), and the body exactly the slot's size. The bytes go to a raw
   * blob (`files/<id>.put`, which cleanup removes if a crash leaves it), are sniffed and
   * processed like a tus upload, and the raw blob is deleted.
   */
  async putSlot(fileId: string, token: string, contentLength: number | undefined, body: Readable): Promise<FileRecord> {
    if (!this.files.links.verifySlot(fileId, token, this.deps.clock.now())) {
      throw new AppError('forbidden', 'The upload slot is invalid or has expired.');
    }
    const file = await this.deps.store.getFile(fileId);
    if (!file || file.status !== 'uploading' || this.putting.has(fileId)) {
      throw new AppError('forbidden', 'The upload slot was used already.');
    }
    if (contentLength !== file.size) {
      throw new AppError('bad_request', `The slot is for ${file.size} bytes; send Content-Length: ${file.size}.`);
    }
    this.putting.add(fileId);
    const rawKey = `${file.blobKey}.put`;
    try {
      const size = await this.files.blobs.put(rawKey, body);
      if (size !== file.size) throw new AppError('bad_request', `${size} bytes arrived; the slot is for ${file.size}.`);
      return await this.storeUpload(file, { filename: file.name, filetype: file.mime }, async () => {
        const stream = await this.files.blobs.get(rawKey);
        if (!stream) throw new AppError('not_found', 'The upload is gone.');
        return stream;
      });
    } finally {
      this.putting.delete(fileId);
      await this.files.blobs.delete(rawKey);
    }
  }

  /** A download through a XEP-0363 GET capability (no credentials: the URL is the capability). */
  async authorizeCapabilityDownload(fileId: string, capability: string): Promise<Download> {
    if (!this.files.links.verifyCapability(fileId, capability)) throw new AppError('not_found', 'No such file.');
    return this.readable(fileId, 'original');
  }

  /** The capability path of a file the user may read (for XMPP bodies and XEP-0066). */
  async capabilityPath(auth: AuthContext, fileId: string): Promise<string> {
    await this.authorizeDownload(auth, fileId, 'original');
    const file = await this.deps.store.getFile(fileId);
    if (!file) throw new AppError('not_found', 'No such file.');
    return this.capabilityPathOf(file);
  }

  /**
   * The file a capability path names, if it is valid and the user owns the file (so
   * the user may send it as a file message); null otherwise.
   */
  async ownFileOfCapabilityPath(auth: AuthContext, path: string): Promise<string | null> {
    const match = /^\/v1\/xmpp-files\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)(?:\/[^/?#]*)?$/.exec(path);
    if (!match?.[1] || !match[2] || !this.files.links.verifyCapability(match[1], match[2])) return null;
    const file = await this.deps.store.getFile(match[1]);
    return file && file.ownerId === auth.user.id ? file.id : null;
  }

  /**
   * A profile picture given as bytes (XMPP vCard PHOTO, XEP-0054/0153): at most
   * AVATAR_MAX_BYTES, sniffed (PNG, JPEG, GIF or WebP only), stored as a blob
   * `avatars/<user>/<sha1>.<ext>` (not a file record: a file no message carries is
   * deleted by cleanup). Returns its public path (avatars are public, like the profile)
   * and the SHA-1 of the bytes (XEP-0153 photo hash).
   */
  async storeAvatar(
    auth: AuthContext,
    bytes: Uint8Array,
    ownerId: string = auth.user.id,
  ): Promise<{ path: string; sha1: string; mime: string }> {
    if (bytes.byteLength === 0 || bytes.byteLength > AVATAR_MAX_BYTES) {
      throw new AppError('file_too_large', `An avatar has at most ${AVATAR_MAX_BYTES} bytes.`, {
        details: { size: bytes.byteLength, maxFileBytes: AVATAR_MAX_BYTES },
      });
    }
    const mime = await sniffType(bytes.subarray(0, SNIFF_BYTES));
    const ext = AVATAR_TYPES.get(mime);
    if (ext === undefined) {
      throw new AppError('file_type_not_allowed', `An avatar must be PNG, JPEG, GIF or WebP, not ${mime}.`, {
        details: { type: mime, allowed: [...AVATAR_TYPES.keys()] },
      });
    }
    const sha1 = createHash('sha1').update(bytes).digest('hex');
    const name = `${sha1}.${ext}`;
    await this.files.blobs.put(`avatars/${ownerId}/${name}`, bytes);
    return { path: `/v1/avatars/${ownerId}/${name}`, sha1, mime };
  }

  /**
   * A profile picture uploaded as an image file (`PUT /v1/me/avatar`): at most
   * AVATAR_UPLOAD_MAX_BYTES, sniffed (an image sharp decodes), made square, small and
   * metadata-free (media/image.ts: avatarImage), then stored as storeAvatar does.
   */
  async uploadAvatar(
    auth: AuthContext,
    bytes: Buffer,
    ownerId: string = auth.user.id,
  ): Promise<{ path: string; sha1: string; mime: string }> {
    if (bytes.byteLength === 0 || bytes.byteLength > AVATAR_UPLOAD_MAX_BYTES) {
      throw new AppError('file_too_large', `An avatar upload has at most ${AVATAR_UPLOAD_MAX_BYTES} bytes.`, {
        details: { size: bytes.byteLength, maxFileBytes: AVATAR_UPLOAD_MAX_BYTES },
      });
    }
    const mime = await sniffType(bytes.subarray(0, SNIFF_BYTES));
    if (!AVATAR_TYPES.has(mime)) {
      throw new AppError('file_type_not_allowed', `An avatar must be PNG, JPEG, GIF or WebP, not ${mime}.`, {
        details: { type: mime, allowed: [...AVATAR_TYPES.keys()] },
      });
    }
    let square: Buffer;
    try {
      square = await avatarImage(bytes);
    } catch (error) {
      throw new AppError('bad_request', 'The image could not be read.', { cause: error });
    }
    return this.storeAvatar(auth, square, ownerId);
  }

  /** The SHA-1 and type of an avatar path made by storeAvatar; null for any other URL path. */
  avatarOfPath(path: string): { userId: string; sha1: string; mime: string; key: string } | null {
    const match = /^\/v1\/avatars\/([A-Za-z0-9_-]+)\/([0-9a-f]{40})\.(png|jpeg|gif|webp)$/.exec(path);
    if (!match?.[1] || !match[2] || !match[3]) return null;
    const mime = match[3] === 'jpeg' ? 'image/jpeg' : `image/${match[3]}`;
    return { userId: match[1], sha1: match[2], mime, key: `avatars/${match[1]}/${match[2]}.${match[3]}` };
  }

  /** The bytes of a stored avatar (vCard BINVAL, the public GET); null when gone. */
  async readAvatar(path: string): Promise<{ bytes: Buffer; mime: string; sha1: string } | null> {
    const avatar = this.avatarOfPath(path);
    if (!avatar) return null;
    const stream = await this.files.blobs.get(avatar.key);
    if (!stream) return null;
    return { bytes: await buffer(stream), mime: avatar.mime, sha1: avatar.sha1 };
  }

  /** The path of an avatar the user stored with this SHA-1 (XEP-0084 metadata names it by hash); null if none. */
  async findAvatar(auth: AuthContext, sha1: string): Promise<string | null> {
    if (!/^[0-9a-f]{40}$/.test(sha1)) return null;
    for (const ext of AVATAR_TYPES.values()) {
      if (await this.files.blobs.stat(`avatars/${auth.user.id}/${sha1}.${ext}`)) {
        return `/v1/avatars/${auth.user.id}/${sha1}.${ext}`;
      }
    }
    return null;
  }

  /** Size, type and SHA-1 of a stored avatar without reading it (XEP-0084 `<info/>`); null when gone. */
  async avatarInfo(path: string): Promise<{ sha1: string; mime: string; bytes: number } | null> {
    const avatar = this.avatarOfPath(path);
    const stat = avatar ? await this.files.blobs.stat(avatar.key) : undefined;
    return avatar && stat ? { sha1: avatar.sha1, mime: avatar.mime, bytes: stat.size } : null;
  }

  /** Deletes the avatar at `path` if it is stored under `ownerId` (a deleted conversation's picture). */
  async dropOwnedAvatar(ownerId: string, path: string): Promise<void> {
    const avatar = this.avatarOfPath(path);
    if (avatar && avatar.userId === ownerId) await this.files.blobs.delete(avatar.key);
  }

  /** Deletes a replaced avatar of the user's own (other paths are left alone). */
  async dropAvatar(auth: AuthContext, path: string, ownerId: string = auth.user.id): Promise<void> {
    const avatar = this.avatarOfPath(path);
    if (avatar && avatar.userId === ownerId) await this.files.blobs.delete(avatar.key);
  }

  /** An upload the client terminated (tus DELETE): the record goes, the staged bytes went already. */
  async discardUpload(fileId: string): Promise<void> {
    const file = await this.deps.store.getFile(fileId);
    if (file && file.status === 'uploading') await this.deleteEverywhere(file);
  }

  /** The full content of a `file` message, from the record of an upload the sender owns. */
  async resolveForSend(auth: AuthContext, send: FileSendContent): Promise<FileContent> {
    const file = await this.deps.store.getFile(send.fileId);
    if (!file || file.ownerId !== auth.user.id) throw new AppError('not_found', 'No such file.');
    const ready = file.status === 'ready' ? file : await this.finishIfComplete(file);
    return fileContent(ready, send.caption);
  }

  /**
   * An upload whose bytes have all arrived but that is still `uploading`: storing
   * it failed when its last PATCH came (say S3 was unreachable). Finish it now,
   * so that the sender's retried send succeeds instead of waiting for cleanup.
   */
  private async finishIfComplete(file: FileRecord): Promise<FileRecord> {
    const staged = await this.files.staging.info(file.id);
    if (!staged || staged.size === undefined || staged.offset < staged.size) {
      throw new AppError('file_not_ready', 'The upload has not finished yet.');
    }
    return this.finishUpload(file.id, staged.metadata);
  }

  private async readable(fileId: string, variant: FileVariant): Promise<Download> {
    const file = await this.deps.store.getFile(fileId);
    const key = variant === 'thumbnail' ? file?.thumbKey : file?.blobKey;
    if (!file || file.status !== 'ready' || !key) throw new AppError('not_found', 'No such file.');
    const stat = await this.files.blobs.stat(key);
    if (!stat) throw new AppError('not_found', 'The file is gone.');
    const mime = variant === 'thumbnail' ? 'image/webp' : file.mime;
    return { file, key, size: stat.size, mime, inline: servableInline(mime), name: file.name };
  }

  /**
   * A download by a signed-in user: the owner, or a member of a conversation carrying
   * the file. Membership is the user's own member row (getMemberRecord), one indexed
   * read per conversation carrying the file, never a member list (a channel's may hold
   * 100,000 people).
   */
  async authorizeDownload(auth: AuthContext, fileId: string, variant: FileVariant): Promise<Download> {
    if (!(await this.mayAccess(auth.user.id, fileId))) {
      throw new AppError('not_found', 'No such file (or it was not shared with you).');
    }
    return this.readable(fileId, variant);
  }

  private async mayAccess(userId: string, fileId: string): Promise<boolean> {
    const { store } = this.deps;
    const file = await store.getFile(fileId);
    if (!file) return false;
    if (file.ownerId === userId) return true;
    for (const conversationId of await store.listFileConversations(fileId)) {
      if (await store.getMemberRecord(conversationId, userId)) return true;
    }
    return false;
  }

  /** A download through a signed link. */
  async authorizeSignedDownload(fileId: string, variant: FileVariant, exp: number, sig: string): Promise<Download> {
    if (!this.files.links.verify(fileId, variant, exp, sig, this.deps.clock.now())) {
      throw new AppError('forbidden', 'The link is invalid or has expired: ask for a new one.');
    }
    return this.readable(fileId, variant);
  }

  async link(auth: AuthContext, fileId: string, variant: FileVariant): Promise<{ url: string; expiresAt: number }> {
    await this.authorizeDownload(auth, fileId, variant);
    return this.files.links.sign(fileId, variant, this.deps.clock.now());
  }

  async open(download: Download, range?: ByteRange): Promise<Readable> {
    const stream = await this.files.blobs.get(download.key, range);
    if (!stream) throw new AppError('not_found', 'The file is gone.');
    return stream;
  }

  /** The message delete flow calls this: files no other message carries are deleted. */
  async releaseForMessage(messageId: string): Promise<void> {
    for (const fileId of await this.deps.store.releaseFileRefs(messageId)) {
      const file = await this.deps.store.getFile(fileId);
      if (file) await this.deleteEverywhere(file);
    }
  }

  /**
   * Deletes these files (record, blob, thumbnail) if no message carries them any more: what
   * the messages erased by retention (ADR 0019) or with a deleted conversation (ADR 0020)
   * carried. A file forwarded elsewhere meanwhile stays. Returns how many went.
   */
  async deleteOrphans(fileIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const fileId of fileIds) {
      if ((await this.deps.store.listFileConversations(fileId)).length > 0) continue;
      const file = await this.deps.store.getFile(fileId);
      if (!file) continue;
      await this.deleteEverywhere(file);
      deleted += 1;
    }
    return deleted;
  }

  /**
   * Deletes unfinished uploads and unsent files older than the expiry, and blobs
   * that no record names (a crash between storing and recording). Returns counts.
   */
  async cleanup(batch = 500): Promise<{ files: number; blobs: number; staged: number }> {
    const cutoff = this.deps.clock.now() - this.files.limits.uploadExpiryMs;
    const stale = await this.deps.store.listUnreferencedFiles({ createdBefore: cutoff, limit: batch });
    for (const file of stale) await this.deleteEverywhere(file);
    let blobs = 0;
    for (const prefix of ['files/', 'thumbs/']) {
      for (const blob of await this.files.blobs.list(prefix, { olderThan: cutoff })) {
        const id = idOfKey(blob.key);
        if (id === undefined || !(await this.deps.store.getFile(id))) {
          await this.files.blobs.delete(blob.key);
          blobs += 1;
        }
      }
    }
    const staged = await this.sweepStaging(cutoff);
    if (stale.length + blobs + staged > 0)
      this.deps.logger.info({ files: stale.length, blobs, staged }, 'file cleanup');
    return { files: stale.length, blobs, staged };
  }

  /**
   * Uploads staged on this node whose record is gone or finished: another node
   * dropped or expired it (its cleanup cannot reach this disk), or a crash came
   * between storing and removing. Only those idle for a while, so that an upload
   * finishing right now is left alone.
   */
  private async sweepStaging(cutoff: number): Promise<number> {
    const idleBefore = Math.max(cutoff, this.deps.clock.now() - STAGING_GRACE_MS);
    let removed = 0;
    for (const id of await this.files.staging.listIdle(idleBefore)) {
      const file = await this.deps.store.getFile(id);
      if (file?.status === 'uploading') continue;
      await this.files.staging.remove(id);
      removed += 1;
    }
    return removed;
  }

  private async deleteEverywhere(file: FileRecord): Promise<void> {
    // The record first: from then on nobody can fetch it, and a crash leaves only stray blobs for cleanup.
    await this.deps.store.deleteFile(file.id);
    await this.files.blobs.delete(file.blobKey);
    if (file.thumbKey) await this.files.blobs.delete(file.thumbKey);
    if (file.status === 'uploading') await this.files.staging.remove(file.id);
  }
}

/** The content of a file message: the record's details and the sender's caption. */
function fileContent(file: FileRecord, caption: string | undefined): FileContent {
  return {
    type: 'file',
    fileId: file.id,
    name: file.name,
    size: file.size,
    mime: file.mime,
    kind: file.kind,
    ...(file.width !== null ? { width: file.width } : {}),
    ...(file.height !== null ? { height: file.height } : {}),
    ...(file.durationMs !== null ? { durationMs: file.durationMs } : {}),
    ...(file.placeholder !== null ? { placeholder: file.placeholder } : {}),
    ...(file.waveform !== null ? { waveform: file.waveform } : {}),
    ...(file.thumbKey !== null ? { thumbnail: true } : {}),
    ...(caption !== undefined && caption.trim() !== '' ? { caption } : {}),
  };
}
