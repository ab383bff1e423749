/**
 * XEP-0363 HTTP File Upload, hosted on the server JID: a slot request (filename,
 * size, content-type) is checked by the file service like any upload (size, quota,
 * type) and answered with a PUT URL (a one-shot token valid SLOT_TTL_MS) and a GET
 * URL (a capability that does not expire). The bytes go through the HTTP side
 * (gateways/http/routes-xmpp-upload.ts). A chat or groupchat message whose body is a
 * GET URL of the sender's own file becomes a native file message (fileOfBody).
 */
import { AppError } from '../../../domain/errors';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, el, text, type XmlElement } from '../xml';

export const NS_UPLOAD = 'urn:xmpp:http:upload:0';
export const NS_OOB = 'jabber:x:oob';
const SLOT_TTL_MS = 5 * 60_000;

/** What an XMPP body becomes: text, or a file message (a GET URL of the sender's own file). */
export type MessageContentIn = { type: 'text'; text: string } | { type: 'file'; fileId: string };

/** The disco#info extras of the server JID: the upload identity and its XEP-0128 form. */
export function uploadDiscoInfo(ctx: XmppContext): XmlElement[] {
  const max = ctx.services.files.limits.maxFileBytes;
  return [
    el('identity', { category: 'store', type: 'file', name: 'HTTP File Upload' }),
    el(
      'x',
      { xmlns: 'jabber:x:data', type: 'result' },
      el('field', { var: 'FORM_TYPE', type: 'hidden' }, el('value', {}, NS_UPLOAD)),
      el('field', { var: 'max-file-size' }, el('value', {}, String(max))),
    ),
  ];
}

function slotError(error: unknown, max: number): unknown {
  if (!(error instanceof AppError)) return error;
  switch (error.code) {
    case 'file_too_large':
      return new StanzaError('not-acceptable', 'modify', error.message, [
        el('file-too-large', { xmlns: NS_UPLOAD }, el('max-file-size', {}, String(max))),
      ]);
    case 'quota_exceeded':
      return new StanzaError('resource-constraint', 'wait', error.message);
    case 'file_type_not_allowed':
      return new StanzaError('not-acceptable', 'modify', error.message);
    default:
      return error;
  }
}

async function requestSlot(ctx: XmppContext, _iq: XmlElement, request: XmlElement): Promise<XmlElement> {
  if (request.name !== 'request') throw new StanzaError('bad-request', 'modify');
  const filename = request.attrs.filename ?? '';
  const sizeText = request.attrs.size ?? '';
  if (filename === '' || !/^\d{1,15}$/.test(sizeText)) {
    throw new StanzaError('bad-request', 'modify', 'filename and size are required');
  }
  const max = ctx.services.files.limits.maxFileBytes;
  const slot = await ctx.services.files
    .requestSlot(
      ctx.auth,
      { filename, size: Number(sizeText), contentType: request.attrs['content-type'] },
      SLOT_TTL_MS,
    )
    .catch((error: unknown) => {
      throw slotError(error, max);
    });
  const base = ctx.httpUrl();
  return el(
    'slot',
    { xmlns: NS_UPLOAD },
    el('put', { url: `${base}${slot.putPath}` }),
    el('get', { url: `${base}${slot.getPath}` }),
  );
}

/**
 * The file a message body names: the body (trimmed) is exactly a GET URL of ours for a
 * file the sender owns, with or without a XEP-0066 `<x xmlns='jabber:x:oob'>` naming the
 * same URL. Null: the body is text.
 */
export async function fileOfBody(ctx: XmppContext, stanza: XmlElement, body: string): Promise<string | null> {
  const url = body.trim();
  const base = ctx.httpUrl();
  if (!url.startsWith(`${base}/`) || /\s/.test(url)) return null;
  const oob = child(stanza, 'x', NS_OOB);
  const oobUrl = oob ? child(oob, 'url') : undefined;
  if (oobUrl && text(oobUrl).trim() !== url) return null;
  return ctx.services.files.ownFileOfCapabilityPath(ctx.auth, url.slice(base.length));
}

/** The absolute GET URL of a file the reader may see; null when it may not (or it is gone). */
export async function fileUrl(ctx: XmppContext, fileId: string): Promise<string | null> {
  try {
    return `${ctx.httpUrl()}${await ctx.services.files.capabilityPath(ctx.auth, fileId)}`;
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return null;
    throw error;
  }
}

export function registerUpload(router: Router): void {
  router.onIq('get', NS_UPLOAD, requestSlot);
}
