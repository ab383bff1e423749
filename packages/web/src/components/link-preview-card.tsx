/**
 * The link previews of a message, under its text (ADR 0017): for each, a card with
 * the site's name, the page's title and description and the image Parley copied
 * (served by this server: opening the conversation never contacts the site). The
 * whole card is one link to the page (a new tab, `rel="noopener noreferrer"`), so a
 * keyboard reaches it with Tab and opens it with Enter. On my own messages a button
 * removes the previews for every reader. Texts are in bidi isolation (user-text.tsx).
 */
import type { LinkPreview } from '@parley/protocol';
import { safeHref } from '../lib/linkify';
import { useController } from '../state/context';
import { CloseIcon } from './icons';
import { UserText } from './user-text';

export function LinkPreviews({
  messageId,
  previews,
  mine,
}: {
  messageId: string;
  previews: readonly LinkPreview[];
  mine: boolean;
}) {
  const controller = useController();
  if (previews.length === 0) return null;
  return (
    <div className="link-previews" data-testid="link-previews">
      {previews.map((preview) => (
        <LinkPreviewCard key={preview.url} preview={preview} />
      ))}
      {mine && (
        <button
          type="button"
          className="link-preview-remove icon-button"
          aria-label={previews.length === 1 ? 'Remove link preview' : 'Remove link previews'}
          title="Remove preview"
          data-testid="link-preview-remove"
          onClick={() => void controller.removeLinkPreviews(messageId)}
        >
          <CloseIcon />
        </button>
      )}
    </div>
  );
}

/** Images come only from this server's preview store, never from another host. */
const IMAGE_PATH = /^\/v1\/link-previews\/images\/[0-9a-f]{64}\.webp$/;

function LinkPreviewCard({ preview }: { preview: LinkPreview }) {
  const href = safeHref(preview.url);
  if (href === undefined || !/^https?:/i.test(href)) return null;
  const title = preview.title ?? preview.url;
  const image = preview.image !== undefined && IMAGE_PATH.test(preview.image.url) ? preview.image : undefined;
  return (
    <a className="link-preview" href={href} target="_blank" rel="noopener noreferrer" data-testid="link-preview">
      {image !== undefined && (
        <img
          className="link-preview-image"
          src={image.url}
          width={image.width}
          height={image.height}
          alt=""
          loading="lazy"
          referrerPolicy="no-referrer"
        />
      )}
      <span className="link-preview-body">
        {preview.siteName !== undefined && <UserText className="link-preview-site" text={preview.siteName} />}
        <UserText className="link-preview-title" text={title} />
        {preview.description !== undefined && (
          <UserText className="link-preview-description" text={preview.description} />
        )}
      </span>
    </a>
  );
}
